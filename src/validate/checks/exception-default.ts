/**
 * ExceptionOnActionFailure has a disputed default (globus-flows.md §1.6.1: the docs prose and
 * the flows-ide schema description say true; the Flows OpenAPI, the globus-automate-client
 * schema and the official examples' behaviour say false — see EngineOptions in
 * src/engine/interpreter.ts). A flow whose logic only works under one of them should say so:
 *  - an Action that leaves it unset and catches ActionFailedException needs true;
 *  - an Action that leaves it unset and whose result is read for a failure (its `.status`,
 *    `.details.code`, … in a Choice or an expression — two_hop's `DestinationStat.details.code
 *    != 'NotFound'`) needs false.
 */
import { pointerOf } from "../../definition/diagnostics.js";
import { isObject, type Check } from "../context.js";

const FAILURE_FIELDS = String.raw`\.(status|details\.(code|error|description|fatal_error))\b`;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export const checkExceptionDefault: Check = (ctx) => {
  const texts = new Map(ctx.states.map((s) => [s.name, JSON.stringify(s.state)]));
  for (const { name, state, type } of ctx.states) {
    if (type !== "Action" || state.ExceptionOnActionFailure !== undefined) continue;
    const ptr = ctx.statePointer(name);
    const catchers = Array.isArray(state.Catch) ? state.Catch : [];
    if (catchers.some((c) => isObject(c) && Array.isArray(c.ErrorEquals) && c.ErrorEquals.includes("ActionFailedException"))) {
      ctx.report("EXCEPTION_DEFAULT_DEPENDENCE", ptr + pointerOf("Catch"), `"${name}" catches ActionFailedException but leaves ExceptionOnActionFailure unset: a FAILED action raises only if the default is true, which Globus's sources dispute`, {
        hint: 'add "ExceptionOnActionFailure": true (the local runtime defaults to false, like the OpenAPI; flowsmith.yaml emulation.exception_on_action_failure_default changes it)',
      });
    }
    const rp = typeof state.ResultPath === "string" ? state.ResultPath : undefined;
    if (!rp || rp === "$" || !rp.startsWith("$.")) continue;
    const at = rp.slice(2);
    const re = new RegExp(`(^|[^\\w.])(\\$\\.)?${escape(at)}${FAILURE_FIELDS}`);
    const reader = [...texts].find(([other, text]) => other !== name && re.test(text));
    if (reader) {
      ctx.report("EXCEPTION_DEFAULT_DEPENDENCE", ptr, `"${reader[0]}" reads whether "${name}" failed (${rp}…) but "${name}" leaves ExceptionOnActionFailure unset: that works only if a FAILED action does not raise, a default Globus's sources dispute`, {
        hint: 'add "ExceptionOnActionFailure": false to make the branch on the failure explicit',
      });
    }
  }
};

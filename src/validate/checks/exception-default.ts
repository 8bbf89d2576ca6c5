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

/** `X.Y.status`, `$.X.Y.details.code`, … : the path read (X.Y) and where. */
const FAILURE_READ = /(?:^|[^\w.$])(?:\$\.)?([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\.(?:status|details\.(?:code|error|description|fatal_error))\b/g;

/** Path whose failure is read (the part before `.status` / `.details.code`…) -> the states reading it. */
function failureReads(states: { name: string; state: Record<string, unknown> }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { name, state } of states) {
    const text = JSON.stringify(state);
    if (!text.includes("status") && !text.includes("details.")) continue;
    for (const m of text.matchAll(FAILURE_READ)) {
      const readers = out.get(m[1]!) ?? [];
      if (!readers.includes(name)) out.set(m[1]!, [...readers, name]);
    }
  }
  return out;
}

export const checkExceptionDefault: Check = (ctx) => {
  // Built only when some Action leaves the key unset and names a ResultPath (most set it or do not).
  let reads: Map<string, string[]> | undefined;
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
    reads ??= failureReads(ctx.states);
    const reader = reads.get(rp.slice(2))?.find((r) => r !== name);
    if (reader) {
      ctx.report("EXCEPTION_DEFAULT_DEPENDENCE", ptr, `"${reader}" reads whether "${name}" failed (${rp}…) but "${name}" leaves ExceptionOnActionFailure unset: that works only if a FAILED action does not raise, a default Globus's sources dispute`, {
        hint: 'add "ExceptionOnActionFailure": false to make the branch on the failure explicit',
      });
    }
  }
};

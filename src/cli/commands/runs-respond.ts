/** `flowsmith runs respond RUN_ID [--input F] [--set k=v]… [--web-input ID]`: answer a run's web input. */
import type { Command } from "commander";
import { openWebInputs, respondToRun, responseFrom, type WebInputDoc } from "../../run/web-inputs.js";
import type { GlobusApi } from "../../globus/api.js";
import { palette, type Output } from "../output.js";
import { withSession } from "../environment.js";
import type { CliContext } from "../context.js";
import { requireRunId } from "../../run/run-id.js";

export function registerRunsRespond(runs: Command, ctx: CliContext): void {
  runs
    .command("respond")
    .argument("<run_id>")
    .description("answer the web input a run waits on (AwaitWebInput), e.g. --set value=approve")
    .option("--env <name>", "environment")
    .option("--input <file>", "the response as JSON/YAML, e.g. {\"value\": \"approve\"}")
    .option("--set <k=v>", "set a response key (repeatable); value=<option> chooses an option", (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option("--web-input <id>", "which open web input, when the run has several")
    .option("--json", "machine-readable")
    .action(async (runIdArg: string, opts: { env?: string; input?: string; set: string[]; webInput?: string; json?: boolean }) => {
      const runId = requireRunId(runIdArg);
      const response = responseFrom({ ...(opts.input ? { inputFile: opts.input } : {}), set: opts.set });
      await withSession(ctx, opts.env, async (s) => {
        const r = await respondToRun(s.api, s.env.name, runId, response, opts.webInput);
        if (opts.json) return ctx.output.out(JSON.stringify({ run_id: runId, web_input_id: r.webInput.id, value: r.value, already_closed: r.alreadyClosed }, null, 2));
        ctx.output.out(r.alreadyClosed ? `web input ${r.webInput.id} of run ${runId} was already answered` : `answered "${r.value}" to "${r.webInput.context.title}" (web input ${r.webInput.id}); run ${runId} continues`);
      }, { quiet: true });
    });
}

/** Lines for `runs show`: what the run waits for and how to answer it. */
export async function describeOpenWebInputs(api: GlobusApi, runId: string, o: Output): Promise<WebInputDoc[]> {
  const open = await openWebInputs(api, runId);
  const c = palette(o);
  for (const w of open) {
    o.out(c.yellow(`waiting for a web input: ${w.context.title} (${w.id})`));
    for (const r of w.context.rows ?? []) o.out(`  ${r.field}: ${typeof r.value === "string" ? r.value : JSON.stringify(r.value)}`);
    if (w.context.text) o.out(`  ${w.context.text}`);
    for (const opt of w.options) o.out(`  - ${opt.option_id}: ${opt.label}${opt.description ? ` — ${opt.description}` : ""}`);
    o.out(c.dim(`  answer: flowsmith runs respond ${runId} --set value=${w.options[0]?.option_id ?? "<option>"}${open.length > 1 ? ` --web-input ${w.id}` : ""}`));
  }
  return open;
}

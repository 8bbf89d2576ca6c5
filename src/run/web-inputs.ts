/**
 * Web inputs from the client side: the open web inputs a run waits on, and answering one
 * (`POST /web_inputs/{id}/respond` with `{"response": {"value": <option id>}}`,
 * globus-flows.md §2.2). Used by `flowsmith runs respond` and `runs show`; the requests are
 * FlowsClient's (raw there: @globus/sdk 6 has no /web_inputs methods).
 */
import { resolve } from "node:path";
import { CliError, EXIT } from "../errors.js";
import type { GlobusApi } from "../globus/api.js";
import { FlowsClient } from "../globus/flows.js";
import { withRunLookup } from "./run-id.js";
import { readDocumentFile } from "../source/document.js";
import { applySet, merge } from "./input.js";

export interface WebInputDoc {
  id: string;
  status: "open" | "closed";
  user_roles: string[];
  context: { title: string; presentation_style: string; rows?: { field: string; value: unknown }[]; text?: string };
  options: { option_id: string; label: string; description: string }[];
  run: { id: string; label: string | null };
}

export async function openWebInputs(api: GlobusApi, runId: string): Promise<WebInputDoc[]> {
  const flows = new FlowsClient(api);
  const list = await flows.listWebInputs({ filter_run_ids: runId, filter_states: "open" });
  const out: WebInputDoc[] = [];
  for (const s of list.body.web_input_summaries) out.push((await flows.getWebInput<WebInputDoc>(s.id)).body);
  return out;
}

/** The response object from --input FILE and --set k=v (a bare option is `--set value=<option>`). */
export function responseFrom(src: { inputFile?: string; set?: string[] }): { value?: unknown } {
  let response: unknown = {};
  if (src.inputFile) {
    const doc = readDocumentFile(resolve(src.inputFile));
    if (!doc.ok) throw new CliError(doc.diagnostics[0]!.message, EXIT.INVALID);
    response = merge(response, doc.value);
  }
  for (const a of src.set ?? []) response = applySet(response, a);
  if (!response || typeof response !== "object" || Array.isArray(response)) throw new CliError("the response must be an object such as {\"value\": \"approve\"}", EXIT.INVALID);
  return response as { value?: unknown };
}

export async function respondToRun(api: GlobusApi, envName: string, runId: string, response: { value?: unknown }, webInputId?: string): Promise<{ webInput: WebInputDoc; value: string; alreadyClosed: boolean }> {
  const open = await openWebInputs(api, runId);
  const target = webInputId ? open.find((w) => w.id === webInputId) : open[0];
  if (!target) {
    // A run that does not exist has no web inputs either: say which it is.
    if (!open.length) await withRunLookup(runId, envName, () => new FlowsClient(api).getRun(runId));
    throw new CliError(webInputId ? `run ${runId} has no open web input ${webInputId}` : `run ${runId} is not waiting for a web input`, EXIT.INVALID, "flowsmith runs show RUN_ID lists what a run waits for");
  }
  if (!webInputId && open.length > 1) throw new CliError(`run ${runId} has ${open.length} open web inputs; choose one with --web-input (${open.map((w) => w.id).join(", ")})`, EXIT.INVALID);
  const options = target.options.map((o) => o.option_id);
  const value = response.value;
  if (typeof value !== "string" || !options.includes(value)) {
    throw new CliError(`${value === undefined ? "no response value given" : `${JSON.stringify(value)} is not an option`} of web input ${target.id} ("${target.context.title}")`, EXIT.INVALID, `options: ${target.options.map((o) => `${o.option_id} (${o.label})`).join(", ")}; e.g. --set value=${options[0]}`);
  }
  if (!target.user_roles.includes("respondent")) throw new CliError(`you are not a respondent of web input ${target.id}`, EXIT.AUTH);
  // A retried respond whose first attempt landed answers 409 (closed): the answer is in.
  const res = await new FlowsClient(api).respondToWebInput(target.id, { ...response, value }, [409]);
  return { webInput: target, value, alreadyClosed: res.status === 409 };
}

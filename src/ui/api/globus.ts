/**
 * The UI server's calls to the services, through the CLI's own session (its GlobusApi and
 * credentials): runs, logs, run actions, Transfer ls, web inputs and timers. The only module
 * of the UI that names services and scopes, so a change of the client layer lands here.
 * Web inputs and timers are feature-detected: a service that answers 404 for them (a
 * local runtime without them) makes the page hide their panels.
 */
import type { Session } from "../../globus/session.js";
import { AuthError } from "../../globus/auth/types.js";
import { ServiceError } from "../../globus/api.js";
import { SCOPES } from "../../wire/scopes.js";
import { runScope } from "../../run/start.js";
import { TimersClient, type TimerJob } from "../../globus/timers.js";
import type { LogEntryDoc, RunDoc } from "../../run/follow.js";
import { FlowsClient } from "../../globus/flows.js";
import { TransferClient } from "../../globus/transfer.js";
import type { Maybe } from "../contract.js";

const FLOWS_SCOPE = SCOPES.flows("all");

export interface RunsQuery {
  flowIds?: string[];
  statuses?: string[];
  label?: string;
  /** "DT1,DT2", either end open. */
  startTime?: string;
  perPage?: number;
  marker?: string;
}

export async function listRuns(s: Session, q: RunsQuery): Promise<{ runs: RunDoc[]; has_next_page: boolean; marker?: string }> {
  const page = await new FlowsClient(s.api).listRuns(
    {
      per_page: q.perPage ?? 20,
      filter_flow_id: q.flowIds?.length ? q.flowIds.join(",") : undefined,
      filter_status: q.statuses?.length ? q.statuses.join(",") : undefined,
      filter_label: q.label || undefined,
      filter_start_time: q.startTime || undefined,
      marker: q.marker || undefined,
      orderby: "start_time DESC",
    },
    FLOWS_SCOPE,
  );
  return page as unknown as { runs: RunDoc[]; has_next_page: boolean; marker?: string };
}

export async function getRun(s: Session, runId: string): Promise<RunDoc> {
  return (await new FlowsClient(s.api).getRun(encodeURIComponent(runId), FLOWS_SCOPE)) as RunDoc;
}

/** The whole event log, page after page. */
export async function runLog(s: Session, runId: string): Promise<LogEntryDoc[]> {
  return (await new FlowsClient(s.api).fullRunLog(encodeURIComponent(runId), FLOWS_SCOPE)) as unknown as LogEntryDoc[];
}

export type RunAction = "cancel" | "resume" | "release";

export async function runAction(s: Session, runId: string, action: RunAction): Promise<RunDoc> {
  let scope = FLOWS_SCOPE;
  // Resuming re-consents: the flow scope with its transfer dependencies, as `runs resume`.
  if (action === "resume") scope = runScope(s, (await getRun(s, runId)).flow_id);
  const flows = new FlowsClient(s.api);
  const id = encodeURIComponent(runId);
  const run = action === "cancel" ? await flows.cancelRun(id, scope) : action === "resume" ? await flows.resumeRun(id, scope) : await flows.releaseRun(id, scope);
  return run as RunDoc;
}

export interface LsEntry {
  name: string;
  type: string;
  size?: number;
  last_modified?: string;
}

/** Transfer `ls`, as the page's file picker shows it. */
export async function transferLs(s: Session, collection: string, path: string): Promise<{ path: string; entries: LsEntry[] }> {
  const listing = await new TransferClient(s.api).ls(collection, path, SCOPES.transferAll);
  return { path: listing.path ?? path, entries: (listing.DATA ?? []).map((e) => ({ name: e.name, type: e.type, ...(e.size !== undefined ? { size: e.size } : {}), ...(e.last_modified ? { last_modified: e.last_modified } : {}) })) };
}

export type { Maybe } from "../contract.js";

async function detect<T>(fn: () => Promise<{ status: number; body: T }>, what: string): Promise<Maybe<T>> {
  try {
    const r = await fn();
    if (r.status === 404 || r.status === 405) return { available: false, reason: `${what} is not offered by this environment's service (HTTP ${r.status})` };
    return { available: true, body: r.body };
  } catch (e) {
    if (e instanceof AuthError) return { available: false, reason: `${what}: ${e.message}${e.fix ? ` (fix: ${e.fix})` : ""}` };
    if (e instanceof ServiceError && e.status === 0) return { available: false, reason: `${what}: ${e.message}` };
    throw e;
  }
}

/** Web inputs (globus-flows.md: GET /web_inputs, fixtures/flows/sdk-list_web_inputs.*). */
export function listWebInputs(s: Session, q: { runId?: string; state?: "open" | "closed" }): Promise<Maybe<{ web_input_summaries: unknown[]; marker?: string | null }>> {
  return detect(() => new FlowsClient(s.api).listWebInputs<{ web_input_summaries: unknown[]; marker?: string | null }>({ filter_run_ids: q.runId, filter_states: q.state, per_page: 50 }, [404, 405], FLOWS_SCOPE), "web inputs");
}

export function getWebInput(s: Session, id: string): Promise<Maybe<Record<string, unknown>>> {
  return detect(() => new FlowsClient(s.api).getWebInput(id, [405], FLOWS_SCOPE), "web inputs");
}

/** POST /web_inputs/{id}/respond {"response": {"value": …}} -> {"status": "ok"} (fixtures/flows/sdk-respond_to_web_input.default.json). */
export async function respondWebInput(s: Session, id: string, value: unknown): Promise<unknown> {
  return (await new FlowsClient(s.api).respondToWebInput(id, { value }, [], FLOWS_SCOPE)).body;
}

/** Timers through the Timers client (src/globus/timers.ts; fixtures/timers/sdk-list_jobs.default.json). */
export function listTimers(s: Session): Promise<Maybe<{ jobs: TimerJob[] }>> {
  return detect(async () => {
    try {
      return { status: 200, body: { jobs: await new TimersClient(s.api).list() } };
    } catch (e) {
      if (e instanceof ServiceError && (e.status === 404 || e.status === 405)) return { status: e.status, body: { jobs: [] } };
      throw e;
    }
  }, "timers");
}

export async function timerAction(s: Session, jobId: string, action: "pause" | "resume"): Promise<{ message: string }> {
  const client = new TimersClient(s.api);
  return { message: action === "pause" ? await client.pause(jobId) : await client.resume(jobId) };
}

/**
 * Stored timers and their wire documents. Globus serves one timer in two shapes: the v1
 * job record of `GET /jobs/…` (`callback_url`, `callback_body`, `start`, `interval`,
 * `stop_after`, `n_runs`, `n_errors`, `results: {data, page_next}`) and the v2 record of
 * `POST /v2/timer` (`timer: {…}`). The recorded v2 flow-timer response
 * (sdk-create_timer.flow_timer_success) keeps the v1 keys and lacks `flow_id`, `body` and
 * `number_of_*`, while the OpenAPI `V2FlowTimerRead` and globus-cli read exactly those; the
 * local service writes both sets so either reader finds its keys (fixtures/timers README).
 */
import { isoTime, type ResolvedSchedule, type Schedule } from "./schedule.js";

export interface TimerResult {
  ran_at: string;
  start_timestamp: string;
  /** HTTP status of the start (201) or of its failure. */
  status: number;
  data: Record<string, unknown> | null;
  errors: Record<string, unknown> | null;
  /** The run started by this fire. */
  resource_id?: string;
}

export interface TimerRecord {
  job_id: string;
  name: string;
  timer_type: "flow" | "transfer";
  flow_id?: string;
  /** Flow timers: the FlowStartDocument (`body`, `label`, `tags`, `run_managers`, `run_monitors`). Transfer timers: the task document. */
  body: Record<string, unknown>;
  schedule: Schedule;
  resolved: ResolvedSchedule;
  owner: { identity: string; username: string };
  scope: string | null;
  callback_url: string;
  status: "new" | "loaded" | "inactive" | "ended";
  inactive_reason: { cause: "user" | "globus_auth_requirements"; detail: Record<string, unknown> | null } | null;
  submitted_at: number;
  last_ran_at: number | null;
  /** Slot to fire next (see schedule.ts), or null once the schedule has ended. */
  next_slot: number | null;
  next_run: number | null;
  n_runs: number;
  n_errors: number;
  results: TimerResult[];
}

const maybeIso = (ms: number | null) => (ms === null ? null : isoTime(ms));

/** Status of a run a fire started, read when the document is rendered (Timers polls it). */
export type RunStatusOf = (runId: string) => string | undefined;

function resultDocs(t: TimerRecord, runStatus: RunStatusOf, limit?: number) {
  const list = limit === undefined ? t.results : t.results.slice(-limit);
  return list.map((r) => ({ ...r, run_status: r.resource_id ? (runStatus(r.resource_id) ?? "UNKNOWN") : "FAILED" }));
}

function stopAfter(t: TimerRecord): { date: string | null; n_runs: number | null } | null {
  const r = t.resolved;
  if (r.endAt === undefined && r.maxRuns === undefined) return null;
  return { date: r.endAt !== undefined ? isoTime(r.endAt) : null, n_runs: r.maxRuns ?? null };
}

/** The v1 job record (`GET /jobs/`, `GET|PATCH|DELETE /jobs/{id}`), with the v2 keys added. */
export function jobDoc(t: TimerRecord, runStatus: RunStatusOf, resultCount?: number): Record<string, unknown> {
  return {
    name: t.name,
    start: isoTime(t.resolved.start),
    stop_after: stopAfter(t),
    interval: t.resolved.interval ? t.resolved.interval / 1000 : null,
    callback_url: t.callback_url,
    callback_body: t.body,
    inactive_reason: t.inactive_reason,
    scope: t.scope,
    job_id: t.job_id,
    status: t.status,
    submitted_at: isoTime(t.submitted_at),
    last_ran_at: maybeIso(t.last_ran_at),
    next_run: maybeIso(t.next_run),
    n_runs: t.n_runs,
    n_errors: t.n_errors,
    results: { data: resultDocs(t, runStatus, resultCount), page_next: null },
    schedule: t.schedule,
    timer_type: t.timer_type,
    ...(t.flow_id ? { flow_id: t.flow_id } : {}),
    body: t.body,
    number_of_runs: t.n_runs,
    number_of_errors: t.n_errors,
  };
}

/** The v2 record (`POST /v2/timer` answers `{timer: …}`). */
export function timerDoc(t: TimerRecord, runStatus: RunStatusOf): Record<string, unknown> {
  const base = {
    ...(t.timer_type === "flow" ? { callback_body: t.body, callback_url: t.callback_url } : {}),
    body: t.body,
    inactive_reason: t.inactive_reason,
    ...(t.timer_type === "flow" ? { interval: t.resolved.interval ? t.resolved.interval / 1000 : null } : {}),
    job_id: t.job_id,
    last_ran_at: maybeIso(t.last_ran_at),
    n_errors: t.n_errors,
    n_runs: t.n_runs,
    name: t.name,
    next_run: maybeIso(t.next_run),
    number_of_errors: t.n_errors,
    number_of_runs: t.n_runs,
    results: resultDocs(t, runStatus),
    schedule: t.schedule,
    ...(t.timer_type === "flow" ? { scope: t.scope, stop_after: stopAfter(t) ?? { date: null, n_runs: null }, flow_id: t.flow_id } : {}),
    status: t.status,
    submitted_at: isoTime(t.submitted_at),
    timer_type: t.timer_type,
  };
  return base;
}

/**
 * Globus Timers through @globus/sdk's timers service (`timers.timer.create`,
 * `timers.jobs.*`), with GlobusApi's retries and error mapping. Request shapes follow
 * globus-sdk-python's `FlowTimer`/`TransferTimer` (fixtures/timers/sdk-request-*): unset
 * fields are left out, `end` by count is `{condition: "iterations", count}` as globus-cli
 * and the OpenAPI write it.
 *
 * Creating a timer is not idempotent on the service; a create whose answer was lost is
 * looked up by its name (flowsmith names its timers uniquely) before it is retried.
 */
import { timers } from "@globus/sdk";
import type { GlobusApi } from "./api.js";
import { TIMER_SCOPE, timerScopeFor } from "../wire/timers-scope.js";

export type TimerSchedule =
  | { type: "once"; datetime?: string }
  | { type: "recurring"; interval_seconds: number; start?: string; end?: { condition: "time"; datetime: string } | { condition: "iterations"; count: number } };

/** What a flow timer starts: the Flows run request (body + run metadata). */
export interface FlowStartDocument {
  body: unknown;
  label?: string;
  tags?: string[];
  run_managers?: string[];
  run_monitors?: string[];
}

/** A timer as `GET /jobs/{id}` answers it (v1 keys; `flow_id`/`body` where the service adds them). */
export interface TimerJob {
  job_id: string;
  name: string;
  status: string;
  timer_type?: "flow" | "transfer";
  flow_id?: string;
  callback_url: string;
  callback_body: Record<string, unknown>;
  schedule?: TimerSchedule;
  start: string;
  interval: number | null;
  stop_after: { date: string | null; n_runs: number | null } | null;
  inactive_reason: { cause: string; detail?: Record<string, unknown> | null } | null;
  submitted_at: string;
  last_ran_at: string | null;
  next_run: string | null;
  n_runs: number;
  n_errors: number;
  results: { data: { ran_at: string; status?: number; run_status?: string; resource_id?: string; data?: Record<string, unknown> | null; errors?: unknown }[]; page_next: string | null };
}

/** The Transfer action provider scope a transfer timer acts through (sdk-get_job.inactive_gare). */
export const TRANSFER_AP_SCOPE = "https://auth.globus.org/scopes/actions.globus.org/transfer/transfer";

/** The run id a fire started, from its result (`resource_id`, or the run document in `data`). */
export function runIdOfResult(r: TimerJob["results"]["data"][number]): string | undefined {
  return r.resource_id ?? (typeof r.data?.run_id === "string" ? r.data.run_id : undefined);
}

export class TimersClient {
  constructor(private readonly api: GlobusApi) {}

  /** Create a flow timer; `runScope` is the flow's scope with its own dependencies (run-flow's scope). */
  async createFlowTimer(o: { flowId: string; runScope: string; name: string; schedule: TimerSchedule; start: FlowStartDocument }): Promise<TimerJob> {
    const timer = { timer_type: "flow", flow_id: o.flowId, name: o.name, schedule: o.schedule, body: o.start };
    return this.create(timer, timerScopeFor(o.runScope), o.name);
  }

  /** Create a transfer timer from a Transfer task document (submission_id and skip_activation_check are dropped, as the SDK does). */
  async createTransferTimer(o: { name: string; schedule: TimerSchedule; body: Record<string, unknown>; collections: string[] }): Promise<TimerJob> {
    const { submission_id: _s, skip_activation_check: _k, ...body } = o.body;
    const deps = o.collections.map((c) => `*https://auth.globus.org/scopes/${c}/data_access`);
    const scope = timerScopeFor(`${TRANSFER_AP_SCOPE}[urn:globus:auth:scope:transfer.api.globus.org:all${deps.length ? `[${deps.join(" ")}]` : ""}]`);
    return this.create({ timer_type: "transfer", name: o.name, schedule: o.schedule, body: { DATA_TYPE: "transfer", ...body } }, scope, o.name);
  }

  private async create(timer: Record<string, unknown>, scope: string, name: string): Promise<TimerJob> {
    // A create whose answer was lost (dropped connection, a gateway's 5xx) is looked for by
    // name before it is sent again. Names need not be unique (`timers create` defaults to
    // "<flow> timer"), so only a timer of that name that was not there before this request
    // counts as ours.
    const before = new Set((await this.named(name)).map((j) => j.job_id));
    const res = await this.api.call<{ timer: TimerJob }>("TIMERS", "/v2/timer", {
      scope,
      method: "POST",
      payload: { timer },
      send: (headers) => timers.timer.create({ payload: { timer } as never, headers }),
      recover: async () => {
        const found = await this.findByName(name, (j) => !before.has(j.job_id));
        return found ? { timer: found } : undefined;
      },
    });
    // The v2 answer; read the job record so every caller sees one shape.
    return this.get(res.body.timer.job_id);
  }

  async list(query: { filter_name?: string; filter_status?: string } = {}): Promise<TimerJob[]> {
    const q = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as Record<string, string>;
    const res = await this.api.call<{ jobs: TimerJob[] }>("TIMERS", "/jobs", { scope: TIMER_SCOPE, query: q, send: (headers) => timers.jobs.getAll({ query: q, headers }) });
    return res.body.jobs;
  }

  /** The timers with exactly this name (Timers' filter_name is a substring match). */
  async named(name: string): Promise<TimerJob[]> {
    return (await this.list({ filter_name: name })).filter((j) => j.name === name);
  }

  /** The first timer with exactly this name (and, given `where`, that passes it). */
  async findByName(name: string, where: (j: TimerJob) => boolean = () => true): Promise<TimerJob | undefined> {
    return (await this.named(name)).find(where);
  }

  async get(id: string): Promise<TimerJob> {
    return (await this.api.call<TimerJob>("TIMERS", `/jobs/${id}`, { scope: TIMER_SCOPE, send: (headers) => timers.jobs.get(id, { headers }) })).body;
  }

  async rename(id: string, name: string): Promise<TimerJob> {
    return (await this.api.call<TimerJob>("TIMERS", `/jobs/${id}`, { scope: TIMER_SCOPE, method: "PATCH", payload: { name }, send: (headers) => timers.jobs.patch(id, { payload: { name }, headers }) })).body;
  }

  async pause(id: string): Promise<string> {
    return (await this.api.call<{ message: string }>("TIMERS", `/jobs/${id}/pause`, { scope: TIMER_SCOPE, method: "POST", send: (headers) => timers.jobs.pause(id, { headers }) })).body.message;
  }

  async resume(id: string): Promise<string> {
    return (await this.api.call<{ message: string }>("TIMERS", `/jobs/${id}/resume`, { scope: TIMER_SCOPE, method: "POST", send: (headers) => timers.jobs.resume(id, { headers }) })).body.message;
  }

  /**
   * DELETE /jobs/{id}: the deleted timer, or undefined when a retry found it gone (the first
   * attempt deleted it and its answer was lost). A first attempt's 404 is an error (no such timer).
   */
  async remove(id: string): Promise<TimerJob | undefined> {
    const r = await this.api.call<TimerJob>("TIMERS", `/jobs/${id}`, { scope: TIMER_SCOPE, method: "DELETE", acceptAfterRetry: [404], send: (headers) => timers.jobs.remove(id, { headers }) });
    return r.status === 404 ? undefined : r.body;
  }
}

/**
 * The Timers API of the local runtime (`POST /v2/timer`, `GET /jobs/`, `GET|PATCH|DELETE
 * /jobs/{id}`, `POST /jobs/{id}/pause|resume`) and its scheduler.
 *
 * Exactly once: a flow timer's fire is ONE SQLite transaction holding the run's creation
 * (through FlowsService.startRun, the path a user's start takes) and the timer's update
 * (n_runs, last_ran_at, results, next slot). A SIGKILL leaves either both or neither, so
 * the restarted scheduler fires what is still due once, and never fires a slot twice. A
 * transfer timer's fire submits with a submission_id derived from (timer, slot), which
 * Transfer deduplicates, so a fire repeated after a crash lands on the same task.
 *
 * Time comes from the injected clock (ManualClock in tests, a skippable clock for
 * `local start --clock-rate`), never from Date.now().
 */
import { createHash, randomUUID } from "node:crypto";
import type { Clock } from "../../engine/clock.js";
import { HttpError } from "../http.js";
import type { DocStore } from "../store.js";
import type { TokenRecord } from "../auth/tokens.js";
import type { FlowsService } from "../flows/service.js";
import type { LocalTransferService } from "../transfer/index.js";
import { SCOPES } from "../../wire/scopes.js";
import { dependenciesOf, TIMER_SCOPE } from "../../wire/timers-scope.js";
import { baseScope } from "../../wire/scopes.js";
import { nextSlot, normalizeSchedule, slotTime } from "./schedule.js";
import { jobDoc, timerDoc, type TimerRecord, type TimerResult } from "./records.js";

const KIND = "timer";
const MAX_RESULTS = 100;

const invalid = (loc: string[], msg: string) => new HttpError(422, "UNPROCESSABLE_ENTITY", msg, { detail: [{ loc: ["body", ...loc], msg, type: "value_error" }] });

/** A UUID derived from a string (a fire's transfer submission_id). */
function derivedUuid(s: string): string {
  const h = createHash("sha256").update(s).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface TimersServiceOptions {
  log?: (line: string) => void;
}

export class LocalTimersService {
  private wake = new AbortController();
  private loop?: Promise<void>;
  private stopped = false;
  /** Fires run one at a time; a transfer fire is async. */
  private firing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: DocStore,
    private readonly flows: FlowsService,
    private readonly transfer: LocalTransferService | undefined,
    private readonly origin: string,
    private readonly clock: Clock,
    private readonly opts: TimersServiceOptions = {},
  ) {}

  private runStatus = (runId: string): string | undefined => this.store.get<{ status: string }>("run", runId)?.status;

  private load(id: string, caller: TokenRecord): TimerRecord {
    const t = this.store.get<TimerRecord>(KIND, id);
    // Another user's timer is as invisible as a missing one.
    if (!t || t.owner.identity !== caller.identity) throw new HttpError(404, "NOT_FOUND", `A timer with ID ${id} was not found`);
    return t;
  }

  private save(t: TimerRecord): void {
    this.store.transaction(() => {
      this.store.put(KIND, t.job_id, t);
      this.store.index(KIND, t.job_id, "owner", t.owner.identity);
    });
  }

  /** POST /v2/timer */
  create(body: unknown, caller: TokenRecord): { status: number; body: unknown } {
    if (!body || typeof body !== "object" || Array.isArray(body)) throw invalid([], "the request body must be a JSON object");
    const doc = (body as { timer?: unknown }).timer;
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw invalid(["timer"], "field required");
    const d = doc as Record<string, unknown>;
    const now = this.clock.now();
    const { schedule, resolved } = normalizeSchedule(d.schedule, now);
    if (d.name !== undefined && (typeof d.name !== "string" || d.name.length > 128)) throw invalid(["timer", "name"], "name must be a string of at most 128 characters");
    const timerBody = d.body;
    if (!timerBody || typeof timerBody !== "object" || Array.isArray(timerBody)) throw invalid(["timer", "body"], "field required");
    let rec: TimerRecord;
    const common = {
      job_id: randomUUID(),
      name: (d.name as string | undefined) ?? "",
      schedule,
      resolved,
      owner: { identity: caller.identity, username: caller.username },
      status: "new" as const,
      inactive_reason: null,
      submitted_at: now,
      last_ran_at: null,
      next_slot: 0,
      next_run: slotTime(resolved, 0),
      n_runs: 0,
      n_errors: 0,
      results: [],
    };
    if (d.timer_type === "flow") {
      const flowId = d.flow_id;
      if (typeof flowId !== "string" || !/^[0-9a-f-]{36}$/.test(flowId)) throw invalid(["timer", "flow_id"], "flow_id must be a UUID");
      if (!this.flows.flowExists(flowId)) throw new HttpError(404, "NOT_FOUND", `No flow with id ${flowId}`);
      const b = timerBody as Record<string, unknown>;
      if (!("body" in b)) throw invalid(["timer", "body", "body"], "field required");
      this.requireFlowConsent(caller, flowId);
      // The run input is not checked here: Timers does not validate it at creation either;
      // a start Flows refuses is recorded on the timer at the fire (results, n_errors).
      rec = { ...common, timer_type: "flow", flow_id: flowId, body: b, scope: SCOPES.flow(flowId), callback_url: `${this.origin}/flows/${flowId}/run` };
    } else if (d.timer_type === "transfer") {
      if (!this.transfer) throw new HttpError(422, "UNPROCESSABLE_ENTITY", "this runtime serves no Transfer");
      const b = timerBody as Record<string, unknown>;
      if (!Array.isArray(b.DATA) || typeof b.source_endpoint !== "string" || typeof b.destination_endpoint !== "string") throw invalid(["timer", "body"], "a transfer timer body needs source_endpoint, destination_endpoint and DATA");
      const { submission_id: _s, skip_activation_check: _k, ...rest } = b;
      rec = { ...common, timer_type: "transfer", body: { DATA_TYPE: "transfer", ...rest }, scope: null, callback_url: `${this.origin}/v0.10/transfer` };
    } else throw invalid(["timer", "timer_type"], "timer_type must be 'flow' or 'transfer'");
    this.save(rec);
    this.poke();
    return { status: 201, body: { timer: timerDoc(rec, this.runStatus) } };
  }

  /**
   * Timers starts a flow run with a dependent token for the flow's user scope, so the
   * caller's timer token must have been consented with that scope beneath it.
   */
  private requireFlowConsent(caller: TokenRecord, flowId: string): void {
    const flowScope = SCOPES.flow(flowId);
    const ok = caller.scopes.some((s) => baseScope(s) === TIMER_SCOPE && dependenciesOf(s).some((d) => baseScope(d) === flowScope));
    if (ok) return;
    const required = `${TIMER_SCOPE}[${flowScope}]`;
    throw new HttpError(403, "ConsentRequired", `Missing consent: the timer scope needs the flow's scope as a dependency (${required})`, {
      authorization_parameters: { session_message: "Missing required consent for the flow", required_scopes: [required] },
    });
  }

  /** GET /jobs/ */
  list(q: URLSearchParams, caller: TokenRecord) {
    let list = this.store.find<TimerRecord>(KIND, "owner", caller.identity);
    const name = q.get("filter_name")?.toLowerCase();
    if (name) list = list.filter((t) => t.name.toLowerCase().includes(name));
    const wanted = (q.get("filter_status") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    if (q.get("filter_active") === "true") wanted.push("active");
    if (q.get("filter_stopped") === "true") wanted.push("ended");
    // filter_status speaks of active/inactive/ended; "new" and "loaded" are both active.
    if (wanted.length) list = list.filter((t) => wanted.includes(t.status === "new" || t.status === "loaded" ? "active" : t.status));
    const count = q.get("result_count") ? Math.max(0, Number(q.get("result_count")) || 0) : undefined;
    return { status: 200, body: { jobs: list.map((t) => jobDoc(t, this.runStatus, count)) } };
  }

  /** GET /jobs/{id} */
  get(id: string, caller: TokenRecord) {
    return { status: 200, body: jobDoc(this.load(id, caller), this.runStatus) };
  }

  /** PATCH /jobs/{id}: JobUpdate carries only `name`. */
  update(id: string, body: unknown, caller: TokenRecord) {
    const t = this.load(id, caller);
    const b = (body ?? {}) as Record<string, unknown>;
    if (typeof b !== "object" || Array.isArray(b)) throw invalid([], "the request body must be a JSON object");
    const unknown = Object.keys(b).filter((k) => k !== "name");
    if (unknown.length) throw invalid([unknown[0]!], `extra fields not permitted (a timer's ${unknown[0]} cannot be changed; delete it and create a new one)`);
    if (b.name !== undefined && (typeof b.name !== "string" || b.name.length > 128)) throw invalid(["name"], "name must be a string of at most 128 characters");
    const next = { ...t, ...(typeof b.name === "string" ? { name: b.name } : {}) };
    this.save(next);
    return { status: 200, body: jobDoc(next, this.runStatus) };
  }

  /** DELETE /jobs/{id}: answers the record as it was. */
  remove(id: string, caller: TokenRecord) {
    const t = this.load(id, caller);
    this.store.delete(KIND, id);
    return { status: 200, body: jobDoc(t, this.runStatus) };
  }

  pause(id: string, caller: TokenRecord) {
    const t = this.load(id, caller);
    if (t.status !== "ended") this.save({ ...t, status: "inactive", inactive_reason: { cause: "user", detail: null } });
    return { status: 200, body: { message: `Successfully paused job ${id}.` } };
  }

  /**
   * POST /jobs/{id}/resume. A slot that came due while paused fires at once
   * (`run_once_immediately`) unless the body or query asks `wait_for_next_scheduled`.
   */
  resume(id: string, body: unknown, q: URLSearchParams, caller: TokenRecord) {
    const t = this.load(id, caller);
    if (t.status === "inactive") {
      const behavior = (body as { behavior?: { action?: string } } | undefined)?.behavior?.action ?? q.get("behavior");
      let next = { ...t, status: "loaded" as const, inactive_reason: null };
      const now = this.clock.now();
      if (behavior === "wait_for_next_scheduled" && t.next_slot !== null && (t.next_run ?? 0) <= now) {
        const slot = nextSlot(t.resolved, t.n_runs, t.next_slot, now);
        next = { ...next, next_slot: slot ?? null, next_run: slot === undefined ? null : slotTime(t.resolved, slot) };
      }
      this.save(next);
      this.poke();
    }
    return { status: 200, body: { message: `Successfully resumed job ${id}.` } };
  }

  // ---- scheduler ----

  /** Start firing due timers; returns how many were due at start (fired by the loop). */
  start(): number {
    const now = this.clock.now();
    const due = this.store.list<TimerRecord>(KIND).filter((t) => this.isDue(t, now)).length;
    this.loop = this.run();
    return due;
  }

  private isDue(t: TimerRecord, now: number): boolean {
    return (t.status === "new" || t.status === "loaded") && t.next_run !== null && t.next_run <= now;
  }

  poke(): void {
    this.wake.abort();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const now = this.clock.now();
      for (const t of this.store.list<TimerRecord>(KIND)) {
        if (this.stopped) return;
        if (this.isDue(t, now)) {
          try {
            await this.fire(t.job_id);
          } catch (e) {
            this.opts.log?.(`timer ${t.job_id}: could not fire: ${(e as Error).stack ?? e}`);
          }
        }
        if (t.status === "new") {
          const cur = this.store.get<TimerRecord>(KIND, t.job_id);
          if (cur?.status === "new") this.store.put(KIND, cur.job_id, { ...cur, status: "loaded" });
        }
      }
      if (this.stopped) return;
      // The next fire, read after firing (a fire moves its timer's next_run).
      let next = Infinity;
      for (const t of this.store.list<TimerRecord>(KIND)) if ((t.status === "new" || t.status === "loaded") && t.next_run !== null) next = Math.min(next, t.next_run);
      // A fresh signal per sleep (poke aborts it); capped at a day, which setTimeout can still hold.
      this.wake = new AbortController();
      if (this.stopped) return;
      const ms = next - this.clock.now();
      if (ms <= 0) continue;
      // Nothing scheduled: wait for a create or resume only. A clock sleep here would let a
      // time-skipping clock (flowsmith/testing) jump ahead a day at a time, forever.
      if (next === Infinity) await new Promise<void>((r) => this.wake.signal.addEventListener("abort", () => r(), { once: true }));
      else await this.clock.sleep(Math.min(ms, 86_400_000), this.wake.signal);
    }
  }

  /** Fire one timer's due slot (exactly once; see the header). */
  async fire(jobId: string): Promise<void> {
    const prior = this.firing;
    let done!: () => void;
    this.firing = new Promise<void>((r) => (done = r));
    await prior;
    try {
      const t = this.store.get<TimerRecord>(KIND, jobId);
      const now = this.clock.now();
      if (!t || !this.isDue(t, now) || t.next_slot === null) return;
      if (t.timer_type === "flow") this.fireFlow(t, now);
      else await this.fireTransfer(t, now);
    } finally {
      done();
    }
  }

  private record(t: TimerRecord, now: number, result: TimerResult, failed: boolean, inactive?: TimerRecord["inactive_reason"]): void {
    const fires = t.n_runs + 1;
    const slot = nextSlot(t.resolved, fires, t.next_slot!, now);
    const next: TimerRecord = {
      ...t,
      n_runs: fires,
      n_errors: t.n_errors + (failed ? 1 : 0),
      last_ran_at: now,
      results: [...t.results, result].slice(-MAX_RESULTS),
      next_slot: slot ?? null,
      next_run: slot === undefined ? null : slotTime(t.resolved, slot),
      status: inactive ? "inactive" : slot === undefined ? "ended" : "loaded",
      inactive_reason: inactive ?? t.inactive_reason,
    };
    this.store.put(KIND, t.job_id, next);
  }

  private fireFlow(t: TimerRecord, now: number): void {
    const at = new Date(now).toISOString().replace("Z", "+00:00");
    const caller = { identity: t.owner.identity, username: t.owner.username, scopes: [], client_id: "", resource_server: t.flow_id!, token_sha256: "", expires_at: 0 } satisfies TokenRecord;
    this.store.transaction(() => {
      try {
        const r = this.flows.startRun(t.flow_id!, t.body, caller);
        const run = r.body as unknown as { run_id: string };
        this.record(t, now, { ran_at: at, start_timestamp: at, status: r.status, data: r.body as unknown as Record<string, unknown>, errors: null, resource_id: run.run_id }, false);
        this.opts.log?.(`timer ${t.job_id} (${t.name}) started run ${run.run_id}`);
      } catch (err) {
        // Anything else (a bug) is recorded as a 500 so a timer can never spin on one slot.
        const e = err instanceof HttpError ? err : new HttpError(500, "InternalError", (err as Error).message);
        // The owner lost the right to run the flow: Timers stops and asks for the requirement to be met.
        const inactive = e.status === 403 ? { cause: "globus_auth_requirements" as const, detail: { code: e.code, message: e.message } } : undefined;
        this.record(t, now, { ran_at: at, start_timestamp: at, status: e.status, data: null, errors: { code: e.code, message: e.message } }, true, inactive);
        this.opts.log?.(`timer ${t.job_id} (${t.name}): the run did not start: ${e.message}`);
      }
    });
  }

  private async fireTransfer(t: TimerRecord, now: number): Promise<void> {
    const at = new Date(now).toISOString().replace("Z", "+00:00");
    const submissionId = derivedUuid(`${t.job_id}:${t.next_slot}`);
    let result: TimerResult;
    let failed = false;
    try {
      const r = (await this.transfer!.submitTransfer({ ...t.body, submission_id: submissionId } as never, t.owner.identity)) as unknown as Record<string, unknown>;
      result = { ran_at: at, start_timestamp: at, status: 202, data: r, errors: null };
    } catch (e) {
      const err = e as { httpStatus?: number; code?: string; message: string };
      failed = true;
      result = { ran_at: at, start_timestamp: at, status: err.httpStatus ?? 500, data: null, errors: { code: err.code ?? "Error", message: err.message } };
    }
    const cur = this.store.get<TimerRecord>(KIND, t.job_id);
    if (cur && cur.next_slot === t.next_slot) this.record(cur, now, result, failed);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake.abort();
    await this.loop?.catch(() => undefined);
    await this.firing;
  }
}

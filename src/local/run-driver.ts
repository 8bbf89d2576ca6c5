/**
 * Drives runs to their end: step the engine, commit each transition (run document + its
 * log entries) in one transaction, sleep until the next wake-up, and pick every ACTIVE run
 * up again after a restart. The engine's request ids make a re-issued action start land
 * on the action that already exists.
 */
import type { FlowDefinition } from "../definition/types.js";
import type { Clock } from "../engine/clock.js";
import { isFinal, resumeRun, step, type EngineEnv } from "../engine/interpreter.js";
import type { EngineRun, LogEntry } from "../engine/types.js";
import type { DocStore } from "./store.js";

/** Stored run: the engine run without its definition, which is stored once per run. */
type StoredRun = Omit<EngineRun, "definition">;

export interface RunDriverOptions {
  /** Called after every committed transition (tests, `local start` logs). */
  onTransition?: (run: EngineRun, events: LogEntry[]) => void;
  log?: (line: string) => void;
}

export class RunDriver {
  private readonly active = new Map<string, { wake: AbortController; running: Promise<void> }>();
  private stopped = false;

  constructor(
    private readonly store: DocStore,
    private readonly env: EngineEnv & { clock: Clock },
    private readonly opts: RunDriverOptions = {},
  ) {}

  load(runId: string): EngineRun | undefined {
    const r = this.store.get<StoredRun>("run", runId);
    const def = this.store.get<FlowDefinition>("run_definition", runId);
    return r && def ? { ...r, definition: def } : undefined;
  }

  private save(run: EngineRun, events: LogEntry[]): void {
    const { definition: _d, ...stored } = run;
    this.store.transaction(() => {
      this.store.put<StoredRun>("run", run.run_id, stored);
      for (const e of events) this.store.appendLog(`run:${run.run_id}`, e);
    });
  }

  /** Persist a new run (its definition copy, FlowStarted) and start driving it. */
  start(run: EngineRun, events: LogEntry[], index: (store: DocStore) => void = () => {}): void {
    this.store.transaction(() => {
      this.store.put("run_definition", run.run_id, run.definition);
      this.save(run, events);
      index(this.store);
    });
    this.schedule(run.run_id);
  }

  /** Resume every run that was ACTIVE when the process stopped. */
  recover(): number {
    let n = 0;
    // Through the status index: a store with months of finished runs is not read at start.
    for (const r of this.store.scan<StoredRun>("run", { orderBy: "started_at", where: { status: ["ACTIVE"] } })) {
      {
        this.schedule(r.run_id);
        n++;
      }
    }
    return n;
  }

  private schedule(runId: string): void {
    if (this.stopped || this.active.has(runId)) return;
    const wake = new AbortController();
    const running = this.drive(runId, wake).finally(() => this.active.delete(runId));
    this.active.set(runId, { wake, running });
  }

  /** Wake a sleeping run now (cancel, resume). */
  poke(runId: string): void {
    const a = this.active.get(runId);
    if (a) a.wake.abort();
    else this.schedule(runId);
  }

  private async drive(runId: string, wake: AbortController): Promise<void> {
    let run = this.load(runId);
    while (run && !this.stopped) {
      if (isFinal(run.status) || run.status === "INACTIVE") return;
      let r;
      try {
        r = await step(run, this.env);
      } catch (e) {
        // A bug in a provider or the engine must not take the service down: fail the run.
        this.opts.log?.(`run ${runId}: unexpected error: ${(e as Error).stack ?? e}`);
        r = { run: { ...run, status: "FAILED" as const, position: null, completed_at: this.env.clock.now(), error: { code: "States.Runtime", cause: `internal error: ${(e as Error).message}` } }, events: [], done: true };
      }
      if (this.stopped) return;
      // A cancel or update that arrived while the step ran was written to the store: keep it.
      const latest = this.store.get<StoredRun>("run", runId);
      if (latest?.cancel_requested && !r.run.cancel_requested && !isFinal(r.run.status)) r.run = { ...r.run, cancel_requested: true };
      this.save(r.run, r.events);
      this.opts.onTransition?.(r.run, r.events);
      run = r.run;
      if (r.done) return;
      if (r.wakeAt !== undefined && r.wakeAt > this.env.clock.now() && !run.cancel_requested) {
        const signal = wake.signal;
        await this.env.clock.sleep(r.wakeAt - this.env.clock.now(), signal);
        if (signal.aborted) {
          wake = new AbortController();
          const entry = this.active.get(runId);
          if (entry) entry.wake = wake;
          run = this.load(runId);
        }
      }
    }
  }

  requestCancel(runId: string): EngineRun | undefined {
    const run = this.load(runId);
    if (!run || isFinal(run.status)) return run;
    const next = { ...run, cancel_requested: true, ...(run.status === "INACTIVE" ? { status: "ACTIVE" as const } : {}) };
    this.save(next, []);
    this.poke(runId);
    return next;
  }

  async resume(runId: string): Promise<EngineRun | undefined> {
    const run = this.load(runId);
    if (!run || run.status !== "INACTIVE") return run;
    const next = await resumeRun(run, this.env);
    this.save(next, [{ time: new Date(this.env.clock.now()).toISOString().replace("Z", "+00:00"), code: "FlowResumed", description: "The Flow Instance was resumed", details: { state_name: run.position?.state } }]);
    this.schedule(runId);
    return next;
  }

  /** Wait until a run stops moving (tests, `run-flow` in-process). */
  async settle(runId: string): Promise<EngineRun | undefined> {
    await this.active.get(runId)?.running;
    return this.load(runId);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const a of this.active.values()) a.wake.abort();
    await Promise.allSettled([...this.active.values()].map((a) => a.running));
  }

  get activeCount(): number {
    return this.active.size;
  }
}

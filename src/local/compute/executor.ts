/**
 * Runs stored tasks: each configured endpoint executes its tasks on a pool of real python3
 * workers (pool.ts), and every state change of a task (running, final) is one store
 * transaction. A task's final state is written once: a task already final is never
 * overwritten, whichever of worker reply, cancel, timeout or recovery arrives second.
 */
import { join } from "node:path";
import type { DocStore } from "../store.js";
import { decodeFunctionCode, decodeTaskPayload, type SourceFunction } from "../../wire/compute-serialization.js";
import { FUNCTION, OPEN, TASK } from "./documents.js";
import { cancelledText, timeoutText, unixSeconds, workerLostText } from "./failure-text.js";
import { WorkerPool, type JobOutcome } from "./pool.js";
import { removeResultFile, type TaskResultRecord } from "./result-file.js";
import { isFinal, type LocalEndpointConfig, type StoredFunction, type StoredTask } from "./types.js";

export interface ExecutorOptions {
  store: DocStore;
  endpoints: ReadonlyMap<string, LocalEndpointConfig>;
  clock: () => Date;
  /** Where workers write each task's result file before replying. */
  resultDir: string;
  /** Worker logs go to `<logDir>/<endpoint>.log`. */
  logDir: string;
}

export class ComputeExecutor {
  /** Tasks this process is executing, queueing or watching. */
  readonly inflight = new Set<string>();
  private readonly pools = new Map<string, WorkerPool>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly functions = new Map<string, SourceFunction | Error>();
  private stopped = false;

  constructor(private readonly o: ExecutorOptions) {}

  /** After shutdown() nothing new is dispatched: tasks stay waiting in the store for the next start. */
  get closed(): boolean {
    return this.stopped;
  }

  /**
   * Opens for dispatch. An endpoint's workers start with its first task, not here: most
   * commands that bring up a runtime (runs list, deploy-flow, timers) run no function, and
   * python3 workers for every configured endpoint would be started and stopped for nothing.
   */
  start(): void {
    this.stopped = false;
  }

  /** The endpoint's pool, when it has been started in this process. */
  pool(endpointId: string): WorkerPool | undefined {
    return this.pools.get(endpointId);
  }

  /** Whether a function is known, decoded or stored. */
  hasFunction(functionId: string): boolean {
    return this.functions.has(functionId) || this.o.store.get<StoredFunction>(FUNCTION, functionId) !== undefined;
  }

  /** Drops the decoded copy of a deleted function. */
  forgetFunction(functionId: string): void {
    this.functions.delete(functionId);
  }

  /** Calls `fn` once when the task reaches its final state here; returns the unsubscribe. */
  onFinal(taskId: string, fn: () => void): () => void {
    (this.waiters.get(taskId) ?? this.waiters.set(taskId, []).get(taskId)!).push(fn);
    return () => {
      const list = this.waiters.get(taskId);
      if (list) list.splice(list.indexOf(fn), 1);
    };
  }

  /** Queues a stored task on its endpoint's pool (a no-op for one already in flight here). */
  dispatch(task: StoredTask): void {
    // After shutdown, or for an endpoint this runtime does not configure, the task stays
    // waiting in the store until a runtime that can run it starts.
    if (this.stopped || this.inflight.has(task.task_id)) return;
    const pool = this.poolFor(task.endpoint_id);
    if (!pool) return;
    let fn: SourceFunction;
    let data: { args: string; kwargs: string };
    try {
      fn = this.sourceOf(task.function_id);
      data = decodeTaskPayload(task.payload);
    } catch (e) {
      // The endpoint deserializes inside the task, so a bad payload fails the task, not the submit.
      this.fail(task.task_id, `${(e as Error).name}: ${(e as Error).message}\n`);
      return;
    }
    this.inflight.add(task.task_id);
    pool
      .run({
        taskId: task.task_id,
        functionId: task.function_id,
        name: fn.name,
        source: fn.source,
        args: data.args,
        kwargs: data.kwargs,
        serializers: task.result_serializers,
        onStart: (pid) => this.markRunning(task.task_id, pid),
      })
      .then((o) => this.settle(task.task_id, o));
  }

  /** Cancels a queued or running task of a pool; one no pool holds fails as cancelled at once. */
  cancel(task: StoredTask): void {
    if (!this.pools.get(task.endpoint_id)?.cancel(task.task_id)) this.fail(task.task_id, cancelledText(task.task_id));
  }

  /** Finishes a task from the record its worker wrote. */
  completeFrom(record: TaskResultRecord): void {
    const patch: Partial<StoredTask> = { status: record.status, completion_t: record.completion_t };
    if (record.result !== undefined) patch.result = record.result;
    if (record.exception !== undefined) patch.exception = record.exception;
    if (record.error_details !== undefined) patch.error_details = record.error_details;
    if (record.details !== undefined) patch.details = record.details;
    this.finish(record.task_id, patch);
  }

  fail(taskId: string, exception: string): void {
    this.finish(taskId, { status: "failed", exception, completion_t: unixSeconds(this.o.clock()) });
  }

  /**
   * Stops the workers: running tasks get graceMs to finish and be recorded; whatever is
   * still unfinished then stays in the store.
   */
  async shutdown(graceMs: number): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.pools.values()].map((p) => p.shutdown(graceMs)));
    this.pools.clear();
  }

  private poolFor(endpointId: string): WorkerPool | undefined {
    let pool = this.pools.get(endpointId);
    if (!pool) {
      const cfg = this.o.endpoints.get(endpointId);
      if (!cfg) return undefined;
      pool = new WorkerPool({
        workers: cfg.workers ?? 1,
        python: cfg.python,
        env: cfg.env,
        ...(cfg.passEnv ? { passEnv: cfg.passEnv } : {}),
        pathPrefix: cfg.pathPrefix,
        cwd: cfg.cwd,
        taskTimeoutSeconds: cfg.taskTimeoutSeconds,
        resultDir: this.o.resultDir,
        endpointId,
        logFile: join(this.o.logDir, `${endpointId}.log`),
      });
      this.pools.set(endpointId, pool);
    }
    if (!this.stopped) pool.start();
    return pool;
  }

  private sourceOf(functionId: string): SourceFunction {
    let fn = this.functions.get(functionId);
    if (!fn) {
      const stored = this.o.store.get<StoredFunction>(FUNCTION, functionId);
      if (!stored) throw new Error(`FunctionNotFound: function ${functionId} was deleted before the task ran`);
      try {
        fn = decodeFunctionCode(stored.function_code);
      } catch (e) {
        fn = e as Error;
      }
      this.functions.set(functionId, fn);
    }
    if (fn instanceof Error) throw fn;
    return fn;
  }

  private markRunning(taskId: string, pid: number): void {
    const store = this.o.store;
    store.transaction(() => {
      const t = store.get<StoredTask>(TASK, taskId);
      if (!t || isFinal(t.status)) return;
      t.status = "running";
      t.worker_pid = pid;
      t.started_ms = this.o.clock().getTime();
      store.put(TASK, taskId, t);
    });
  }

  private settle(taskId: string, o: JobOutcome): void {
    switch (o.kind) {
      case "completed":
        return this.completeFrom(o.record);
      case "timeout":
        return this.fail(taskId, timeoutText(taskId, o.seconds, o.pid));
      case "cancelled":
        return this.fail(taskId, cancelledText(taskId));
      case "lost":
        return this.fail(taskId, workerLostText(o.pid, o.reason));
      case "unavailable":
        return this.fail(taskId, `EndpointUnavailable: ${o.reason}\n`);
      case "abandoned": {
        // Shut down before it finished: it runs again at the next start, without counting as a crash.
        const store = this.o.store;
        store.transaction(() => {
          const t = store.get<StoredTask>(TASK, taskId);
          if (!t || isFinal(t.status)) return;
          t.status = "waiting-for-ep";
          delete t.worker_pid;
          delete t.started_ms;
          store.put(TASK, taskId, t);
        });
        this.inflight.delete(taskId);
        return;
      }
    }
  }

  /** The final state, once: a task already final is never overwritten. */
  private finish(taskId: string, patch: Partial<StoredTask>): void {
    const store = this.o.store;
    store.transaction(() => {
      const t = store.get<StoredTask>(TASK, taskId);
      if (t && !isFinal(t.status)) {
        Object.assign(t, patch);
        delete t.worker_pid;
        store.put(TASK, taskId, t);
      }
      store.delete(OPEN, taskId);
    });
    removeResultFile(this.o.resultDir, taskId);
    this.inflight.delete(taskId);
    const list = this.waiters.get(taskId);
    if (list) {
      this.waiters.delete(taskId);
      for (const w of list) w();
    }
  }
}

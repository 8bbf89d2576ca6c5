/**
 * A local endpoint's execution capacity: N persistent python3 workers fed from one FIFO
 * queue, one task per worker at a time. One task at a time is what makes a closed stdin
 * mean "finish this task and exit", and lets a timeout or cancel kill exactly one task's
 * worker; the pool then starts a replacement.
 */
import { closeSync, openSync } from "node:fs";
import { ensurePrivateDir, makePrivate, PRIVATE_FILE_MODE } from "../private-files.js";
import { dirname } from "node:path";
import { readResultFile, type TaskResultRecord } from "./result-file.js";
import { WorkerProcess, type RunMessage, type WorkerLaunch, type WorkerMessage } from "./worker-process.js";

export interface PoolOptions extends Omit<WorkerLaunch, "logFd"> {
  workers: number;
  /** Appended to by every worker's stdout/stderr (print() in functions lands here). */
  logFile?: string;
  /** Per-task limit unless a job sets its own; 0 or absent means none. */
  taskTimeoutSeconds?: number;
}

export interface PoolJob {
  taskId: string;
  functionId: string;
  /** Entry point and source of a pure-source function. */
  name: string;
  source: string;
  /** JSON texts; Python's json.loads reads them. */
  args: string;
  kwargs: string;
  /** Result strategy identifiers, tried in order ("11", "00", "13"). */
  serializers: readonly string[];
  timeoutSeconds?: number;
  /** Called with the worker's pid just before the task is written to it (persist it first). */
  onStart?(pid: number): void;
}

export type JobOutcome =
  | { kind: "completed"; record: TaskResultRecord }
  | { kind: "timeout"; seconds: number; pid: number }
  | { kind: "cancelled"; pid?: number }
  /** The worker died while running the task and left no result. */
  | { kind: "lost"; pid: number; reason: string }
  /** The pool shut down first; the task was not finished here and can run again later. */
  | { kind: "abandoned" }
  | { kind: "unavailable"; reason: string };

export interface PoolStats {
  total_workers: number;
  idle_workers: number;
  pending_tasks: number;
  outstanding_tasks: number;
}

interface Pending {
  job: PoolJob;
  resolve(o: JobOutcome): void;
  timer?: NodeJS.Timeout;
  stop?: "timeout" | "cancel" | "shutdown";
  timeoutSeconds?: number;
}

/** Consecutive workers that die before saying "ready" before the pool gives up. */
const MAX_START_FAILURES = 3;

export class WorkerPool {
  private readonly workers = new Set<WorkerProcess>();
  private readonly busy = new Map<WorkerProcess, Pending>();
  private queue: Pending[] = [];
  private state: "new" | "running" | "stopping" | "stopped" | "broken" = "new";
  private startFailures = 0;
  private logFd: number | "ignore" = "ignore";
  private exitWaiters: (() => void)[] = [];
  brokenReason?: string;

  constructor(private readonly opts: PoolOptions) {
    if (!Number.isInteger(opts.workers) || opts.workers < 1) throw new Error(`a pool needs at least 1 worker, got ${opts.workers}`);
  }

  get running(): boolean {
    return this.state === "running";
  }

  start(): void {
    if (this.state !== "new") return;
    ensurePrivateDir(this.opts.resultDir);
    if (this.opts.logFile) {
      ensurePrivateDir(dirname(this.opts.logFile));
      this.logFd = openSync(this.opts.logFile, "a", PRIVATE_FILE_MODE);
      makePrivate(this.opts.logFile);
    }
    this.state = "running";
    for (let i = 0; i < this.opts.workers; i++) this.spawnWorker();
  }

  run(job: PoolJob): Promise<JobOutcome> {
    return new Promise((resolve) => {
      if (this.state === "broken") return resolve({ kind: "unavailable", reason: this.brokenReason ?? "the pool is broken" });
      if (this.state === "stopping" || this.state === "stopped") return resolve({ kind: "abandoned" });
      this.queue.push({ job, resolve });
      this.pump();
    });
  }

  /** True when the task was queued or running here (it then resolves as cancelled, or as completed if it won the race). */
  cancel(taskId: string): boolean {
    const i = this.queue.findIndex((p) => p.job.taskId === taskId);
    if (i >= 0) {
      const [p] = this.queue.splice(i, 1);
      p.resolve({ kind: "cancelled" });
      return true;
    }
    for (const [w, p] of this.busy) {
      if (p.job.taskId === taskId) {
        p.stop ??= "cancel";
        w.kill();
        return true;
      }
    }
    return false;
  }

  stats(): PoolStats {
    let idle = 0;
    for (const w of this.workers) if (w.ready && !this.busy.has(w)) idle++;
    return { total_workers: this.workers.size, idle_workers: idle, pending_tasks: this.queue.length, outstanding_tasks: this.queue.length + this.busy.size };
  }

  /** Pids of live workers (for diagnostics and tests). */
  pids(): number[] {
    return [...this.workers].map((w) => w.pid).filter((p): p is number => p !== undefined);
  }

  /**
   * Closes every worker's stdin so running tasks finish and are recorded, waits up to
   * graceMs, then kills what is left; tasks killed that way resolve "abandoned" (still
   * open in the store, so the next start runs them again). Queued tasks resolve "abandoned".
   */
  async shutdown(graceMs = 10_000): Promise<void> {
    if (this.state === "stopped") return;
    const wasStarted = this.state !== "new";
    this.state = "stopping";
    for (const p of this.queue.splice(0)) p.resolve({ kind: "abandoned" });
    if (wasStarted) {
      for (const w of this.workers) w.closeInput();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.allExited(), new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
      for (const [, p] of this.busy) p.stop ??= "shutdown";
      for (const w of this.workers) w.kill();
      await this.allExited();
    }
    if (typeof this.logFd === "number") closeSync(this.logFd);
    this.logFd = "ignore";
    this.state = "stopped";
  }

  private allExited(): Promise<void> {
    if (this.workers.size === 0) return Promise.resolve();
    return new Promise((r) => this.exitWaiters.push(r));
  }

  private spawnWorker(): void {
    if (this.state !== "running") return;
    const { workers: _n, logFile: _l, taskTimeoutSeconds: _t, ...launch } = this.opts;
    const w = new WorkerProcess({ ...launch, logFd: this.logFd }, (w, m) => this.onMessage(w, m), (w, code, signal, err) => this.onExit(w, code, signal, err));
    this.workers.add(w);
  }

  private pump(): void {
    if (this.state !== "running") return;
    for (const w of this.workers) {
      if (this.queue.length === 0) return;
      if (w.pid !== undefined && !w.exited && !this.busy.has(w)) this.assign(w, this.queue.shift()!);
    }
  }

  private assign(w: WorkerProcess, p: Pending): void {
    const pid = w.pid!;
    const { job } = p;
    try {
      job.onStart?.(pid);
    } catch (e) {
      p.resolve({ kind: "unavailable", reason: `could not record the start of task ${job.taskId}: ${(e as Error).message}` });
      return;
    }
    this.busy.set(w, p);
    const msg: RunMessage = { type: "run", task_id: job.taskId, function_id: job.functionId, args: job.args, kwargs: job.kwargs, serializers: job.serializers };
    if (!w.loaded.has(job.functionId)) {
      msg.name = job.name;
      msg.source = job.source;
      w.loaded.add(job.functionId);
    }
    w.send(msg);
    const seconds = job.timeoutSeconds ?? this.opts.taskTimeoutSeconds;
    if (seconds && seconds > 0) {
      p.timeoutSeconds = seconds;
      p.timer = setTimeout(() => {
        p.stop ??= "timeout";
        w.kill();
      }, seconds * 1000);
    }
  }

  private onMessage(w: WorkerProcess, m: WorkerMessage): void {
    if (m.type === "ready") {
      this.startFailures = 0;
      this.pump();
      return;
    }
    const p = this.busy.get(w);
    if (!p || p.job.taskId !== m.task_id) return;
    clearTimeout(p.timer);
    this.busy.delete(w);
    const { type: _type, ...record } = m;
    p.resolve({ kind: "completed", record });
    this.pump();
  }

  private onExit(w: WorkerProcess, code: number | null, signal: NodeJS.Signals | null, err?: Error): void {
    this.workers.delete(w);
    const p = this.busy.get(w);
    const pid = w.pid ?? -1;
    if (p) {
      this.busy.delete(w);
      clearTimeout(p.timer);
      this.settleAfterExit(w, p, pid, code, signal);
    }
    if (!w.ready) {
      this.startFailures++;
      this.brokenReason = err
        ? `could not start ${this.opts.python ?? "python3"}: ${err.message}`
        : `${this.opts.python ?? "python3"} worker.py exited (${signal ?? `code ${code}`}) before it was ready${this.opts.logFile ? `; see ${this.opts.logFile}` : ""}`;
    }
    if (this.state === "running") {
      if (this.startFailures >= MAX_START_FAILURES) {
        this.state = "broken";
        for (const q of this.queue.splice(0)) q.resolve({ kind: "unavailable", reason: this.brokenReason! });
        for (const other of this.workers) other.kill();
      } else {
        // A healthy worker that died is replaced at once; failing starts back off.
        setTimeout(() => this.spawnWorker(), w.ready ? 0 : 100 * this.startFailures);
      }
    }
    if (this.workers.size === 0) for (const r of this.exitWaiters.splice(0)) r();
    this.pump();
  }

  private settleAfterExit(w: WorkerProcess, p: Pending, pid: number, code: number | null, signal: NodeJS.Signals | null): void {
    let record: TaskResultRecord | undefined;
    try {
      record = readResultFile(this.opts.resultDir, p.job.taskId);
    } catch {
      record = undefined;
    }
    // The result file decides: a task that finished just before the kill did finish.
    if (record) return p.resolve({ kind: "completed", record });
    if (p.stop === "timeout") return p.resolve({ kind: "timeout", seconds: p.timeoutSeconds ?? 0, pid });
    if (p.stop === "cancel") return p.resolve({ kind: "cancelled", pid });
    if (p.stop === "shutdown" || this.state !== "running") return p.resolve({ kind: "abandoned" });
    if (!w.ready) {
      // The worker never started, so the task never ran: give it to the next worker.
      this.queue.unshift(p);
      return;
    }
    p.resolve({ kind: "lost", pid, reason: signal ? `killed by ${signal}` : `exited with code ${code}` });
  }
}

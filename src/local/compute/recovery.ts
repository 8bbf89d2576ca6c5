/**
 * Crash recovery of the local Compute service: picks up the tasks a previous runtime left
 * unfinished. A task's outcome reaches the store either from its worker's reply or, after
 * a crash, from the result file the worker wrote first (result-file.ts); recovery reads
 * those files, follows workers that outlived the previous runtime, and queues again only
 * tasks whose worker is gone without a result, so a completed task never runs twice.
 */
import { readdirSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import type { DocStore } from "../store.js";
import { OPEN, TASK } from "./documents.js";
import type { ComputeExecutor } from "./executor.js";
import { cancelledText, timeoutText, workerLostText } from "./failure-text.js";
import { readResultFile, type TaskResultRecord } from "./result-file.js";
import { isFinal, type LocalEndpointConfig, type StoredTask } from "./types.js";
import { isWorkerAlive, killProcessGroup } from "./worker-process.js";

export interface RecoveryReport {
  /** Finished from a result file the previous runtime never read. */
  completed: number;
  /** Still running in a worker that outlived the previous runtime; watched until it finishes. */
  resumed: number;
  /** Their worker is gone and left no result: queued to run again. */
  requeued: number;
  /** Gone too often (maxRequeues): failed as WorkerLost. */
  failed: number;
  /** Never started: queued again. */
  waiting: number;
}

export interface RecoveryOptions {
  store: DocStore;
  endpoints: ReadonlyMap<string, LocalEndpointConfig>;
  executor: ComputeExecutor;
  clock: () => Date;
  resultDir: string;
  /** Times a task whose worker vanished in a runtime crash is queued again before it fails as WorkerLost; default 2. */
  maxRequeues?: number;
}

interface OrphanWatch {
  pid: number;
  stop?: "timeout" | "cancel";
  timer?: NodeJS.Timeout;
}

export class TaskRecovery {
  /** Workers of a previous runtime, followed by pid until their result file appears or they die. */
  private readonly orphans = new Map<string, OrphanWatch>();

  constructor(private readonly o: RecoveryOptions) {}

  /**
   * Picks up the tasks a previous runtime left unfinished (safe to call again: tasks this
   * process already handles are skipped).
   */
  recover(): RecoveryReport {
    const { store, executor } = this.o;
    const report: RecoveryReport = { completed: 0, resumed: 0, requeued: 0, failed: 0, waiting: 0 };
    for (const { task_id } of store.list<{ task_id: string }>(OPEN)) {
      if (executor.inflight.has(task_id)) continue;
      const t = store.get<StoredTask>(TASK, task_id);
      if (!t || isFinal(t.status)) {
        store.delete(OPEN, task_id);
        continue;
      }
      const record = safeReadResult(this.o.resultDir, task_id);
      if (record) {
        executor.completeFrom(record);
        report.completed++;
      } else if (t.status === "running" && t.worker_pid !== undefined && isWorkerAlive(t.worker_pid)) {
        this.watchOrphan(t);
        report.resumed++;
      } else if (t.status === "running") {
        if (this.requeueLost(t)) report.requeued++;
        else report.failed++;
      } else {
        report.waiting++;
        executor.dispatch(t);
      }
    }
    this.sweepResultDir();
    return report;
  }

  /** Kills a watched orphan's worker (the task then fails as cancelled); false when the task is not one. */
  cancel(taskId: string): boolean {
    const orphan = this.orphans.get(taskId);
    if (!orphan) return false;
    orphan.stop ??= "cancel";
    killProcessGroup(orphan.pid);
    return true;
  }

  /** Stops following orphans (at shutdown): their tasks are picked up again at the next start. */
  stop(): void {
    for (const [id, w] of this.orphans) {
      clearTimeout(w.timer);
      this.orphans.delete(id);
      this.o.executor.inflight.delete(id);
    }
  }

  /** A task whose worker is gone without a result runs again, up to maxRequeues times. */
  private requeueLost(t: StoredTask): boolean {
    const requeues = (t.requeues ?? 0) + 1;
    if (requeues > (this.o.maxRequeues ?? 2)) {
      this.o.executor.fail(t.task_id, workerLostText(t.worker_pid ?? -1, `gone after a runtime restart (${requeues - 1} earlier attempts were lost too)`));
      return false;
    }
    const next: StoredTask = { ...t, status: "waiting-for-ep", requeues };
    delete next.worker_pid;
    delete next.started_ms;
    this.o.store.transaction(() => this.o.store.put(TASK, t.task_id, next));
    this.o.executor.dispatch(next);
    return true;
  }

  /** Follows a worker that outlived the previous runtime until its result file appears or it dies. */
  private watchOrphan(t: StoredTask): void {
    const { executor, resultDir } = this.o;
    const pid = t.worker_pid!;
    const timeoutS = this.o.endpoints.get(t.endpoint_id)?.taskTimeoutSeconds;
    const deadline = timeoutS && t.started_ms ? t.started_ms + timeoutS * 1000 : undefined;
    const watch: OrphanWatch = { pid };
    this.orphans.set(t.task_id, watch);
    executor.inflight.add(t.task_id);
    const tick = () => {
      if (executor.closed) {
        this.orphans.delete(t.task_id);
        executor.inflight.delete(t.task_id);
        return;
      }
      let record = safeReadResult(resultDir, t.task_id);
      const alive = record ? true : isWorkerAlive(pid);
      // The file may land between the two checks.
      if (!record && !alive) record = safeReadResult(resultDir, t.task_id);
      if (record || !alive) {
        this.orphans.delete(t.task_id);
        executor.inflight.delete(t.task_id);
        if (record) executor.completeFrom(record);
        else if (watch.stop === "timeout") executor.fail(t.task_id, timeoutText(t.task_id, timeoutS ?? 0, pid));
        else if (watch.stop === "cancel") executor.fail(t.task_id, cancelledText(t.task_id));
        else this.requeueLost(this.o.store.get<StoredTask>(TASK, t.task_id) ?? t);
        return;
      }
      if (deadline !== undefined && this.o.clock().getTime() > deadline && !watch.stop) {
        watch.stop = "timeout";
        killProcessGroup(pid);
      }
      watch.timer = setTimeout(tick, 25);
    };
    tick();
  }

  /** Result files of finished tasks (the runtime died between commit and unlink) and dead workers' temporaries. */
  private sweepResultDir(): void {
    const dir = this.o.resultDir;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const tmp = /^\.(.+)\.(\d+)\.tmp$/.exec(name);
      const done = /^(.+)\.json$/.exec(name);
      const stale = tmp ? !isWorkerAlive(Number(tmp[2])) : done ? !this.o.store.get(OPEN, done[1]) : false;
      if (stale) {
        try {
          unlinkSync(join(dir, name));
        } catch {
          // Raced with another cleanup.
        }
      }
    }
  }
}

function safeReadResult(dir: string, taskId: string): TaskResultRecord | undefined {
  try {
    return readResultFile(dir, taskId);
  } catch {
    return undefined;
  }
}

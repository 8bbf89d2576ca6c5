/**
 * The executor's handle on its task document: counters are mutated in memory and written
 * (with any pending events) at checkpoints, at most once per progress interval, plus at
 * start and end. Every write first checks the stop signal, so once a cancel has written
 * the final document, or a shutdown has begun, the executor never writes again.
 */
import { faultDetails, TaskFault, TaskStopped } from "./faults.js";
import { activeNiceStatus, finishTask, zeroCounters } from "./task-doc.js";
import type { TaskStore } from "./task-store.js";
import { taskTimestamp } from "./time.js";
import type { EventDocument, TaskDocument } from "./types.js";

export interface Clock {
  now(): Date;
}

export class TaskRecorder {
  private pending: EventDocument[] = [];
  private lastWrite = 0;
  private startedAt: Date;
  private lastProgressBytes = 0;

  constructor(
    private readonly tasks: TaskStore,
    public doc: TaskDocument,
    private readonly clock: Clock,
    private readonly signal: AbortSignal,
    private readonly progressIntervalMs: number,
  ) {
    this.startedAt = clock.now();
  }

  event(code: string, description: string, details: string, isError: boolean): void {
    this.pending.push({ DATA_TYPE: "event", code, description, details, is_error: isError, time: taskTimestamp(this.clock.now()) });
  }

  /** Begin (or, after a restart, begin again): counters restart from zero because the work is redone. */
  start(details: Record<string, unknown>): void {
    this.startedAt = this.clock.now();
    this.doc = { ...this.doc, ...zeroCounters(), ...activeNiceStatus("OK") };
    this.event("STARTED", "started", JSON.stringify(details, null, 2), false);
    this.write();
  }

  addSubtasks(n = 1): void {
    this.doc.subtasks_total += n;
    this.doc.subtasks_pending += n;
  }

  subtaskSucceeded(n = 1): void {
    this.doc.subtasks_pending -= n;
    this.doc.subtasks_succeeded += n;
  }

  /** A skippable source error under skip_source_errors: recorded, counted, not fatal. */
  skipped(fault: TaskFault, subtasks = 1): void {
    this.doc.faults += 1;
    this.doc.subtasks_pending -= subtasks;
    this.doc.subtasks_skipped_errors += subtasks;
    this.event(fault.code, fault.fatal.description, fault.details, true);
  }

  /** Throws TaskStopped when the task must stop; otherwise writes progress if the interval elapsed. */
  checkpoint(): void {
    if (this.signal.aborted) throw new TaskStopped();
    if (this.clock.now().getTime() - this.lastWrite >= this.progressIntervalMs) {
      this.progressEvent();
      this.write();
    }
  }

  succeed(): void {
    if (this.doc.bytes_transferred > this.lastProgressBytes) this.progressEvent();
    this.event("SUCCEEDED", "succeeded", JSON.stringify({ files_succeeded: this.doc.files_transferred }, null, 2), false);
    this.doc = finishTask(this.doc, this.clock.now(), null, this.startedAt);
    this.write();
  }

  fail(fault: TaskFault): void {
    this.doc.faults += 1;
    if (this.doc.subtasks_pending > 0) {
      this.doc.subtasks_pending -= 1;
      this.doc.subtasks_failed += 1;
    } else {
      this.doc.subtasks_total += 1;
      this.doc.subtasks_failed += 1;
    }
    this.event(fault.code, fault.fatal.description, fault.details, true);
    this.doc = finishTask(this.doc, this.clock.now(), fault.fatal, this.startedAt);
    this.write();
  }

  /** An unexpected executor error still ends the task, never leaves it ACTIVE forever. */
  crash(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.fail(new TaskFault("ENDPOINT_ERROR", faultDetails({ operation: "task", endpoint: { id: this.doc.source_endpoint_id, name: this.doc.source_endpoint_display_name }, path: "" }, message)));
  }

  private progressEvent(): void {
    const seconds = Math.max((this.clock.now().getTime() - this.startedAt.getTime()) / 1000, 0.001);
    const bytes = this.doc.bytes_transferred;
    if (bytes === this.lastProgressBytes) return;
    this.lastProgressBytes = bytes;
    this.event("PROGRESS", "progress", JSON.stringify({ bytes_transferred: bytes, duration: Number(seconds.toFixed(2)), mbps: Number(((bytes * 8) / seconds / 1e6).toFixed(2)) }, null, 2), false);
  }

  private write(): void {
    if (this.signal.aborted) throw new TaskStopped();
    const events = this.pending;
    this.pending = [];
    this.lastWrite = this.clock.now().getTime();
    if (!this.tasks.update(this.doc, events)) throw new TaskStopped();
  }
}

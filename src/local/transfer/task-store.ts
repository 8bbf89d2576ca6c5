/**
 * Durable task records in the DocStore. A record holds the task document *and* the
 * validated plan, written together, so a process killed at any point leaves a task that
 * `resumeActiveTasks` can re-run from its plan. Submission ids map to task ids in the same
 * transaction as the task's creation: a resubmission can never see one without the other.
 * Events are an append-only log stream per task.
 */
import type { DocStore } from "../store.js";
import { isFinal } from "./task-doc.js";
import type { EventDocument, TaskDocument, TaskPlan } from "./types.js";

export interface StoredTask {
  doc: TaskDocument;
  plan: TaskPlan;
  submission_id: string;
}

interface SubmissionRecord {
  task_id: string;
  type: TaskDocument["type"];
}

const TASK_KIND = "transfer.task";
const SUBMISSION_KIND = "transfer.submission";

export class TaskStore {
  constructor(readonly store: DocStore) {}

  get(taskId: string): StoredTask | undefined {
    return this.store.get<StoredTask>(TASK_KIND, taskId);
  }

  all(): StoredTask[] {
    return this.store.list<StoredTask>(TASK_KIND);
  }

  submission(ownerId: string, submissionId: string): SubmissionRecord | undefined {
    return this.store.get<SubmissionRecord>(SUBMISSION_KIND, submissionKey(ownerId, submissionId));
  }

  /** Create a task atomically; returns the existing task id instead when the submission was seen before. */
  create(task: StoredTask, events: EventDocument[]): { created: boolean; task_id: string; type: TaskDocument["type"] } {
    return this.store.transaction(() => {
      const prior = this.submission(task.doc.owner_id, task.submission_id);
      if (prior) return { created: false, ...prior };
      this.store.put<SubmissionRecord>(SUBMISSION_KIND, submissionKey(task.doc.owner_id, task.submission_id), { task_id: task.doc.task_id, type: task.doc.type });
      this.store.put(TASK_KIND, task.doc.task_id, task);
      this.appendEvents(task.doc.task_id, events);
      return { created: true, task_id: task.doc.task_id, type: task.doc.type };
    });
  }

  /**
   * Replace a task's document and append events in one transaction. Refuses (returns false)
   * when the stored task already finished: a cancel that landed first must not be undone
   * by a late progress write from the executor.
   */
  update(doc: TaskDocument, events: EventDocument[], opts: { overwriteFinal?: boolean } = {}): boolean {
    return this.store.transaction(() => {
      const current = this.get(doc.task_id);
      if (!current) return false;
      if (isFinal(current.doc) && !opts.overwriteFinal) return false;
      this.store.put<StoredTask>(TASK_KIND, doc.task_id, { ...current, doc });
      this.appendEvents(doc.task_id, events);
      return true;
    });
  }

  /** Events newest first, as Transfer lists them. */
  events(taskId: string, offset: number, limit: number): { total: number; events: EventDocument[] } {
    const stream = eventStream(taskId);
    const total = this.store.countLog(stream);
    if (offset >= total || limit <= 0) return { total, events: [] };
    // Sequence numbers run 1..total; newest-first offset o starts just below seq total-o+1.
    const rows = this.store.readLog<EventDocument>(stream, total - offset + 1, limit, true);
    return { total, events: rows.map((r) => r.entry) };
  }

  private appendEvents(taskId: string, events: EventDocument[]): void {
    for (const e of events) this.store.appendLog(eventStream(taskId), e);
  }
}

function submissionKey(ownerId: string, submissionId: string): string {
  return `${ownerId}\n${submissionId}`;
}

function eventStream(taskId: string): string {
  return `transfer.events/${taskId}`;
}

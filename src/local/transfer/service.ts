/**
 * LocalTransferService: the Transfer API v0.10 surface the local runtime needs (task
 * submission, monitoring, cancel, ls/mkdir/stat) over collections that are local
 * directories. Tasks execute in-process right after submission.
 *
 * Restart safety: a task record (document + validated plan) is written in one transaction
 * before execution starts, progress is written at checkpoints, and the final state in one
 * transaction. A process killed in between leaves an ACTIVE record; `resumeActiveTasks()`
 * re-executes it from the start under the same task id. Copies are idempotent (atomic
 * rename into place), so the re-run converges to the same files. Final tasks never run again.
 *
 * Submissions are idempotent on (owner, submission_id): a resubmission answers with the
 * original task id and code "Duplicate" (SDK-JS types the result code as
 * 'Accpeted' | 'Duplicate' citing the task_submit docs' result codes; the CLI docs add
 * that a submission id is "only accepted and executed once").
 *
 * Deadlines are recorded but not enforced: local tasks do not wait on remote endpoints.
 */
import { randomUUID } from "node:crypto";
import type { DocStore } from "../store.js";
import { AccessRules } from "./acl.js";
import { LocalCollections, type CollectionConfig, type CollectionSpec } from "./collections.js";
import { executeDelete } from "./delete-executor.js";
import { newRequestId, TransferApiError } from "./errors.js";
import { TaskFault, TaskStopped } from "./faults.js";
import { deriveTaskId, defaultUsername, ownerIdOf } from "./ids.js";
import { FileOperations, type LsOptions } from "./operations.js";
import { TaskRecorder, type Clock } from "./recorder.js";
import { finishTask, isFinal, newTaskDocument } from "./task-doc.js";
import { parseTaskFilter } from "./task-list.js";
import { TaskStore, type StoredTask } from "./task-store.js";
import { taskTimestamp } from "./time.js";
import { executeTransfer } from "./transfer-executor.js";
import type {
  DeleteSubmission,
  EventListDocument,
  FileEntry,
  FileListDocument,
  ResultDocument,
  SubmissionIdDocument,
  SubmissionResult,
  TaskDocument,
  TaskListDocument,
  TaskPlan,
  TransferSubmission,
} from "./types.js";
import { validateDelete, validateTransfer, type ValidatedSubmission } from "./validate.js";

export { deriveTaskId } from "./ids.js";
export type { Clock } from "./recorder.js";

export interface LocalTransferOptions {
  clock?: Clock;
  /** Group id -> member identity URNs, for group access rules. */
  groups?: Record<string, string[]>;
  /** Username shown in task documents for an owner; default Globus's "u_<base32 of id>". */
  usernameFor?: (ownerId: string) => string;
  /** Concurrent file copies per task. */
  concurrency?: number;
  /** Minimum time between progress writes of a running task, in ms. */
  progressIntervalMs?: number;
}

export interface TaskListOptions {
  limit?: number;
  offset?: number;
  filter?: string;
  /** Only tasks of this identity (bare id or identity URN). */
  owner?: string;
}

interface Execution {
  controller: AbortController;
  done: Promise<void>;
}

const DEFAULT_CONCURRENCY = 4;
const DEFAULT_PROGRESS_INTERVAL_MS = 2000;

export class LocalTransferService {
  readonly store: DocStore;
  readonly collections: LocalCollections;
  private readonly tasks: TaskStore;
  private readonly files: FileOperations;
  readonly clock: Clock;
  private readonly usernameFor: (ownerId: string) => string;
  private readonly concurrency: number;
  private readonly progressIntervalMs: number;
  private readonly running = new Map<string, Execution>();
  /** Access rules of collections that have an owner (manage_permission, /endpoint/{id}/access). */
  readonly acl: AccessRules;

  constructor(store: DocStore, collections: LocalCollections | CollectionConfig | Record<string, CollectionSpec>, opts: LocalTransferOptions = {}) {
    this.store = store;
    this.collections = collections instanceof LocalCollections ? collections : new LocalCollections(collections);
    this.tasks = new TaskStore(store);
    this.files = new FileOperations(this.collections);
    this.clock = opts.clock ?? { now: () => new Date() };
    this.usernameFor = opts.usernameFor ?? defaultUsername;
    this.concurrency = Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY);
    this.progressIntervalMs = opts.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    this.acl = new AccessRules(store, opts.groups ?? {}, () => this.clock.now());
  }

  /**
   * Refuse `identity` on a collection with an owner unless it is the owner or an access rule
   * grants `need` on `path` (Transfer answers 403 PermissionDenied). No identity: an internal
   * caller, not checked.
   */
  authorize(collectionId: string, path: string, identity: string | undefined, need: "r" | "w", resource: string): void {
    const owner = this.collections.spec(collectionId)?.owner;
    if (!identity || !owner || ownerIdOf(owner) === ownerIdOf(identity)) return;
    if (this.acl.allows(collectionId, path, identity, need)) return;
    throw new TransferApiError(403, "PermissionDenied", `${identity} has no ${need === "r" ? "read" : "write"} permission on ${path} of collection ${collectionId}`, resource, true);
  }

  /** The collection's owner (URN), or undefined when everyone the runtime authenticates owns it. */
  collectionOwner(id: string): string | undefined {
    return this.collections.spec(id)?.owner;
  }

  collectionSpec(id: string, resource: string): CollectionSpec & { id: string } {
    this.collections.require(id, resource, "EndpointNotFound");
    return { id, ...this.collections.spec(id)! };
  }

  /** GET /submission_id. SDK-JS and real clients see `DATA_TYPE: "submission_id"` beside `value`. */
  /** Tasks copying right now (time-skipping clocks hold still while any are). */
  get activeTaskCount(): number {
    return this.running.size;
  }

  submissionId(): SubmissionIdDocument {
    return { DATA_TYPE: "submission_id", value: randomUUID() };
  }

  async submitTransfer(body: TransferSubmission, owner: string): Promise<SubmissionResult> {
    const resource = "/transfer";
    const sub = validateTransfer(body, resource);
    this.collections.require(sub.plan.source_endpoint, resource, "EndpointNotFound");
    this.collections.require(sub.plan.destination_endpoint, resource, "EndpointNotFound");
    for (const item of sub.plan.items) {
      this.authorize(sub.plan.source_endpoint, item.source_path, owner, "r", resource);
      this.authorize(sub.plan.destination_endpoint, item.destination_path, owner, "w", resource);
    }
    return this.submit(sub, owner, resource);
  }

  async submitDelete(body: DeleteSubmission, owner: string): Promise<SubmissionResult> {
    const resource = "/delete";
    const sub = validateDelete(body, resource);
    this.collections.require(sub.plan.endpoint, resource, "EndpointNotFound");
    for (const p of sub.plan.paths) this.authorize(sub.plan.endpoint, p, owner, "w", resource);
    return this.submit(sub, owner, resource);
  }

  getTask(taskId: string): TaskDocument {
    return this.stored(taskId, `/task/${taskId}`).doc;
  }

  taskList(opts: TaskListOptions = {}): TaskListDocument {
    const resource = "/task_list";
    const limit = clampPage(opts.limit, 10, 1000);
    const offset = Math.max(0, opts.offset ?? 0);
    const predicate = parseTaskFilter(opts.filter, resource);
    const owner = opts.owner === undefined ? null : ownerIdOf(opts.owner);
    const docs = this.tasks
      .all()
      .map((t) => t.doc)
      .filter((d) => (owner === null || d.owner_id === owner) && predicate(d))
      .reverse();
    const page = docs.slice(offset, offset + limit);
    return { DATA_TYPE: "task_list", DATA: page, length: page.length, limit, offset, total: docs.length };
  }

  eventList(taskId: string, opts: { limit?: number; offset?: number } = {}): EventListDocument {
    this.stored(taskId, `/task/${taskId}/event_list`);
    const limit = clampPage(opts.limit, 10, 1000);
    const offset = Math.max(0, opts.offset ?? 0);
    const { total, events } = this.tasks.events(taskId, offset, limit);
    return { DATA_TYPE: "event_list", DATA: events, length: events.length, limit, offset, total };
  }

  /**
   * POST /task/{id}/cancel. An unfinished task ends FAILED with fatal_error CANCELED and a
   * CANCELED event (cli-task_event_list.0.json) in one transaction, then its executor is
   * stopped and awaited so no copy outlives the answer. A finished task is left alone and
   * answered with code "TaskComplete".
   */
  async cancelTask(taskId: string): Promise<ResultDocument> {
    const resource = `/task/${taskId}/cancel`;
    const outcome = this.store.transaction(() => {
      const stored = this.stored(taskId, resource);
      if (isFinal(stored.doc)) return "complete" as const;
      const now = this.clock.now();
      const doc = finishTask(stored.doc, now, { code: "CANCELED", description: "canceled" }, new Date(stored.doc.request_time));
      this.tasks.update(doc, [{ DATA_TYPE: "event", code: "CANCELED", description: "canceled", details: "Canceled by the task owner", is_error: true, time: taskTimestamp(now) }]);
      return "canceled" as const;
    });
    const execution = this.running.get(taskId);
    if (execution) {
      execution.controller.abort();
      await execution.done;
    }
    return outcome === "canceled"
      ? { DATA_TYPE: "result", code: "Canceled", message: "The task has been cancelled successfully.", request_id: newRequestId(), resource }
      : { DATA_TYPE: "result", code: "TaskComplete", message: "The task completed before the cancel request was processed.", request_id: newRequestId(), resource };
  }

  async ls(collectionId: string, path: string | undefined, opts: LsOptions = {}, identity?: string): Promise<FileListDocument> {
    this.authorize(collectionId, path ?? "/~/", identity, "r", `/operation/endpoint/${collectionId}/ls`);
    return this.files.ls(collectionId, path, opts);
  }

  async mkdir(collectionId: string, path: string, identity?: string): Promise<ResultDocument> {
    this.authorize(collectionId, path, identity, "w", `/operation/endpoint/${collectionId}/mkdir`);
    return this.files.mkdir(collectionId, path);
  }

  async stat(collectionId: string, path: string, identity?: string): Promise<FileEntry> {
    this.authorize(collectionId, path, identity, "r", `/operation/endpoint/${collectionId}/stat`);
    return this.files.stat(collectionId, path);
  }

  /** Call once at startup: re-executes every task a previous process left ACTIVE. Returns their ids. */
  resumeActiveTasks(): string[] {
    const ids = this.tasks
      .all()
      .filter((t) => !isFinal(t.doc) && !this.running.has(t.doc.task_id))
      .map((t) => t.doc.task_id);
    for (const id of ids) this.launch(id);
    return ids;
  }

  /** Resolves with the task document once this process's execution of it has ended. */
  async waitForTask(taskId: string): Promise<TaskDocument> {
    await this.running.get(taskId)?.done;
    return this.getTask(taskId);
  }

  /** Resolves when no task is executing (including tasks started while waiting). */
  async whenIdle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running.values()].map((e) => e.done));
  }

  /**
   * Shutdown: stop executions at their next checkpoint *without* finishing them, so their
   * records stay ACTIVE and the next process resumes them. Resolves once all have stopped.
   */
  async stop(): Promise<void> {
    for (const e of this.running.values()) e.controller.abort();
    await this.whenIdle();
  }

  private async submit(sub: ValidatedSubmission<TaskPlan>, owner: string, resource: string): Promise<SubmissionResult> {
    const ownerId = ownerIdOf(owner);
    const type = sub.plan.type;
    const prior = this.tasks.submission(ownerId, sub.submission_id);
    if (prior) return this.submissionResult(prior, sub.submission_id, type, resource);
    const taskId = deriveTaskId(ownerId, sub.submission_id);
    const doc = newTaskDocument(sub, {
      taskId,
      ownerId,
      username: this.usernameFor(ownerId),
      now: this.clock.now(),
      displayName: (id) => this.collections.displayName(id),
    });
    const stored: StoredTask = { doc, plan: sub.plan, submission_id: sub.submission_id };
    const created = this.tasks.create(stored, []);
    if (!created.created) return this.submissionResult(created, sub.submission_id, type, resource);
    this.launch(taskId);
    return this.result("Accepted", taskId, sub.submission_id, type, resource);
  }

  private submissionResult(prior: { task_id: string; type: TaskDocument["type"] }, submissionId: string, type: TaskDocument["type"], resource: string): SubmissionResult {
    if (prior.type !== type) {
      throw new TransferApiError(409, "Conflict", `submission_id '${submissionId}' was already used for a ${prior.type.toLowerCase()} task`, resource);
    }
    return this.result("Duplicate", prior.task_id, submissionId, type, resource);
  }

  private result(code: "Accepted" | "Duplicate", taskId: string, submissionId: string, type: TaskDocument["type"], resource: string): SubmissionResult {
    const kind = type === "TRANSFER" ? "transfer" : "delete";
    return {
      DATA_TYPE: `${kind}_result`,
      code,
      message:
        code === "Accepted"
          ? `The ${kind} has been accepted and a task has been created and queued for execution`
          : `A ${kind} with this submission_id was already accepted; no new task was created`,
      request_id: newRequestId(),
      resource,
      submission_id: submissionId,
      task_id: taskId,
      task_link: { DATA_TYPE: "link", href: `task/${taskId}?format=json`, rel: "related", resource: "task", title: "related task" },
    };
  }

  private launch(taskId: string): void {
    if (this.running.has(taskId)) return;
    const controller = new AbortController();
    const done = (async () => {
      // Let the submitter observe the Queued document before work begins.
      await new Promise((resolve) => setImmediate(resolve));
      await this.execute(taskId, controller.signal);
    })()
      // Only a store that failed (e.g. closed under us at shutdown) reaches here; the
      // record then stays ACTIVE and is resumed by the next process.
      .catch(() => undefined)
      .finally(() => this.running.delete(taskId));
    this.running.set(taskId, { controller, done });
  }

  private async execute(taskId: string, signal: AbortSignal): Promise<void> {
    const stored = this.tasks.get(taskId);
    if (!stored || isFinal(stored.doc) || signal.aborted) return;
    const rec = new TaskRecorder(this.tasks, stored.doc, this.clock, signal, this.progressIntervalMs);
    const plan = stored.plan;
    try {
      rec.start(plan.type === "TRANSFER" ? { type: "Local Copy", concurrency: this.concurrency } : { type: "Local Delete" });
      if (plan.type === "TRANSFER") await executeTransfer(plan, { collections: this.collections, recorder: rec, concurrency: this.concurrency, taskId });
      else await executeDelete(plan, { collections: this.collections, recorder: rec });
      rec.succeed();
    } catch (err) {
      if (err instanceof TaskStopped) return;
      try {
        if (err instanceof TaskFault) rec.fail(err);
        else rec.crash(err);
      } catch (inner) {
        if (!(inner instanceof TaskStopped)) throw inner;
      }
    }
  }

  private stored(taskId: string, resource: string): StoredTask {
    const stored = this.tasks.get(taskId);
    if (!stored) throw new TransferApiError(404, "ClientError.NotFound", `Task ${taskId} not found`, resource);
    return stored;
  }
}

function clampPage(v: number | undefined, dflt: number, max: number): number {
  if (v === undefined || !Number.isFinite(v) || v < 1) return dflt;
  return Math.min(Math.floor(v), max);
}

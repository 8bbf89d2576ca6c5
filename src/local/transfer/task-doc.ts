/**
 * Construction and state transitions of task documents. Field values follow the real
 * captures: an ACTIVE task is `is_ok: true`, `nice_status` "Queued" then "OK",
 * `nice_status_expires_in: -1`; a finished one has every nice_status field and `is_ok`
 * null and a `completion_time`; FAILED adds `fatal_error`.
 */
import { taskKey, taskTimestamp } from "./time.js";
import type { DeletePlan, FatalError, TaskDocument, TaskPlan, TransferPlan } from "./types.js";
import type { ValidatedSubmission } from "./validate.js";

/** Delete tasks default to a 24 h deadline, as do new transfer tasks (task_behavior docs). */
const DEFAULT_DEADLINE_MS = 24 * 60 * 60 * 1000;

export interface NewTaskContext {
  taskId: string;
  ownerId: string;
  username: string;
  now: Date;
  displayName(collectionId: string): string;
}

export function newTaskDocument(sub: ValidatedSubmission<TaskPlan>, ctx: NewTaskContext): TaskDocument {
  const plan = sub.plan;
  const deadline = sub.deadline ?? new Date(ctx.now.getTime() + DEFAULT_DEADLINE_MS);
  const endpoints = plan.type === "TRANSFER" ? transferEndpoints(plan, ctx) : deleteEndpoints(plan, ctx);
  const transfer = plan.type === "TRANSFER" ? plan : null;
  return {
    DATA_TYPE: "task",
    task_id: ctx.taskId,
    type: plan.type,
    status: "ACTIVE",
    label: sub.label,
    owner_id: ctx.ownerId,
    username: ctx.username,
    request_time: taskTimestamp(ctx.now),
    completion_time: null,
    deadline: taskTimestamp(deadline),
    key: taskKey(true, ctx.now),
    command: "API 0.10",
    ...endpoints,
    ...zeroCounters(),
    subtasks_total: itemCount(plan),
    subtasks_pending: itemCount(plan),
    sync_level: transfer?.sync_level ?? null,
    verify_checksum: transfer?.verify_checksum ?? false,
    encrypt_data: sub.encrypt_data,
    preserve_timestamp: transfer?.preserve_timestamp ?? false,
    delete_destination_extra: transfer?.delete_destination_extra ?? false,
    skip_source_errors: transfer?.skip_source_errors ?? false,
    fail_on_quota_errors: transfer?.fail_on_quota_errors ?? false,
    recursive_symlinks: sub.recursive_symlinks,
    filter_rules: transfer && transfer.filter_rules.length ? transfer.filter_rules : null,
    fatal_error: null,
    ...activeNiceStatus("Queued"),
    is_paused: false,
    canceled_by_admin: null,
    canceled_by_admin_message: null,
    history_deleted: false,
  };
}

export type Counters = Pick<
  TaskDocument,
  | "files"
  | "directories"
  | "symlinks"
  | "files_skipped"
  | "files_transferred"
  | "bytes_transferred"
  | "bytes_checksummed"
  | "effective_bytes_per_second"
  | "faults"
  | "subtasks_total"
  | "subtasks_pending"
  | "subtasks_retrying"
  | "subtasks_succeeded"
  | "subtasks_failed"
  | "subtasks_canceled"
  | "subtasks_expired"
  | "subtasks_skipped_errors"
>;

/** A (re)started execution recounts from zero: counters describe this execution's work. */
export function zeroCounters(): Counters {
  return {
    files: 0,
    directories: 0,
    symlinks: 0,
    files_skipped: 0,
    files_transferred: 0,
    bytes_transferred: 0,
    bytes_checksummed: 0,
    effective_bytes_per_second: 0,
    faults: 0,
    subtasks_total: 0,
    subtasks_pending: 0,
    subtasks_retrying: 0,
    subtasks_succeeded: 0,
    subtasks_failed: 0,
    subtasks_canceled: 0,
    subtasks_expired: 0,
    subtasks_skipped_errors: 0,
  };
}

export function activeNiceStatus(nice: "Queued" | "OK"): Pick<TaskDocument, "nice_status" | "nice_status_details" | "nice_status_expires_in" | "nice_status_short_description" | "is_ok"> {
  return { nice_status: nice, nice_status_details: null, nice_status_expires_in: -1, nice_status_short_description: nice, is_ok: true };
}

/** Final transition. Unfinished subtasks count as canceled: they will never run. */
export function finishTask(doc: TaskDocument, now: Date, fatal: FatalError | null, startedAt: Date): TaskDocument {
  const seconds = Math.max((now.getTime() - startedAt.getTime()) / 1000, 0.001);
  return {
    ...doc,
    status: fatal ? "FAILED" : "SUCCEEDED",
    fatal_error: fatal,
    completion_time: taskTimestamp(now),
    key: taskKey(false, now),
    subtasks_canceled: doc.subtasks_canceled + doc.subtasks_pending,
    subtasks_pending: 0,
    effective_bytes_per_second: Math.floor(doc.bytes_transferred / seconds),
    nice_status: null,
    nice_status_details: null,
    nice_status_expires_in: null,
    nice_status_short_description: null,
    is_ok: null,
  };
}

export function isFinal(doc: TaskDocument): boolean {
  return doc.status === "SUCCEEDED" || doc.status === "FAILED";
}

function itemCount(plan: TaskPlan): number {
  return plan.type === "TRANSFER" ? plan.items.length : plan.paths.length;
}

function transferEndpoints(plan: TransferPlan, ctx: NewTaskContext) {
  return {
    source_endpoint: plan.source_endpoint,
    source_endpoint_id: plan.source_endpoint,
    source_endpoint_display_name: ctx.displayName(plan.source_endpoint),
    destination_endpoint: plan.destination_endpoint,
    destination_endpoint_id: plan.destination_endpoint,
    destination_endpoint_display_name: ctx.displayName(plan.destination_endpoint),
  };
}

/** Real delete tasks name their collection as the *source* and leave destination null. */
function deleteEndpoints(plan: DeletePlan, ctx: NewTaskContext) {
  return {
    source_endpoint: plan.endpoint,
    source_endpoint_id: plan.endpoint,
    source_endpoint_display_name: ctx.displayName(plan.endpoint),
    destination_endpoint: null,
    destination_endpoint_id: null,
    destination_endpoint_display_name: null,
  };
}

/**
 * Document shapes of the local Transfer service. Request bodies and file documents reuse
 * @globus/sdk's hand-written Transfer types; the task document does not, because the real
 * captures (fixtures/transfer/cli-*.json) disagree with the SDK's type (delete tasks carry
 * `destination_endpoint: null`, an undocumented `key`, `is_ok: null`), and the captures win.
 */
import type { transfer } from "@globus/sdk";

export type TransferSubmission = transfer.taskSubmission.TransferFields;
export type DeleteSubmission = transfer.taskSubmission.DeleteFields;
export type FilterRule = transfer.taskSubmission.FilterRule;
export type FileDocument = transfer.fileOperations.FileDocument;

export type FileType = FileDocument["type"];

/** A file document with every field present, as Transfer returns it (fixtures: all keys, nulls for link_*). */
export interface FileEntry extends FileDocument {
  readonly size: number;
  readonly last_modified: string;
  readonly permissions: string;
  readonly user: string | null;
  readonly group: string | null;
  readonly link_target: string | null;
  readonly link_size: number | null;
  readonly link_user: string | null;
  readonly link_group: string | null;
  readonly link_last_modified: string | null;
}

export interface FileListDocument {
  DATA_TYPE: "file_list";
  DATA: FileEntry[];
  endpoint: string;
  path: string;
  absolute_path: string | null;
  length: number;
  total: number;
  rename_supported: boolean;
  symlink_supported: boolean;
}

export type TaskStatus = "ACTIVE" | "INACTIVE" | "SUCCEEDED" | "FAILED";

export interface FatalError {
  code: string;
  description: string;
}

/** Union of the fields in the real task captures (cli-submit_delete_*.1.json, cli-task_list.0.json) plus the documented DATA_TYPE. */
export interface TaskDocument {
  DATA_TYPE: "task";
  task_id: string;
  type: "TRANSFER" | "DELETE";
  status: TaskStatus;
  label: string | null;
  owner_id: string;
  username: string;
  request_time: string;
  completion_time: string | null;
  deadline: string;
  key: string;
  command: "API 0.10";
  source_endpoint: string;
  source_endpoint_id: string;
  source_endpoint_display_name: string;
  destination_endpoint: string | null;
  destination_endpoint_id: string | null;
  destination_endpoint_display_name: string | null;
  files: number;
  directories: number;
  symlinks: number;
  files_skipped: number;
  files_transferred: number;
  bytes_transferred: number;
  bytes_checksummed: number;
  effective_bytes_per_second: number;
  faults: number;
  subtasks_total: number;
  subtasks_pending: number;
  subtasks_retrying: number;
  subtasks_succeeded: number;
  subtasks_failed: number;
  subtasks_canceled: number;
  subtasks_expired: number;
  subtasks_skipped_errors: number;
  sync_level: 0 | 1 | 2 | 3 | null;
  verify_checksum: boolean;
  encrypt_data: boolean;
  preserve_timestamp: boolean;
  delete_destination_extra: boolean;
  skip_source_errors: boolean;
  fail_on_quota_errors: boolean;
  recursive_symlinks: "ignore" | "keep" | "copy" | null;
  filter_rules: FilterRule[] | null;
  fatal_error: FatalError | null;
  nice_status: string | null;
  nice_status_details: null;
  nice_status_expires_in: number | null;
  nice_status_short_description: string | null;
  is_ok: boolean | null;
  is_paused: boolean;
  canceled_by_admin: null;
  canceled_by_admin_message: null;
  history_deleted: boolean;
}

export interface EventDocument {
  DATA_TYPE: "event";
  code: string;
  description: string;
  details: string;
  is_error: boolean;
  time: string;
}

interface Paged<T> {
  DATA: T[];
  length: number;
  limit: number;
  offset: number;
  total: number;
}

/** fixtures/transfer/cli-task_event_list.0.json (real API: "event_list", not the SDK's "task_event_list"). */
export interface EventListDocument extends Paged<EventDocument> {
  DATA_TYPE: "event_list";
}

export interface TaskListDocument extends Paged<TaskDocument> {
  DATA_TYPE: "task_list";
}

export interface TaskLink {
  DATA_TYPE: "link";
  href: string;
  rel: "related";
  resource: "task";
  title: "related task";
}

export interface SubmissionResult {
  DATA_TYPE: "transfer_result" | "delete_result";
  code: "Accepted" | "Duplicate";
  message: string;
  request_id: string;
  resource: string;
  submission_id: string;
  task_id: string;
  task_link: TaskLink;
}

export interface SubmissionIdDocument {
  DATA_TYPE: "submission_id";
  value: string;
}

/** Result documents of cancel and mkdir (fixtures sdk-cancel_task / sdk-operation_mkdir). */
export interface ResultDocument {
  DATA_TYPE: "result" | "mkdir_result";
  code: string;
  message: string;
  request_id: string;
  resource: string;
}

/** A validated transfer item: recursive null means "detect from the source" (AP docs omit it for directories). */
export interface TransferItemSpec {
  source_path: string;
  destination_path: string;
  recursive: boolean | null;
  external_checksum: string | null;
  checksum_algorithm: string | null;
}

/** What execution needs; persisted beside the task document so a restart can re-run it. */
export interface TransferPlan {
  type: "TRANSFER";
  source_endpoint: string;
  destination_endpoint: string;
  items: TransferItemSpec[];
  sync_level: 0 | 1 | 2 | 3 | null;
  verify_checksum: boolean;
  preserve_timestamp: boolean;
  delete_destination_extra: boolean;
  skip_source_errors: boolean;
  fail_on_quota_errors: boolean;
  filter_rules: FilterRule[];
}

export interface DeletePlan {
  type: "DELETE";
  endpoint: string;
  paths: string[];
  recursive: boolean;
  ignore_missing: boolean;
  interpret_globs: boolean;
}

export type TaskPlan = TransferPlan | DeletePlan;

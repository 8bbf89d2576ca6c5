/**
 * Task-level failure classification. Transfer reports file errors as event codes
 * (FILE_NOT_FOUND, PERMISSION_DENIED... as in cli-task_event_list.0.json) and a failed
 * task's `fatal_error` repeats the code with a lowercase description
 * (cli-submit_delete_failed.1.json: FILE_NOT_FOUND / "file not found").
 */
import { TransferApiError } from "./errors.js";
import type { FatalError } from "./types.js";

export const FAULT_DESCRIPTIONS: Record<string, string> = {
  FILE_NOT_FOUND: "file not found",
  PERMISSION_DENIED: "permission denied",
  QUOTA_EXCEEDED: "quota exceeded",
  VERIFY_CHECKSUM: "checksum verification failed",
  IS_A_DIRECTORY: "is a directory",
  NOT_A_DIRECTORY: "not a directory",
  ENDPOINT_ERROR: "endpoint error",
  CANCELED: "canceled",
};

/** A fault that ends the task FAILED; `details` is the event's multi-line text. */
export class TaskFault extends Error {
  constructor(
    readonly code: string,
    readonly details: string,
    /** Source-side FILE_NOT_FOUND/PERMISSION_DENIED can be skipped with skip_source_errors. */
    readonly sourceSide = false,
  ) {
    super(`${code}: ${details}`);
    this.name = "TaskFault";
  }

  get fatal(): FatalError {
    return { code: this.code, description: FAULT_DESCRIPTIONS[this.code] ?? this.code.toLowerCase().replace(/_/g, " ") };
  }

  get skippable(): boolean {
    return this.sourceSide && (this.code === "FILE_NOT_FOUND" || this.code === "PERMISSION_DENIED");
  }
}

/** Thrown inside an executor when it must stop without writing (canceled or shut down). */
export class TaskStopped extends Error {
  constructor() {
    super("task execution stopped");
    this.name = "TaskStopped";
  }
}

export function faultCodeOf(err: unknown): string {
  if (err instanceof TransferApiError) return err.httpStatus === 403 ? "PERMISSION_DENIED" : err.httpStatus === 404 ? "FILE_NOT_FOUND" : "ENDPOINT_ERROR";
  switch ((err as NodeJS.ErrnoException)?.code) {
    case "ENOENT":
      return "FILE_NOT_FOUND";
    case "EACCES":
    case "EPERM":
      return "PERMISSION_DENIED";
    case "ENOSPC":
    case "EDQUOT":
      return "QUOTA_EXCEEDED";
    case "EISDIR":
      return "IS_A_DIRECTORY";
    case "ENOTDIR":
      return "NOT_A_DIRECTORY";
    default:
      return "ENDPOINT_ERROR";
  }
}

export interface FaultContext {
  operation: string;
  endpoint: { id: string; name: string };
  path: string;
}

/** Event details in the layout of Transfer's relayed endpoint errors. */
export function faultDetails(ctx: FaultContext, message: string): string {
  return `Error (${ctx.operation})\nEndpoint: ${ctx.endpoint.name} (${ctx.endpoint.id})\nServer: localhost\nFile: ${ctx.path}\nMessage: ${message}`;
}

export function toFault(err: unknown, ctx: FaultContext, sourceSide: boolean): TaskFault {
  if (err instanceof TaskFault) return err;
  if (err instanceof TaskStopped) throw err;
  const message = err instanceof TransferApiError ? "Path not allowed" : errnoMessage(err);
  return new TaskFault(faultCodeOf(err), faultDetails(ctx, message), sourceSide);
}

function errnoMessage(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case "ENOENT":
      return "No such file or directory";
    case "EACCES":
    case "EPERM":
      return "Permission denied";
    case "ENOSPC":
      return "No space left on device";
    case "EDQUOT":
      return "Disk quota exceeded";
    default:
      return e?.message ?? String(err);
  }
}

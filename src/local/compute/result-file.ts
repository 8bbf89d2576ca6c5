/**
 * The hand-off between a worker and the runtime that survives the runtime: a worker writes
 * each task's outcome to `<resultDir>/<task_id>.json` (temporary file + rename) before it
 * replies, so after a crash the file alone proves the task completed and must not run again.
 */
import { readFileSync, unlinkSync } from "node:fs";
import { join } from "node:path";

/** What worker.py writes, and sends as its `done` reply. */
export interface TaskResultRecord {
  task_id: string;
  status: "success" | "failed";
  result?: string;
  exception?: string;
  error_details?: { code: string; user_message: string };
  /** Unix seconds as Python's repr(float), e.g. "1677183605.212898". */
  completion_t: string;
  details?: Record<string, unknown>;
}

export function resultFilePath(resultDir: string, taskId: string): string {
  return join(resultDir, `${taskId}.json`);
}

export function readResultFile(resultDir: string, taskId: string): TaskResultRecord | undefined {
  let text: string;
  try {
    text = readFileSync(resultFilePath(resultDir, taskId), "utf8");
  } catch {
    return undefined;
  }
  const record = JSON.parse(text) as TaskResultRecord;
  return record.task_id === taskId ? record : undefined;
}

export function removeResultFile(resultDir: string, taskId: string): void {
  try {
    unlinkSync(resultFilePath(resultDir, taskId));
  } catch {
    // Already gone: removal only keeps the directory small.
  }
}

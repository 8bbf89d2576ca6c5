/**
 * What the Transfer action providers remember per action, in the DocStore. Action ids are
 * derived from (provider, caller, request_id), so a re-issued run finds its record (and,
 * for transfer/delete, its task) instead of starting anew; the body's digest catches a
 * request_id reused with a different body. Synchronous actions (ls/mkdir/stat) store their
 * final status: re-running mkdir would otherwise turn a success into "Exists".
 */
import { createHash } from "node:crypto";
import type { DocStore } from "../store.js";
import type { ActionCaller, ActionStatus } from "../../providers/types.js";
import { uuidV5 } from "./ids.js";

export type TransferApName = "transfer" | "delete" | "ls" | "mkdir" | "stat";

export interface ActionRecord {
  action_id: string;
  provider: TransferApName;
  body_digest: string;
  creator_id: string;
  label: string | null;
  manage_by: string[];
  monitor_by: string[];
  start_time: string;
  released: boolean;
  /** Final status of a synchronous action; absent for task-backed ones. */
  status?: ActionStatus;
}

const KIND = "transfer.ap.action";

export class ActionRecords {
  constructor(private readonly store: DocStore) {}

  get(actionId: string): ActionRecord | undefined {
    return this.store.get<ActionRecord>(KIND, actionId);
  }

  put(record: ActionRecord): void {
    this.store.put(KIND, record.action_id, record);
  }
}

/** Stable per (provider, caller, request_id): the idempotency key of APT's run. */
export function requestUuid(provider: TransferApName, caller: ActionCaller, requestId: string): string {
  return uuidV5(`transfer-ap\n${provider}\n${caller.identity}\n${requestId}`);
}

export function bodyDigest(body: unknown): string {
  return createHash("sha256").update(canonicalJson(body)).digest("hex");
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

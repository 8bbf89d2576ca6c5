/**
 * Validation of transfer/delete submission bodies, mirroring what Transfer rejects with a
 * 400 before creating a task (task_submit docs; fixtures/transfer/sdk-submit_transfer.failure.json
 * for the NoTransferItems error). The body arrives from JSON, so every field is checked at
 * runtime whatever its static type says. Collections are checked by the caller (404).
 */
import { checksumAlgorithm } from "./checksum.js";
import { badRequest } from "./errors.js";
import type { DeletePlan, FilterRule, TransferItemSpec, TransferPlan } from "./types.js";

export interface ValidatedSubmission<P> {
  submission_id: string;
  label: string | null;
  deadline: Date | null;
  recursive_symlinks: "ignore" | "keep" | "copy" | null;
  encrypt_data: boolean;
  plan: P;
}

type Obj = Record<string, unknown>;

const MAX_LABEL = 128;

export function validateTransfer(body: unknown, resource: string): ValidatedSubmission<TransferPlan> {
  const b = requireObject(body, resource, "transfer");
  const items = requireItems(b, resource, "transfer_item", "A transfer requires at least one item", "ClientError.BadRequest.NoTransferItems");
  const plan: TransferPlan = {
    type: "TRANSFER",
    source_endpoint: requireString(b, "source_endpoint", resource),
    destination_endpoint: requireString(b, "destination_endpoint", resource),
    items: items.map((it, i) => transferItem(it, i, resource)),
    sync_level: syncLevel(b.sync_level, resource),
    verify_checksum: bool(b, "verify_checksum", false, resource),
    preserve_timestamp: bool(b, "preserve_timestamp", false, resource),
    delete_destination_extra: bool(b, "delete_destination_extra", false, resource),
    skip_source_errors: bool(b, "skip_source_errors", false, resource),
    fail_on_quota_errors: bool(b, "fail_on_quota_errors", false, resource),
    filter_rules: filterRules(b.filter_rules, resource),
  };
  const recursiveSymlinks = b.recursive_symlinks ?? "ignore";
  if (recursiveSymlinks !== "ignore" && recursiveSymlinks !== "keep" && recursiveSymlinks !== "copy") {
    throw badRequest(resource, "recursive_symlinks must be one of 'ignore', 'keep', 'copy'");
  }
  return { ...common(b, resource), recursive_symlinks: recursiveSymlinks, encrypt_data: bool(b, "encrypt_data", false, resource), plan };
}

export function validateDelete(body: unknown, resource: string): ValidatedSubmission<DeletePlan> {
  const b = requireObject(body, resource, "delete");
  const items = requireItems(b, resource, "delete_item", "A delete requires at least one item", "ClientError.BadRequest.NoDeleteItems");
  const plan: DeletePlan = {
    type: "DELETE",
    endpoint: requireString(b, "endpoint", resource),
    paths: items.map((it, i) => {
      if (typeof it.path !== "string" || it.path === "") throw badRequest(resource, `DATA[${i}].path is required`);
      return it.path;
    }),
    recursive: bool(b, "recursive", false, resource),
    ignore_missing: bool(b, "ignore_missing", false, resource),
    interpret_globs: bool(b, "interpret_globs", false, resource),
  };
  return { ...common(b, resource), recursive_symlinks: null, encrypt_data: false, plan };
}

function common(b: Obj, resource: string): Pick<ValidatedSubmission<unknown>, "submission_id" | "label" | "deadline"> {
  for (const k of ["notify_on_succeeded", "notify_on_failed", "notify_on_inactive", "store_base_path_info"]) bool(b, k, false, resource);
  return { submission_id: requireString(b, "submission_id", resource), label: label(b.label, resource), deadline: deadline(b.deadline, resource) };
}

function requireObject(body: unknown, resource: string, dataType: string): Obj {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw badRequest(resource, "Request body must be a JSON object");
  const b = body as Obj;
  if (b.DATA_TYPE !== dataType) throw badRequest(resource, `DATA_TYPE must be '${dataType}' (got ${JSON.stringify(b.DATA_TYPE ?? null)})`);
  return b;
}

function requireItems(b: Obj, resource: string, itemType: string, emptyMessage: string, emptyCode: string): Obj[] {
  const data = b.DATA;
  if (data !== undefined && !Array.isArray(data)) throw badRequest(resource, "DATA must be a list");
  if (!data || data.length === 0) throw badRequest(resource, emptyMessage, emptyCode);
  return data.map((it, i) => {
    if (typeof it !== "object" || it === null || Array.isArray(it)) throw badRequest(resource, `DATA[${i}] must be an object`);
    const item = it as Obj;
    if (item.DATA_TYPE === "transfer_symlink_item" && itemType === "transfer_item") {
      throw badRequest(resource, `DATA[${i}]: transfer_symlink_item is not supported by the local Transfer service`);
    }
    if (item.DATA_TYPE !== itemType) throw badRequest(resource, `DATA[${i}].DATA_TYPE must be '${itemType}'`);
    return item;
  });
}

function transferItem(it: Obj, i: number, resource: string): TransferItemSpec {
  for (const k of ["source_path", "destination_path"]) {
    if (typeof it[k] !== "string" || it[k] === "") throw badRequest(resource, `DATA[${i}].${k} is required`);
  }
  const recursive = it.recursive ?? null;
  if (recursive !== null && typeof recursive !== "boolean") throw badRequest(resource, `DATA[${i}].recursive must be a boolean`);
  const external = it.external_checksum ?? null;
  if (external !== null && typeof external !== "string") throw badRequest(resource, `DATA[${i}].external_checksum must be a string`);
  const algorithm = it.checksum_algorithm ?? null;
  if (algorithm !== null && (typeof algorithm !== "string" || checksumAlgorithm(algorithm) === null)) {
    throw badRequest(resource, `DATA[${i}].checksum_algorithm ${JSON.stringify(algorithm)} is not supported (md5, sha1, sha256, sha512)`);
  }
  return {
    source_path: it.source_path as string,
    destination_path: it.destination_path as string,
    recursive,
    external_checksum: external,
    checksum_algorithm: algorithm as string | null,
  };
}

function requireString(b: Obj, key: string, resource: string): string {
  const v = b[key];
  if (typeof v !== "string" || v === "") throw badRequest(resource, `${key} is required`);
  return v;
}

function bool(b: Obj, key: string, dflt: boolean, resource: string): boolean {
  const v = b[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== "boolean") throw badRequest(resource, `${key} must be a boolean`);
  return v;
}

function syncLevel(v: unknown, resource: string): 0 | 1 | 2 | 3 | null {
  if (v === undefined || v === null) return null;
  if (v === 0 || v === 1 || v === 2 || v === 3) return v;
  throw badRequest(resource, "sync_level must be 0, 1, 2 or 3");
}

/** DOCS task_submit: at most 128 characters, no CR/LF, no leading or trailing whitespace. */
function label(v: unknown, resource: string): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") throw badRequest(resource, "label must be a string");
  if (v.length > MAX_LABEL) throw badRequest(resource, `label must be at most ${MAX_LABEL} characters`);
  if (/[\r\n]/.test(v)) throw badRequest(resource, "label must not contain newline characters");
  if (v.trim() !== v) throw badRequest(resource, "label must not have leading or trailing whitespace");
  return v;
}

function deadline(v: unknown, resource: string): Date | null {
  if (v === undefined || v === null) return null;
  const d = typeof v === "string" ? new Date(v) : null;
  if (!d || Number.isNaN(d.getTime())) throw badRequest(resource, "deadline must be an ISO 8601 date-time");
  return d;
}

function filterRules(v: unknown, resource: string): FilterRule[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badRequest(resource, "filter_rules must be a list");
  return v.map((r, i) => {
    const rule = r as Obj;
    if (typeof r !== "object" || r === null || rule.DATA_TYPE !== "filter_rule") throw badRequest(resource, `filter_rules[${i}].DATA_TYPE must be 'filter_rule'`);
    if (rule.method !== "include" && rule.method !== "exclude") throw badRequest(resource, `filter_rules[${i}].method must be 'include' or 'exclude'`);
    if (typeof rule.name !== "string" || rule.name === "") throw badRequest(resource, `filter_rules[${i}].name is required`);
    const type = rule.type ?? null;
    if (type !== null && type !== "file" && type !== "dir") throw badRequest(resource, `filter_rules[${i}].type must be 'file' or 'dir'`);
    return { DATA_TYPE: "filter_rule", method: rule.method, name: rule.name, type };
  });
}

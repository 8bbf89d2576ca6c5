/**
 * Action-provider inputs → Transfer request bodies, accepting both generations:
 * transfer.actions.globus.org (body mirrors Transfer: `source_endpoint`,
 * `destination_endpoint`, `DATA`; delete `endpoint` + `DATA: [{path}]`) and the retired
 * actions.globus.org inputs (`source_endpoint_id`, `destination_endpoint_id`,
 * `transfer_items`; delete `endpoint_id` + `items`). DATA_TYPE tags are optional in AP
 * inputs (the docs' examples omit them) and are filled in here; any submission_id in the
 * input is replaced by the one derived from the action's request_id.
 */
import { ActionProviderError } from "../../providers/types.js";

type Obj = Record<string, unknown>;

const LEGACY_TRANSFER_KEYS = ["source_endpoint_id", "destination_endpoint_id", "transfer_items"];
const LEGACY_DELETE_KEYS = ["endpoint_id", "items"];

export function transferBody(input: Obj, submissionId: string, defaultLabel: string): Obj {
  const rest = omit(input, LEGACY_TRANSFER_KEYS);
  return {
    ...rest,
    DATA_TYPE: "transfer",
    submission_id: submissionId,
    source_endpoint: input.source_endpoint ?? input.source_endpoint_id,
    destination_endpoint: input.destination_endpoint ?? input.destination_endpoint_id,
    label: input.label ?? defaultLabel,
    DATA: tagged(input.DATA ?? input.transfer_items, "transfer_item"),
    ...(Array.isArray(input.filter_rules) ? { filter_rules: tagged(input.filter_rules, "filter_rule") } : {}),
  };
}

export function deleteBody(input: Obj, submissionId: string, defaultLabel: string): Obj {
  const rest = omit(input, LEGACY_DELETE_KEYS);
  const items = input.DATA ?? input.items;
  return {
    ...rest,
    DATA_TYPE: "delete",
    submission_id: submissionId,
    endpoint: input.endpoint ?? input.endpoint_id,
    label: input.label ?? defaultLabel,
    DATA: Array.isArray(items) ? tagged(items.map((it) => (typeof it === "string" ? { path: it } : it)), "delete_item") : items,
  };
}

/** ls/mkdir/stat take `endpoint_id` + `path` in both generations. */
export function endpointAndPath(input: Obj, pathRequired: boolean): { endpoint: string; path: string | undefined } {
  const endpoint = input.endpoint_id ?? input.endpoint;
  if (typeof endpoint !== "string" || endpoint === "") throw new ActionProviderError("BadRequest", "endpoint_id is required");
  const path = input.path;
  if (path !== undefined && typeof path !== "string") throw new ActionProviderError("BadRequest", "path must be a string");
  if (pathRequired && !path) throw new ActionProviderError("BadRequest", "path is required");
  return { endpoint, path: path as string | undefined };
}

export function optionalType<T>(input: Obj, key: string, type: "boolean" | "number" | "string"): T | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== type) throw new ActionProviderError("BadRequest", `${key} must be a ${type}`);
  return v as T;
}

function tagged(list: unknown, dataType: string): unknown {
  if (!Array.isArray(list)) return list;
  return list.map((it) => (it && typeof it === "object" && !Array.isArray(it) ? { DATA_TYPE: dataType, ...(it as Obj) } : it));
}

function omit(input: Obj, keys: string[]): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(input)) if (!keys.includes(k)) out[k] = v;
  return out;
}

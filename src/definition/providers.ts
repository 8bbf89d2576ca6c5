/**
 * Action providers flowsmith knows by URL: their parameter shapes (globus-flows.md §4.1,
 * globus-compute.md §3) and, for retired URLs, the replacement. The validator checks
 * parameters against this table; the local engine maps the same URLs to local providers.
 */

export type ProviderKind =
  | "transfer"
  | "delete"
  | "ls"
  | "mkdir"
  | "stat"
  | "collection_info"
  | "manage_permission"
  | "compute"
  | "expression_eval"
  | "hello_world"
  | "search_ingest"
  | "search_delete"
  | "notify"
  | "weboption"
  | "other";

export interface ParamSpec {
  /** Each entry is a set of alternatives; one of them must be present. */
  required: string[][];
  known: string[];
  /** Literal-value type checks for some parameters. */
  types?: Record<string, "array" | "object" | "string" | "boolean" | "integer" | "sync_level">;
  /** Shape of the items of an array parameter. */
  items?: Record<string, { required: string[][]; known: string[] }>;
}

export interface ProviderInfo {
  kind: ProviderKind;
  /** Normalised URL: host + path, no scheme, no trailing slash. */
  url: string;
  retired?: { replacement: string; note: string };
  params?: ParamSpec;
  /** Compute API generation, for compute providers. */
  computeVersion?: "v2" | "v3";
}

const NOTIFY = ["notify_on_succeeded", "notify_on_failed", "notify_on_inactive"];
const TRANSFER_OPTS = [
  "label", "sync_level", "verify_checksum", "preserve_timestamp", "encrypt_data", "deadline", "skip_source_errors",
  "fail_on_quota_errors", "delete_destination_extra", "source_local_user", "destination_local_user", "filter_rules",
  "DATA_TYPE", "store_base_path_info", "recursive_symlinks", "skip_activation_check", "submission_id", ...NOTIFY,
];
const TRANSFER_ITEM = { required: [["source_path"], ["destination_path"]], known: ["source_path", "destination_path", "recursive", "external_checksum", "checksum_algorithm", "DATA_TYPE"] };
const TRANSFER_PARAMS: ParamSpec = {
  required: [["source_endpoint"], ["destination_endpoint"], ["DATA"]],
  known: ["source_endpoint", "destination_endpoint", "DATA", ...TRANSFER_OPTS],
  types: { DATA: "array", sync_level: "sync_level", verify_checksum: "boolean", preserve_timestamp: "boolean", encrypt_data: "boolean", label: "string", filter_rules: "array" },
  items: { DATA: TRANSFER_ITEM },
};
/** The 2020-2024 transfer AP accepted the old names and, late in its life, the new ones. */
const LEGACY_TRANSFER_PARAMS: ParamSpec = {
  required: [["source_endpoint_id", "source_endpoint"], ["destination_endpoint_id", "destination_endpoint"], ["transfer_items", "DATA"]],
  known: ["source_endpoint_id", "destination_endpoint_id", "transfer_items", "source_endpoint", "destination_endpoint", "DATA", ...TRANSFER_OPTS],
  types: { transfer_items: "array", DATA: "array", sync_level: "sync_level" },
  items: { transfer_items: TRANSFER_ITEM, DATA: TRANSFER_ITEM },
};
const DELETE_PARAMS: ParamSpec = {
  required: [["endpoint"], ["DATA"]],
  known: ["endpoint", "DATA", "recursive", "ignore_missing", "interpret_globs", "label", "deadline", "local_user", "DATA_TYPE", "submission_id", ...NOTIFY],
  types: { DATA: "array", recursive: "boolean", ignore_missing: "boolean", label: "string" },
  items: { DATA: { required: [["path"]], known: ["path", "DATA_TYPE"] } },
};
const LEGACY_DELETE_PARAMS: ParamSpec = {
  required: [["endpoint_id", "endpoint"], ["items", "DATA"]],
  known: ["endpoint_id", "endpoint", "items", "DATA", "recursive", "ignore_missing", "interpret_globs", "label", "deadline", "local_user", "DATA_TYPE", "submission_id", ...NOTIFY],
};
const LS_PARAMS: ParamSpec = {
  required: [["endpoint_id"]],
  known: ["endpoint_id", "path", "show_hidden", "limit", "offset", "orderby", "filter", "local_user", "path_only"],
};
const PATH_OP_PARAMS: ParamSpec = { required: [["endpoint_id"], ["path"]], known: ["endpoint_id", "path", "local_user"] };
const COMPUTE_V3_PARAMS: ParamSpec = {
  required: [["endpoint_id"], ["tasks"]],
  known: ["endpoint_id", "tasks", "task_group_id", "user_endpoint_config", "resource_specification", "create_queue", "user_runtime"],
  types: { tasks: "array", user_endpoint_config: "object", resource_specification: "object" },
  items: { tasks: { required: [["function_id"]], known: ["function_id", "args", "kwargs"] } },
};
const COMPUTE_V2_PARAMS: ParamSpec = {
  required: [],
  known: ["endpoint", "function", "func", "args", "kwargs", "payload", "tasks"],
  types: { tasks: "array" },
  items: { tasks: { required: [["endpoint"], ["function", "func"]], known: ["endpoint", "function", "func", "args", "kwargs", "payload"] } },
};

const T = "transfer.actions.globus.org";
const CURRENT: ProviderInfo[] = [
  { kind: "transfer", url: `${T}/transfer`, params: TRANSFER_PARAMS },
  { kind: "delete", url: `${T}/delete`, params: DELETE_PARAMS },
  { kind: "ls", url: `${T}/ls`, params: LS_PARAMS },
  { kind: "mkdir", url: `${T}/mkdir`, params: PATH_OP_PARAMS },
  { kind: "stat", url: `${T}/stat`, params: PATH_OP_PARAMS },
  { kind: "collection_info", url: `${T}/collection_info`, params: { required: [["endpoint_id"]], known: ["endpoint_id"] } },
  {
    kind: "manage_permission",
    url: `${T}/manage_permission`,
    params: { required: [["endpoint_id"]], known: ["operation", "endpoint_id", "path", "permissions", "principal_type", "principal", "rule_id", "notify_email", "notify_message"] },
  },
  { kind: "compute", url: "compute.actions.globus.org/v3", params: COMPUTE_V3_PARAMS, computeVersion: "v3" },
  { kind: "compute", url: "compute.actions.globus.org", params: COMPUTE_V2_PARAMS, computeVersion: "v2" },
  { kind: "compute", url: "compute.actions.globus.org/fxap", params: COMPUTE_V2_PARAMS, computeVersion: "v2" },
];

const RETIRED_NOTE = "the actions.globus.org transfer providers stopped being supported on 2025-01-22";
function retiredTransfer(host: string): ProviderInfo[] {
  const mk = (op: string, kind: ProviderKind, replacementOp: string, params?: ParamSpec, note = RETIRED_NOTE): ProviderInfo => {
    const info: ProviderInfo = { kind, url: `${host}/transfer/${op}`, retired: { replacement: `https://${T}/${replacementOp}`, note } };
    if (params) info.params = params;
    return info;
  };
  return [
    mk("transfer", "transfer", "transfer", LEGACY_TRANSFER_PARAMS, `${RETIRED_NOTE}; rename source_endpoint_id -> source_endpoint, destination_endpoint_id -> destination_endpoint, transfer_items -> DATA`),
    mk("delete", "delete", "delete", LEGACY_DELETE_PARAMS, `${RETIRED_NOTE}; the new input is {"endpoint", "DATA": [{"path"}]}`),
    mk("ls", "ls", "ls", LS_PARAMS),
    mk("mkdir", "mkdir", "mkdir", PATH_OP_PARAMS),
    mk("collection_info", "collection_info", "collection_info"),
    mk("set_permission", "manage_permission", "manage_permission", undefined, `${RETIRED_NOTE}; set_permission became manage_permission`),
  ];
}

/** Globus-hosted providers of docs.globus.org/api/flows/hosted-action-providers/ (both hosts are in use in the corpus). */
function hosted(host: string): ProviderInfo[] {
  return [
    { kind: "search_ingest", url: `${host}/search/ingest`, params: { required: [["search_index"], ["subject"], ["visible_to"], ["content"]], known: ["search_index", "subject", "visible_to", "content", "id"] } },
    { kind: "search_delete", url: `${host}/search/delete`, params: { required: [["search_index"], ["subject"]], known: ["search_index", "subject", "entry_id"] } },
    {
      kind: "notify",
      url: `${host}/notification/notify`,
      params: {
        required: [["destination"], ["body_template"]],
        known: ["notification_method", "notification_type", "notification_priority", "sender", "destination", "subject", "body_template", "body_variables", "body_mimetype", "send_credentials", "__Private_Parameters"],
      },
    },
    { kind: "weboption", url: `${host}/weboption/wait_for_option`, params: { required: [["options"]], known: ["options", "landing_page"] } },
  ];
}

const OTHER: ProviderInfo[] = [
  ...hosted("actions.globus.org"),
  ...hosted("actions.automate.globus.org"),
  ...retiredTransfer("actions.globus.org"),
  ...retiredTransfer("actions.automate.globus.org"),
  { kind: "hello_world", url: "actions.globus.org/hello_world" },
  { kind: "hello_world", url: "actions.automate.globus.org/hello_world" },
  { kind: "expression_eval", url: "actions.globus.org/expression_eval" },
  { kind: "expression_eval", url: "actions.automate.globus.org/expression_eval" },
  // Legacy `Resource` keys of the 2020 globus-automate examples.
  { kind: "transfer", url: "actions.automate.globus.org/transfer", retired: { replacement: `https://${T}/transfer`, note: "a 2020 globus-automate resource" } },
  { kind: "delete", url: "actions.automate.globus.org/transferdelete", retired: { replacement: `https://${T}/delete`, note: "a 2020 globus-automate resource" } },
  { kind: "compute", url: "automate.funcx.org", retired: { replacement: "https://compute.actions.globus.org/v3", note: "funcX's action provider was replaced by Globus Compute's in April 2023" }, computeVersion: "v2", params: COMPUTE_V2_PARAMS },
  { kind: "compute", url: "api.funcx.org/automate", retired: { replacement: "https://compute.actions.globus.org/v3", note: "funcX's action provider was replaced by Globus Compute's in April 2023" }, computeVersion: "v2", params: COMPUTE_V2_PARAMS },
];

const BY_URL = new Map([...CURRENT, ...OTHER].map((p) => [p.url, p]));

export function normaliseActionUrl(url: string): string {
  const m = /^[a-z]+:\/\/([^/?#]+)([^?#]*)/i.exec(url.trim());
  if (!m) return url.trim();
  return (m[1]! + m[2]!).replace(/\/+$/, "").toLowerCase();
}

export function lookupProvider(url: string): ProviderInfo | undefined {
  return BY_URL.get(normaliseActionUrl(url));
}

/** The URL an Action state targets, whichever of ActionUrl / Handler / Resource it uses. */
export function actionUrlOf(state: { ActionUrl?: unknown; Handler?: unknown; Resource?: unknown }): string | undefined {
  if (typeof state.ActionUrl === "string") return state.ActionUrl;
  const h = state.Handler;
  if (h && typeof h === "object" && "Url" in h && typeof (h as { Url: unknown }).Url === "string") return (h as { Url: string }).Url;
  if (typeof state.Resource === "string") return state.Resource;
  return undefined;
}

/** Engine target of a `{"Type": "RegisteredAPI", "Id"}` handler: this prefix + the id. */
export const REGISTERED_API_TARGET = "registered_api:";

/**
 * What an Action state runs: its provider URL, `registered_api:<id>` for a registered-API
 * handler, or a `urn:globus:flows:handle:…` string handler as written.
 */
export function actionTargetOf(state: { ActionUrl?: unknown; Handler?: unknown; Resource?: unknown }): string | undefined {
  const url = actionUrlOf(state);
  if (url) return url;
  const h = state.Handler;
  if (typeof h === "string" && h) return h;
  if (h && typeof h === "object" && (h as { Type?: unknown }).Type === "RegisteredAPI" && typeof (h as { Id?: unknown }).Id === "string") return REGISTERED_API_TARGET + (h as { Id: string }).Id;
  return undefined;
}

export const KNOWN_PROVIDERS: readonly ProviderInfo[] = [...CURRENT, ...OTHER];

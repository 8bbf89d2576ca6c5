/**
 * The local Compute service's configuration and the documents it keeps in the DocStore.
 * Response shapes come from @globus/sdk's OpenAPI types; request bodies relax the fields
 * the generator marks required only because they have defaults.
 */
import type { TaskState } from "../../wire/compute-types.js";

/** One local endpoint: a pool of persistent python3 workers. */
export interface LocalEndpointConfig {
  /** Persistent python3 workers in the pool; default 1. */
  workers?: number;
  /** The interpreter; default "python3" looked up on PATH. */
  python?: string;
  /** Set in the workers' environment (which otherwise holds only the allow-list of worker-env.ts). */
  env?: Record<string, string>;
  /** Names passed through from the runtime's environment besides the allow-list. */
  passEnv?: string[];
  /** Directories put in front of PATH (after env is applied). */
  pathPrefix?: string[];
  cwd?: string;
  /** Kill a task's worker after this long (the endpoint's GC_TASK_TIMEOUT); absent or 0: no limit. */
  taskTimeoutSeconds?: number;
  display_name?: string;
}

export function isFinal(s: TaskState): boolean {
  return s === "success" || s === "failed";
}

export interface StoredFunction {
  function_uuid: string;
  function_name: string;
  function_code: string;
  description?: string;
  metadata: { python_version?: string; sdk_version?: string };
  serde_identifier?: string;
  public: boolean;
  group?: string;
  /** Which route registered it. */
  api: "v2" | "v3";
  created_at: string;
}

export interface StoredTask {
  task_id: string;
  function_id: string;
  endpoint_id: string;
  task_group_id: string;
  /** pack_buffers([args, kwargs]) as submitted: kept so a task can run again after a crash. */
  payload: string;
  /** Result strategy identifiers in preference order. */
  result_serializers: string[];
  status: TaskState;
  created_at: string;
  result?: string;
  exception?: string;
  error_details?: { code: string; user_message: string };
  completion_t?: string;
  details?: Record<string, unknown>;
  /** The worker running it; with started_ms, what recovery needs to find an orphaned run. */
  worker_pid?: number;
  started_ms?: number;
  /** Times it was queued again because its worker vanished in a crash. */
  requeues?: number;
}

export interface StoredTaskGroup {
  taskgroup_id: string;
  create_websockets_queue: boolean;
  created_at: string;
}

export type { TaskState, RegisterFunctionRequestV2, RegisterFunctionRequestV3, RegisterFunctionResponse, FunctionResponse, SubmitRequestV3, SubmitResponseV3, SubmitRequestV2, SubmitResponseV2, TaskStatusResponse, BatchStatusRequest, BatchStatusResponse, TaskGroupResponse, EndpointStatusResponse, DeleteFunctionResponse } from "../../wire/compute-types.js";

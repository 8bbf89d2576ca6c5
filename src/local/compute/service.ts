/**
 * The Globus Compute web service, run locally — its API surface: functions, task submission
 * (v2 and v3), task status, task groups and endpoint status, with the REST bodies of
 * globus-compute.md §2 as inputs and outputs.
 *
 * Durability: a task is stored (one transaction) before it can run. Running it is the
 * executor's (executor.ts: a pool of real python3 workers per configured endpoint); picking
 * up what a crashed runtime left unfinished is the recovery's (recovery.ts), so a completed
 * task never runs twice.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { DocStore } from "../store.js";
import { FUNCTION, OPEN, TASK, TASK_GROUP } from "./documents.js";
import { ComputeError, isObject, notFound, RequestValidator } from "./errors.js";
import { ComputeExecutor } from "./executor.js";
import { TaskRecovery, type RecoveryReport } from "./recovery.js";
import { DEFAULT_RESULT_STRATEGIES, strategyFromImportPath } from "../../wire/compute-serialization.js";
import {
  isFinal,
  type BatchStatusRequest,
  type BatchStatusResponse,
  type DeleteFunctionResponse,
  type EndpointStatusResponse,
  type FunctionResponse,
  type LocalEndpointConfig,
  type RegisterFunctionRequestV2,
  type RegisterFunctionRequestV3,
  type RegisterFunctionResponse,
  type StoredFunction,
  type StoredTask,
  type StoredTaskGroup,
  type SubmitRequestV2,
  type SubmitRequestV3,
  type SubmitResponseV2,
  type SubmitResponseV3,
  type TaskGroupResponse,
  type TaskStatusResponse,
} from "./types.js";

export type { RecoveryReport } from "./recovery.js";
export { unixSeconds } from "./failure-text.js";

/** The web service's submission limit (docs/limits.rst). */
const MAX_SUBMISSION_CHARS = 10 * 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface LocalComputeOptions {
  /** Result files go to `<dataDir>/compute/results`, worker logs to `<dataDir>/compute/endpoints/<ep>.log`. */
  dataDir: string;
  /** Timestamps written into documents (created_at, service-side completion_t). */
  clock?: () => Date;
  /** Times a task whose worker vanished in a runtime crash is queued again before it fails as WorkerLost; default 2. */
  maxRequeues?: number;
  /** How long shutdown() lets running tasks finish; default 10 s. */
  shutdownGraceMs?: number;
}

export interface TaskSpec {
  function_id: string;
  endpoint_id: string;
  /** pack_buffers([args, kwargs]) (serialization.encodeTaskPayload). */
  payload: string;
  /** A caller-chosen id (a UUID) makes the submission idempotent: an existing id is not submitted again. */
  task_id?: string;
}

export interface SubmitOptions {
  task_group_id?: string;
  /** Strategy import paths, e.g. "globus_compute_sdk.serialize.JSONData". */
  result_serializers?: string[];
  create_queue?: boolean;
}

export class LocalComputeService {
  readonly clock: () => Date;
  readonly resultDir: string;
  private readonly executor: ComputeExecutor;
  private readonly recovery: TaskRecovery;

  constructor(
    readonly store: DocStore,
    readonly endpoints: ReadonlyMap<string, LocalEndpointConfig>,
    private readonly opts: LocalComputeOptions,
  ) {
    this.clock = opts.clock ?? (() => new Date());
    this.resultDir = join(opts.dataDir, "compute", "results");
    this.executor = new ComputeExecutor({ store, endpoints, clock: this.clock, resultDir: this.resultDir, logDir: join(opts.dataDir, "compute", "endpoints") });
    this.recovery = new TaskRecovery({ store, endpoints, executor: this.executor, clock: this.clock, resultDir: this.resultDir, maxRequeues: opts.maxRequeues });
  }

  /** Tasks queued, running or watched in this process (time-skipping clocks hold still while any are). */
  get inflightCount(): number {
    return this.executor.inflight.size;
  }

  /** Starts every endpoint's workers, then recovers what a previous runtime left unfinished. */
  async start(): Promise<RecoveryReport> {
    this.executor.start();
    return this.recover();
  }

  /**
   * Picks up the tasks a previous runtime left unfinished (safe to call again: tasks this
   * process already handles are skipped).
   */
  async recover(): Promise<RecoveryReport> {
    return this.recovery.recover();
  }

  /**
   * Stops the workers: running tasks get graceMs to finish and be recorded; whatever is
   * still unfinished then stays in the store and runs at the next start().
   */
  async shutdown(opts: { graceMs?: number } = {}): Promise<void> {
    this.recovery.stop();
    await this.executor.shutdown(opts.graceMs ?? this.opts.shutdownGraceMs ?? 10_000);
  }

  // --- functions ------------------------------------------------------------------------

  /** POST /v3/functions (default) or POST /v2/functions. Every call makes a new function, as the real service does. */
  registerFunction(body: RegisterFunctionRequestV3 | RegisterFunctionRequestV2, api: "v2" | "v3" = "v3"): RegisterFunctionResponse {
    const v = new RequestValidator();
    if (!isObject(body)) {
      v.invalid("value is not a valid dict", "type_error.dict");
      v.throwIfAny();
    }
    const b = body as Record<string, unknown>;
    v.requireString(b, "function_name");
    v.requireString(b, "function_code");
    if (b.description !== undefined && b.description !== null && typeof b.description !== "string") v.invalid("str type expected", "type_error.str", "description");
    if (b.public !== undefined && typeof b.public !== "boolean") v.invalid("value could not be parsed to a boolean", "type_error.bool", "public");
    let metadata: StoredFunction["metadata"] = {};
    let serde: string | undefined;
    if (api === "v3") {
      if (b.meta === undefined || b.meta === null) v.missing("meta");
      else if (!isObject(b.meta)) v.invalid("value is not a valid dict", "type_error.dict", "meta");
      else {
        for (const k of ["python_version", "sdk_version", "serde_identifier"]) v.requireString(b.meta, k, "meta");
        metadata = { python_version: b.meta.python_version as string, sdk_version: b.meta.sdk_version as string };
        serde = b.meta.serde_identifier as string;
      }
    } else if (b.metadata !== undefined && b.metadata !== null) {
      if (!isObject(b.metadata)) v.invalid("value is not a valid dict", "type_error.dict", "metadata");
      else metadata = { python_version: b.metadata.python_version as string | undefined, sdk_version: b.metadata.sdk_version as string | undefined };
    }
    v.throwIfAny();
    const fn: StoredFunction = {
      function_uuid: randomUUID(),
      function_name: b.function_name as string,
      // Stored as given: like the real service, the code is only deserialized when a task runs.
      function_code: b.function_code as string,
      metadata,
      public: (b.public as boolean | undefined) ?? false,
      api,
      created_at: this.clock().toISOString(),
    };
    if (typeof b.description === "string") fn.description = b.description;
    if (serde !== undefined) fn.serde_identifier = serde;
    if (typeof b.group === "string") fn.group = b.group;
    this.store.put(FUNCTION, fn.function_uuid, fn);
    return { function_uuid: fn.function_uuid };
  }

  /** GET /v2/functions/{id}. */
  getFunction(functionId: string): FunctionResponse {
    const fn = this.store.get<StoredFunction>(FUNCTION, functionId);
    if (!fn) throw notFound("FUNCTION_NOT_FOUND", functionId);
    const out: FunctionResponse = { function_uuid: fn.function_uuid, function_name: fn.function_name, function_code: fn.function_code, metadata: fn.metadata };
    if (fn.description !== undefined) out.description = fn.description;
    return out;
  }

  /** DELETE /v2/functions/{id}. */
  deleteFunction(functionId: string): DeleteFunctionResponse {
    if (!this.store.get<StoredFunction>(FUNCTION, functionId)) throw notFound("FUNCTION_NOT_FOUND", functionId);
    this.store.delete(FUNCTION, functionId);
    this.executor.forgetFunction(functionId);
    return { result: 302 };
  }

  // --- submission -----------------------------------------------------------------------

  /** POST /v3/endpoints/{endpointId}/submit. */
  submitV3(endpointId: string, body: SubmitRequestV3): SubmitResponseV3 {
    const v = new RequestValidator();
    if (!isObject(body)) v.invalid("value is not a valid dict", "type_error.dict");
    else if (body.tasks === undefined) v.missing("tasks");
    else if (!isObject(body.tasks)) v.invalid("value is not a valid dict", "type_error.dict", "tasks");
    else {
      for (const [fid, list] of Object.entries(body.tasks)) {
        if (!Array.isArray(list)) v.invalid("value is not a valid list", "type_error.list", "tasks", fid);
        else list.forEach((p, i) => {
          if (typeof p !== "string") v.invalid("str type expected", "type_error.str", "tasks", fid, i);
        });
      }
    }
    v.throwIfAny();
    this.requireEndpoint(endpointId);
    const specs: TaskSpec[] = [];
    for (const [fid, list] of Object.entries(body.tasks)) for (const payload of list) specs.push({ function_id: fid, endpoint_id: endpointId, payload });
    const { task_group_id, task_ids } = this.submitTasks(specs, body);
    const tasks: Record<string, string[]> = {};
    specs.forEach((s, i) => (tasks[s.function_id] ??= []).push(task_ids[i]));
    return { request_id: randomUUID(), task_group_id, endpoint_id: endpointId, tasks };
  }

  /**
   * POST /v2/submit. Tuples are (function id, endpoint id, payload) as the route's
   * description, the legacy service and the Python SDK have it; a tuple in the OpenAPI
   * example's order (endpoint first) is accepted when the ids make that unambiguous.
   */
  submitV2(body: SubmitRequestV2): SubmitResponseV2 {
    const v = new RequestValidator();
    if (!isObject(body)) v.invalid("value is not a valid dict", "type_error.dict");
    else if (body.tasks === undefined) v.missing("tasks");
    else if (!Array.isArray(body.tasks)) v.invalid("value is not a valid list", "type_error.list", "tasks");
    else {
      body.tasks.forEach((t, i) => {
        if (!Array.isArray(t) || t.length !== 3 || t.some((x) => typeof x !== "string")) v.invalid("expected [function_id, endpoint_id, payload]", "type_error.tuple", "tasks", i);
      });
    }
    v.throwIfAny();
    const specs: TaskSpec[] = body.tasks.map(([a, b, payload]) => {
      const swapped = !this.store.get(FUNCTION, a) && this.endpoints.has(a) && this.store.get(FUNCTION, b) !== undefined;
      return swapped ? { function_id: b, endpoint_id: a, payload } : { function_id: a, endpoint_id: b, payload };
    });
    const { task_group_id, task_ids } = this.submitTasks(specs, { task_group_id: body.task_group_id, create_queue: body.create_websocket_queue ?? true });
    return { response: "success", task_group_id, results: task_ids.map((task_uuid) => ({ status: "success", task_uuid, http_status_code: 200 })) };
  }

  /**
   * The submission both routes and the action providers share: stores every task (one
   * transaction) before any runs, then queues them on their endpoints. Ids in the result
   * follow `specs`.
   */
  submitTasks(specs: readonly TaskSpec[], opts: SubmitOptions = {}): { task_group_id: string; task_ids: string[] } {
    const serializers = this.resultStrategies(opts.result_serializers);
    let size = 0;
    for (const s of specs) {
      this.requireEndpoint(s.endpoint_id);
      if (!this.executor.hasFunction(s.function_id)) throw notFound("FUNCTION_NOT_FOUND", s.function_id);
      if (s.task_id !== undefined && !UUID.test(s.task_id)) throw new ComputeError(422, "INVALID_UUID", `Invalid task id ${JSON.stringify(s.task_id)}`, [s.task_id]);
      size += s.payload.length;
    }
    if (size > MAX_SUBMISSION_CHARS) throw new ComputeError(413, "TASK_PAYLOAD_TOO_LARGE", `Task payload of ${size} characters exceeds the ${MAX_SUBMISSION_CHARS} limit`, [size]);
    // "if not specified or invalid, a new identifier will be generated"
    const tg = opts.task_group_id && UUID.test(opts.task_group_id) ? opts.task_group_id : randomUUID();
    const now = this.clock().toISOString();
    const fresh: StoredTask[] = [];
    const ids = this.store.transaction(() => {
      if (!this.store.get(TASK_GROUP, tg)) {
        this.store.put<StoredTaskGroup>(TASK_GROUP, tg, { taskgroup_id: tg, create_websockets_queue: opts.create_queue ?? false, created_at: now });
      }
      return specs.map((s) => {
        const id = s.task_id ?? randomUUID();
        if (s.task_id !== undefined && this.store.get(TASK, id)) return id;
        const task: StoredTask = {
          task_id: id,
          function_id: s.function_id,
          endpoint_id: s.endpoint_id,
          task_group_id: tg,
          payload: s.payload,
          result_serializers: serializers,
          status: "waiting-for-ep",
          created_at: now,
        };
        this.store.put(TASK, id, task);
        this.store.put(OPEN, id, { task_id: id });
        this.store.index(TASK, id, "task_group_id", tg);
        fresh.push(task);
        return id;
      });
    });
    for (const t of fresh) this.executor.dispatch(t);
    return { task_group_id: tg, task_ids: ids };
  }

  private resultStrategies(paths: string[] | undefined): string[] {
    if (paths === undefined || paths === null || paths.length === 0) return [...DEFAULT_RESULT_STRATEGIES];
    if (!Array.isArray(paths)) throw new ComputeError(422, "REQUEST_MALFORMED", [{ loc: ["body", "result_serializers"], msg: "value is not a valid list", type: "type_error.list" }]);
    return paths.map((p, i) => {
      const s = typeof p === "string" ? strategyFromImportPath(p) : undefined;
      if (!s || s.kind !== "data") {
        throw new ComputeError(422, "REQUEST_MALFORMED", [{ loc: ["body", "result_serializers", i], msg: `${JSON.stringify(p)} is not a data serialization strategy`, type: "value_error" }]);
      }
      if (s.id === "00" || s.id === "11" || s.id === "13") return s.id;
      throw new ComputeError(422, "REQUEST_MALFORMED", [{ loc: ["body", "result_serializers", i], msg: `unsupported strategy ${p}`, type: "value_error" }]);
    });
  }

  private requireEndpoint(endpointId: string): LocalEndpointConfig {
    const ep = this.endpoints.get(endpointId);
    if (!ep) throw notFound("ENDPOINT_NOT_FOUND", endpointId);
    return ep;
  }

  // --- status ---------------------------------------------------------------------------

  /** GET /v2/tasks/{id}. Reading has no side effects (the legacy service deleted on read; this one does not). */
  getTask(taskId: string): TaskStatusResponse {
    const t = this.store.get<StoredTask>(TASK, taskId);
    if (!t) throw notFound("TASK_NOT_FOUND", taskId);
    return taskView(t);
  }

  /** The stored document, for the action providers. */
  taskDocument(taskId: string): StoredTask | undefined {
    return this.store.get<StoredTask>(TASK, taskId);
  }

  /** POST /v2/batch_status. Unknown ids answer the legacy service's "Unknown task id". */
  batchStatus(body: BatchStatusRequest | string[]): BatchStatusResponse {
    const ids = Array.isArray(body) ? body : body?.task_ids;
    if (!Array.isArray(ids) || ids.some((x) => typeof x !== "string")) {
      throw new ComputeError(422, "REQUEST_MALFORMED", [{ loc: ["body", "task_ids"], msg: "value is not a valid list of strings", type: "type_error.list" }]);
    }
    const results: BatchStatusResponse["results"] = {};
    for (const id of ids) {
      const t = this.store.get<StoredTask>(TASK, id);
      results[id] = t ? taskView(t) : { task_id: id, status: "failed", reason: "Unknown task id" };
    }
    return { response: "batch", results };
  }

  /** GET /v2/taskgroup/{id}. */
  getTaskGroup(taskGroupId: string): TaskGroupResponse {
    const g = this.store.get<StoredTaskGroup>(TASK_GROUP, taskGroupId);
    if (!g) throw notFound("TASK_GROUP_NOT_FOUND", taskGroupId);
    const tasks = this.store.find<StoredTask>(TASK, "task_group_id", taskGroupId).map((t) => ({ id: t.task_id, created_at: t.created_at.replace("Z", "000") }));
    return { taskgroup_id: g.taskgroup_id, create_websockets_queue: g.create_websockets_queue, tasks };
  }

  /**
   * GET /v2/endpoints/{id}/status: "online" while the runtime dispatches and the endpoint's
   * workers run or have not been needed yet (they start with the first task, as a real
   * endpoint's blocks scale up from min_blocks 0: zero workers until then); "offline" once
   * its workers could not start or the runtime stopped.
   */
  endpointStatus(endpointId: string): EndpointStatusResponse {
    this.requireEndpoint(endpointId);
    const pool = this.executor.pool(endpointId);
    const stats = pool?.stats() ?? { total_workers: 0, idle_workers: 0, pending_tasks: 0, outstanding_tasks: 0 };
    const online = !this.executor.closed && (pool ? pool.running : true);
    return { status: online ? "online" : "offline", details: { ...stats, managers: 1 } };
  }

  /** Resolves when the task is final. */
  waitForTask(taskId: string, timeoutMs?: number): Promise<TaskStatusResponse> {
    const t = this.getTask(taskId);
    if (isFinal(t.status)) return Promise.resolve(t);
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const unsubscribe = this.executor.onFinal(taskId, () => {
        clearTimeout(timer);
        resolve(this.getTask(taskId));
      });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          unsubscribe();
          reject(new Error(`task ${taskId} did not finish within ${timeoutMs} ms`));
        }, timeoutMs);
      }
    });
  }

  /**
   * Cancels a task that has not finished: a queued one is dropped, a running one has its
   * worker killed (the pool replaces it). It ends "failed" with a TaskCancelled exception,
   * unless it completed before the kill landed. The real service has no such route; the
   * local runtime needs it for action cancel.
   */
  async cancelTask(taskId: string): Promise<TaskStatusResponse> {
    const t = this.store.get<StoredTask>(TASK, taskId);
    if (!t) throw notFound("TASK_NOT_FOUND", taskId);
    if (isFinal(t.status)) return taskView(t);
    if (!this.recovery.cancel(taskId)) this.executor.cancel(t);
    return this.waitForTask(taskId);
  }
}

function taskView(t: StoredTask): TaskStatusResponse {
  const out: TaskStatusResponse = { task_id: t.task_id, status: t.status, task_group_id: t.task_group_id };
  if (t.result !== undefined) out.result = t.result;
  if (t.exception !== undefined) out.exception = t.exception;
  if (t.completion_t !== undefined) out.completion_t = t.completion_t;
  if (t.details !== undefined) out.details = t.details;
  return out;
}

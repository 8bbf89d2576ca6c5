/**
 * The Globus Compute web service, run locally: functions, task submission (v2 and v3),
 * task status, task groups and endpoint status, with the REST bodies of globus-compute.md
 * §2 as inputs and outputs, and each configured endpoint executing its tasks on a pool of
 * real python3 workers.
 *
 * Durability: a task is stored before it can run and every state change is one store
 * transaction. A task's outcome reaches the store either from the worker's reply or, after
 * a crash, from the result file the worker wrote first (result-file.ts); `recover()` reads
 * those files, waits for workers that outlived the previous runtime, and queues again only
 * tasks whose worker is gone without a result, so a completed task never runs twice.
 */
import { randomUUID } from "node:crypto";
import { readdirSync, unlinkSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { DocStore } from "../store.js";
import { ComputeError, isObject, notFound, RequestValidator } from "./errors.js";
import { WorkerPool, type JobOutcome } from "./pool.js";
import { readResultFile, removeResultFile, type TaskResultRecord } from "./result-file.js";
import { decodeFunctionCode, decodeTaskPayload, DEFAULT_RESULT_STRATEGIES, strategyFromImportPath, type SourceFunction } from "../../wire/compute-serialization.js";
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
import { isWorkerAlive, killProcessGroup } from "./worker-process.js";

const FUNCTION = "compute.function";
const TASK = "compute.task";
/** One marker per unfinished task, deleted with the final state: what recovery walks. */
const OPEN = "compute.open_task";
const TASK_GROUP = "compute.task_group";

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

export interface RecoveryReport {
  /** Finished from a result file the previous runtime never read. */
  completed: number;
  /** Still running in a worker that outlived the previous runtime; watched until it finishes. */
  resumed: number;
  /** Their worker is gone and left no result: queued to run again. */
  requeued: number;
  /** Gone too often (maxRequeues): failed as WorkerLost. */
  failed: number;
  /** Never started: queued again. */
  waiting: number;
}

interface OrphanWatch {
  pid: number;
  stop?: "timeout" | "cancel";
  timer?: NodeJS.Timeout;
}

export class LocalComputeService {
  readonly clock: () => Date;
  readonly resultDir: string;
  private readonly logDir: string;
  private readonly pools = new Map<string, WorkerPool>();
  /** Tasks this process is executing, queueing or watching. */
  private readonly inflight = new Set<string>();
  private readonly orphans = new Map<string, OrphanWatch>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly functions = new Map<string, SourceFunction | Error>();
  private closed = false;

  constructor(
    readonly store: DocStore,
    readonly endpoints: ReadonlyMap<string, LocalEndpointConfig>,
    private readonly opts: LocalComputeOptions,
  ) {
    this.clock = opts.clock ?? (() => new Date());
    this.resultDir = join(opts.dataDir, "compute", "results");
    this.logDir = join(opts.dataDir, "compute", "endpoints");
  }

  /** Tasks queued, running or watched in this process (time-skipping clocks hold still while any are). */
  get inflightCount(): number {
    return this.inflight.size;
  }

  /** Starts every endpoint's workers, then recovers what a previous runtime left unfinished. */
  async start(): Promise<RecoveryReport> {
    this.closed = false;
    for (const ep of this.endpoints.keys()) this.poolFor(ep);
    return this.recover();
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
    this.functions.delete(functionId);
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
      if (!this.functions.has(s.function_id) && !this.store.get<StoredFunction>(FUNCTION, s.function_id)) throw notFound("FUNCTION_NOT_FOUND", s.function_id);
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
    for (const t of fresh) this.dispatch(t);
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

  /** GET /v2/endpoints/{id}/status: "online" while the endpoint's pool runs. */
  endpointStatus(endpointId: string): EndpointStatusResponse {
    this.requireEndpoint(endpointId);
    const pool = this.pools.get(endpointId);
    const stats = pool?.stats() ?? { total_workers: 0, idle_workers: 0, pending_tasks: 0, outstanding_tasks: 0 };
    return { status: pool?.running ? "online" : "offline", details: { ...stats, managers: 1 } };
  }

  /** Resolves when the task is final. */
  waitForTask(taskId: string, timeoutMs?: number): Promise<TaskStatusResponse> {
    const t = this.getTask(taskId);
    if (isFinal(t.status)) return Promise.resolve(t);
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        resolve(this.getTask(taskId));
      };
      (this.waiters.get(taskId) ?? this.waiters.set(taskId, []).get(taskId)!).push(done);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          const list = this.waiters.get(taskId);
          if (list) list.splice(list.indexOf(done), 1);
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
    const orphan = this.orphans.get(taskId);
    if (orphan) {
      orphan.stop ??= "cancel";
      killProcessGroup(orphan.pid);
    } else if (!this.pools.get(t.endpoint_id)?.cancel(taskId)) {
      this.fail(taskId, cancelledText(taskId));
    }
    return this.waitForTask(taskId);
  }

  // --- execution ------------------------------------------------------------------------

  private poolFor(endpointId: string): WorkerPool | undefined {
    let pool = this.pools.get(endpointId);
    if (!pool) {
      const cfg = this.endpoints.get(endpointId);
      if (!cfg) return undefined;
      pool = new WorkerPool({
        workers: cfg.workers ?? 1,
        python: cfg.python,
        env: cfg.env,
        ...(cfg.passEnv ? { passEnv: cfg.passEnv } : {}),
        pathPrefix: cfg.pathPrefix,
        cwd: cfg.cwd,
        taskTimeoutSeconds: cfg.taskTimeoutSeconds,
        resultDir: this.resultDir,
        endpointId,
        logFile: join(this.logDir, `${endpointId}.log`),
      });
      this.pools.set(endpointId, pool);
    }
    if (!this.closed) pool.start();
    return pool;
  }

  private sourceOf(functionId: string): SourceFunction {
    let fn = this.functions.get(functionId);
    if (!fn) {
      const stored = this.store.get<StoredFunction>(FUNCTION, functionId);
      if (!stored) throw new Error(`FunctionNotFound: function ${functionId} was deleted before the task ran`);
      try {
        fn = decodeFunctionCode(stored.function_code);
      } catch (e) {
        fn = e as Error;
      }
      this.functions.set(functionId, fn);
    }
    if (fn instanceof Error) throw fn;
    return fn;
  }

  private dispatch(task: StoredTask): void {
    // After shutdown, or for an endpoint this runtime does not configure, the task stays
    // waiting in the store until a runtime that can run it starts.
    if (this.closed || this.inflight.has(task.task_id)) return;
    const pool = this.poolFor(task.endpoint_id);
    if (!pool) return;
    let fn: SourceFunction;
    let data: { args: string; kwargs: string };
    try {
      fn = this.sourceOf(task.function_id);
      data = decodeTaskPayload(task.payload);
    } catch (e) {
      // The endpoint deserializes inside the task, so a bad payload fails the task, not the submit.
      this.fail(task.task_id, `${(e as Error).name}: ${(e as Error).message}\n`);
      return;
    }
    this.inflight.add(task.task_id);
    pool
      .run({
        taskId: task.task_id,
        functionId: task.function_id,
        name: fn.name,
        source: fn.source,
        args: data.args,
        kwargs: data.kwargs,
        serializers: task.result_serializers,
        onStart: (pid) => this.markRunning(task.task_id, pid),
      })
      .then((o) => this.settle(task.task_id, o));
  }

  private markRunning(taskId: string, pid: number): void {
    this.store.transaction(() => {
      const t = this.store.get<StoredTask>(TASK, taskId);
      if (!t || isFinal(t.status)) return;
      t.status = "running";
      t.worker_pid = pid;
      t.started_ms = this.clock().getTime();
      this.store.put(TASK, taskId, t);
    });
  }

  private settle(taskId: string, o: JobOutcome): void {
    switch (o.kind) {
      case "completed":
        return this.completeFrom(o.record);
      case "timeout":
        return this.fail(taskId, timeoutText(taskId, o.seconds, o.pid));
      case "cancelled":
        return this.fail(taskId, cancelledText(taskId));
      case "lost":
        return this.fail(taskId, workerLostText(o.pid, o.reason));
      case "unavailable":
        return this.fail(taskId, `EndpointUnavailable: ${o.reason}\n`);
      case "abandoned":
        // Shut down before it finished: it runs again at the next start, without counting as a crash.
        this.store.transaction(() => {
          const t = this.store.get<StoredTask>(TASK, taskId);
          if (!t || isFinal(t.status)) return;
          t.status = "waiting-for-ep";
          delete t.worker_pid;
          delete t.started_ms;
          this.store.put(TASK, taskId, t);
        });
        this.inflight.delete(taskId);
        return;
    }
  }

  private completeFrom(record: TaskResultRecord): void {
    const patch: Partial<StoredTask> = { status: record.status, completion_t: record.completion_t };
    if (record.result !== undefined) patch.result = record.result;
    if (record.exception !== undefined) patch.exception = record.exception;
    if (record.error_details !== undefined) patch.error_details = record.error_details;
    if (record.details !== undefined) patch.details = record.details;
    this.finish(record.task_id, patch);
  }

  private fail(taskId: string, exception: string): void {
    this.finish(taskId, { status: "failed", exception, completion_t: unixSeconds(this.clock()) });
  }

  /** The final state, once: a task already final is never overwritten. */
  private finish(taskId: string, patch: Partial<StoredTask>): void {
    this.store.transaction(() => {
      const t = this.store.get<StoredTask>(TASK, taskId);
      if (t && !isFinal(t.status)) {
        Object.assign(t, patch);
        delete t.worker_pid;
        this.store.put(TASK, taskId, t);
      }
      this.store.delete(OPEN, taskId);
    });
    removeResultFile(this.resultDir, taskId);
    this.inflight.delete(taskId);
    const list = this.waiters.get(taskId);
    if (list) {
      this.waiters.delete(taskId);
      for (const w of list) w();
    }
  }

  // --- recovery -------------------------------------------------------------------------

  /**
   * Picks up the tasks a previous runtime left unfinished (safe to call again: tasks this
   * process already handles are skipped).
   */
  async recover(): Promise<RecoveryReport> {
    const report: RecoveryReport = { completed: 0, resumed: 0, requeued: 0, failed: 0, waiting: 0 };
    for (const { task_id } of this.store.list<{ task_id: string }>(OPEN)) {
      if (this.inflight.has(task_id)) continue;
      const t = this.store.get<StoredTask>(TASK, task_id);
      if (!t || isFinal(t.status)) {
        this.store.delete(OPEN, task_id);
        continue;
      }
      const record = safeReadResult(this.resultDir, task_id);
      if (record) {
        this.completeFrom(record);
        report.completed++;
      } else if (t.status === "running" && t.worker_pid !== undefined && isWorkerAlive(t.worker_pid)) {
        this.watchOrphan(t);
        report.resumed++;
      } else if (t.status === "running") {
        if (this.requeueLost(t)) report.requeued++;
        else report.failed++;
      } else {
        report.waiting++;
        this.dispatch(t);
      }
    }
    this.sweepResultDir();
    return report;
  }

  /** A task whose worker is gone without a result runs again, up to maxRequeues times. */
  private requeueLost(t: StoredTask): boolean {
    const requeues = (t.requeues ?? 0) + 1;
    if (requeues > (this.opts.maxRequeues ?? 2)) {
      this.fail(t.task_id, workerLostText(t.worker_pid ?? -1, `gone after a runtime restart (${requeues - 1} earlier attempts were lost too)`));
      return false;
    }
    const next: StoredTask = { ...t, status: "waiting-for-ep", requeues };
    delete next.worker_pid;
    delete next.started_ms;
    this.store.transaction(() => this.store.put(TASK, t.task_id, next));
    this.dispatch(next);
    return true;
  }

  /** Follows a worker that outlived the previous runtime until its result file appears or it dies. */
  private watchOrphan(t: StoredTask): void {
    const pid = t.worker_pid!;
    const timeoutS = this.endpoints.get(t.endpoint_id)?.taskTimeoutSeconds;
    const deadline = timeoutS && t.started_ms ? t.started_ms + timeoutS * 1000 : undefined;
    const watch: OrphanWatch = { pid };
    this.orphans.set(t.task_id, watch);
    this.inflight.add(t.task_id);
    const tick = () => {
      if (this.closed) {
        this.orphans.delete(t.task_id);
        this.inflight.delete(t.task_id);
        return;
      }
      let record = safeReadResult(this.resultDir, t.task_id);
      const alive = record ? true : isWorkerAlive(pid);
      // The file may land between the two checks.
      if (!record && !alive) record = safeReadResult(this.resultDir, t.task_id);
      if (record || !alive) {
        this.orphans.delete(t.task_id);
        this.inflight.delete(t.task_id);
        if (record) this.completeFrom(record);
        else if (watch.stop === "timeout") this.fail(t.task_id, timeoutText(t.task_id, timeoutS ?? 0, pid));
        else if (watch.stop === "cancel") this.fail(t.task_id, cancelledText(t.task_id));
        else this.requeueLost(this.store.get<StoredTask>(TASK, t.task_id) ?? t);
        return;
      }
      if (deadline !== undefined && this.clock().getTime() > deadline && !watch.stop) {
        watch.stop = "timeout";
        killProcessGroup(pid);
      }
      watch.timer = setTimeout(tick, 25);
    };
    tick();
  }

  /** Result files of finished tasks (the runtime died between commit and unlink) and dead workers' temporaries. */
  private sweepResultDir(): void {
    let names: string[];
    try {
      names = readdirSync(this.resultDir);
    } catch {
      return;
    }
    for (const name of names) {
      const tmp = /^\.(.+)\.(\d+)\.tmp$/.exec(name);
      const done = /^(.+)\.json$/.exec(name);
      const stale = tmp ? !isWorkerAlive(Number(tmp[2])) : done ? !this.store.get(OPEN, done[1]) : false;
      if (stale) {
        try {
          unlinkSync(join(this.resultDir, name));
        } catch {
          // Raced with another cleanup.
        }
      }
    }
  }

  /**
   * Stops the workers: running tasks get graceMs to finish and be recorded; whatever is
   * still unfinished then stays in the store and runs at the next start().
   */
  async shutdown(opts: { graceMs?: number } = {}): Promise<void> {
    this.closed = true;
    for (const [id, w] of this.orphans) {
      clearTimeout(w.timer);
      this.orphans.delete(id);
      this.inflight.delete(id);
    }
    await Promise.all([...this.pools.values()].map((p) => p.shutdown(opts.graceMs ?? this.opts.shutdownGraceMs ?? 10_000)));
    this.pools.clear();
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

function safeReadResult(dir: string, taskId: string): TaskResultRecord | undefined {
  try {
    return readResultFile(dir, taskId);
  } catch {
    return undefined;
  }
}

/** Unix seconds as Python prints a float ("1677183605.212898"). */
export function unixSeconds(d: Date): string {
  const s = d.getTime() / 1000;
  return Number.isInteger(s) ? `${s}.0` : String(s);
}

function timeoutText(taskId: string, seconds: number, pid: number): string {
  return `TaskTimeout: Task ${taskId} exceeded the endpoint's task timeout of ${seconds} s; its worker (pid ${pid}) was killed\n`;
}

function cancelledText(taskId: string): string {
  return `TaskCancelled: Task ${taskId} was cancelled before it finished\n`;
}

/** In the style of the endpoint's WorkerLost failure (fixtures/compute/globus_compute_failed_task_worker_lost.json). */
function workerLostText(pid: number, reason: string): string {
  return `WorkerLost: Task failure due to loss of worker ${pid} on host ${hostname()} (${reason})\n`;
}

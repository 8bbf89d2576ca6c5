/**
 * The Compute action providers (compute.actions.globus.org and …/v3, globus-compute.md §3)
 * over the local Compute service.
 *
 * run() derives the action's task group and task ids from (version, caller, request_id),
 * so a run re-issued after a crash or a retry finds the tasks it already submitted instead
 * of submitting them again. The action is `tg_<uuid>` (as in the docs' RunResult), ACTIVE
 * until every task is final, then SUCCEEDED with `details {result: [...], results:
 * [{output, task_id}]}`, or FAILED ("Function Failed") when any task raised, that task's
 * output being its traceback text. Tasks ask for JSONData results, so a function returning
 * something JSON cannot carry fails with SerializationError rather than producing a pickle
 * no flow could read.
 */
import { createHash } from "node:crypto";
import { ActionProviderError, type ActionCaller, type ActionProvider, type ActionRequest, type ActionStatus } from "../../providers/types.js";
import { parseV2Input, parseV3Input, type ComputeActionInput } from "./action-input.js";
import { uuidV5 } from "./deterministic-id.js";
import { ComputeError } from "./errors.js";
import { decodeResult, encodeTaskPayload, JSON_DATA_PATH } from "../../wire/compute-serialization.js";
import type { LocalComputeService } from "./service.js";
import { isFinal, type StoredTask } from "./types.js";

const ACTION = "compute.action";

type ApiVersion = "v2" | "v3";

interface StoredAction {
  action_id: string;
  version: ApiVersion;
  request_id: string;
  /** Of the request body: the same request_id with another body is a conflict, not a retry. */
  body_digest: string;
  task_group_id: string;
  task_ids: string[];
  creator_id: string;
  start_time: string;
  label: string | null;
  manage_by: string[];
  monitor_by: string[];
  cancelled?: boolean;
}

export function createComputeActionProviders(service: LocalComputeService): { v2: ActionProvider; v3: ActionProvider } {
  return { v2: new ComputeActionProvider(service, "v2"), v3: new ComputeActionProvider(service, "v3") };
}

class ComputeActionProvider implements ActionProvider {
  constructor(
    private readonly service: LocalComputeService,
    private readonly version: ApiVersion,
  ) {}

  async run(request: ActionRequest, caller: ActionCaller): Promise<ActionStatus> {
    const seed = `compute-ap:${this.version}:${caller.identity}:${request.request_id}`;
    const groupUuid = uuidV5(seed);
    const actionId = `tg_${groupUuid}`;
    const digest = createHash("sha256").update(canonicalJson(request.body)).digest("hex");
    const existing = this.service.store.get<StoredAction>(ACTION, actionId);
    if (existing) {
      if (existing.body_digest !== digest) throw new ActionProviderError("Conflict", `request_id ${request.request_id} was already used with a different body`, 409);
      return this.statusOf(existing);
    }
    const input: ComputeActionInput = this.version === "v3" ? parseV3Input(request.body) : parseV2Input(request.body);
    const specs = input.tasks.map((t, i) => ({
      function_id: t.function_id,
      endpoint_id: t.endpoint_id,
      payload: encodeTaskPayload(t.args, t.kwargs),
      task_id: uuidV5(`${seed}:task:${i}`),
    }));
    let submitted: { task_group_id: string; task_ids: string[] };
    try {
      submitted = this.service.submitTasks(specs, {
        task_group_id: input.task_group_id ?? groupUuid,
        result_serializers: [JSON_DATA_PATH],
        create_queue: input.create_queue,
      });
    } catch (e) {
      if (e instanceof ComputeError) throw new ActionProviderError(e.code, e.message, e.httpStatus, e.toResponse());
      throw e;
    }
    const action: StoredAction = {
      action_id: actionId,
      version: this.version,
      request_id: request.request_id,
      body_digest: digest,
      task_group_id: submitted.task_group_id,
      task_ids: submitted.task_ids,
      creator_id: caller.identity,
      start_time: isoMicros(this.service.clock().getTime() / 1000),
      label: request.label ?? null,
      manage_by: request.manage_by ?? [],
      monitor_by: request.monitor_by ?? [],
    };
    this.service.store.put(ACTION, actionId, action);
    return this.statusOf(action);
  }

  async status(actionId: string, caller: ActionCaller): Promise<ActionStatus> {
    return this.statusOf(this.load(actionId, caller, "monitor"));
  }

  async cancel(actionId: string, caller: ActionCaller): Promise<ActionStatus> {
    const action = this.load(actionId, caller, "manage");
    const before = this.statusOf(action);
    if (before.status === "SUCCEEDED" || before.status === "FAILED") return before;
    action.cancelled = true;
    this.service.store.put(ACTION, actionId, action);
    await Promise.all(action.task_ids.map((id) => this.service.cancelTask(id).catch(() => undefined)));
    return this.statusOf(action);
  }

  async release(actionId: string, caller: ActionCaller): Promise<ActionStatus> {
    const action = this.load(actionId, caller, "manage");
    const status = this.statusOf(action);
    if (status.status !== "SUCCEEDED" && status.status !== "FAILED") {
      throw new ActionProviderError("Conflict", `action ${actionId} is ${status.status}; only a completed action can be released`, 409);
    }
    this.service.store.delete(ACTION, actionId);
    return status;
  }

  private load(actionId: string, caller: ActionCaller, role: "monitor" | "manage"): StoredAction {
    const action = this.service.store.get<StoredAction>(ACTION, actionId);
    if (!action || action.version !== this.version) throw new ActionProviderError("NotFound", `action ${actionId} not found`, 404);
    const allowed = [action.creator_id, ...action.manage_by, ...(role === "monitor" ? action.monitor_by : [])];
    if (!allowed.includes(caller.identity)) throw new ActionProviderError("Forbidden", `${caller.identity} may not ${role} action ${actionId}`, 403);
    return action;
  }

  private statusOf(action: StoredAction): ActionStatus {
    const tasks = action.task_ids.map((id) => this.service.taskDocument(id));
    const base = {
      action_id: action.action_id,
      creator_id: action.creator_id,
      start_time: action.start_time,
      label: action.label,
      manage_by: action.manage_by,
      monitor_by: action.monitor_by,
      release_after: "P30D",
    };
    if (tasks.some((t) => t !== undefined && !isFinal(t.status))) {
      return {
        ...base,
        status: "ACTIVE",
        display_status: "Function Active",
        details: { task_group_id: action.task_group_id, tasks: tasks.map((t, i) => ({ task_id: action.task_ids[i], status: t?.status ?? "unknown" })) },
        completion_time: null,
      };
    }
    const outputs = tasks.map((t, i) => outputOf(t, action.task_ids[i]));
    const details: Record<string, unknown> = {
      result: outputs,
      results: outputs.map((output, i) => ({ output, task_id: action.task_ids[i] })),
    };
    const failedAt = tasks.findIndex((t) => t?.status !== "success");
    const ends = tasks.map((t) => Number(t?.completion_t)).filter((n) => Number.isFinite(n));
    const startSec = Date.parse(action.start_time) / 1000;
    const completion_time = isoMicros(Math.max(startSec, ...ends));
    if (failedAt < 0) return { ...base, status: "SUCCEEDED", display_status: "Function Results Received", details, completion_time };
    const failedId = action.task_ids[failedAt];
    const exception = String(outputs[failedAt]);
    const cancelled = action.cancelled && /^TaskCancelled:/m.test(exception);
    details.code = cancelled ? "ActionCanceled" : "RemoteExecutionError";
    details.description = `Task ${failedId} failed: ${lastLine(exception)}`;
    details.exception = exception;
    return { ...base, status: "FAILED", display_status: cancelled ? "Function Cancelled" : "Function Failed", details, completion_time };
  }
}

/** A task's output as flows see it: the JSON result as a value, or the traceback text. */
function outputOf(t: StoredTask | undefined, taskId: string): unknown {
  if (!t) return `TaskNotFound: task ${taskId} no longer exists`;
  if (t.status !== "success") return t.exception ?? "Task failed";
  if (t.result === undefined) return null;
  try {
    return decodeResult(t.result);
  } catch {
    return t.result;
  }
}

function lastLine(text: string): string {
  const lines = text.trimEnd().split("\n");
  return lines[lines.length - 1] ?? text;
}

/** "2023-04-14T19:26:33.981517+00:00", the RunResult example's form. */
export function isoMicros(unixSeconds: number): string {
  const whole = Math.floor(unixSeconds);
  const micros = Math.min(999_999, Math.round((unixSeconds - whole) * 1e6));
  return `${new Date(whole * 1000).toISOString().slice(0, 19)}.${String(micros).padStart(6, "0")}+00:00`;
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/**
 * The two input dialects of the Compute action provider (globus-compute.md §3.1, §3.2),
 * reduced to one list of tasks. V3 takes `endpoint_id` and raw JSON `tasks[{function_id,
 * args, kwargs}]`; V2 takes `endpoint`/`function`/`args`/`kwargs`/`payload` at the top and in
 * `tasks[]`, with args and kwargs either as values or as strings holding JSON or a Python
 * literal (the doc's migration section shows `"['arg1', 'arg2']"`, its schema shows lists).
 */
import { ActionProviderError } from "../../providers/types.js";
import { isObject } from "./errors.js";
import { LiteralSyntaxError, parseJsonOrPythonLiteral } from "../../wire/python-literal.js";

export interface ComputeActionTask {
  endpoint_id: string;
  function_id: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
}

export interface ComputeActionInput {
  tasks: ComputeActionTask[];
  task_group_id?: string;
  create_queue?: boolean;
}

function bad(message: string): ActionProviderError {
  return new ActionProviderError("BadRequest", message, 400);
}

function requireId(v: unknown, where: string): string {
  if (typeof v !== "string" || v === "") throw bad(`${where} must be a non-empty string (a UUID)`);
  return v;
}

function optionalObject(body: Record<string, unknown>, key: string): void {
  if (body[key] !== undefined && body[key] !== null && !isObject(body[key])) throw bad(`${key} must be an object`);
}

export function parseV3Input(body: unknown): ComputeActionInput {
  if (!isObject(body)) throw bad("the action body must be an object");
  for (const [old, now] of [["endpoint", "endpoint_id"], ["function", "tasks[].function_id"], ["args", "tasks[].args"], ["kwargs", "tasks[].kwargs"], ["payload", "tasks[].kwargs"]]) {
    if (old in body) throw bad(`"${old}" is V2 input; the V3 provider (compute.actions.globus.org/v3) takes ${now}`);
  }
  const endpoint = requireId(body.endpoint_id, "endpoint_id");
  if (!Array.isArray(body.tasks) || body.tasks.length === 0) throw bad("tasks must be a non-empty list of {function_id, args?, kwargs?}");
  const tasks = body.tasks.map((t, i): ComputeActionTask => {
    if (!isObject(t)) throw bad(`tasks[${i}] must be an object`);
    for (const old of ["function", "endpoint", "endpoint_id", "payload"]) {
      if (old in t) throw bad(`tasks[${i}].${old} is not V3 input: one endpoint per action (endpoint_id), function_id, args (list), kwargs (object)`);
    }
    const args = t.args ?? [];
    const kwargs = t.kwargs ?? {};
    if (!Array.isArray(args)) throw bad(`tasks[${i}].args must be a list`);
    if (!isObject(kwargs)) throw bad(`tasks[${i}].kwargs must be an object`);
    return { endpoint_id: endpoint, function_id: requireId(t.function_id, `tasks[${i}].function_id`), args, kwargs };
  });
  return common(body, tasks);
}

export function parseV2Input(body: unknown): ComputeActionInput {
  if (!isObject(body)) throw bad("the action body must be an object");
  const tasks: ComputeActionTask[] = [];
  const topFunction = body.function ?? body.func;
  if (topFunction !== undefined && topFunction !== null) tasks.push(v2Task(body, body.endpoint, "the input"));
  if (body.tasks !== undefined && body.tasks !== null) {
    if (!Array.isArray(body.tasks)) throw bad("tasks must be a list");
    body.tasks.forEach((t, i) => {
      if (!isObject(t)) throw bad(`tasks[${i}] must be an object`);
      tasks.push(v2Task(t, t.endpoint ?? body.endpoint, `tasks[${i}]`));
    });
  }
  if (tasks.length === 0) throw bad("give a function (with endpoint) or a non-empty tasks list");
  return common(body, tasks);
}

function v2Task(t: Record<string, unknown>, endpoint: unknown, where: string): ComputeActionTask {
  const fn = t.function ?? t.func;
  const hasKwargs = t.kwargs !== undefined && t.kwargs !== null;
  const hasPayload = t.payload !== undefined && t.payload !== null;
  if (hasKwargs && hasPayload) throw bad(`${where}: give kwargs or payload (its alias), not both`);
  return {
    endpoint_id: requireId(endpoint, `${where}: endpoint`),
    function_id: requireId(fn, `${where}: function`),
    args: v2Args(t.args, where),
    kwargs: v2Kwargs(hasKwargs ? t.kwargs : t.payload, `${where}: ${hasKwargs ? "kwargs" : "payload"}`),
  };
}

/** "a single item or a list"; a string holding a list literal is that list. */
function v2Args(v: unknown, where: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  if (typeof v === "string") {
    let parsed: unknown;
    try {
      parsed = parseJsonOrPythonLiteral(v);
    } catch (e) {
      if (!(e instanceof LiteralSyntaxError)) throw bad(`${where}: args: ${(e as Error).message}`);
      return [v];
    }
    return Array.isArray(parsed) ? parsed : [parsed];
  }
  return [v];
}

function v2Kwargs(v: unknown, where: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (isObject(v)) return v;
  if (typeof v === "string") {
    let parsed: unknown;
    try {
      parsed = parseJsonOrPythonLiteral(v);
    } catch (e) {
      throw bad(`${where} is a string that is neither JSON nor a Python dict literal: ${(e as Error).message}`);
    }
    if (isObject(parsed)) return parsed;
  }
  throw bad(`${where} must be an object (or a string holding one)`);
}

function common(body: Record<string, unknown>, tasks: ComputeActionTask[]): ComputeActionInput {
  for (const k of ["user_endpoint_config", "resource_specification", "user_runtime"]) optionalObject(body, k);
  if (body.task_group_id !== undefined && body.task_group_id !== null && typeof body.task_group_id !== "string") throw bad("task_group_id must be a string");
  if (body.create_queue !== undefined && body.create_queue !== null && typeof body.create_queue !== "boolean") throw bad("create_queue must be a boolean");
  const out: ComputeActionInput = { tasks };
  if (typeof body.task_group_id === "string") out.task_group_id = body.task_group_id;
  if (typeof body.create_queue === "boolean") out.create_queue = body.create_queue;
  return out;
}

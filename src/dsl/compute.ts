/**
 * Globus Compute steps through compute.actions.globus.org/v3 (globus-compute.md §3.1).
 * A task names a function kept as Python in functions/; its UUID differs per environment
 * and is filled in at deploy time.
 */
import type { ActionOptions } from "./action.js";
import { ActionBuilder } from "./action.js";
import { callSite, FlowSourceError } from "./callsite.js";
import type { Val } from "./transfer.js";
import { functionRef, type ExprRef, type PathRef } from "./values.js";

export const COMPUTE_V3_URL = "https://compute.actions.globus.org/v3";

export interface ComputeTask {
  /** Name of a function in functions/ (the file functions/<name>.py). */
  function?: string;
  /** A function UUID given directly (or from the run state) instead of a named function. */
  function_id?: Val<string>;
  args?: unknown[] | PathRef<unknown> | ExprRef;
  kwargs?: Record<string, unknown> | PathRef<unknown> | ExprRef;
}

export interface ComputeParameters {
  /** Compute endpoint UUID. */
  endpoint: Val<string>;
  tasks: ComputeTask[];
  task_group_id?: Val<string>;
  user_endpoint_config?: Record<string, unknown> | PathRef<unknown>;
  resource_specification?: Record<string, unknown> | PathRef<unknown>;
  create_queue?: Val<boolean>;
}

export function compute(name: string, o: ComputeParameters & ActionOptions): ActionBuilder {
  const { endpoint, tasks, task_group_id, user_endpoint_config, resource_specification, create_queue, ...options } = o;
  if (!Array.isArray(tasks) || tasks.length === 0) throw new FlowSourceError(`compute "${name}" needs at least one task`, callSite());
  const rendered = tasks.map((t, i) => {
    if ((t.function === undefined) === (t.function_id === undefined)) {
      throw new FlowSourceError(`task ${i} of compute "${name}" needs exactly one of function (a name in functions/) and function_id`, callSite());
    }
    return { function_id: t.function !== undefined ? functionRef(t.function) : t.function_id, args: t.args, kwargs: t.kwargs };
  });
  return new ActionBuilder(name, {
    ...options,
    url: COMPUTE_V3_URL,
    parameters: { endpoint_id: endpoint, tasks: rendered, task_group_id, user_endpoint_config, resource_specification, create_queue },
  });
}

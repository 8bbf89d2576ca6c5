/**
 * Per-test replacements of one Action state's result, like aws-local-stepfunctions' local
 * handlers: the run reaches the state, its parameters are evaluated as usual, and instead of
 * calling the real provider the handler decides the action's outcome. The rest of the run
 * (ResultPath, Catch, ExceptionOnActionFailure) treats it as a real action status.
 */
import { randomUUID } from "node:crypto";
import type { ActionProvider, ActionStatus, ActionStatusValue } from "../providers/types.js";
import { apTimestamp } from "../providers/types.js";

/** What a replaced action ends as. `details` becomes the action status's details. */
export interface ActionOutcome {
  status?: Extract<ActionStatusValue, "SUCCEEDED" | "FAILED">;
  details?: unknown;
  display_status?: string;
}

/** A fixed outcome, or a function of the action's evaluated parameters. */
export type ActionOverride = ActionOutcome | ((body: Record<string, unknown>, info: { state: string; url: string }) => ActionOutcome | Promise<ActionOutcome>);

export class OverrideProvider implements ActionProvider {
  private readonly actions = new Map<string, ActionStatus>();
  private readonly byRequest = new Map<string, string>();
  /** Bodies the overridden state was called with, in order (for assertions). */
  readonly calls: Record<string, unknown>[] = [];

  constructor(
    private readonly state: string,
    private readonly url: string,
    private readonly override: ActionOverride,
    private readonly now: () => number,
  ) {}

  async run(request: { request_id: string; body: Record<string, unknown>; label?: string }, caller: { identity: string }): Promise<ActionStatus> {
    const prior = this.byRequest.get(request.request_id);
    if (prior) return this.actions.get(prior)!;
    this.calls.push(request.body);
    const outcome = typeof this.override === "function" ? await this.override(request.body, { state: this.state, url: this.url }) : this.override;
    const status = outcome.status ?? "SUCCEEDED";
    const at = apTimestamp(new Date(this.now()));
    const doc: ActionStatus = {
      action_id: randomUUID(),
      status,
      display_status: outcome.display_status ?? status,
      details: outcome.details ?? {},
      creator_id: caller.identity,
      start_time: at,
      completion_time: at,
      label: request.label ?? null,
      manage_by: [],
      monitor_by: [],
      release_after: null,
    };
    this.actions.set(doc.action_id, doc);
    this.byRequest.set(request.request_id, doc.action_id);
    return doc;
  }

  async status(actionId: string): Promise<ActionStatus> {
    const a = this.actions.get(actionId);
    if (!a) throw new Error(`no overridden action ${actionId}`);
    return a;
  }

  cancel(actionId: string): Promise<ActionStatus> {
    return this.status(actionId);
  }

  release(actionId: string): Promise<ActionStatus> {
    return this.status(actionId);
  }
}

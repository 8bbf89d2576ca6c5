/**
 * The action-provider interface the engine drives (globus-flows.md §5), as a TypeScript
 * interface so local providers and the HTTP client for remote ones are interchangeable.
 */

export type ActionStatusValue = "ACTIVE" | "INACTIVE" | "SUCCEEDED" | "FAILED";

/** An action status document (APT ActionStatus). */
export interface ActionStatus {
  action_id: string;
  status: ActionStatusValue;
  display_status?: string;
  details: unknown;
  creator_id: string;
  start_time: string;
  completion_time?: string | null;
  label?: string | null;
  manage_by: string[];
  monitor_by: string[];
  release_after: string | null;
}

export interface ActionRequest {
  /** Idempotency key: a second run with the same request_id returns the first action. */
  request_id: string;
  body: Record<string, unknown>;
  label?: string;
  manage_by?: string[];
  monitor_by?: string[];
}

export interface ActionCaller {
  /** `urn:globus:auth:identity:<uuid>` of the user (or client) the action runs as. */
  identity: string;
  /** Bearer token the action runs with (dependent token for remote providers). */
  token?: string;
}

/**
 * Raised by `run` when the request cannot start an action (bad input, unknown endpoint…):
 * the engine turns it into ActionUnableToRun with this as the payload.
 */
export class ActionProviderError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ActionProviderError";
  }
}

export interface ActionProvider {
  run(request: ActionRequest, caller: ActionCaller): Promise<ActionStatus>;
  status(actionId: string, caller: ActionCaller): Promise<ActionStatus>;
  cancel(actionId: string, caller: ActionCaller): Promise<ActionStatus>;
  release(actionId: string, caller: ActionCaller): Promise<ActionStatus>;
  resume?(actionId: string, caller: ActionCaller): Promise<ActionStatus>;
}

/** Timestamps in transfer action statuses use a space separator (globus-flows.md §4.1). */
export function apTimestamp(d: Date): string {
  return d.toISOString().replace("T", " ").replace("Z", "+00:00");
}

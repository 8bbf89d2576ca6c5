/** The persisted shape of a run as the engine sees it, and its log entries (globus-flows.md §2.4-2.5). */
import type { FlowDefinition, RunContext } from "../definition/types.js";
import type { ActionStatus } from "../providers/types.js";

export type RunStatus = "ACTIVE" | "INACTIVE" | "SUCCEEDED" | "FAILED" | "ENDED";

export interface LogEntry {
  time: string;
  code: string;
  description: string;
  details: Record<string, unknown>;
}

/** `$._context`, as the engine holds it. */
export type RunContextValue = RunContext;

export interface ActionProgress {
  url: string;
  /** Sent with every (re-)issued run call: the provider's idempotency key. */
  request_id: string;
  action_id?: string;
  last_status?: ActionStatus;
  started_at: number;
  deadline: number;
  next_poll_at: number;
  poll_interval_ms: number;
}

/** Where a run is: the state it is in and how far that state got. */
export interface Position {
  state: string;
  /** Counts state visits in this run; makes request ids unique across loop iterations. */
  visit: number;
  phase: "enter" | "action-start" | "action-poll" | "waiting" | "awaiting-input";
  action?: ActionProgress;
  wait_until?: number;
  /** AwaitWebInput: the web input the run is blocked on. */
  web_input_id?: string;
}

export interface RunError {
  code: string;
  cause: string;
  state_name?: string;
  details?: unknown;
}

export interface EngineRun {
  run_id: string;
  flow_id: string;
  definition: FlowDefinition;
  status: RunStatus;
  /** The run state document (starts as the input). */
  state: unknown;
  context: RunContextValue;
  position: Position | null;
  /** Why the run is INACTIVE (the blocked action's INACTIVE details). */
  inactive?: { code: string; description: string; state_name: string; action_status?: ActionStatus };
  error?: RunError;
  started_at: number;
  completed_at?: number;
  /** Set by cancel; the next step ends the run. */
  cancel_requested?: boolean;
  /** Caller identity the actions run as. */
  caller: { identity: string; token?: string };
  /**
   * RunAs role name -> identity URN of the token the starter gave in `_tokens.<Role>` (the
   * tokens themselves are not kept: the runtime mints a token for that identity per call).
   */
  run_as?: Record<string, string>;
  /** Sent with every action's run request (globus-flows.md §5: label, manage_by, monitor_by). */
  label?: string | null;
  manage_by?: string[];
  monitor_by?: string[];
}

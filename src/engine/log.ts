/** Log entries in the shapes Globus Flows returns (globus-flows.md §2.5). */
import type { LogEntry } from "./types.js";

export function entry(now: number, code: string, description: string, details: Record<string, unknown> = {}): LogEntry {
  return { time: new Date(now).toISOString().replace("Z", "+00:00"), code, description, details };
}

export const stateStarted = (now: number, name: string, type: string, input: unknown) =>
  entry(now, `${type}Started`, `State ${name} of type ${type} started`, { state_name: name, state_type: type, input });

export const stateCompleted = (now: number, name: string, type: string, output: unknown) =>
  entry(now, `${type}Completed`, `State ${name} of type ${type} completed`, { state_name: name, state_type: type, output });

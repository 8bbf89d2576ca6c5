/** Log entries in the shapes Globus Flows returns (globus-flows.md §2.5). */
import type { LogEntry } from "./types.js";

let lastMs = NaN;
let lastIso = "";

/** ISO time with an explicit offset, as Flows writes it; memoised because a run logs several entries per millisecond. */
export function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString().replace("Z", "+00:00");
  }
  return lastIso;
}

export function entry(now: number, code: string, description: string, details: Record<string, unknown> = {}): LogEntry {
  return { time: isoTime(now), code, description, details };
}

export const stateStarted = (now: number, name: string, type: string, input: unknown) =>
  entry(now, `${type}Started`, `State ${name} of type ${type} started`, { state_name: name, state_type: type, input });

export const stateCompleted = (now: number, name: string, type: string, output: unknown) =>
  entry(now, `${type}Completed`, `State ${name} of type ${type} completed`, { state_name: name, state_type: type, output });

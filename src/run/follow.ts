/**
 * Following a run to its end: poll the run and its log, print new log entries compactly,
 * keep a spinner with the current state on a TTY, stop at a final status.
 */
import type { GlobusApi } from "../globus/api.js";
import { FlowsClient, type FlowRun } from "../globus/flows.js";

/**
 * A run as Flows returns it: @globus/sdk's OpenAPI `FlowRun`, plus `flow_title`, which the
 * service sends in run lists (recorded fixture flows/sdk-list_runs) but the OpenAPI omits.
 */
export type RunDoc = FlowRun & { flow_title?: string };

export interface LogEntryDoc {
  time: string;
  code: string;
  description: string;
  details?: Record<string, unknown>;
}

export const FINAL = new Set(["SUCCEEDED", "FAILED", "ENDED"]);

export interface FollowOptions {
  onEntry?: (e: LogEntryDoc) => void;
  onStatus?: (run: RunDoc) => void;
  signal?: AbortSignal;
  /** Stop at INACTIVE instead of waiting for a resume. */
  stopWhenInactive?: boolean;
  pollMs?: number;
  /** Log entries already printed (a follower that reattached skips them). */
  seen?: number;
}

/** Sleep that an abort ends early; the listener goes when the timer fires, so long follows add none. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((r) => {
    if (signal?.aborted) return r();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      r();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Print log entries past the first `seen`; returns the new count. */
async function drainLog(api: GlobusApi, runId: string, seen: number, onEntry?: (e: LogEntryDoc) => void): Promise<number> {
  // Log markers only lead forward within one listing, so each read starts at the top and
  // skips what was printed already (run logs are short).
  // The OpenAPI types entries as plain objects; these are the fields every entry carries.
  const entries = (await new FlowsClient(api).fullRunLog(runId)) as unknown as LogEntryDoc[];
  for (const e of entries.slice(seen)) onEntry?.(e);
  return Math.max(seen, entries.length);
}

export async function followRun(api: GlobusApi, runId: string, o: FollowOptions = {}): Promise<RunDoc | undefined> {
  let seen = o.seen ?? 0;
  let interval = o.pollMs ?? 250;
  for (;;) {
    seen = await drainLog(api, runId, seen, o.onEntry);
    const run = await new FlowsClient(api).getRun(runId);
    o.onStatus?.(run);
    if (FINAL.has(run.status) || (run.status === "INACTIVE" && o.stopWhenInactive)) {
      // Entries written between the log read above and this status read: print them too.
      await drainLog(api, runId, seen, o.onEntry);
      return run;
    }
    if (o.signal?.aborted) return undefined;
    await abortableSleep(interval, o.signal);
    if (o.signal?.aborted) return undefined;
    interval = Math.min(interval * 1.5, 2000);
  }
}

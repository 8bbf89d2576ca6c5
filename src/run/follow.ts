/**
 * Following a run to its end: poll the run and its log, print new log entries compactly,
 * keep a spinner with the current state on a TTY, stop at a final status.
 */
import type { GlobusApi } from "../globus/api.js";
import { SCOPES } from "../wire/scopes.js";

export interface RunDoc {
  run_id: string;
  flow_id: string;
  status: string;
  label?: string | null;
  flow_title?: string;
  details?: Record<string, unknown>;
  start_time?: string;
  completion_time?: string | null;
}

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
}

/** Print log entries past the first `seen`; returns the new count. */
async function drainLog(api: GlobusApi, runId: string, seen: number, onEntry?: (e: LogEntryDoc) => void): Promise<number> {
  // Log markers only lead forward within one listing, so each read starts at the top and
  // skips what was printed already (run logs are short).
  let index = 0;
  let marker: string | undefined;
  for (;;) {
    const page = await api.call<{ entries: LogEntryDoc[]; has_next_page: boolean; marker?: string }>("FLOWS", `/runs/${runId}/log`, { scope: SCOPES.flows("all"), query: { limit: 100, ...(marker ? { marker } : {}) } });
    for (const e of page.body.entries) if (index++ >= seen) onEntry?.(e);
    if (!page.body.has_next_page || !page.body.marker) return Math.max(seen, index);
    marker = page.body.marker;
  }
}

export async function followRun(api: GlobusApi, runId: string, o: FollowOptions = {}): Promise<RunDoc | undefined> {
  let seen = 0;
  let interval = o.pollMs ?? 250;
  for (;;) {
    seen = await drainLog(api, runId, seen, o.onEntry);
    const run = (await api.call<RunDoc>("FLOWS", `/runs/${runId}`, { scope: SCOPES.flows("all") })).body;
    o.onStatus?.(run);
    if (FINAL.has(run.status) || (run.status === "INACTIVE" && o.stopWhenInactive)) {
      // Entries written between the log read above and this status read: print them too.
      await drainLog(api, runId, seen, o.onEntry);
      return run;
    }
    if (o.signal?.aborted) return undefined;
    await new Promise<void>((r) => {
      const t = setTimeout(r, interval);
      o.signal?.addEventListener("abort", () => (clearTimeout(t), r()), { once: true });
    });
    if (o.signal?.aborted) return undefined;
    interval = Math.min(interval * 1.5, 2000);
  }
}

/**
 * Timer schedules as Globus Timers v2 takes them (OpenAPI `OnceSchedule`,
 * `RecurringSchedule`; fixtures/timers README): `{type: "once", datetime?}` and
 * `{type: "recurring", interval_seconds, start?, end?}` with `end` either
 * `{condition: "time", datetime}` or `{condition: "iterations", count}`. The SDK docstrings
 * write `iterations: N` where globus-cli and the OpenAPI write `count: N`; both are read.
 *
 * Fires are numbered slots: slot k is due at start + k·interval. After a fire the next slot
 * is the first one still in the future, so a runtime that was down for ten intervals fires
 * once on restart, not ten times (no burst), and never skips the fire that came due.
 */
import { HttpError } from "../http.js";

export type EndCondition = { condition: "time"; datetime: string } | { condition: "iterations"; count: number };
export type Schedule = { type: "once"; datetime?: string } | { type: "recurring"; interval_seconds: number; start?: string; end?: EndCondition };

/** A schedule with its times resolved to epoch ms. */
export interface ResolvedSchedule {
  /** Epoch ms of slot 0. */
  start: number;
  /** ms between slots; 0 for a once-timer. */
  interval: number;
  /** Last allowed fire time (epoch ms), if the schedule ends by date. */
  endAt?: number;
  /** Most fires, if the schedule ends by count (1 for a once-timer). */
  maxRuns?: number;
}

const invalid = (loc: string[], msg: string) => new HttpError(422, "UNPROCESSABLE_ENTITY", msg, { detail: [{ loc: ["body", "timer", ...loc], msg, type: "value_error" }] });

function parseTime(v: unknown, loc: string[]): number {
  // Timers reads naive datetimes as UTC; an offset or Z is honoured.
  const s = typeof v === "string" ? (/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`) : "";
  const t = Date.parse(s);
  if (!Number.isFinite(t)) throw invalid(loc, "invalid datetime format");
  return t;
}

/** Validate a schedule from a request body and normalize it to what the service echoes back. */
export function normalizeSchedule(raw: unknown, now: number): { schedule: Schedule; resolved: ResolvedSchedule } {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw invalid(["schedule"], "field required");
  const s = raw as Record<string, unknown>;
  if (s.type === "once") {
    const at = s.datetime === undefined || s.datetime === null ? now : parseTime(s.datetime, ["schedule", "datetime"]);
    return { schedule: { type: "once", datetime: isoTime(at) }, resolved: { start: at, interval: 0, maxRuns: 1 } };
  }
  if (s.type !== "recurring") throw invalid(["schedule", "type"], "schedule.type must be 'once' or 'recurring'");
  const interval = s.interval_seconds;
  if (typeof interval !== "number" || !Number.isInteger(interval) || interval < 1) throw invalid(["schedule", "interval_seconds"], "interval_seconds must be a positive integer");
  const start = s.start === undefined || s.start === null ? now : parseTime(s.start, ["schedule", "start"]);
  const out: Schedule = { type: "recurring", interval_seconds: interval, start: isoTime(start) };
  const resolved: ResolvedSchedule = { start, interval: interval * 1000 };
  if (s.end !== undefined && s.end !== null) {
    const e = s.end as Record<string, unknown>;
    if (typeof e !== "object") throw invalid(["schedule", "end"], "end must be an object");
    if (e.condition === "time") {
      const endAt = parseTime(e.datetime, ["schedule", "end", "datetime"]);
      if (endAt < start) throw invalid(["schedule", "end", "datetime"], "the end datetime is before the start");
      out.end = { condition: "time", datetime: isoTime(endAt) };
      resolved.endAt = endAt;
    } else if (e.condition === "iterations" || e.count !== undefined || e.iterations !== undefined) {
      const n = e.count ?? e.iterations;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 1) throw invalid(["schedule", "end", "count"], "count must be a positive integer");
      out.end = { condition: "iterations", count: n };
      resolved.maxRuns = n;
    } else throw invalid(["schedule", "end", "condition"], "end.condition must be 'time' or 'iterations'");
  }
  return { schedule: out, resolved };
}

export function slotTime(r: ResolvedSchedule, slot: number): number {
  return r.start + slot * r.interval;
}

/**
 * The slot to fire after `firedSlot` (or the first, when nothing fired yet), given that
 * `fires` fires happened and it is `now`: undefined when the schedule has ended.
 */
export function nextSlot(r: ResolvedSchedule, fires: number, firedSlot: number | undefined, now: number): number | undefined {
  if (r.maxRuns !== undefined && fires >= r.maxRuns) return undefined;
  let slot: number;
  if (firedSlot === undefined) slot = 0;
  else if (r.interval === 0) return undefined;
  else slot = Math.max(firedSlot + 1, Math.floor((now - r.start) / r.interval) + 1);
  if (r.endAt !== undefined && slotTime(r, slot) > r.endAt) return undefined;
  return slot;
}

/** ISO 8601 with a +00:00 offset and whole seconds, as Timers writes times. */
export function isoTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "+00:00");
}

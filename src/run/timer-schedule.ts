/**
 * Timer schedules from command-line words: `--at TIME`, `--every 1h30m [--start TIME]
 * [--stop-after-date TIME | --stop-after-runs N]`, as globus-cli `timer create` takes them
 * (`--stop-after-runs 1` is a once-timer there too). Times are ISO 8601; one without an
 * offset is local time, as globus-sdk-python reads naive datetimes; `+2d` is relative to now.
 */
import type { TimerSchedule } from "../globus/timers.js";
import { CliError, EXIT } from "../errors.js";

const UNITS: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };

/** `1h30m`, `2d`, `45s`, `90` (seconds) -> seconds. */
export function parseDuration(text: string, flag = "duration"): number {
  const t = text.trim().toLowerCase();
  if (/^\d+$/.test(t)) return Number(t);
  const re = /(\d+(?:\.\d+)?)\s*([wdhms])/g;
  let total = 0;
  let used = "";
  for (const m of t.matchAll(re)) {
    total += Number(m[1]) * UNITS[m[2]!]!;
    used += m[0];
  }
  if (!total || used.replace(/\s/g, "") !== t.replace(/\s/g, "")) {
    throw new CliError(`${flag} "${text}" is not a duration`, EXIT.INVALID, "write it like 1h30m, 2d, 45m or 90s (units w d h m s)");
  }
  return Math.round(total);
}

/** ISO 8601, or `+<duration>` from now -> `YYYY-MM-DDTHH:MM:SS+00:00`. */
export function parseTime(text: string, flag: string, now: number = Date.now()): string {
  const t = text.trim();
  const ms = t.startsWith("+") ? now + parseDuration(t.slice(1), flag) * 1000 : Date.parse(t);
  if (!Number.isFinite(ms)) throw new CliError(`${flag} "${text}" is not a time`, EXIT.INVALID, "give an ISO 8601 time (2026-05-01T06:00:00Z; without an offset it is local time) or +<duration> from now, e.g. +2d");
  return utcSeconds(ms);
}

export function utcSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "+00:00");
}

export interface ScheduleFlags {
  at?: string;
  every?: string;
  start?: string;
  stopAfterDate?: string;
  stopAfterRuns?: string;
}

export function scheduleFromFlags(f: ScheduleFlags, now: number = Date.now()): TimerSchedule {
  if (f.at && f.every) throw new CliError("--at and --every cannot be used together", EXIT.INVALID, "--at TIME runs once; --every INTERVAL repeats");
  if (f.at) {
    if (f.start || f.stopAfterDate || f.stopAfterRuns) throw new CliError("--start, --stop-after-date and --stop-after-runs go with --every, not --at", EXIT.INVALID);
    return { type: "once", datetime: parseTime(f.at, "--at", now) };
  }
  if (!f.every) throw new CliError("a timer needs --at TIME (once) or --every INTERVAL (recurring)", EXIT.INVALID, "e.g. --every 1h30m, or --at +2d");
  if (f.stopAfterDate && f.stopAfterRuns) throw new CliError("--stop-after-date and --stop-after-runs cannot be used together", EXIT.INVALID);
  const interval = parseDuration(f.every, "--every");
  const start = f.start ? parseTime(f.start, "--start", now) : undefined;
  if (f.stopAfterRuns !== undefined) {
    const n = Number(f.stopAfterRuns);
    if (!Number.isInteger(n) || n < 1) throw new CliError(`--stop-after-runs "${f.stopAfterRuns}" must be a whole number >= 1`, EXIT.INVALID);
    // globus-cli: one run is a once-timer.
    if (n === 1) return { type: "once", ...(start ? { datetime: start } : {}) };
    return { type: "recurring", interval_seconds: interval, ...(start ? { start } : {}), end: { condition: "iterations", count: n } };
  }
  if (f.stopAfterDate) {
    const end = parseTime(f.stopAfterDate, "--stop-after-date", now);
    if (start && Date.parse(end) < Date.parse(start)) throw new CliError("--stop-after-date is before --start", EXIT.INVALID);
    return { type: "recurring", interval_seconds: interval, ...(start ? { start } : {}), end: { condition: "time", datetime: end } };
  }
  return { type: "recurring", interval_seconds: interval, ...(start ? { start } : {}) };
}

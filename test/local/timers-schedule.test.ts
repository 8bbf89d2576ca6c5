/** Schedules: slots, end conditions, no burst after downtime; CLI schedule words. */
import { describe, expect, it } from "vitest";
import { nextSlot, normalizeSchedule, slotTime } from "../../src/local/timers/schedule.js";
import { parseDuration, parseTime, scheduleFromFlags } from "../../src/run/timer-schedule.js";

const T = Date.parse("2026-01-01T00:00:00Z");
const H = 3600_000;

describe("local timer schedules", () => {
  it("once: slot 0 at its datetime (or now), then nothing", () => {
    const { resolved, schedule } = normalizeSchedule({ type: "once", datetime: "2026-01-02T00:00:00Z" }, T);
    expect(schedule).toEqual({ type: "once", datetime: "2026-01-02T00:00:00+00:00" });
    expect(slotTime(resolved, nextSlot(resolved, 0, undefined, T)!)).toBe(T + 24 * H);
    expect(nextSlot(resolved, 1, 0, T + 25 * H)).toBeUndefined();
    expect(normalizeSchedule({ type: "once" }, T).resolved.start).toBe(T);
  });

  it("recurring: after downtime the next slot is the first one still ahead (one fire, not a burst)", () => {
    const { resolved } = normalizeSchedule({ type: "recurring", interval_seconds: 3600, start: "2026-01-01T00:00:00Z" }, T);
    expect(nextSlot(resolved, 1, 0, T + 10)).toBe(1);
    // Down for 10.5 hours after slot 0 fired late: slot 1 fires now (it is due), then slot 11.
    expect(nextSlot(resolved, 2, 1, T + 10.5 * H)).toBe(11);
  });

  it("ends by count (count or the SDK docstrings' iterations) and by time", () => {
    const byCount = normalizeSchedule({ type: "recurring", interval_seconds: 60, end: { condition: "iterations", iterations: 2 } }, T);
    expect(byCount.schedule).toMatchObject({ end: { condition: "iterations", count: 2 } });
    expect(nextSlot(byCount.resolved, 2, 1, T + 120_000)).toBeUndefined();
    const byTime = normalizeSchedule({ type: "recurring", interval_seconds: 3600, start: "2026-01-01T00:00:00Z", end: { condition: "time", datetime: "2026-01-01T02:30:00Z" } }, T);
    expect(nextSlot(byTime.resolved, 2, 1, T + H)).toBe(2);
    expect(nextSlot(byTime.resolved, 3, 2, T + 2 * H)).toBeUndefined();
  });

  it("rejects bad schedules with a located 422", () => {
    expect(() => normalizeSchedule({ type: "weekly" }, T)).toThrow(/once' or 'recurring/);
    expect(() => normalizeSchedule({ type: "recurring", interval_seconds: 1.5 }, T)).toThrow(/positive integer/);
    expect(() => normalizeSchedule({ type: "recurring", interval_seconds: 60, start: "2026-02-01T00:00:00Z", end: { condition: "time", datetime: "2026-01-01T00:00:00Z" } }, T)).toThrow(/before the start/);
  });
});

describe("schedule words of `timers create`", () => {
  it("durations and times", () => {
    expect(parseDuration("1h30m")).toBe(5400);
    expect(parseDuration("2d")).toBe(172800);
    expect(parseDuration("90")).toBe(90);
    expect(() => parseDuration("1h fortnight")).toThrow(/not a duration/);
    expect(parseTime("+2d", "--at", T)).toBe("2026-01-03T00:00:00+00:00");
    expect(parseTime("2026-05-01T06:00:00+02:00", "--at", T)).toBe("2026-05-01T04:00:00+00:00");
  });

  it("--every with --stop-after-runs 1 is a once-timer (as globus-cli); other combinations", () => {
    expect(scheduleFromFlags({ every: "1h", stopAfterRuns: "1", start: "+1h" }, T)).toEqual({ type: "once", datetime: "2026-01-01T01:00:00+00:00" });
    expect(scheduleFromFlags({ every: "1h", stopAfterDate: "+1d" }, T)).toEqual({ type: "recurring", interval_seconds: 3600, end: { condition: "time", datetime: "2026-01-02T00:00:00+00:00" } });
    expect(() => scheduleFromFlags({ at: "+1h", start: "+2h" }, T)).toThrow(/go with --every/);
    expect(() => scheduleFromFlags({ every: "1h", stopAfterRuns: "2", stopAfterDate: "+1d" }, T)).toThrow(/cannot be used together/);
  });
});

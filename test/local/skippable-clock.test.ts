/** The runtime's skippable clock: rate, skip wakes sleepers, never backwards across restarts. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SkippableClock } from "../../src/local/skippable-clock.js";
import { runtimeClock } from "../../src/local/timers/runtime-clock.js";

describe("SkippableClock", () => {
  it("skip wakes exactly the sleepers whose time has come", async () => {
    const c = new SkippableClock(1, Date.parse("2026-01-01T00:00:00Z"));
    const woke: string[] = [];
    const a = c.sleep(2 * 86400_000).then(() => woke.push("2d"));
    const b = c.sleep(7 * 86400_000).then(() => woke.push("7d"));
    c.skip(2 * 86400_000 + 10);
    await a;
    expect(woke).toEqual(["2d"]);
    c.skip(5 * 86400_000);
    await b;
    expect(woke).toEqual(["2d", "7d"]);
    expect(c.now() - Date.parse("2026-01-01T00:00:00Z")).toBeGreaterThanOrEqual(7 * 86400_000);
  });

  it("a rate runs virtual time faster; an abort wakes a sleeper at once; bad rates are refused", async () => {
    const c = new SkippableClock(1000);
    const t0 = c.now();
    await c.sleep(2000); // 2 virtual seconds: about 2 real ms
    expect(c.now() - t0).toBeGreaterThanOrEqual(2000);
    const ac = new AbortController();
    const p = c.sleep(86400_000, ac.signal);
    ac.abort();
    await p;
    expect(() => new SkippableClock(0)).toThrow(/positive/);
    expect(() => c.skip(-1)).toThrow(/forward/);
  });

  it("a runtime's clock starts where the last one left off when that was ahead of real time", () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsmith-clock-"));
    const first = runtimeClock(dir);
    first.clock.skip(7 * 86400_000);
    const ahead = first.clock.now();
    first.save();
    const second = runtimeClock(dir);
    expect(second.clock.now()).toBeGreaterThanOrEqual(ahead);
    expect(second.clock.now() - Date.now()).toBeGreaterThan(6.9 * 86400_000);
  });
});

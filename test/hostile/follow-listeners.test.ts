/** Following a run that waits for a long time adds no abort listeners per poll. */
import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { followRun } from "../../src/run/follow.js";
import { ManualClock } from "../../src/engine/clock.js";

describe("long follows", () => {
  it("leave the signal with no listeners after hundreds of polls", async () => {
    let polls = 0;
    const abort = new AbortController();
    const counts: number[] = [];
    const api = {
      async call(_s: string, path: string) {
        if (path.endsWith("/log")) return { status: 200, body: { entries: [], has_next_page: false } };
        counts.push(getEventListeners(abort.signal, "abort").length);
        return { status: 200, body: { run_id: "r", flow_id: "f", status: ++polls > 300 ? "SUCCEEDED" : "ACTIVE" } };
      },
    };
    const run = await followRun(api as never, "r", { signal: abort.signal, pollMs: 0 });
    expect(run?.status).toBe("SUCCEEDED");
    expect(Math.max(...counts)).toBe(0);
    expect(getEventListeners(abort.signal, "abort").length).toBe(0);
  });

  it("ManualClock sleepers that wake normally drop their abort listener", async () => {
    const clock = new ManualClock();
    const abort = new AbortController();
    for (let i = 0; i < 20; i++) {
      const p = clock.sleep(10, abort.signal);
      await clock.advance(10);
      await p;
    }
    expect(getEventListeners(abort.signal, "abort").length).toBe(0);
  });
});

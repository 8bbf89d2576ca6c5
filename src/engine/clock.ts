/** Time, injected: the engine never reads the wall clock or sets a timer itself. */

export interface Clock {
  now(): number;
  /** Resolve after `ms` (or at once when aborted). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      // Node fires timers longer than 2^31-1 ms at once; cap them (the caller re-checks and sleeps again).
      const t = setTimeout(done, Math.min(Math.max(0, ms), 2 ** 31 - 1));
      function done() {
        signal?.removeEventListener("abort", done);
        clearTimeout(t);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    }),
};

/** A clock tests move by hand: sleepers wake when `advance` passes their deadline. */
export class ManualClock implements Clock {
  private sleepers: { at: number; resolve: () => void }[] = [];
  constructor(private t = Date.parse("2026-01-01T00:00:00Z")) {}

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((x) => x !== s);
        resolve();
      };
      const s = {
        at: this.t + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      this.sleepers.push(s);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Move time forward, waking every sleeper whose deadline has passed (in order). */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      this.sleepers.sort((a, b) => a.at - b.at);
      const next = this.sleepers[0];
      if (!next || next.at > target) break;
      this.sleepers.shift();
      this.t = Math.max(this.t, next.at);
      next.resolve();
      // Let the woken code run before the next sleeper.
      await new Promise((r) => setImmediate(r));
    }
    this.t = target;
  }

  get pending(): number {
    return this.sleepers.length;
  }
}

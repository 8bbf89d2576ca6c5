/**
 * A wall clock that can run faster than real time and jump ahead: what makes the ALS
 * prunes two and seven days after a run happen in seconds (`flowsmith local start
 * --clock-rate N`, `flowsmith local skip 2d`, the whole-story test).
 *
 * A rate above 1 also shortens every action's WaitTime and poll interval in real time, so
 * a long real action can time out; skipping (`skip`) moves time only when asked, which is
 * why the story test runs at rate 1 and skips. Virtual time never goes backwards across
 * restarts: the runtime anchors a new clock at the last time it saved.
 */
import type { Clock } from "../engine/clock.js";

interface Sleeper {
  at: number;
  resolve: () => void;
  timer?: NodeJS.Timeout;
}

export class SkippableClock implements Clock {
  private readonly realStart = Date.now();
  private skipped = 0;
  private readonly sleepers = new Set<Sleeper>();

  constructor(
    readonly rate = 1,
    private readonly virtualStart = Date.now(),
  ) {
    if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError("the clock rate must be a positive number");
  }

  now(): number {
    return Math.floor(this.virtualStart + (Date.now() - this.realStart) * this.rate + this.skipped);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const s: Sleeper = { at: this.now() + Math.max(0, ms), resolve: () => undefined };
      const done = () => {
        if (s.timer) clearTimeout(s.timer);
        this.sleepers.delete(s);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      s.resolve = done;
      this.sleepers.add(s);
      signal?.addEventListener("abort", done, { once: true });
      this.arm(s);
    });
  }

  private arm(s: Sleeper): void {
    if (s.timer) clearTimeout(s.timer);
    const real = Math.max(0, (s.at - this.now()) / this.rate);
    // Re-check on wake: a setTimeout may fire a little early.
    s.timer = setTimeout(() => (this.now() >= s.at ? s.resolve() : this.arm(s)), Math.min(real, 2 ** 31 - 1));
  }

  /** Jump ahead by `ms`, waking every sleeper whose time has come. */
  skip(ms: number): void {
    if (!(ms >= 0)) throw new RangeError("can only skip forward");
    this.skipped += ms;
    for (const s of [...this.sleepers]) {
      if (this.now() >= s.at) s.resolve();
      else this.arm(s);
    }
  }
}

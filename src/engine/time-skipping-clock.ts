/**
 * A clock that skips time when nothing real is happening, as Temporal's test environment
 * does: while a transfer copies files or a Python task runs, virtual time passes at the
 * speed of real time; once every run is asleep (a Wait state, an action poll) and the
 * services are idle, it jumps straight to the earliest wake-up. A flow that waits two days
 * finishes in milliseconds, and its log shows the virtual times.
 *
 * Why only the earliest wake-up: jumping further could carry a run past its action
 * deadline (WaitTime) before it has polled again, turning a success into ActionTimeout.
 */
import type { Clock } from "./clock.js";

export interface TimeSkippingOptions {
  /** Virtual start time (epoch ms); default: the real time now. */
  start?: number;
  /**
   * Real work in flight (transfer tasks copying, compute tasks running): no skipping while
   * it is non-zero, since that work takes real time the virtual clock cannot compress.
   */
  busy?: () => number;
  /** Real milliseconds the runtime must stay quiet before a jump (lets in-flight steps finish). */
  quietMs?: number;
}

interface Sleeper {
  at: number;
  wake: () => void;
}

export class TimeSkippingClock implements Clock {
  /** Virtual minus real time, grown by every jump. */
  private offset: number;
  private readonly sleepers = new Set<Sleeper>();
  private readonly busySources: (() => number)[] = [];
  private readonly quietMs: number;
  private timer: NodeJS.Timeout | undefined;
  private skipping = true;
  private stopped = false;
  /** Total virtual milliseconds skipped. */
  skipped = 0;

  constructor(opts: TimeSkippingOptions = {}) {
    this.offset = opts.start !== undefined ? opts.start - Date.now() : 0;
    if (opts.busy) this.busySources.push(opts.busy);
    this.quietMs = opts.quietMs ?? 5;
  }

  now(): number {
    return Date.now() + this.offset;
  }

  /**
   * Add what counts as real work once it exists (the services are made after the clock):
   * tasks in flight, HTTP requests being answered, client calls on their way. A request
   * in flight when time jumps could carry a token that expired during the jump.
   */
  addBusySource(busy: () => number): void {
    this.busySources.push(busy);
  }

  private busy(): number {
    let n = 0;
    for (const b of this.busySources) n += b();
    return n;
  }

  /** Turn skipping off (time then runs as real time) or on again. */
  setSkipping(on: boolean): void {
    this.skipping = on;
    this.arm();
  }

  /** Move virtual time forward by hand, waking every sleeper whose deadline has passed. */
  advance(ms: number): void {
    if (ms <= 0) return;
    this.offset += ms;
    this.skipped += ms;
    this.wakeDue();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted || this.stopped) return resolve();
      let real: NodeJS.Timeout | undefined;
      const s: Sleeper = {
        at: this.now() + Math.max(0, ms),
        wake: () => {
          if (!this.sleepers.delete(s)) return;
          if (real) clearTimeout(real);
          signal?.removeEventListener("abort", s.wake);
          resolve();
          this.arm();
        },
      };
      this.sleepers.add(s);
      signal?.addEventListener("abort", s.wake, { once: true });
      // While real work keeps the clock from skipping, the sleeper still wakes in real time.
      real = setTimeout(() => s.wake(), Math.max(0, ms));
      this.arm();
    });
  }

  /** Sleepers now waiting (for tests of the clock itself). */
  get pending(): number {
    return this.sleepers.size;
  }

  /** Wake everything and stop skipping (the runtime is stopping). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const s of [...this.sleepers]) s.wake();
  }

  private wakeDue(): void {
    const now = this.now();
    for (const s of [...this.sleepers]) if (s.at <= now) s.wake();
  }

  /**
   * Check for a quiet moment after quietMs of real time. The runtime must be quiet at two
   * checks in a row with the same sleepers before time jumps: a step between two awaits is
   * not asleep yet, and jumping under it would be a jump no real service would make.
   */
  private arm(): void {
    if (this.timer || this.stopped || !this.skipping || this.sleepers.size === 0) return;
    let last = "";
    const check = () => {
      this.timer = undefined;
      if (this.stopped || !this.skipping || this.sleepers.size === 0) return;
      const earliest = Math.min(...[...this.sleepers].map((s) => s.at));
      const signature = `${this.sleepers.size}:${earliest}`;
      const busy = this.busy() > 0;
      if (busy || signature !== last) {
        last = busy ? "" : signature;
        this.timer = setTimeout(check, this.quietMs);
        return;
      }
      const jump = earliest - this.now();
      if (jump > 0) {
        this.offset += jump;
        this.skipped += jump;
      }
      this.wakeDue();
      this.arm();
    };
    this.timer = setTimeout(check, this.quietMs);
  }
}

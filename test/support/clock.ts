/** Time skipping for tests that drive real services: waits cost no wall-clock time. */
import type { Clock } from "../../src/engine/clock.js";

/**
 * Wall-clock time plus an offset; every sleep moves the offset forward by its length and
 * resolves on the next turn of the event loop. A run that waits 20 s (a hello_world
 * sleep_time, a Wait state) finishes at once, and time never goes backwards.
 */
export class SkippingClock implements Clock {
  private offset = 0;

  now(): number {
    return Date.now() + this.offset;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    this.offset += Math.max(0, ms);
    return new Promise((r) => setImmediate(r));
  }
}

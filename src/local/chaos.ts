/**
 * Fault injection (FLOWSMITH_CHAOS=0.2): that share of requests gets a 503, a 429 with
 * Retry-After, or a dropped connection before the request is handled, so clients' retry
 * and idempotency paths are exercised for real. Faults are injected before any side effect.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** A small seeded PRNG (mulberry32), so a chaos soak with FLOWSMITH_CHAOS_SEED replays the same faults. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function chaosInterceptor(rate: number, random: () => number = Math.random): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.url?.startsWith("/health") || random() >= rate) return false;
    const kind = random();
    if (kind < 0.4) {
      res.writeHead(503, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "SERVICE_UNAVAILABLE", detail: "injected fault (FLOWSMITH_CHAOS)" } }));
    } else if (kind < 0.7) {
      res.writeHead(429, { "content-type": "application/json", "retry-after": "0" });
      res.end(JSON.stringify({ error: { code: "TOO_MANY_REQUESTS", detail: "injected fault (FLOWSMITH_CHAOS)" } }));
    } else {
      req.socket.destroy();
    }
    return true;
  };
}

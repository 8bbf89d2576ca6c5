/**
 * The one retry policy of the Globus clients (the Flows/Transfer/Compute calls in api.ts
 * and the Auth calls in auth/http.ts): exponential backoff with full jitter, capped,
 * Retry-After honoured. Tests and CI shrink the waits with FLOWSMITH_RETRY_BASE_MS (and
 * FLOWSMITH_RETRY_ATTEMPTS) instead of sleeping through real backoff.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Backoff base: attempt n waits up to baseMs * 2^(n-1). */
  baseMs: number;
  /** Cap of one wait. */
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 8, baseMs: 200, maxMs: 10_000 };

/** Cap of a Retry-After wait a service asks for. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** DEFAULT_RETRY with FLOWSMITH_RETRY_ATTEMPTS / FLOWSMITH_RETRY_BASE_MS / FLOWSMITH_RETRY_MAX_MS applied (positive integers only). */
export function retryPolicy(env: NodeJS.ProcessEnv = process.env, base: RetryPolicy = DEFAULT_RETRY): RetryPolicy {
  const num = (v: string | undefined, min: number) => {
    const n = Number(v);
    return v !== undefined && v !== "" && Number.isInteger(n) && n >= min ? n : undefined;
  };
  return {
    attempts: num(env.FLOWSMITH_RETRY_ATTEMPTS, 1) ?? base.attempts,
    baseMs: num(env.FLOWSMITH_RETRY_BASE_MS, 0) ?? base.baseMs,
    maxMs: num(env.FLOWSMITH_RETRY_MAX_MS, 0) ?? base.maxMs,
  };
}

/**
 * How long to wait before attempt `attempt + 1`: full jitter over the capped exponential,
 * or what Retry-After (seconds or an HTTP date) asks for when that is longer.
 */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfter?: string | null, random: () => number = Math.random, now: () => number = Date.now): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  let ms = Math.floor(random() * cap);
  if (retryAfter) {
    const s = Number(retryAfter);
    const at = Number.isFinite(s) ? s * 1000 : Date.parse(retryAfter) - now();
    if (Number.isFinite(at)) ms = Math.min(Math.max(ms, at), MAX_RETRY_AFTER_MS);
  }
  return ms;
}

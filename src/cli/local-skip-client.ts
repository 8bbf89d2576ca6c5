/** `flowsmith local skip`: ask a running runtime (as its own client) to move its clock forward. */
import { ServiceError } from "../globus/api.js";
import type { ClientCredentials } from "../local/config.js";

/**
 * One request to the runtime. Not retried: a skip that reached the runtime but lost its
 * answer would move the clock twice. A request that got no answer says so (exit 4), with
 * the runtime's URL, instead of surfacing as an unexpected failure.
 */
async function ask(url: string, init: RequestInit, what: string): Promise<{ res: Response; body: Record<string, unknown> }> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message ?? (e as Error).message;
    throw new ServiceError(`the local runtime at ${new URL(url).origin} did not answer ${what}: ${cause}`, 0, "Unreachable");
  }
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    throw new ServiceError(`the local runtime answered ${what} with ${res.status} and a body that is not JSON: ${text.slice(0, 200)}`, res.status, "BadResponse");
  }
  return { res, body };
}

export async function skipClock(url: string, client: ClientCredentials, seconds: number): Promise<{ now: string; skipped_seconds: number }> {
  const basic = "Basic " + Buffer.from(`${client.client_id}:${client.client_secret}`).toString("base64");
  const tok = await ask(`${url}/v2/oauth2/token`, { method: "POST", headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=client_credentials&scope=openid" }, "a token request");
  const token = tok.body.access_token;
  if (!tok.res.ok || typeof token !== "string") throw new ServiceError(`the local runtime refused its own client: ${String(tok.body.error_description ?? tok.res.status)}`, tok.res.status, "AuthFailed");
  const skip = await ask(`${url}/flowsmith/clock/skip`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ seconds }) }, "the skip");
  if (!skip.res.ok) throw new ServiceError(`the local runtime did not skip: ${String((skip.body.error as { message?: string } | undefined)?.message ?? skip.res.status)}`, skip.res.status, "SkipFailed");
  return skip.body as unknown as { now: string; skipped_seconds: number };
}

/** `flowsmith local skip`: ask a running runtime (as its own client) to move its clock forward. */
import { ServiceError } from "../globus/api.js";
import type { ClientCredentials } from "../local/config.js";

export async function skipClock(url: string, client: ClientCredentials, seconds: number): Promise<{ now: string; skipped_seconds: number }> {
  const basic = "Basic " + Buffer.from(`${client.client_id}:${client.client_secret}`).toString("base64");
  const tok = await fetch(`${url}/v2/oauth2/token`, { method: "POST", headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=client_credentials&scope=openid" });
  const t = (await tok.json()) as { access_token?: string; error_description?: string };
  if (!tok.ok || !t.access_token) throw new ServiceError(`the local runtime refused its own client: ${t.error_description ?? tok.status}`, tok.status, "AuthFailed");
  const res = await fetch(`${url}/flowsmith/clock/skip`, { method: "POST", headers: { authorization: `Bearer ${t.access_token}`, "content-type": "application/json" }, body: JSON.stringify({ seconds }) });
  const body = (await res.json()) as { now: string; skipped_seconds: number; error?: { message?: string } };
  if (!res.ok) throw new ServiceError(`the local runtime did not skip: ${body.error?.message ?? res.status}`, res.status, "SkipFailed");
  return body;
}

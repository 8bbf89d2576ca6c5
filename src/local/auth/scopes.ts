/** Scope strings and the resource servers they belong to (globus-flows.md §3.2, §2.8). */
import { TIMERS_RESOURCE_SERVER, TIMER_SCOPE } from "../../globus/timers-scope.js";

export const FLOWS_CLIENT_ID = "eec9b274-0c81-4334-bdc2-54e90e689b9a";
export const COMPUTE_SCOPE_ID = "facd7ccc-c5f4-42aa-916b-a0e270e2c2a9";

export const SCOPES = {
  flowsAll: `https://auth.globus.org/scopes/${FLOWS_CLIENT_ID}/all`,
  flows: (name: "all" | "manage_flows" | "view_flows" | "run" | "run_status" | "run_manage") => `https://auth.globus.org/scopes/${FLOWS_CLIENT_ID}/${name}`,
  transfer: "urn:globus:auth:scope:transfer.api.globus.org:all",
  compute: `https://auth.globus.org/scopes/${COMPUTE_SCOPE_ID}/all`,
  flow: (flowId: string) => `https://auth.globus.org/scopes/${flowId}/flow_${flowId.replace(/-/g, "_")}_user`,
  collectionDataAccess: (collectionId: string) => `https://auth.globus.org/scopes/${collectionId}/data_access`,
};

export const RESOURCE_SERVERS = {
  auth: "auth.globus.org",
  flows: "flows.globus.org",
  transfer: "transfer.api.globus.org",
  compute: "funcx_service",
};

/** `scope[dep1 *dep2]` -> `scope` (the dependencies are consent detail, not a separate token). */
export function baseScope(scope: string): string {
  const i = scope.indexOf("[");
  return (i < 0 ? scope : scope.slice(0, i)).trim();
}

/** Split a space-separated scope string, keeping bracketed dependency lists together. */
export function splitScopes(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s.trim()) {
    if (ch === "[") depth++;
    if (ch === "]") depth--;
    if (/\s/.test(ch) && depth === 0) {
      if (cur) out.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

/** The resource server of a scope, or undefined for a scope this Auth does not know. */
export function resourceServerOf(scope: string, flowExists: (id: string) => boolean): string | undefined {
  const s = baseScope(scope);
  if (["openid", "profile", "email"].includes(s) || s.startsWith("urn:globus:auth:scope:auth.globus.org:")) return RESOURCE_SERVERS.auth;
  if (s.startsWith("urn:globus:auth:scope:transfer.api.globus.org:")) return RESOURCE_SERVERS.transfer;
  if (s === SCOPES.compute) return RESOURCE_SERVERS.compute;
  if (s === TIMER_SCOPE) return TIMERS_RESOURCE_SERVER;
  if (s.startsWith(`https://auth.globus.org/scopes/${FLOWS_CLIENT_ID}/`)) return RESOURCE_SERVERS.flows;
  const m = /^https:\/\/auth\.globus\.org\/scopes\/([0-9a-f-]{36})\/flow_[0-9a-f_]{36}_user$/.exec(s);
  if (m && flowExists(m[1]!)) return m[1]!;
  const c = /^https:\/\/auth\.globus\.org\/scopes\/([0-9a-f-]{36})\/(data_access|https)$/.exec(s);
  if (c) return c[1]!;
  return undefined;
}

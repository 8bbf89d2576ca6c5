/** Which resource server the local Auth issues a scope's token for; the scope strings are in src/wire/. */
import { baseScope, FLOWS_CLIENT_ID, RESOURCE_SERVERS, SCOPES } from "../../wire/scopes.js";
import { TIMERS_RESOURCE_SERVER, TIMER_SCOPE } from "../../wire/timers-scope.js";

// The emulator's modules read the wire facts through here as well (one import for the local Auth's scope knowledge).
export { baseScope, splitScopes, FLOWS_CLIENT_ID, COMPUTE_SCOPE_ID, RESOURCE_SERVERS, SCOPES } from "../../wire/scopes.js";

/** The resource server of a scope, or undefined for a scope this Auth does not know. */
export function resourceServerOf(scope: string, flowExists: (id: string) => boolean): string | undefined {
  const s = baseScope(scope);
  if (["openid", "profile", "email"].includes(s) || s.startsWith("urn:globus:auth:scope:auth.globus.org:")) return RESOURCE_SERVERS.auth;
  if (s.startsWith("urn:globus:auth:scope:transfer.api.globus.org:")) return RESOURCE_SERVERS.transfer;
  if (s === SCOPES.computeAll) return RESOURCE_SERVERS.compute;
  if (s === TIMER_SCOPE) return TIMERS_RESOURCE_SERVER;
  if (s.startsWith(`https://auth.globus.org/scopes/${FLOWS_CLIENT_ID}/`)) return RESOURCE_SERVERS.flows;
  const m = /^https:\/\/auth\.globus\.org\/scopes\/([0-9a-f-]{36})\/flow_[0-9a-f_]{36}_user$/.exec(s);
  if (m && flowExists(m[1]!)) return m[1]!;
  const c = /^https:\/\/auth\.globus\.org\/scopes\/([0-9a-f-]{36})\/(data_access|https)$/.exec(s);
  if (c) return c[1]!;
  return undefined;
}

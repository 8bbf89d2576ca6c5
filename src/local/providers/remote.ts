/**
 * Custom (non-Globus) action providers as the Flows service drives them: introspection
 * (`GET {url}/` -> globus_auth_scope, cached; Flows resolves it when a flow is created or
 * validated and answers 409 SCOPE_RESOLUTION_FAILED when the provider does not answer), and
 * every call carries a bearer token for the identity the action runs as (Flows sends a
 * dependent token; the local runtime mints one its own Auth can introspect, never stored
 * in plain text).
 */
import { createHttpActionProvider } from "../../providers/http-client.js";
import type { ActionCaller, ActionProvider } from "../../providers/types.js";

export class ProviderScopes {
  private readonly cache = new Map<string, string>();
  constructor(private readonly fetchImpl: typeof fetch = fetch) {}

  async introspect(url: string): Promise<string> {
    const base = url.replace(/\/+$/, "");
    const hit = this.cache.get(base);
    if (hit) return hit;
    let res: Response;
    try {
      res = await this.fetchImpl(`${base}/`, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(10_000) });
    } catch {
      throw new Error("upstream did not respond");
    }
    const doc = (await res.json().catch(() => undefined)) as { globus_auth_scope?: unknown } | undefined;
    if (!res.ok || typeof doc?.globus_auth_scope !== "string") throw new Error(`upstream answered ${res.status} without a globus_auth_scope`);
    this.cache.set(base, doc.globus_auth_scope);
    return doc.globus_auth_scope;
  }
}

export function createForwardingProvider(url: string, scopes: ProviderScopes, mint: (identity: string, scope: string, resourceServer: string) => string | undefined): ActionProvider {
  const inner = createHttpActionProvider(url);
  const host = (() => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  })();
  const withToken = async (c: ActionCaller): Promise<ActionCaller> => {
    const scope = await scopes.introspect(url).catch(() => url);
    const token = mint(c.identity, scope, host);
    return token ? { ...c, token } : c;
  };
  return {
    run: async (req, c) => inner.run(req, await withToken(c)),
    status: async (id, c) => inner.status(id, await withToken(c)),
    cancel: async (id, c) => inner.cancel(id, await withToken(c)),
    release: async (id, c) => inner.release(id, await withToken(c)),
    resume: async (id, c) => inner.resume!(id, await withToken(c)),
  };
}

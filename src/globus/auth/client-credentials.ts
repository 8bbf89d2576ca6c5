/**
 * A confidential client (GLOBUS_CLIENT_ID / GLOBUS_CLIENT_SECRET, or the local runtime's
 * own client): tokens from the client_credentials grant with HTTP Basic, cached per scope
 * in memory until a minute before they expire. The secret lives in a closure, never in an
 * enumerable property, so printing the object cannot show it.
 */
import { AuthError, type Credentials } from "./types.js";
import { requestTokens } from "./oauth.js";
import type { AuthHttpOptions } from "./http.js";
import { baseScope } from "./scopes.js";
import { trimUrl } from "./urls.js";

export interface ClientCredentialsOptions {
  clientId: string;
  clientSecret: string;
  /** Auth base URL, e.g. https://auth.globus.org or the local runtime's URL. */
  authUrl: string;
  /** "local" for the local runtime's own client (default "client"). */
  kind?: "client" | "local";
  /** flowsmith environment name, for messages. */
  environment?: string;
  http?: AuthHttpOptions;
  now?: () => number;
  /** Refresh this long before expiry (default 60 s). */
  marginMs?: number;
}

export interface ClientCredentials extends Credentials {
  readonly kind: "client" | "local";
  readonly clientId: string;
  readonly authUrl: string;
}

export function clientCredentials(opts: ClientCredentialsOptions): ClientCredentials {
  const { clientId } = opts;
  const secret = opts.clientSecret;
  const authUrl = trimUrl(opts.authUrl);
  const now = opts.now ?? Date.now;
  const margin = opts.marginMs ?? 60_000;
  const kind = opts.kind ?? "client";
  const cache = new Map<string, { token: string; expiresAt: number }>();
  const inflight = new Map<string, Promise<string>>();

  const fetchToken = async (scope: string): Promise<string> => {
    const tokens = await requestTokens({
      authUrl,
      form: { grant_type: "client_credentials", scope },
      basic: { id: clientId, secret },
      ctx: { kind, clientId, scope, ...(opts.environment ? { env: opts.environment } : {}) },
      ...(opts.http ? { http: opts.http } : {}),
      now,
    });
    // The token for the requested scope's resource server comes first; prefer one that lists the scope.
    const want = baseScope(scope);
    const t = tokens.find((x) => x.scopes.some((s) => baseScope(s) === want)) ?? tokens[0]!;
    cache.set(scope, { token: t.access_token, expiresAt: t.expires_at });
    return t.access_token;
  };

  return {
    kind,
    clientId,
    authUrl,
    async identity() {
      return `urn:globus:auth:identity:${clientId}`;
    },
    async token(scope: string) {
      if (!scope.trim()) throw new AuthError("no scope given for the token request");
      const hit = cache.get(scope);
      if (hit && hit.expiresAt - margin > now()) return hit.token;
      const running = inflight.get(scope);
      if (running) return running;
      const p = fetchToken(scope).finally(() => inflight.delete(scope));
      inflight.set(scope, p);
      return p;
    },
  };
}

export interface EnvClient {
  readonly clientId: string;
  /** Not enumerable: JSON.stringify and console.log of this object leave it out. */
  readonly clientSecret: string;
}

/**
 * GLOBUS_CLIENT_ID and GLOBUS_CLIENT_SECRET: both set -> the client, neither -> undefined,
 * only one -> AuthError.
 */
export function clientFromEnv(env: NodeJS.ProcessEnv = process.env): EnvClient | undefined {
  const id = env.GLOBUS_CLIENT_ID?.trim() || undefined;
  const secret = env.GLOBUS_CLIENT_SECRET || undefined;
  if (!id && !secret) return undefined;
  if (!id || !secret) {
    const present = id ? "GLOBUS_CLIENT_ID" : "GLOBUS_CLIENT_SECRET";
    throw new AuthError(`Both GLOBUS_CLIENT_ID and GLOBUS_CLIENT_SECRET must be set to use client credentials; only ${present} is set`, id ? "export GLOBUS_CLIENT_SECRET=<the client's secret>" : "export GLOBUS_CLIENT_ID=<the client's id>");
  }
  const out = { clientId: id } as EnvClient;
  Object.defineProperty(out, "clientSecret", { value: secret, enumerable: false });
  return out;
}

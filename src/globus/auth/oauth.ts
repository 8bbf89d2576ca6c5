/** The token endpoint: requests by grant, and the response (first token + `other_tokens`) per resource server. */
import { authCall, type AuthHttpOptions } from "./http.js";
import { tokenEndpointError, AuthServiceError, type AuthErrorContext } from "./errors.js";
import type { StoredToken } from "./token-store.js";
import { splitScopes } from "./scopes.js";

interface RawToken {
  access_token?: unknown;
  scope?: unknown;
  expires_in?: unknown;
  resource_server?: unknown;
  refresh_token?: unknown;
  other_tokens?: unknown;
}

/** Every token of a token response, keyed by resource server (Auth's `by_resource_server`). */
export function parseTokenResponse(body: unknown, now: number = Date.now()): StoredToken[] {
  const top = (body ?? {}) as RawToken;
  const all: RawToken[] = Array.isArray(body) ? (body as RawToken[]) : [top, ...(Array.isArray(top.other_tokens) ? (top.other_tokens as RawToken[]) : [])];
  const out: StoredToken[] = [];
  for (const t of all) {
    if (typeof t?.access_token !== "string" || typeof t.resource_server !== "string") continue;
    const expiresIn = typeof t.expires_in === "number" && t.expires_in > 0 ? t.expires_in : 3600;
    out.push({
      resource_server: t.resource_server,
      access_token: t.access_token,
      scopes: typeof t.scope === "string" ? splitScopes(t.scope) : [],
      expires_at: now + expiresIn * 1000,
      ...(typeof t.refresh_token === "string" && t.refresh_token ? { refresh_token: t.refresh_token } : {}),
    });
  }
  if (out.length === 0) throw new AuthServiceError("Globus Auth answered without an access token");
  return out;
}

export interface TokenRequest {
  authUrl: string;
  form: Record<string, string>;
  basic?: { id: string; secret: string };
  ctx: AuthErrorContext & { clientId?: string };
  http?: AuthHttpOptions;
  now?: () => number;
}

/** POST /v2/oauth2/token; the tokens, or the AuthError/AuthServiceError for the refusal. */
export async function requestTokens(req: TokenRequest): Promise<StoredToken[]> {
  const grant = req.form.grant_type ?? "";
  const answer = await authCall(`${req.authUrl}/v2/oauth2/token`, { form: req.form, ...(req.basic ? { basic: req.basic } : {}) }, { ...req.http, retry: grant === "authorization_code" ? "status" : "all" });
  if (answer.status !== 200) throw tokenEndpointError(answer.status, answer.body, { ...req.ctx, grant, authUrl: req.authUrl });
  return parseTokenResponse(answer.body, (req.now ?? Date.now)());
}

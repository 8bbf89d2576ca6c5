/**
 * Native-app user login (globus-flows.md §3.3): PKCE verifier and S256 challenge, the
 * authorize URL, the code exchange, userinfo, and revocation.
 */
import { createHash, randomBytes } from "node:crypto";
import { AuthError } from "./types.js";
import { authCall, type AuthHttpOptions } from "./http.js";
import { requestTokens } from "./oauth.js";
import { AuthServiceError } from "./errors.js";
import { splitScopes } from "./scopes.js";
import { trimUrl } from "./urls.js";
import type { StoredIdentity, StoredLogin, StoredToken, TokenStore } from "./token-store.js";

/**
 * The native app client flowsmith logs in with: FLOWSMITH_NATIVE_CLIENT_ID, else the
 * Globus CLI's production native client id (also the local runtime's built-in one).
 */
export const DEFAULT_NATIVE_CLIENT_ID = "95fdeba8-fac2-42bd-a357-e068d82ff78e";

export function nativeClientId(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLOWSMITH_NATIVE_CLIENT_ID?.trim() || DEFAULT_NATIVE_CLIENT_ID;
}

/** The page that shows the code for copy/paste. */
export function defaultRedirectUri(authUrl: string): string {
  return `${trimUrl(authUrl)}/v2/web/auth-code`;
}

/** A PKCE verifier: 64 characters of [A-Za-z0-9_-] (RFC 7636 allows 43–128). */
export function pkceVerifier(): string {
  return randomBytes(48).toString("base64url");
}

export function pkceChallenge(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

export interface StartLoginOptions {
  authUrl: string;
  clientId: string;
  scopes: readonly string[];
  redirectUri?: string;
  /** "offline" (default) asks for refresh tokens. */
  accessType?: "online" | "offline";
  /** Session requirements from a GARE: policies to satisfy (forces a fresh login). */
  policies?: readonly string[];
  /** Extra authorize parameters (e.g. prompt=login, session_required_identities). */
  extra?: Record<string, string>;
}

export interface LoginStart {
  /** Where to send the user. */
  url: string;
  /** Keep it until the code comes back; it proves the code is ours. */
  verifier: string;
  state: string;
  redirectUri: string;
  scopes: string[];
}

export function startLogin(opts: StartLoginOptions): LoginStart {
  const authUrl = trimUrl(opts.authUrl);
  const verifier = pkceVerifier();
  const state = randomBytes(16).toString("base64url");
  const redirectUri = opts.redirectUri ?? defaultRedirectUri(authUrl);
  const scopes = [...new Set(opts.scopes.flatMap((s) => splitScopes(s)))];
  if (scopes.length === 0) throw new AuthError("no scopes to log in for");
  const q = new URLSearchParams({
    client_id: opts.clientId,
    redirect_uri: redirectUri,
    scope: scopes.join(" "),
    state,
    response_type: "code",
    code_challenge: pkceChallenge(verifier),
    code_challenge_method: "S256",
    access_type: opts.accessType ?? "offline",
  });
  if (opts.policies?.length) {
    q.set("session_required_policies", opts.policies.join(","));
    q.set("prompt", "login");
  }
  for (const [k, v] of Object.entries(opts.extra ?? {})) q.set(k, v);
  return { url: `${authUrl}/v2/oauth2/authorize?${q.toString()}`, verifier, state, redirectUri, scopes };
}

export interface UserInfo extends StoredIdentity {
  identity_provider?: string;
}

/** GET /v2/oauth2/userinfo with a token for auth.globus.org. */
export async function userinfo(opts: { authUrl: string; token: string; http?: AuthHttpOptions }): Promise<UserInfo> {
  const a = await authCall(`${trimUrl(opts.authUrl)}/v2/oauth2/userinfo`, { bearer: opts.token }, opts.http ?? {});
  const b = (a.body ?? {}) as { sub?: string; preferred_username?: string; name?: string; email?: string | null; identity_provider?: string };
  if (a.status !== 200 || !b.sub) {
    if (a.status >= 500) throw new AuthServiceError(`Globus Auth userinfo failed (${a.status})`);
    throw new AuthError(`Globus Auth did not say who is logged in (userinfo answered ${a.status})`);
  }
  return { id: b.sub, username: b.preferred_username ?? b.sub, ...(b.name ? { name: b.name } : {}), ...(b.email ? { email: b.email } : {}), ...(b.identity_provider ? { identity_provider: b.identity_provider } : {}) };
}

export interface CompleteLoginOptions {
  authUrl: string;
  clientId: string;
  code: string;
  verifier: string;
  /** Must be the redirect_uri of the authorize request (default: the code page). */
  redirectUri?: string;
  /** The scopes asked for (kept in the store, dependencies included). */
  scopes?: readonly string[];
  /** flowsmith environment name. */
  environment: string;
  /** Written (mode 0600) when given. */
  store?: TokenStore;
  http?: AuthHttpOptions;
  now?: () => number;
}

/** Exchange the pasted code (with the PKCE verifier) for tokens, find out who logged in, and store it all. */
export async function completeLogin(opts: CompleteLoginOptions): Promise<StoredLogin> {
  const authUrl = trimUrl(opts.authUrl);
  const code = opts.code.trim();
  if (!code) throw new AuthError("no authorization code given");
  const now = opts.now ?? Date.now;
  const tokens = await requestTokens({
    authUrl,
    form: { grant_type: "authorization_code", client_id: opts.clientId, code, code_verifier: opts.verifier, redirect_uri: opts.redirectUri ?? defaultRedirectUri(authUrl) },
    ctx: { kind: "user", env: opts.environment, clientId: opts.clientId },
    ...(opts.http ? { http: opts.http } : {}),
    now,
  });
  const byRs: Record<string, StoredToken> = {};
  for (const t of tokens) byRs[t.resource_server] = t;
  const authToken = byRs["auth.globus.org"];
  const identity = authToken ? await userinfo({ authUrl, token: authToken.access_token, ...(opts.http ? { http: opts.http } : {}) }) : undefined;
  const stamp = new Date(now()).toISOString();
  const login: StoredLogin = {
    version: 1,
    environment: opts.environment,
    auth_url: authUrl,
    client_id: opts.clientId,
    ...(identity ? { identity: { id: identity.id, username: identity.username, ...(identity.name ? { name: identity.name } : {}), ...(identity.email ? { email: identity.email } : {}) } } : {}),
    requested_scopes: [...(opts.scopes ?? tokens.flatMap((t) => t.scopes))],
    tokens: byRs,
    created_at: stamp,
    updated_at: stamp,
  };
  opts.store?.write(login);
  return login;
}

/** POST /v2/oauth2/token/revoke for a native client (client_id in the body). */
export async function revokeToken(opts: { authUrl: string; clientId: string; token: string; http?: AuthHttpOptions }): Promise<void> {
  const a = await authCall(`${trimUrl(opts.authUrl)}/v2/oauth2/token/revoke`, { form: { token: opts.token, client_id: opts.clientId } }, opts.http ?? {});
  if (a.status !== 200) {
    const err = (a.body as { error?: string } | undefined)?.error;
    throw new AuthServiceError(`Globus Auth did not revoke the token (${a.status}${err ? ` ${err}` : ""})`);
  }
}

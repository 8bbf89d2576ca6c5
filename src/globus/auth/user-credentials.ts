/**
 * Credentials of a user who ran `flowsmith login`: the stored token for a scope, refreshed
 * with its refresh token when it is about to expire; a scope never granted (or granted
 * without the dependencies now asked for) is an AuthError whose fix is the login command.
 */
import { AuthError, type Credentials } from "./types.js";
import { loginCommand } from "./errors.js";
import { requestTokens } from "./oauth.js";
import type { AuthHttpOptions } from "./http.js";
import { baseScope, parseScope, scopeCovers, DEFAULT_LOGIN_SCOPES } from "./scopes.js";
import { trimUrl } from "./urls.js";
import type { StoredLogin, StoredToken, TokenStore } from "./token-store.js";

export interface UserCredentialsOptions {
  /** flowsmith environment name (default: the store's). */
  environment?: string;
  /** Auth base URL for refreshes (default: the one logged in at); a function is called when needed. */
  authUrl?: string | (() => string | Promise<string>);
  /** Native client id (default: the one logged in with). */
  clientId?: string;
  http?: AuthHttpOptions;
  now?: () => number;
  /** Refresh this long before expiry (default 60 s). */
  marginMs?: number;
}

export interface UserCredentials extends Credentials {
  readonly kind: "user";
  readonly store: TokenStore;
}

const hasDependencies = (scope: string) => scope.includes("[");

/** The stored token that carries `scope` (with its dependencies consented), if any. */
export function findStoredToken(login: StoredLogin, scope: string): StoredToken | undefined {
  const want = baseScope(scope);
  const tok = Object.values(login.tokens).find((t) => t.scopes.some((s) => baseScope(s) === want));
  if (!tok) return undefined;
  if (hasDependencies(scope)) {
    try {
      parseScope(scope);
    } catch {
      return undefined;
    }
    const granted = [...login.requested_scopes, ...tok.scopes];
    if (!granted.some((g) => scopeCovers(g, scope))) return undefined;
  }
  return tok;
}

export function userCredentials(store: TokenStore, opts: UserCredentialsOptions = {}): UserCredentials {
  const env = opts.environment ?? store.environment;
  const now = opts.now ?? Date.now;
  const margin = opts.marginMs ?? 60_000;
  const inflight = new Map<string, Promise<string>>();
  const fixFor = (scope?: string) => loginCommand(env, scope && !DEFAULT_LOGIN_SCOPES.includes(scope) ? [scope] : []);

  const readLogin = (scope?: string): StoredLogin => {
    const login = store.read();
    if (!login) throw new AuthError(`not logged in to environment "${env}" (no ${store.file})`, fixFor(scope));
    return login;
  };

  const refresh = async (login: StoredLogin, tok: StoredToken): Promise<string> => {
    const authUrl = trimUrl((typeof opts.authUrl === "function" ? await opts.authUrl() : opts.authUrl) ?? login.auth_url);
    const clientId = opts.clientId ?? login.client_id;
    const fresh = await requestTokens({
      authUrl,
      form: { grant_type: "refresh_token", refresh_token: tok.refresh_token!, client_id: clientId },
      ctx: { kind: "user", env, clientId },
      ...(opts.http ? { http: opts.http } : {}),
      now,
    });
    store.update((l) => {
      for (const t of fresh) {
        const old = l.tokens[t.resource_server];
        l.tokens[t.resource_server] = { ...t, scopes: t.scopes.length ? t.scopes : (old?.scopes ?? []), ...(t.refresh_token ?? old?.refresh_token ? { refresh_token: t.refresh_token ?? old!.refresh_token! } : {}) };
      }
    });
    const mine = fresh.find((t) => t.resource_server === tok.resource_server) ?? fresh[0]!;
    return mine.access_token;
  };

  return {
    kind: "user",
    store,
    async identity() {
      const login = readLogin();
      if (!login.identity) throw new AuthError(`the login for environment "${env}" does not say who logged in (it lacks the openid scope)`, loginCommand(env));
      return `urn:globus:auth:identity:${login.identity.id}`;
    },
    async token(scope: string) {
      const login = readLogin(scope);
      const tok = findStoredToken(login, scope);
      if (!tok) {
        const what = hasDependencies(scope) && Object.values(login.tokens).some((t) => t.scopes.some((s) => baseScope(s) === baseScope(scope))) ? `consent to ${scope} (with these dependencies)` : `the scope ${scope}`;
        throw new AuthError(`your login for environment "${env}" does not include ${what}`, loginCommand(env, [scope]));
      }
      if (tok.expires_at - margin > now()) return tok.access_token;
      if (!tok.refresh_token) throw new AuthError(`your login for environment "${env}" has expired (no refresh token for ${tok.resource_server})`, fixFor(scope));
      const key = tok.resource_server;
      const running = inflight.get(key);
      if (running) return running;
      const p = refresh(login, tok).finally(() => inflight.delete(key));
      inflight.set(key, p);
      return p;
    },
  };
}

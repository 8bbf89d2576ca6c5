/**
 * Local Globus Auth: confidential clients (client_credentials grant), the built-in native
 * app client with the authorization-code grant and PKCE for the runtime's one local user,
 * refresh tokens, tokens per resource server as Auth returns them (first token at the top,
 * the rest in `other_tokens`), introspection, revocation, userinfo, and checking the bearer
 * token of a call. Only hashes of secrets, codes and tokens are stored.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { DocStore } from "../store.js";
import { HttpError } from "../http.js";
import { resourceServerOf } from "./scopes.js";
import { splitScopes, baseScope, RESOURCE_SERVERS } from "../../wire/scopes.js";
import type { IdTokens } from "./id-token.js";
import { consentsOf } from "./consents.js";
import { CHALLENGE_PATTERN, verifierMatches } from "./pkce.js";

export interface LocalClient {
  client_id: string;
  /** sha256 of the secret; the secret itself is never stored. */
  secret_sha256: string;
  name?: string;
}

/** A public (native app) client: no secret, PKCE required. */
export interface NativeClient {
  client_id: string;
  name?: string;
}

/** The runtime's one user: every authorization request is approved for it. */
export interface LocalUser {
  id: string;
  username: string;
  name: string;
  email: string;
  identity_provider: string;
}

export interface TokenRecord {
  token_sha256: string;
  client_id: string;
  identity: string;
  username: string;
  resource_server: string;
  scopes: string[];
  expires_at: number;
  refresh?: boolean;
}

export interface TokenResponse {
  access_token: string;
  scope: string;
  expires_in: number;
  token_type: "Bearer";
  resource_server: string;
  other_tokens: Omit<TokenResponse, "other_tokens">[];
  refresh_token?: string;
  /** OpenID Connect id_token, with the auth.globus.org token when `openid` was requested. */
  id_token?: string;
  /** The `state` of the authorization request (authorization_code grant only). */
  state?: string;
}

interface AuthCodeRecord {
  code_sha256: string;
  client_id: string;
  redirect_uri: string;
  scopes: string[];
  code_challenge?: string;
  access_type: "online" | "offline";
  state: string;
  identity: string;
  username: string;
  expires_at: number;
  /** Set on first exchange: a code works once; a replay revokes what it issued. */
  used_at?: number;
  issued?: string[];
}

interface Subject {
  identity: string;
  username: string;
}

/**
 * The built-in native app client of the local Auth: the Globus CLI's production native
 * client id, so the same login code path works against Globus and the local runtime.
 */
export const LOCAL_NATIVE_CLIENT_ID = "95fdeba8-fac2-42bd-a357-e068d82ff78e";
export const LOCAL_USERNAME = "local-user@localhost";
/** Path of the page that shows an authorization code for copy/paste. */
export const AUTH_CODE_PAGE = "/v2/web/auth-code";

const LIFETIME_S = 172800;
const CODE_LIFETIME_S = 600;
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

export function identityOfClient(clientId: string): string {
  return `urn:globus:auth:identity:${clientId}`;
}

/** Redirects go only to this machine: the runtime's own code page or a loopback listener. */
function loopbackRedirect(uri: string): boolean {
  try {
    const u = new URL(uri);
    return (u.protocol === "http:" || u.protocol === "https:") && ["127.0.0.1", "localhost", "[::1]"].includes(u.hostname) && !u.username && !u.password;
  } catch {
    return false;
  }
}

export class LocalAuth {
  constructor(
    private readonly store: DocStore,
    private readonly flowExists: (id: string) => boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** Signs id_tokens; set by the runtime once its URL (the issuer) is known. */
  idTokens?: IdTokens;

  private idToken(clientId: string, subject: Subject): string {
    const sub = subject.identity.replace(/^urn:globus:auth:identity:/, "");
    const user = this.store.get<LocalUser>("auth_user", "local");
    const isUser = user?.id === sub;
    return this.idTokens!.issue({ sub, aud: clientId, username: subject.username, name: isUser ? user.name : subject.username, email: isUser ? user.email : null, identity_provider: isUser ? user.identity_provider : "local", nowSeconds: Math.floor(this.now() / 1000), lifetime: LIFETIME_S });
  }

  /** GET /v2/api/identities/{id}/consents: what the identity has consented to (consents.ts). */
  consents(identityId: string, authorization: string | undefined): ReturnType<typeof consentsOf> {
    const t = this.authenticate(authorization);
    if (t.resource_server !== RESOURCE_SERVERS.auth) throw new HttpError(403, "FORBIDDEN", "consents need a token for auth.globus.org");
    const who = `urn:globus:auth:identity:${identityId}`;
    if (t.identity !== who) throw new HttpError(403, "FORBIDDEN", "an identity's consents are visible to that identity only");
    const grants = this.store
      .list<TokenRecord & { refresh?: boolean }>("auth_token")
      .filter((r) => r.identity === who)
      .map((r) => ({ client_id: r.client_id, identity: r.identity, scopes: r.scopes, issued_at: new Date(r.expires_at - LIFETIME_S * 1000).toISOString() }));
    return consentsOf(grants);
  }

  /** Register (or re-key) a confidential client. */
  addClient(clientId: string, secret: string, name?: string): void {
    this.store.put<LocalClient>("auth_client", clientId, { client_id: clientId, secret_sha256: sha(secret), ...(name ? { name } : {}) });
  }

  /** Register a public native-app client (LOCAL_NATIVE_CLIENT_ID is always registered). */
  addNativeClient(clientId: string, name?: string): void {
    this.store.put<NativeClient>("auth_native_client", clientId, { client_id: clientId, ...(name ? { name } : {}) });
  }

  isNativeClient(clientId: string | undefined): boolean {
    return !!clientId && (clientId === LOCAL_NATIVE_CLIENT_ID || this.store.get<NativeClient>("auth_native_client", clientId) !== undefined);
  }

  /** The runtime's user, created (with a stable id kept in the state store) on first use. */
  localUser(): LocalUser {
    const have = this.store.get<LocalUser>("auth_user", "local");
    if (have) return have;
    const user: LocalUser = { id: randomUUID(), username: LOCAL_USERNAME, name: "Local User", email: LOCAL_USERNAME, identity_provider: "local" };
    this.store.put("auth_user", "local", user);
    return user;
  }

  private userSubject(): Subject {
    const u = this.localUser();
    return { identity: `urn:globus:auth:identity:${u.id}`, username: u.username };
  }

  private checkClient(clientId: string | undefined, secret: string | undefined): LocalClient {
    const c = clientId ? this.store.get<LocalClient>("auth_client", clientId) : undefined;
    const ok = c && secret !== undefined && timingSafeEqual(Buffer.from(c.secret_sha256), Buffer.from(sha(secret)));
    if (!c || !ok) throw new HttpError(401, "invalid_client", "client authentication failed: unknown client id or wrong secret");
    return c;
  }

  /**
   * GET /v2/oauth2/authorize: validate the request, approve it for the local user and
   * return the redirect location carrying `code` and `state`.
   */
  authorize(query: URLSearchParams, base: string): string {
    const clientId = query.get("client_id") ?? "";
    const native = this.isNativeClient(clientId);
    if (!native && !this.store.get<LocalClient>("auth_client", clientId)) throw new HttpError(400, "invalid_request", `unknown client_id ${JSON.stringify(clientId)}`);
    const redirectUri = query.get("redirect_uri") || `${base}${AUTH_CODE_PAGE}`;
    if (!loopbackRedirect(redirectUri)) throw new HttpError(400, "invalid_request", "redirect_uri must be this runtime's auth-code page or a loopback (127.0.0.1/localhost) address");
    const responseType = query.get("response_type") ?? "code";
    if (responseType !== "code") throw new HttpError(400, "unsupported_response_type", `response_type must be "code", not ${JSON.stringify(responseType)}`);
    const scopes = splitScopes(query.get("scope") ?? "");
    if (scopes.length === 0) throw new HttpError(400, "invalid_scope", "no scope requested");
    for (const s of scopes) if (!resourceServerOf(s, this.flowExists)) throw new HttpError(400, "invalid_scope", `unknown scope: ${baseScope(s)}`);
    const challenge = query.get("code_challenge") ?? undefined;
    const method = query.get("code_challenge_method") ?? (challenge ? "plain" : undefined);
    if (native && !challenge) throw new HttpError(400, "invalid_request", "native app clients must send a PKCE code_challenge (code_challenge_method=S256)");
    if (challenge !== undefined) {
      if (method !== "S256") throw new HttpError(400, "invalid_request", "code_challenge_method must be S256");
      if (!CHALLENGE_PATTERN.test(challenge)) throw new HttpError(400, "invalid_request", "code_challenge must be base64url(SHA-256(code_verifier)) without padding");
    }
    const accessType = query.get("access_type") ?? "online";
    if (accessType !== "online" && accessType !== "offline") throw new HttpError(400, "invalid_request", 'access_type must be "online" or "offline"');
    const code = randomBytes(32).toString("base64url");
    const state = query.get("state") ?? "_default";
    const rec: AuthCodeRecord = {
      code_sha256: sha(code),
      client_id: clientId,
      redirect_uri: redirectUri,
      scopes,
      ...(challenge ? { code_challenge: challenge } : {}),
      access_type: accessType,
      state,
      ...this.userSubject(),
      expires_at: this.now() + CODE_LIFETIME_S * 1000,
    };
    this.store.put("auth_code", rec.code_sha256, rec);
    const to = new URL(redirectUri);
    to.searchParams.set("code", code);
    to.searchParams.set("state", state);
    return to.toString();
  }

  /** POST /v2/oauth2/token */
  token(form: Record<string, string>, authorization: string | undefined): TokenResponse {
    let clientId = form.client_id;
    let secret = form.client_secret;
    if (authorization?.startsWith("Basic ")) {
      const [id, ...rest] = Buffer.from(authorization.slice(6), "base64").toString("utf8").split(":");
      clientId = decodeURIComponent(id ?? "");
      secret = decodeURIComponent(rest.join(":"));
    }
    const grant = form.grant_type;
    if (grant === "client_credentials") {
      const client = this.checkClient(clientId, secret);
      return this.issue(client.client_id, splitScopes(form.scope ?? "openid"), false, { identity: identityOfClient(client.client_id), username: `${client.client_id}@clients.auth.globus.org` }).response;
    }
    if (grant === "authorization_code") return this.exchangeCode(form, clientId, secret);
    if (grant === "refresh_token") {
      const rec = form.refresh_token ? this.store.get<TokenRecord>("auth_refresh", sha(form.refresh_token)) : undefined;
      if (!rec) throw new HttpError(400, "invalid_grant", "the refresh token is invalid or was revoked");
      if (this.isNativeClient(rec.client_id)) {
        if (!clientId) throw new HttpError(401, "invalid_client", "native app clients must send client_id with a refresh");
      } else this.checkClient(clientId, secret);
      if (clientId !== rec.client_id) throw new HttpError(400, "invalid_grant", "the refresh token was issued to another client");
      // Like Globus Auth, refresh tokens are not rotated: the same refresh token keeps working.
      return this.issue(rec.client_id, rec.scopes, false, { identity: rec.identity, username: rec.username }, rec.resource_server).response;
    }
    throw new HttpError(400, "unsupported_grant_type", `grant_type ${JSON.stringify(grant)} is not supported by the local Auth`);
  }

  private exchangeCode(form: Record<string, string>, clientId: string | undefined, secret: string | undefined): TokenResponse {
    if (!form.code) throw new HttpError(400, "invalid_request", "code is required");
    const key = sha(form.code);
    const rec = this.store.get<AuthCodeRecord>("auth_code", key);
    if (!rec) throw new HttpError(401, "invalid_grant", "the authorization code is invalid or has expired");
    if (rec.used_at !== undefined) {
      // RFC 6749 §4.1.2: a code used twice revokes the tokens it produced.
      for (const h of rec.issued ?? []) {
        this.store.delete("auth_token", h);
        this.store.delete("auth_refresh", h);
      }
      this.store.delete("auth_code", key);
      throw new HttpError(401, "invalid_grant", "the authorization code was already used; the tokens issued for it are revoked");
    }
    this.store.put<AuthCodeRecord>("auth_code", key, { ...rec, used_at: this.now() });
    if (this.isNativeClient(rec.client_id)) {
      if (clientId !== rec.client_id) throw new HttpError(401, "invalid_client", "client_id does not match the authorization request");
    } else if (this.checkClient(clientId, secret).client_id !== rec.client_id) throw new HttpError(401, "invalid_client", "client_id does not match the authorization request");
    if (rec.expires_at < this.now()) throw new HttpError(401, "invalid_grant", "the authorization code has expired");
    if (form.redirect_uri !== undefined && form.redirect_uri !== rec.redirect_uri) throw new HttpError(401, "invalid_grant", "redirect_uri does not match the authorization request");
    if (rec.code_challenge !== undefined && !verifierMatches(form.code_verifier, rec.code_challenge)) throw new HttpError(401, "invalid_grant", "code_verifier does not match the code_challenge of the authorization request");
    const { response, hashes } = this.issue(rec.client_id, rec.scopes, rec.access_type === "offline", { identity: rec.identity, username: rec.username });
    this.store.put<AuthCodeRecord>("auth_code", key, { ...rec, used_at: this.now(), issued: hashes });
    return { ...response, state: rec.state };
  }

  private issue(clientId: string, scopes: string[], withRefresh: boolean, subject: Subject, onlyServer?: string): { response: TokenResponse; hashes: string[] } {
    const byServer = new Map<string, string[]>();
    for (const s of scopes) {
      const rs = resourceServerOf(s, this.flowExists);
      if (!rs) throw new HttpError(400, "invalid_scope", `unknown scope: ${baseScope(s)}`);
      if (onlyServer && rs !== onlyServer) continue;
      byServer.set(rs, [...(byServer.get(rs) ?? []), s]);
    }
    const hashes: string[] = [];
    const tokens = [...byServer.entries()].map(([rs, ss]) => {
      const access = randomBytes(32).toString("base64url");
      const rec: TokenRecord = { token_sha256: sha(access), client_id: clientId, identity: subject.identity, username: subject.username, resource_server: rs, scopes: ss, expires_at: this.now() + LIFETIME_S * 1000 };
      this.store.put("auth_token", rec.token_sha256, rec);
      hashes.push(rec.token_sha256);
      // `scope` names the root scopes only: the SDKs split it and compare each with what they
      // asked for, so `transfer…:all[*…/data_access]` would read as an unmet requirement.
      const t: Omit<TokenResponse, "other_tokens"> = { access_token: access, scope: ss.map(baseScope).join(" "), expires_in: LIFETIME_S, token_type: "Bearer", resource_server: rs };
      if (rs === RESOURCE_SERVERS.auth && ss.some((x) => baseScope(x) === "openid") && this.idTokens) t.id_token = this.idToken(clientId, subject);
      if (withRefresh) {
        const refresh = randomBytes(32).toString("base64url");
        this.store.put("auth_refresh", sha(refresh), { ...rec, token_sha256: sha(refresh), refresh: true });
        hashes.push(sha(refresh));
        t.refresh_token = refresh;
      }
      return t;
    });
    const [first, ...rest] = tokens;
    if (!first) throw new HttpError(400, "invalid_scope", "no scopes requested");
    return { response: { ...first, other_tokens: rest }, hashes };
  }

  /**
   * A short-lived token for `identity` to send to a provider or registered API on its behalf
   * (what Flows does with a dependent token). Only its hash is stored, like every token; the
   * provider can introspect it at this runtime's /v2/oauth2/token/introspect.
   */
  dependentToken(subject: { identity: string; username: string }, scope: string, resourceServer: string, clientId = "flowsmith-local-flows"): string {
    const access = randomBytes(32).toString("base64url");
    const rec: TokenRecord = { token_sha256: sha(access), client_id: clientId, identity: subject.identity, username: subject.username, resource_server: resourceServer, scopes: [scope], expires_at: this.now() + LIFETIME_S * 1000 };
    this.store.put("auth_token", rec.token_sha256, rec);
    return access;
  }

  /** The record of a bearer token, or a 401. */
  authenticate(authorization: string | undefined): TokenRecord {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
    if (!m) throw new HttpError(401, "AUTHENTICATION_ERROR", "Missing or malformed Authorization header: expected 'Bearer <access token>'");
    const rec = this.store.get<TokenRecord>("auth_token", sha(m[1]!));
    if (!rec || rec.expires_at < this.now()) throw new HttpError(401, "AUTHENTICATION_ERROR", "Expired or invalid Bearer token");
    return rec;
  }

  /** A token for `resourceServer` carrying one of `scopes` (any scope when empty), or 401/403. */
  require(authorization: string | undefined, resourceServer: string, scopes: string[] = []): TokenRecord {
    const rec = this.authenticate(authorization);
    const has = rec.resource_server === resourceServer && (scopes.length === 0 || rec.scopes.some((s) => scopes.includes(baseScope(s))));
    if (!has) {
      throw new HttpError(403, "MISSING_SCOPE", `This action requires the following scope: ${scopes[0] ?? resourceServer}`, { detail: `This action requires the following scope: ${scopes[0] ?? resourceServer}` });
    }
    return rec;
  }

  /** GET /v2/oauth2/userinfo: needs a token for auth.globus.org (e.g. from `openid`). */
  userinfo(authorization: string | undefined): Record<string, unknown> {
    let t: TokenRecord;
    try {
      t = this.authenticate(authorization);
    } catch {
      throw new HttpError(401, "UNAUTHORIZED", "Call must be authenticated");
    }
    if (t.resource_server !== RESOURCE_SERVERS.auth) throw new HttpError(403, "FORBIDDEN", "userinfo needs a token for auth.globus.org (request the openid scope)");
    const sub = t.identity.split(":").pop()!;
    const user = this.store.get<LocalUser>("auth_user", "local");
    const isUser = user?.id === sub;
    const name = isUser ? user.name : t.username;
    const email = isUser ? user.email : null;
    const idp = isUser ? user.identity_provider : "local";
    return { sub, preferred_username: t.username, name, email, identity_provider: idp, identity_set: [{ sub, username: t.username, name, email, identity_provider: idp }] };
  }

  introspect(form: Record<string, string>, authorization: string | undefined): Record<string, unknown> {
    const [id, ...rest] = Buffer.from((authorization ?? "").replace(/^Basic /, ""), "base64").toString("utf8").split(":");
    this.checkClient(id, rest.join(":"));
    const rec = form.token ? this.store.get<TokenRecord>("auth_token", sha(form.token)) : undefined;
    if (!rec || rec.expires_at < this.now()) return { active: false };
    return {
      active: true,
      scope: rec.scopes.map(baseScope).join(" "),
      client_id: rec.client_id,
      sub: rec.identity.split(":").pop(),
      username: rec.username,
      aud: [rec.resource_server],
      exp: Math.floor(rec.expires_at / 1000),
      iat: Math.floor((rec.expires_at - LIFETIME_S * 1000) / 1000),
      nbf: Math.floor((rec.expires_at - LIFETIME_S * 1000) / 1000),
      token_type: "Bearer",
      iss: "https://auth.globus.org",
    };
  }

  /** POST /v2/oauth2/token/revoke: an access or a refresh token (unknown tokens are not an error). */
  revoke(form: Record<string, string>): { active: false } {
    if (form.token) {
      this.store.delete("auth_token", sha(form.token));
      this.store.delete("auth_refresh", sha(form.token));
    }
    return { active: false };
  }
}

/**
 * Local Globus Auth: confidential clients, the client_credentials grant (and refresh),
 * tokens per resource server as Auth returns them (first token at the top, the rest in
 * `other_tokens`), introspection, revocation, and checking the bearer token of a call.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { DocStore } from "../store.js";
import { HttpError } from "../http.js";
import { resourceServerOf, splitScopes, baseScope } from "./scopes.js";

export interface LocalClient {
  client_id: string;
  /** sha256 of the secret; the secret itself is never stored. */
  secret_sha256: string;
  name?: string;
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
}

const LIFETIME_S = 172800;
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

export function identityOfClient(clientId: string): string {
  return `urn:globus:auth:identity:${clientId}`;
}

export class LocalAuth {
  constructor(
    private readonly store: DocStore,
    private readonly flowExists: (id: string) => boolean,
    private readonly now: () => number = Date.now,
  ) {}

  /** Register (or re-key) a confidential client. */
  addClient(clientId: string, secret: string, name?: string): void {
    this.store.put<LocalClient>("auth_client", clientId, { client_id: clientId, secret_sha256: sha(secret), ...(name ? { name } : {}) });
  }

  private checkClient(clientId: string | undefined, secret: string | undefined): LocalClient {
    const c = clientId ? this.store.get<LocalClient>("auth_client", clientId) : undefined;
    const ok = c && secret !== undefined && timingSafeEqual(Buffer.from(c.secret_sha256), Buffer.from(sha(secret)));
    if (!c || !ok) throw new HttpError(401, "invalid_client", "client authentication failed: unknown client id or wrong secret");
    return c;
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
      return this.issue(client.client_id, splitScopes(form.scope ?? "openid"), false);
    }
    if (grant === "refresh_token") {
      const rec = form.refresh_token ? this.store.get<TokenRecord>("auth_refresh", sha(form.refresh_token)) : undefined;
      if (!rec) throw new HttpError(400, "invalid_grant", "the refresh token is invalid or was revoked");
      return this.issue(rec.client_id, rec.scopes, true, rec.resource_server);
    }
    throw new HttpError(400, "unsupported_grant_type", `grant_type ${JSON.stringify(grant)} is not supported by the local Auth`);
  }

  private issue(clientId: string, scopes: string[], withRefresh: boolean, onlyServer?: string): TokenResponse {
    const byServer = new Map<string, string[]>();
    for (const s of scopes) {
      const rs = resourceServerOf(s, this.flowExists);
      if (!rs) throw new HttpError(400, "invalid_scope", `unknown scope: ${baseScope(s)}`);
      if (onlyServer && rs !== onlyServer) continue;
      byServer.set(rs, [...(byServer.get(rs) ?? []), s]);
    }
    const identity = identityOfClient(clientId);
    const tokens = [...byServer.entries()].map(([rs, ss]) => {
      const access = randomBytes(32).toString("base64url");
      const rec: TokenRecord = { token_sha256: sha(access), client_id: clientId, identity, username: `${clientId}@clients.auth.globus.org`, resource_server: rs, scopes: ss, expires_at: this.now() + LIFETIME_S * 1000 };
      this.store.put("auth_token", rec.token_sha256, rec);
      const t: Omit<TokenResponse, "other_tokens"> = { access_token: access, scope: ss.join(" "), expires_in: LIFETIME_S, token_type: "Bearer", resource_server: rs };
      if (withRefresh) {
        const refresh = randomBytes(32).toString("base64url");
        this.store.put("auth_refresh", sha(refresh), { ...rec, refresh: true });
        t.refresh_token = refresh;
      }
      return t;
    });
    const [first, ...rest] = tokens;
    if (!first) throw new HttpError(400, "invalid_scope", "no scopes requested");
    return { ...first, other_tokens: rest };
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

  introspect(form: Record<string, string>, authorization: string | undefined): Record<string, unknown> {
    const [id, ...rest] = Buffer.from((authorization ?? "").replace(/^Basic /, ""), "base64").toString("utf8").split(":");
    this.checkClient(id, rest.join(":"));
    const rec = form.token ? this.store.get<TokenRecord>("auth_token", sha(form.token)) : undefined;
    if (!rec || rec.expires_at < this.now()) return { active: false };
    return {
      active: true,
      scope: rec.scopes.join(" "),
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

  revoke(form: Record<string, string>): { active: false } {
    if (form.token) {
      this.store.delete("auth_token", sha(form.token));
      this.store.delete("auth_refresh", sha(form.token));
    }
    return { active: false };
  }
}

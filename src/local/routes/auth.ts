/**
 * Auth routes: authorize (native-app code flow with PKCE, auto-approved for the local
 * user), the code page, token (client_credentials, authorization_code, refresh_token),
 * introspect, revoke, userinfo.
 */
import { AUTH_CODE_PAGE, type LocalAuth } from "../auth/tokens.js";
import { HttpError, type Request, type Router } from "../http.js";

function form(body: unknown): Record<string, string> {
  if (!body || typeof body !== "object") throw new HttpError(400, "invalid_request", "expected a form-encoded body");
  return body as Record<string, string>;
}

/** The base URL the caller used to reach this runtime. */
function baseOf(req: Request): string {
  const host = req.headers.host && /^[A-Za-z0-9.:[\]-]+$/.test(req.headers.host) ? req.headers.host : "127.0.0.1";
  return `http://${host}`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"'\\]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page the default redirect lands on: the code to paste into `flowsmith login`. Kept
 * on one line without double quotes or backslashes so it reads the same however the body
 * is encoded.
 */
export function authCodePage(code: string | null): string {
  const body = code
    ? `<h1>flowsmith local runtime</h1><p>Paste this authorization code into <code>flowsmith login</code>:</p><pre id=code>${escapeHtml(code)}</pre><p>The code works once, within 10 minutes.</p>`
    : `<h1>flowsmith local runtime</h1><p>No authorization code in this request: start again with <code>flowsmith login</code>.</p>`;
  return `<!doctype html><html><head><meta charset=utf-8><title>flowsmith login</title></head><body style=font-family:sans-serif>${body}</body></html>`;
}

export function authRoutes(router: Router, auth: LocalAuth): void {
  router.add("GET", "/v2/oauth2/authorize", "auth", (req) => ({ status: 302, headers: { location: auth.authorize(req.query, baseOf(req)), "cache-control": "no-store" } }));
  router.add("GET", AUTH_CODE_PAGE, "auth", (req) => ({ status: 200, body: authCodePage(req.query.get("code")), headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } }));
  router.add("POST", "/v2/oauth2/token", "auth", (req) => ({ status: 200, body: auth.token(form(req.body), req.headers.authorization), headers: { "cache-control": "no-store" } }));
  router.add("POST", "/v2/oauth2/token/introspect", "auth", (req) => ({ status: 200, body: auth.introspect(form(req.body), req.headers.authorization) }));
  router.add("POST", "/v2/oauth2/token/revoke", "auth", (req) => ({ status: 200, body: auth.revoke(form(req.body)) }));
  router.add("GET", "/v2/oauth2/userinfo", "auth", (req) => ({ status: 200, body: auth.userinfo(req.headers.authorization) }));
  router.add("GET", "/v2/api/identities/:id/consents", "auth", (req) => ({ status: 200, body: auth.consents(req.params.id!, req.headers.authorization) }));
  router.add("GET", "/jwk.json", "auth", () => ({ status: 200, body: auth.idTokens?.jwks() ?? { keys: [] } }));
  router.add("GET", "/.well-known/openid-configuration", "auth", () => ({ status: 200, body: auth.idTokens?.configuration() ?? {} }));
}

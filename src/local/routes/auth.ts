/** Auth routes: token (client_credentials, refresh), introspect, revoke, userinfo. */
import type { LocalAuth } from "../auth/tokens.js";
import { HttpError, type Router } from "../http.js";

function form(body: unknown): Record<string, string> {
  if (!body || typeof body !== "object") throw new HttpError(400, "invalid_request", "expected a form-encoded body");
  return body as Record<string, string>;
}

export function authRoutes(router: Router, auth: LocalAuth): void {
  router.add("POST", "/v2/oauth2/token", "auth", (req) => ({ status: 200, body: auth.token(form(req.body), req.headers.authorization) }));
  router.add("POST", "/v2/oauth2/token/introspect", "auth", (req) => ({ status: 200, body: auth.introspect(form(req.body), req.headers.authorization) }));
  router.add("POST", "/v2/oauth2/token/revoke", "auth", (req) => ({ status: 200, body: auth.revoke(form(req.body)) }));
  router.add("GET", "/v2/oauth2/userinfo", "auth", (req) => {
    const t = auth.authenticate(req.headers.authorization);
    const sub = t.identity.split(":").pop()!;
    return { status: 200, body: { sub, preferred_username: t.username, name: t.username, email: null, identity_provider: "local", identity_set: [{ sub, username: t.username, name: t.username, email: null }] } };
  });
}

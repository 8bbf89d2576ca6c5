/**
 * Routes of the emulated Globus-hosted services: the Wait For User Selection option pages
 * (`GET /weboption/option/{url_suffix}`) and a Globus Search API subset over the local
 * index (`GET /v1/index/{id}/subject`, `GET|POST /v1/index/{id}/search`).
 */
import type { LocalAuth } from "../auth/tokens.js";
import { HttpError, type Request, type Router } from "../http.js";
import type { LocalSearch } from "../providers/search.js";
import type { UserSelection } from "../providers/user-selection.js";

export function hostedRoutes(router: Router, auth: LocalAuth, search: LocalSearch, selection: UserSelection, groupsOf: (identity: string) => string[]): void {
  router.add("GET", "/weboption/option/:suffix", "actions", (req) => {
    const r = selection.select(req.params.suffix!);
    if (!r) throw new HttpError(404, "NotFound", `no option with url_suffix ${req.params.suffix}`);
    return { status: 200, body: { message: r.message } };
  });
  // Search answers anonymous queries with public entries only.
  const principals = (req: Request): string[] => {
    if (!req.headers.authorization) return [];
    const who = auth.authenticate(req.headers.authorization).identity;
    return [who, ...groupsOf(who)];
  };
  router.add("GET", "/v1/index/:index/subject", "actions", (req) => {
    const subject = req.query.get("subject");
    if (!subject) throw new HttpError(400, "BadRequest", "subject is required");
    const doc = search.subject(req.params.index!, subject, principals(req));
    if (!doc) throw new HttpError(404, "NotFound.Generic", `No subject ${subject} in index ${req.params.index}`);
    return { status: 200, body: doc };
  });
  const query = (req: Request, q: string, limit: number, offset: number) => ({ status: 200, body: search.search(req.params.index!, q, principals(req), limit, offset) });
  router.add("GET", "/v1/index/:index/search", "actions", (req) => query(req, req.query.get("q") ?? "*", Number(req.query.get("limit") ?? 10) || 10, Number(req.query.get("offset") ?? 0) || 0));
  router.add("POST", "/v1/index/:index/search", "actions", (req) => {
    const b = (req.body ?? {}) as { q?: string; limit?: number; offset?: number };
    return query(req, b.q ?? "*", b.limit ?? 10, b.offset ?? 0);
  });
}

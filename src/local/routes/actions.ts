/**
 * The local providers, also served over HTTP with the action-provider interface at
 * /actions/<name>/…, so a user's tools (or another local runtime) can call them directly.
 */
import type { LocalAuth } from "../auth/tokens.js";
import { HttpError, type Router } from "../http.js";
import { ActionProviderError, type ActionProvider } from "../../providers/types.js";

export function actionRoutes(router: Router, auth: LocalAuth, providers: Record<string, ActionProvider>): void {
  const caller = (authz: string | undefined) => ({ identity: auth.authenticate(authz).identity });
  const provider = (name: string) => {
    const p = providers[name];
    if (!p) throw new HttpError(404, "NotFound", `no local action provider named ${name}`);
    return p;
  };
  const wrap = async <T>(fn: () => Promise<T>): Promise<{ status: number; body: T }> => {
    try {
      return { status: 200, body: await fn() };
    } catch (e) {
      if (e instanceof ActionProviderError) throw new HttpError(e.httpStatus, e.code, e.message);
      throw e;
    }
  };
  router.add("POST", "/actions/:name/run", "actions", (r) => wrap(() => provider(r.params.name!).run(r.body as never, caller(r.headers.authorization))).then((x) => ({ ...x, status: 202 })));
  router.add("GET", "/actions/:name/:id/status", "actions", (r) => wrap(() => provider(r.params.name!).status(r.params.id!, caller(r.headers.authorization))));
  router.add("POST", "/actions/:name/:id/cancel", "actions", (r) => wrap(() => provider(r.params.name!).cancel(r.params.id!, caller(r.headers.authorization))));
  router.add("POST", "/actions/:name/:id/release", "actions", (r) => wrap(() => provider(r.params.name!).release(r.params.id!, caller(r.headers.authorization))));
}

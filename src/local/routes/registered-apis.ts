/** `/registered_apis` routes of the local Flows API (globus-flows.md §2.2 "Registered APIs"). */
import type { LocalAuth } from "../auth/tokens.js";
import { RESOURCE_SERVERS, SCOPES } from "../auth/scopes.js";
import type { Router } from "../http.js";
import type { RegisteredApis } from "../providers/registered-apis.js";

export function registeredApiRoutes(router: Router, auth: LocalAuth, apis: RegisteredApis): void {
  const who = (h: string | undefined) => auth.require(h, RESOURCE_SERVERS.flows, [SCOPES.flows("all"), SCOPES.flows("view_flows"), SCOPES.flows("manage_flows")]).identity;
  router.add("GET", "/registered_apis", "flows", (req) => (who(req.headers.authorization), apis.listApis(req.query)));
  router.add("GET", "/registered_apis/:id", "flows", (req) => apis.getApi(req.params.id!, who(req.headers.authorization)));
}

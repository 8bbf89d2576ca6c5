/** `/web_inputs` routes of the local Flows API (globus-flows.md §2.2 "Web inputs"). */
import type { LocalAuth } from "../auth/tokens.js";
import { FLOWS_CLIENT_ID, RESOURCE_SERVERS, SCOPES } from "../auth/scopes.js";
import type { Router } from "../http.js";
import type { WebInputService } from "../flows/web-inputs.js";

/** The web-input scopes @globus/sdk (JS) requests; the flows `all` scope covers them too. */
const scope = (name: "web_input_view" | "web_input_respond") => `https://auth.globus.org/scopes/${FLOWS_CLIENT_ID}/${name}`;

export function webInputRoutes(router: Router, auth: LocalAuth, webInputs: WebInputService): void {
  const all = SCOPES.flows("all");
  const view = (h: string | undefined) => auth.require(h, RESOURCE_SERVERS.flows, [all, scope("web_input_view"), scope("web_input_respond")]).identity;
  router.add("GET", "/web_inputs", "flows", (req) => webInputs.listWebInputs(req.query, view(req.headers.authorization)));
  router.add("GET", "/web_inputs/:id", "flows", (req) => webInputs.getWebInput(req.params.id!, view(req.headers.authorization)));
  router.add("POST", "/web_inputs/:id/respond", "flows", (req) =>
    webInputs.respond(req.params.id!, req.body, auth.require(req.headers.authorization, RESOURCE_SERVERS.flows, [all, scope("web_input_respond")]).identity),
  );
}

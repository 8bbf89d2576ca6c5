/** Flows API routes (globus-flows.md §2.2), each checking the scope the real service requires. */
import type { LocalAuth, TokenRecord } from "../auth/tokens.js";
import { RESOURCE_SERVERS, SCOPES } from "../../wire/scopes.js";
import type { FlowsService } from "../flows/service.js";
import type { Request, Router } from "../http.js";
import type { DocStore } from "../store.js";
import type { RunMeta } from "../flows/records.js";
import { HttpError } from "../http.js";

export function flowsRoutes(router: Router, auth: LocalAuth, flows: FlowsService, store: DocStore): void {
  const all = SCOPES.flows("all");
  const need = (req: Request, ...names: Parameters<typeof SCOPES.flows>[0][]): TokenRecord => auth.require(req.headers.authorization, RESOURCE_SERVERS.flows, [all, ...names.map(SCOPES.flows)]);
  const flowScope = (req: Request, flowId: string): TokenRecord => {
    if (!flows.flowExists(flowId)) {
      // Let the lookup produce the 404 with a caller that has any valid token.
      const t = auth.authenticate(req.headers.authorization);
      throw new HttpError(404, "NOT_FOUND", `No flow with id ${flowId}`, { caller: t.identity });
    }
    return auth.require(req.headers.authorization, flowId, [SCOPES.flow(flowId)]);
  };

  router.add("POST", "/flows", "flows", (req) => flows.createFlow(req.body, need(req, "manage_flows")));
  router.add("GET", "/flows", "flows", (req) => flows.listFlows(req.query, need(req, "view_flows", "manage_flows")));
  router.add("POST", "/flows/validate", "flows", (req) => (need(req, "manage_flows"), flows.validateFlow(req.body)));
  router.add("GET", "/flows/:flow_id", "flows", (req) => flows.getFlow(req.params.flow_id!, need(req, "view_flows", "manage_flows")));
  router.add("PUT", "/flows/:flow_id", "flows", (req) => flows.updateFlow(req.params.flow_id!, req.body, need(req, "manage_flows")));
  router.add("DELETE", "/flows/:flow_id", "flows", (req) => flows.deleteFlow(req.params.flow_id!, need(req, "manage_flows")));
  router.add("POST", "/flows/:flow_id/run", "flows", (req) => flows.startRun(req.params.flow_id!, req.body, flowScope(req, req.params.flow_id!)));
  router.add("POST", "/flows/:flow_id/validate_run", "flows", (req) => flows.validateRun(req.params.flow_id!, req.body, flowScope(req, req.params.flow_id!)));
  for (const p of ["/flows/:flow_id/runs", "/flows/:flow_id/actions"]) {
    router.add("GET", p, "flows", (req) => {
      const r = flows.listRuns(req.query, need(req, "run_status", "run_manage"), req.params.flow_id!);
      const body = r.body as Record<string, unknown>;
      return p.endsWith("actions") ? { status: r.status, body: { ...body, actions: body.runs } } : r;
    });
  }
  router.add("GET", "/flows/:flow_id/runs/:run_id/log", "flows", (req) => flows.runLog(req.params.run_id!, req.query, need(req, "run_status", "run_manage")));

  router.add("GET", "/runs", "flows", (req) => flows.listRuns(req.query, need(req, "run_status", "run_manage")));
  router.add("GET", "/runs/:run_id", "flows", (req) => flows.runDocument(req.params.run_id!, need(req, "run_status", "run_manage"), req.query.get("include_flow_description") === "true"));
  router.add("PUT", "/runs/:run_id", "flows", (req) => flows.updateRun(req.params.run_id!, req.body, need(req, "run_manage")));
  router.add("GET", "/runs/:run_id/definition", "flows", (req) => flows.runDefinition(req.params.run_id!, need(req, "run_status", "run_manage")));
  router.add("GET", "/runs/:run_id/log", "flows", (req) => flows.runLog(req.params.run_id!, req.query, need(req, "run_status", "run_manage")));
  router.add("POST", "/runs/:run_id/cancel", "flows", (req) => flows.cancelRun(req.params.run_id!, need(req, "run_manage")));
  router.add("POST", "/runs/:run_id/release", "flows", (req) => flows.releaseRun(req.params.run_id!, need(req, "run_manage")));
  const resume = async (req: Request) => {
    const meta = store.get<RunMeta>("run_meta", req.params.run_id!);
    if (!meta) throw new HttpError(404, "NOT_FOUND", `No run with id ${req.params.run_id}`);
    return flows.resumeRun(req.params.run_id!, flowScope(req, meta.flow_id));
  };
  router.add("POST", "/runs/:run_id/resume", "flows", resume);
  router.add("POST", "/flows/:flow_id/:run_id/resume", "flows", resume);
}

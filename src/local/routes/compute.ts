/** Globus Compute v2/v3 routes (globus-compute.md §2): functions, submit, tasks, batches, endpoints. */
import type { LocalAuth } from "../auth/tokens.js";
import { RESOURCE_SERVERS, SCOPES } from "../../wire/scopes.js";
import type { Handler, Request, Router } from "../http.js";
import type { LocalComputeService } from "../compute/service.js";
import { ComputeError } from "../compute/errors.js";
import { ComputeEndpointDocs } from "../compute/endpoint-docs.js";
import type { DocStore } from "../store.js";

export function computeRoutes(router: Router, auth: LocalAuth, compute: LocalComputeService, store?: DocStore): void {
  const need = (req: Request) => auth.require(req.headers.authorization, RESOURCE_SERVERS.compute, [SCOPES.computeAll]);
  // Compute errors carry their own wire shape.
  const h = (fn: (req: Request) => unknown | Promise<unknown>, status = 200): Handler => async (req) => {
    need(req);
    try {
      return { status, body: await fn(req) };
    } catch (e) {
      if (e instanceof ComputeError) return { status: e.httpStatus, body: e.toResponse() };
      throw e;
    }
  };
  router.add("POST", "/v3/functions", "compute", h((r) => compute.registerFunction(r.body as never, "v3")));
  router.add("POST", "/v2/functions", "compute", h((r) => compute.registerFunction(r.body as never, "v2")));
  for (const v of ["v2", "v3"]) router.add("GET", `/${v}/functions/:id`, "compute", h((r) => compute.getFunction(r.params.id!)));
  router.add("DELETE", "/v2/functions/:id", "compute", h((r) => compute.deleteFunction(r.params.id!)));
  router.add("POST", "/v3/endpoints/:ep/submit", "compute", h((r) => compute.submitV3(r.params.ep!, r.body as never)));
  router.add("POST", "/v2/submit", "compute", h((r) => compute.submitV2(r.body as never)));
  router.add("GET", "/v2/tasks/:id", "compute", h((r) => compute.getTask(r.params.id!)));
  router.add("POST", "/v2/batch_status", "compute", h((r) => compute.batchStatus(r.body as never)));
  router.add("GET", "/v2/taskgroup/:id", "compute", h((r) => compute.getTaskGroup(r.params.id!)));
  for (const v of ["v2", "v3"]) router.add("GET", `/${v}/endpoints/:id/status`, "compute", h((r) => compute.endpointStatus(r.params.id!)));
  if (store) {
    const docs = new ComputeEndpointDocs(compute.endpoints, store, (id) => compute.endpointStatus(id));
    router.add("GET", "/v2/endpoints", "compute", h(() => docs.list()));
    for (const v of ["v2", "v3"]) {
      router.add("GET", `/${v}/endpoints/:id`, "compute", h((r) => docs.get(r.params.id!)));
      router.add("DELETE", `/${v}/endpoints/:id`, "compute", h((r) => docs.delete(r.params.id!)));
    }
    router.add("PUT", "/v3/endpoints/:id", "compute", h((r) => docs.update(r.params.id!, r.body)));
  }
}

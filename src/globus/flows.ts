/**
 * The Flows API through @globus/sdk's typed service methods, with its OpenAPI response
 * types; retries, tokens and error mapping come from GlobusApi.call. Raw requests remain
 * only where the SDK has no method (resume, validate_run), each marked.
 */
import { flows } from "@globus/sdk";
import type { GlobusApi } from "./api.js";
import { SCOPES } from "../wire/scopes.js";

type Paths = flows.OpenAPI.paths;
type Json<T> = T extends { content: { "application/json": infer B } } ? B : never;

export type FlowRun = flows.OpenAPI.components["schemas"]["FlowRun"];
export type RunLogPage = Json<Paths["/runs/{run_id}/log"]["get"]["responses"]["200"]>;
export type RunList = Json<Paths["/runs"]["get"]["responses"]["200"]>;
export type RunListQuery = NonNullable<Paths["/runs"]["get"]["parameters"]["query"]>;
export type FlowList = Json<Paths["/flows"]["get"]["responses"]["200"]>;
export type FlowListQuery = NonNullable<Paths["/flows"]["get"]["parameters"]["query"]>;

const ALL = SCOPES.flows("all");
/** Web-input scopes (SDK-JS); the flows `all` scope the CLI already holds covers them too. */
const WEB_INPUTS = ALL;
const strings = (q: Record<string, unknown>) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])) as Record<string, string>;

export type FlowResponse = flows.OpenAPI.components["schemas"]["FlowResponse"];

export class FlowsClient {
  constructor(private readonly api: GlobusApi) {}

  /** The flow, or undefined when the service answers 404 (deleted). */
  async getFlow(flowId: string, scope: string = ALL): Promise<FlowResponse | undefined> {
    const r = await this.api.call<FlowResponse>("FLOWS", `/flows/${flowId}`, { scope, accept: [404], send: (headers) => flows.flows.get(flowId, { headers }) });
    return r.status === 404 ? undefined : r.body;
  }

  /** DELETE /flows/{id}; a flow already gone (404) is fine. */
  async deleteFlow(flowId: string, scope: string = ALL): Promise<void> {
    await this.api.call("FLOWS", `/flows/${flowId}`, { scope, method: "DELETE", accept: [404], send: (headers) => flows.flows.remove(flowId, { headers }) });
  }

  async listFlows(query: Record<string, string | number | boolean | undefined>, scope: string = ALL): Promise<FlowList> {
    const q = strings(query);
    return (await this.api.call<FlowList>("FLOWS", "/flows", { scope, query: q, send: (headers) => flows.flows.getAll({ query: q as never, headers }) })).body;
  }

  /** POST /flows; `recover` finds the flow when the answer to a create was lost. */
  async createFlow(payload: Record<string, unknown>, recover: () => Promise<FlowResponse | undefined>, scope: string = ALL): Promise<FlowResponse> {
    return (await this.api.call<FlowResponse>("FLOWS", "/flows", { scope, method: "POST", payload, recover, send: (headers) => flows.flows.create({ payload: payload as never, headers }) })).body;
  }

  async updateFlow(flowId: string, payload: Record<string, unknown>, scope: string = ALL): Promise<FlowResponse> {
    return (await this.api.call<FlowResponse>("FLOWS", `/flows/${flowId}`, { scope, method: "PUT", payload, send: (headers) => flows.flows.update(flowId, { payload: payload as never, headers }) })).body;
  }

  async getRun(runId: string, scope: string = ALL): Promise<FlowRun> {
    return (await this.api.call<FlowRun>("FLOWS", `/runs/${runId}`, { scope, send: (headers) => flows.runs.get(runId, { headers }) })).body;
  }

  async runLog(runId: string, query: { limit?: number; marker?: string | undefined } = {}, scope: string = ALL): Promise<RunLogPage> {
    const q = strings(query);
    return (await this.api.call<RunLogPage>("FLOWS", `/runs/${runId}/log`, { scope, query: q, send: (headers) => flows.runs.getLog(runId, { query: q as never, headers }) })).body;
  }

  /** The whole event log of a run, page after page (markers only lead forward within one listing). */
  async fullRunLog(runId: string, scope: string = ALL): Promise<RunLogPage["entries"]> {
    const entries: RunLogPage["entries"] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await this.runLog(runId, { limit: 100, marker }, scope);
      entries.push(...page.entries);
      if (!page.has_next_page || !page.marker) return entries;
      marker = page.marker;
    }
  }

  async listRuns(query: Record<string, string | number | boolean | undefined>, scope: string = ALL): Promise<RunList> {
    const q = strings(query);
    return (await this.api.call<RunList>("FLOWS", "/runs", { scope, query: q, send: (headers) => flows.runs.getAll({ query: q as never, headers }) })).body;
  }

  /** POST /flows/{id}/run; `recover` finds the run when the answer to a start was lost. */
  async startRun(flowId: string, payload: Record<string, unknown>, scope: string, recover: () => Promise<FlowRun | undefined>): Promise<FlowRun> {
    return (await this.api.call<FlowRun>("FLOWS", `/flows/${flowId}/run`, { scope, method: "POST", payload, recover, send: (headers) => flows.flows.run(flowId, { payload: payload as never, headers }) })).body;
  }

  async cancelRun(runId: string, scope: string = ALL): Promise<FlowRun> {
    return (await this.api.call<FlowRun>("FLOWS", `/runs/${runId}/cancel`, { scope, method: "POST", payload: {}, send: (headers) => flows.runs.cancel(runId, { headers }) })).body;
  }

  /** POST /runs/{id}/release (the SDK calls it `remove`). */
  async releaseRun(runId: string, scope: string = ALL): Promise<FlowRun> {
    return (await this.api.call<FlowRun>("FLOWS", `/runs/${runId}/release`, { scope, method: "POST", send: (headers) => flows.runs.remove(runId, { headers }) })).body;
  }

  /** POST /runs/{id}/resume: raw, @globus/sdk 6 has no method for it. */
  async resumeRun(runId: string, scope: string): Promise<FlowRun> {
    return (await this.api.call<FlowRun>("FLOWS", `/runs/${runId}/resume`, { scope, method: "POST" })).body;
  }

  /*
   * Web inputs (globus-flows.md §2.2; fixtures/flows/sdk-list_web_inputs.*, sdk-get_web_input.*,
   * sdk-respond_to_web_input.*): raw, @globus/sdk 6 has neither methods nor OpenAPI types
   * for /web_inputs. Each answers the raw response, so a caller can accept a status (an older
   * service's 404/405, a retried respond's 409) instead of an error.
   */
  /** GET /web_inputs?filter_run_ids=…&filter_states=… */
  listWebInputs<T = { web_input_summaries: { id: string }[]; marker?: string | null }>(query: { filter_run_ids?: string | undefined; filter_states?: "open" | "closed" | undefined; per_page?: number }, accept: number[] = [], scope: string = WEB_INPUTS): Promise<{ status: number; body: T }> {
    return this.api.call<T>("FLOWS", "/web_inputs", { scope, accept, query: strings(query) });
  }

  /** GET /web_inputs/{id} */
  getWebInput<T = Record<string, unknown>>(id: string, accept: number[] = [], scope: string = WEB_INPUTS): Promise<{ status: number; body: T }> {
    return this.api.call<T>("FLOWS", `/web_inputs/${encodeURIComponent(id)}`, { scope, accept });
  }

  /** POST /web_inputs/{id}/respond {"response": {...}} -> {"status": "ok"} */
  respondToWebInput(id: string, response: Record<string, unknown>, accept: number[] = [], scope: string = WEB_INPUTS): Promise<{ status: number; body: unknown }> {
    return this.api.call("FLOWS", `/web_inputs/${encodeURIComponent(id)}/respond`, { scope, method: "POST", payload: { response }, accept });
  }

  /** POST /flows/{id}/validate_run: raw, @globus/sdk 6 has no method for it. */
  async validateRun(flowId: string, body: unknown, scope: string): Promise<unknown> {
    return (await this.api.call("FLOWS", `/flows/${flowId}/validate_run`, { scope, method: "POST", payload: { body } })).body;
  }
}

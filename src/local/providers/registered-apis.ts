/**
 * Registered APIs of the local runtime (flowsmith.yaml `registered_apis`): the registry the
 * `/registered_apis` routes list (shapes: fixtures/flows/sdk-get_registered_api.default.json,
 * sdk-list_registered_apis.*) and the provider an Action with a `{"Type": "RegisteredAPI",
 * "Id"}` or `urn:globus:flows:handle:…` handler runs.
 *
 * A registered API is an HTTP operation (target.destination {method, url}), not an action
 * provider: Flows sends one request built from the state's Parameters and turns the
 * response into the result (data_templates: 2XX -> success with the body; anything else ->
 * ActionUnableToRun with the body as cause). Parameters are nested under `path`, `query`,
 * `headers` and `body` for user-registered APIs, flattened for Globus-hosted ones
 * (globus-flows.md §1.6.1); flattened keys fill `{name}` placeholders of the URL, then the
 * query (GET/DELETE) or the JSON body.
 */
import { REGISTERED_API_TARGET } from "../../definition/providers.js";
import { ActionTable } from "../../providers/in-memory.js";
import { ActionProviderError, apTimestamp, type ActionCaller, type ActionProvider, type ActionRequest } from "../../providers/types.js";
import type { LocalRegisteredApi } from "../config.js";
import { HttpError } from "../http.js";
import type { DocStore } from "../store.js";

const iso = (d: Date) => d.toISOString().replace("Z", "+00:00");
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);

export class RegisteredApis {
  private readonly byId: Map<string, LocalRegisteredApi>;
  private readonly created: string;

  constructor(
    apis: LocalRegisteredApi[],
    private readonly store: DocStore,
    private readonly now: () => Date,
    /** A bearer token for the caller to send to the API (the dependent token Flows would use). */
    private readonly tokenFor: (caller: ActionCaller, api: LocalRegisteredApi) => string | undefined = (c) => c.token,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.byId = new Map(apis.map((a) => [a.id.toLowerCase(), a]));
    this.created = iso(now());
  }

  /** The API an engine target names, or a clear error (ActionUnableToRun in the run). */
  resolve(target: string): LocalRegisteredApi {
    const api = target.startsWith(REGISTERED_API_TARGET)
      ? this.byId.get(target.slice(REGISTERED_API_TARGET.length).toLowerCase())
      : [...this.byId.values()].find((a) => a.handles?.includes(target));
    if (!api) {
      const what = target.startsWith(REGISTERED_API_TARGET) ? `registered API ${target.slice(REGISTERED_API_TARGET.length)}` : `handler ${target}`;
      throw new Error(`the local runtime has no ${what}; add it under registered_apis in flowsmith.yaml (id, url, method${target.startsWith(REGISTERED_API_TARGET) ? "" : ", handles"})`);
    }
    return api;
  }

  provider(target: string): ActionProvider {
    const api = this.resolve(target);
    const table = new ActionTable(this.store, "registered_api_action");
    return {
      run: async (req, caller) => {
        const prior = table.byRequest(req.request_id);
        if (prior) return prior;
        const result = await this.call(api, req, caller);
        const t = this.now();
        return table.create(req.request_id, caller, { status: "SUCCEEDED", display_status: "SUCCEEDED", details: result, start_time: apTimestamp(t), completion_time: apTimestamp(t), label: req.label ?? null, manage_by: req.manage_by ?? [], monitor_by: req.monitor_by ?? [] }, t);
      },
      status: async (id) => table.require(id),
      cancel: async (id) => table.require(id),
      release: async (id) => table.release(id),
    };
  }

  private async call(api: LocalRegisteredApi, req: ActionRequest, caller: ActionCaller): Promise<unknown> {
    const method = (api.method ?? "post").toUpperCase();
    const p = req.body;
    const nested = ["path", "query", "headers", "body"].some((k) => k in p) && Object.keys(p).every((k) => ["path", "query", "headers", "body"].includes(k));
    const pathVars: Obj = nested ? (isObj(p.path) ? p.path : {}) : { ...p };
    const used = new Set<string>();
    const url = new URL(
      api.url.replace(/\{([^}]+)\}/g, (_m, name: string) => {
        if (!(name in pathVars)) throw new ActionProviderError("BadRequest", `registered API ${api.name} needs the path parameter "${name}"`);
        used.add(name);
        return encodeURIComponent(String(pathVars[name]));
      }),
    );
    let body: unknown;
    const query: Obj = nested ? (isObj(p.query) ? p.query : {}) : {};
    if (nested) body = p.body;
    else {
      const rest = Object.fromEntries(Object.entries(p).filter(([k]) => !used.has(k)));
      if (method === "GET" || method === "DELETE") Object.assign(query, rest);
      else body = rest;
    }
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, typeof v === "string" ? v : JSON.stringify(v));
    const token = this.tokenFor(caller, api);
    const headers: Record<string, string> = { ...(nested && isObj(p.headers) ? (p.headers as Record<string, string>) : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) };
    let res: Response;
    try {
      res = await this.fetchImpl(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), signal: AbortSignal.timeout(30_000) });
    } catch (e) {
      throw new ActionProviderError("ProviderUnreachable", `cannot reach registered API ${api.name} at ${url.origin} (${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message})`, 502);
    }
    const text = await res.text();
    let json: unknown = text;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: the body is passed on as text.
    }
    if (!res.ok) throw new ActionProviderError(`HTTP${res.status}`, `registered API ${api.name} answered ${res.status}`, res.status, { cause: json });
    return json;
  }

  // --- /registered_apis ----------------------------------------------------------------

  private document(api: LocalRegisteredApi, who: string): Obj {
    const pathParams = [...api.url.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    return {
      id: api.id,
      name: api.name,
      description: api.description ?? "",
      roles: { owners: [who], administrators: [], viewers: [] },
      target: {
        type: "openapi",
        openapi_version: "3.1",
        destination: { method: (api.method ?? "post").toLowerCase(), url: api.url },
        specification: {
          summary: api.name,
          description: api.description ?? "",
          deprecated: false,
          parameters: pathParams.map((name) => ({ name, in: "path", required: true, schema: { type: "string" }, allowEmptyValue: false, allowReserved: false, deprecated: false })),
          responses: { "200": { description: "success", content: { "application/json": { schema: {} } } } },
          security: api.scope ? [{ GlobusAuth: [api.scope] }] : [],
        },
        transforms: null,
        components: { schemas: {} },
      },
      data_templates: {
        request: { template: { path: { $T_ref: "$" } } },
        response: { "2XX": { template: { $T_ref: "$.body" }, type: "success" }, default: { template: { cause: { $T_ref: "$.body" }, exception: "ActionUnableToRun" }, type: "failure" } },
      },
      state_input_schema: { type: "object", properties: Object.fromEntries(pathParams.map((n) => [n, { type: "string" }])), required: pathParams },
      status: "ACTIVE",
      subscription_id: null,
      created_timestamp: this.created,
      edited_timestamp: null,
      updated_timestamp: this.created,
      scheduled_deletion_timestamp: null,
    };
  }

  getApi(id: string, who: string) {
    const api = this.byId.get(id.toLowerCase());
    if (!api) throw new HttpError(404, "NOT_FOUND", `No registered API exists with id value ${id}`);
    return { status: 200, body: this.document(api, who) };
  }

  listApis(q: URLSearchParams) {
    const all = [...this.byId.values()];
    const limit = Math.min(Math.max(Number(q.get("per_page") ?? 20) || 20, 1), 100);
    const start = Number(q.get("marker") ? Buffer.from(q.get("marker")!, "base64url").toString() : 0) || 0;
    const page = all.slice(start, start + limit);
    const more = start + limit < all.length;
    return {
      status: 200,
      body: {
        registered_apis: page.map((a) => ({ id: a.id, name: a.name, description: a.description ?? "", created_timestamp: this.created, updated_timestamp: this.created })),
        limit,
        has_next_page: more,
        marker: more ? Buffer.from(String(start + limit)).toString("base64url") : null,
      },
    };
  }
}

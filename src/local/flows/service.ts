/**
 * The Flows API of the local runtime (globus-flows.md §2.2): flows CRUD and validate,
 * runs (start, validate_run, list, get, definition, log, update, cancel, resume, release),
 * with role checks so a caller sees only what the Flows service would show them.
 */
import { randomUUID } from "node:crypto";
import { hasErrors } from "../../definition/diagnostics.js";
import type { FlowDefinition, InputSchema } from "../../definition/types.js";
import { isFinal } from "../../engine/interpreter.js";
import { newRun } from "../../engine/start.js";
import type { EngineRun, LogEntry } from "../../engine/types.js";
import { validateDefinition, validateInputSchema, validateRunInput } from "../../validate/index.js";
import { HttpError } from "../http.js";
import type { RunDriver } from "../run-driver.js";
import type { DocStore } from "../store.js";
import type { TokenRecord } from "../auth/tokens.js";
import { flowDoc, flowRoles, ROLE_FIELDS, runDoc, runRoles, type FlowRecord, type RunMeta, type Who } from "./records.js";
import { countTraversals, roleNames, scopesByRunAs, type ScopeSources } from "./analysis.js";
import { globusValidationError } from "./validation-errors.js";
import { withoutPrivateParameters } from "./private-parameters.js";
import { containsAny, inRange, ordered, timeRange, values } from "./list-query.js";
import { SCOPES } from "../../wire/scopes.js";

/** What the service needs from the rest of the runtime to analyse flows and start RunAs runs. */
export interface FlowsServiceHooks {
  scopes: ScopeSources;
  /** The identity URN of an access token this runtime's Auth issued, or undefined. */
  identityOfToken(token: string): string | undefined;
  /** Group URNs (`urn:globus:groups:id:…`) the identity is a member of. */
  groupsOf?(identity: string): string[];
}

const NO_HOOKS: FlowsServiceHooks = {
  scopes: { registeredApiScope: () => undefined, introspect: async () => "" },
  identityOfToken: () => undefined,
};

const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
const PRINCIPAL = /^(urn:globus:(auth:identity|groups:id):[0-9a-f-]{36}|public|all_authenticated_users)$/;

export class FlowsService {
  constructor(
    private readonly store: DocStore,
    private readonly driver: RunDriver,
    private readonly origin: string,
    private readonly now: () => number,
    private readonly hooks: FlowsServiceHooks = NO_HOOKS,
  ) {}

  /** The caller with the local groups it belongs to (flowsmith.yaml `groups`). */
  private who(caller: TokenRecord): { identity: string; groups: string[] } {
    return { identity: caller.identity, groups: this.hooks.groupsOf?.(caller.identity) ?? [] };
  }

  flowExists = (id: string): boolean => !!this.store.get<FlowRecord>("flow", id) && !this.store.get<FlowRecord>("flow", id)!.deleted;

  private getFlowRecord(id: string, who: Who): FlowRecord {
    const f = this.store.get<FlowRecord>("flow", id);
    if (!f || f.deleted) throw new HttpError(404, "NOT_FOUND", `No flow with id ${id}`);
    if (flowRoles(f, who).length === 0) throw new HttpError(404, "NOT_FOUND", `No flow with id ${id}`);
    return f;
  }

  private checkDefinition(definition: unknown, schema: unknown): void {
    if (definition === null || definition === undefined) throw new HttpError(422, "UNPROCESSABLE_ENTITY", "$.definition: none is not an allowed value");
    const found = validateDefinition(definition, { allowLoopbackHttp: true, ...(schema && typeof schema === "object" ? { inputSchema: schema } : {}) }).filter((d) => d.severity === "error");
    // The service reports the cause, not flowsmith's follow-on finding that nothing ends the run.
    const diags = found.some((d) => d.code === "NEXT_END_MISSING") ? found.filter((d) => d.code !== "NO_TERMINAL_STATE") : found;
    if (schema !== undefined) diags.push(...validateInputSchema(schema).filter((d) => d.severity === "error").map((d) => ({ ...d, pointer: "/input_schema" + d.pointer })));
    if (diags.length) {
      const { detail, message } = globusValidationError(diags, { definition });
      throw new HttpError(422, "UNPROCESSABLE_ENTITY", message, { detail });
    }
  }

  /** Resolve every action's scope (409 SCOPE_RESOLUTION_FAILED for an unreachable custom provider). */
  private analyse(definition: FlowDefinition) {
    return scopesByRunAs(definition, this.hooks.scopes);
  }

  private roles(body: Record<string, unknown>): Partial<Pick<FlowRecord, (typeof ROLE_FIELDS)[number]>> {
    const out: Record<string, string[]> = {};
    for (const f of ROLE_FIELDS) {
      const v = body[f];
      if (v === undefined) continue;
      if (!Array.isArray(v) || v.some((p) => typeof p !== "string" || !PRINCIPAL.test(p))) {
        const bad = Array.isArray(v) ? v.find((p) => typeof p !== "string" || !PRINCIPAL.test(p)) : v;
        throw new HttpError(422, "UNPROCESSABLE_ENTITY", `Unrecognized principal string: "${String(bad)}". Allowed principal types in role "${f}": [AuthGroupUrn, AuthIdentityUrn]`);
      }
      if (v.length > 16) throw new HttpError(422, "UNPROCESSABLE_ENTITY", `${f} may list at most 16 principals`);
      out[f] = v as string[];
    }
    return out;
  }

  private metadata(body: Record<string, unknown>): Partial<FlowRecord> {
    const out: Partial<FlowRecord> = {};
    if (body.title !== undefined) {
      if (typeof body.title !== "string" || body.title.length < 1 || body.title.length > 128) throw new HttpError(422, "UNPROCESSABLE_ENTITY", "title must be 1-128 characters");
      out.title = body.title;
    }
    if (body.subtitle !== undefined) out.subtitle = String(body.subtitle).slice(0, 128);
    if (body.description !== undefined) out.description = String(body.description).slice(0, 4096);
    if (body.keywords !== undefined) {
      if (!Array.isArray(body.keywords) || body.keywords.some((k) => typeof k !== "string")) throw new HttpError(422, "UNPROCESSABLE_ENTITY", "keywords must be a list of strings");
      if ((body.keywords as string[]).join("").length > 1024) throw new HttpError(422, "UNPROCESSABLE_ENTITY", "keywords may total at most 1024 characters");
      out.keywords = body.keywords as string[];
    }
    if (body.subscription_id !== undefined) {
      if (body.subscription_id !== null && typeof body.subscription_id !== "string") throw new HttpError(422, "UNPROCESSABLE_ENTITY", "subscription_id must be a subscription UUID, \"DEFAULT\" or null");
      out.subscription_id = body.subscription_id === "DEFAULT" ? null : body.subscription_id;
    }
    return out;
  }

  async createFlow(body: unknown, caller: TokenRecord) {
    const b = this.objectBody(body);
    this.checkDefinition(b.definition, b.input_schema);
    await this.analyse(b.definition as FlowDefinition);
    const id = randomUUID();
    const t = iso(this.now());
    const rec: FlowRecord = {
      id,
      definition: b.definition as FlowDefinition,
      input_schema: (b.input_schema ?? {}) as InputSchema,
      title: "",
      subtitle: "",
      description: "",
      keywords: [],
      flow_owner: caller.identity,
      flow_viewers: [],
      flow_starters: [],
      flow_administrators: [],
      run_managers: [],
      run_monitors: [],
      subscription_id: null,
      created_at: t,
      updated_at: t,
      ...this.metadata(b),
      ...this.roles(b),
    };
    if (!rec.title) throw new HttpError(422, "UNPROCESSABLE_ENTITY", "$.title: field required");
    this.store.transaction(() => {
      this.store.put("flow", id, rec);
      for (const k of rec.keywords) this.store.index("flow", id, "keyword", k);
    });
    return { status: 201, body: flowDoc(rec, this.who(caller), this.origin) };
  }

  getFlow(id: string, caller: TokenRecord) {
    return { status: 200, body: flowDoc(this.getFlowRecord(id, this.who(caller)), this.who(caller), this.origin) };
  }

  async updateFlow(id: string, body: unknown, caller: TokenRecord) {
    const f = this.getFlowRecord(id, this.who(caller));
    const roles = flowRoles(f, this.who(caller));
    if (!roles.includes("flow_owner") && !roles.includes("flow_administrator")) throw new HttpError(403, "FORBIDDEN", `Caller is not allowed to update flow ${id}. Missing permissions: UPDATE.`);
    const b = this.objectBody(body);
    if (b.flow_owner !== undefined && b.flow_owner !== caller.identity) throw new HttpError(403, "FORBIDDEN", "flow_owner can only be set to the caller's own identity");
    const definition = (b.definition ?? f.definition) as FlowDefinition;
    const schema = (b.input_schema ?? f.input_schema) as InputSchema;
    if (b.definition !== undefined || b.input_schema !== undefined) this.checkDefinition(definition, schema);
    if (b.definition !== undefined) await this.analyse(definition);
    const rec: FlowRecord = { ...f, ...this.metadata(b), ...this.roles(b), definition, input_schema: schema, ...(b.flow_owner ? { flow_owner: b.flow_owner as string } : {}), updated_at: iso(this.now()) };
    this.store.transaction(() => {
      this.store.put("flow", id, rec);
      for (const k of rec.keywords) this.store.index("flow", id, "keyword", k);
    });
    return { status: 200, body: flowDoc(rec, this.who(caller), this.origin) };
  }

  deleteFlow(id: string, caller: TokenRecord) {
    const f = this.getFlowRecord(id, this.who(caller));
    if (!flowRoles(f, this.who(caller)).includes("flow_owner") && !flowRoles(f, this.who(caller)).includes("flow_administrator")) throw new HttpError(403, "FORBIDDEN", `Missing permissions: DELETE.`);
    const rec = { ...f, deleted: true };
    this.store.put("flow", id, rec);
    return { status: 200, body: { ...flowDoc(rec, this.who(caller), this.origin), DELETED: true, deleted_at: iso(this.now()) } };
  }

  listFlows(q: URLSearchParams, caller: TokenRecord) {
    let list = this.store.list<FlowRecord>("flow").filter((f) => !f.deleted && flowRoles(f, this.who(caller)).length > 0);
    const roleFilter = [...values(q, "filter_roles"), ...values(q, "filter_role")].map((r) => r.replace(/s$/, ""));
    if (roleFilter.length) list = list.filter((f) => flowRoles(f, this.who(caller)).some((r) => roleFilter.includes(r)));
    const kw = q.get("filter_keywords");
    if (kw) {
      const wanted = kw.split(",");
      list = list.filter((f) => wanted.some((w) => f.keywords.includes(w)));
    }
    const ft = q.get("filter_fulltext")?.toLowerCase();
    if (ft) list = list.filter((f) => `${f.title} ${f.subtitle} ${f.description} ${f.keywords.join(" ")}`.toLowerCase().includes(ft));
    const title = values(q, "filter_title");
    const subtitle = values(q, "filter_subtitle");
    const description = values(q, "filter_description");
    const scope = values(q, "filter_scope_string");
    list = list.filter((f) => containsAny(f.title, title) && containsAny(f.subtitle, subtitle) && containsAny(f.description, description) && containsAny(SCOPES.flow(f.id), scope));
    list = ordered(list as unknown as Record<string, unknown>[], q, ["id", "scope_string", "flow_owner", "flow_administrators", "title", "created_at", "updated_at"], "", (f, k) => (k === "scope_string" ? SCOPES.flow(String(f.id)) : f[k])) as unknown as FlowRecord[];
    return this.page(list.map((f) => flowDoc(f, this.who(caller), this.origin)), q, "flows");
  }

  private page<T>(all: T[], q: URLSearchParams, key: string) {
    const limit = Math.min(Math.max(Number(q.get("per_page") ?? q.get("limit") ?? 20) || 20, 1), 100);
    const start = Number(q.get("marker") ? Buffer.from(q.get("marker")!, "base64url").toString() : 0) || 0;
    const items = all.slice(start, start + limit);
    const more = start + limit < all.length;
    return { status: 200, body: { [key]: items, limit, has_next_page: more, marker: more ? Buffer.from(String(start + limit)).toString("base64url") : null } };
  }

  private objectBody(body: unknown): Record<string, unknown> {
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new HttpError(422, "UNPROCESSABLE_ENTITY", "the request body must be a JSON object");
    return body as Record<string, unknown>;
  }

  async validateFlow(body: unknown) {
    const b = this.objectBody(body);
    this.checkDefinition(b.definition, b.input_schema);
    const definition = b.definition as FlowDefinition;
    return { status: 200, body: { scopes: await this.analyse(definition), analysis: { number_of_possibilities: countTraversals(definition) } } };
  }

  /**
   * RunAs roles (globus-flows.md §1.9): every role the definition names needs a token in the
   * input's `_tokens`. The tokens are resolved to identities here and removed from the
   * stored input, so no token is ever written to the run state or its log.
   */
  private roleIdentities(f: FlowRecord, input: unknown): { input: unknown; runAs: Record<string, string> } {
    const roles = roleNames(f.definition);
    const tokens = input && typeof input === "object" && !Array.isArray(input) ? (input as { _tokens?: unknown })._tokens : undefined;
    const runAs: Record<string, string> = {};
    for (const role of roles) {
      const t = tokens && typeof tokens === "object" ? (tokens as Record<string, unknown>)[role] : undefined;
      if (typeof t !== "string" || !t) throw new HttpError(400, "FLOW_INPUT_ERROR", `The flow runs actions as the role "${role}": the input needs a token for it in _tokens.${role}`, { detail: [{ loc: [`$._tokens.${role}`], type: "MissingRoleToken", msg: `no token for RunAs role "${role}"` }] });
      const identity = this.hooks.identityOfToken(t);
      if (!identity) throw new HttpError(400, "FLOW_INPUT_ERROR", `The token in _tokens.${role} is not a valid access token`, { detail: [{ loc: [`$._tokens.${role}`], type: "InvalidRoleToken", msg: "invalid or expired token" }] });
      runAs[role] = identity;
    }
    if (tokens === undefined) return { input, runAs };
    const { _tokens: _t, ...rest } = input as Record<string, unknown>;
    return { input: rest, runAs };
  }

  private checkRunBody(f: FlowRecord, body: unknown): Record<string, unknown> {
    const b = this.objectBody(body);
    if (!("body" in b)) throw new HttpError(400, "FLOW_INPUT_ERROR", "the request needs a `body` holding the run input");
    const diags = validateRunInput(f.input_schema, b.body);
    if (hasErrors(diags)) {
      throw new HttpError(400, "FLOW_INPUT_ERROR", `Input failed schema validation with ${diags.length} error${diags.length === 1 ? "" : "s"}.`, {
        detail: diags.map((d) => ({ loc: [`$${d.pointer.replace(/\//g, ".")}`], type: "InvalidActionInput", msg: d.message })),
      });
    }
    if (b.label !== undefined && (typeof b.label !== "string" || b.label.length > 64)) throw new HttpError(422, "UNPROCESSABLE_ENTITY", "label must be a string of at most 64 characters");
    for (const k of ["tags", "run_managers", "run_monitors"]) {
      const v = b[k];
      if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== "string"))) throw new HttpError(422, "UNPROCESSABLE_ENTITY", `${k} must be a list of strings`);
      if (k !== "tags" && Array.isArray(v) && v.some((x) => !PRINCIPAL.test(String(x)))) throw new HttpError(422, "UNPROCESSABLE_ENTITY", `${k} must list principal URNs (urn:globus:auth:identity:… or urn:globus:groups:id:…)`);
    }
    return b;
  }

  private requireStarter(f: FlowRecord, caller: TokenRecord): void {
    const roles = flowRoles(f, this.who(caller));
    if (!roles.some((r) => r === "flow_owner" || r === "flow_administrator" || r === "flow_starter")) {
      throw new HttpError(403, "FORBIDDEN", `Caller is not allowed to run flow ${f.id}. Missing permissions: RUN.`);
    }
  }

  validateRun(flowId: string, body: unknown, caller: TokenRecord) {
    const f = this.getFlowRecord(flowId, this.who(caller));
    this.requireStarter(f, caller);
    this.checkRunBody(f, body);
    return { status: 200, body: { message: "validation successful" } };
  }

  startRun(flowId: string, body: unknown, caller: TokenRecord) {
    const f = this.getFlowRecord(flowId, this.who(caller));
    this.requireStarter(f, caller);
    const b = this.checkRunBody(f, body);
    const { input, runAs } = this.roleIdentities(f, b.body);
    const runId = randomUUID();
    const now = this.now();
    const started = newRun({ run_id: runId, flow_id: f.id, definition: f.definition, input, caller: { identity: caller.identity, username: caller.username }, now });
    const events = started.events;
    const run = {
      ...started.run,
      ...(Object.keys(runAs).length ? { run_as: runAs } : {}),
      label: (b.label as string | undefined) ?? null,
      manage_by: (b.run_managers as string[] | undefined) ?? [],
      monitor_by: (b.run_monitors as string[] | undefined) ?? [],
    };
    const meta: RunMeta = {
      run_id: runId,
      flow_id: f.id,
      flow_title: f.title,
      flow_last_updated: f.updated_at,
      label: (b.label as string | undefined) ?? null,
      tags: (b.tags as string[] | undefined) ?? [],
      run_owner: caller.identity,
      run_managers: (b.run_managers as string[] | undefined) ?? [],
      run_monitors: (b.run_monitors as string[] | undefined) ?? [],
      input,
    };
    this.driver.start(run, events, (store) => {
      store.put("run_meta", runId, meta);
      store.index("run_meta", runId, "flow_id", f.id);
    });
    return { status: 201, body: runDoc(run, meta, f, this.who(caller)) };
  }

  private getRun(runId: string, caller: TokenRecord): { run: EngineRun; meta: RunMeta; flow: FlowRecord | undefined } {
    const meta = this.store.get<RunMeta>("run_meta", runId);
    const run = meta && !meta.released ? this.driver.load(runId) : undefined;
    if (!meta || !run) throw new HttpError(404, "NOT_FOUND", `No run with id ${runId}`);
    const flow = this.store.get<FlowRecord>("flow", meta.flow_id);
    if (runRoles(meta, flow, this.who(caller)).length === 0) throw new HttpError(404, "NOT_FOUND", `No run with id ${runId}`);
    return { run, meta, flow };
  }

  private lastEntry(runId: string): LogEntry | undefined {
    return this.store.readLog<LogEntry>(`run:${runId}`, 0, 1, true)[0]?.entry;
  }

  runDocument(runId: string, caller: TokenRecord, includeFlow = false) {
    const { run, meta, flow } = this.getRun(runId, caller);
    const doc = runDoc(run, meta, flow, this.who(caller), this.lastEntry(runId)) as unknown as Record<string, unknown>;
    if (includeFlow && flow) {
      doc.flow_description = { id: flow.id, flow_owner: flow.flow_owner, created_at: flow.created_at, updated_at: flow.updated_at, title: flow.title, subtitle: flow.subtitle, description: flow.description, keywords: flow.keywords, ...(flow.deleted ? { deleted_at: flow.updated_at } : {}) };
    }
    return { status: 200, body: doc };
  }

  runDefinition(runId: string, caller: TokenRecord) {
    const { run, meta } = this.getRun(runId, caller);
    const flow = this.store.get<FlowRecord>("flow", meta.flow_id);
    const roles = flow ? flowRoles(flow, this.who(caller)) : [];
    const admin = roles.includes("flow_owner") || roles.includes("flow_administrator");
    return { status: 200, body: { flow_id: meta.flow_id, definition: admin ? run.definition : withoutPrivateParameters(run.definition), input_schema: flow?.input_schema ?? {} } };
  }

  runLog(runId: string, q: URLSearchParams, caller: TokenRecord) {
    this.getRun(runId, caller);
    const limit = Math.min(Math.max(Number(q.get("limit") ?? 10) || 10, 1), 100);
    const reverse = q.get("reverse_order") === "true";
    const markerRaw = q.get("marker") ?? q.get("pagination_token");
    const after = markerRaw ? Number(Buffer.from(markerRaw, "base64url").toString()) || 0 : 0;
    const rows = this.store.readLog<LogEntry>(`run:${runId}`, after, limit + 1, reverse);
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    const body: Record<string, unknown> = { limit, has_next_page: more, entries: page.map((r) => r.entry) };
    if (more) body.marker = Buffer.from(String(page.at(-1)!.seq)).toString("base64url");
    return { status: 200, body };
  }

  listRuns(q: URLSearchParams, caller: TokenRecord, flowId?: string) {
    const flowIds = flowId ? [flowId] : values(q, "filter_flow_id");
    // The common queries (newest or oldest first, by flow, status, label, role) read the run
    // index and stop at the page; time ranges, flow titles and other orders take this path.
    const order = values(q, "orderby");
    const byStart = order.length === 0 ? "DESC" : order.length === 1 ? /^start_time\s+(ASC|DESC)$/i.exec(order[0]!)?.[1]?.toUpperCase() : undefined;
    if (byStart && !q.get("filter_flow_title") && !q.get("filter_start_time") && !q.get("filter_completion_time")) return this.listRunsByStart(q, caller, flowIds, byStart === "DESC");
    const metas = flowIds.length ? flowIds.flatMap((id) => this.store.find<RunMeta>("run_meta", "flow_id", id)) : this.store.list<RunMeta>("run_meta");
    const statuses = values(q, "filter_status");
    const labels = values(q, "filter_label");
    const flowTitles = values(q, "filter_flow_title");
    const started = timeRange(q, "filter_start_time");
    const completed = timeRange(q, "filter_completion_time");
    const roleFilter = [...values(q, "filter_roles"), ...values(q, "filter_role")].map((r) => r.replace(/s$/, "").replace(/^flow_/, ""));
    const docs = [];
    for (const meta of metas) {
      if (meta.released) continue;
      const flow = this.store.get<FlowRecord>("flow", meta.flow_id);
      const roles = runRoles(meta, flow, this.who(caller));
      if (roles.length === 0) continue;
      if (roleFilter.length && !roles.some((r) => roleFilter.includes(r))) continue;
      if (!containsAny(meta.label, labels) || !containsAny(meta.flow_title, flowTitles)) continue;
      const run = this.driver.load(meta.run_id);
      if (!run) continue;
      if (statuses.length && !statuses.includes(run.status)) continue;
      const doc = runDoc(run, meta, flow, this.who(caller), this.lastEntry(meta.run_id)) as unknown as Record<string, unknown>;
      if (!inRange(doc.start_time as string, started) || !inRange(doc.completion_time as string | null, completed)) continue;
      docs.push(doc);
    }
    return this.page(ordered(docs, q, ["id", "start_time", "completion_time", "status", "label"], "start_time DESC", (d, k) => (k === "id" ? d.run_id : d[k])), q, "runs");
  }

  /**
   * The default order (start_time) straight from the store's run index: runs are read in
   * order, filtered, and reading stops once the page (and one more, for has_next_page) is
   * full, so a page costs about its size, not the number of runs (a --watch makes months of them).
   */
  private listRunsByStart(q: URLSearchParams, caller: TokenRecord, flowIds: string[], desc: boolean) {
    const limit = Math.min(Math.max(Number(q.get("per_page") ?? q.get("limit") ?? 20) || 20, 1), 100);
    const start = Number(q.get("marker") ? Buffer.from(q.get("marker")!, "base64url").toString() : 0) || 0;
    const statuses = values(q, "filter_status");
    const labels = values(q, "filter_label");
    const roleFilter = [...values(q, "filter_roles"), ...values(q, "filter_role")].map((r) => r.replace(/s$/, "").replace(/^flow_/, ""));
    const where: Record<string, string[]> = {};
    if (flowIds.length) where.flow_id = flowIds;
    if (statuses.length) where.status = statuses;
    // One label is matched in SQL (case-insensitive substring, as containsAny); several in JS.
    const contains = labels.length === 1 ? { kind: "run_meta", field: "label", text: labels[0]! } : undefined;
    const flows = new Map<string, FlowRecord | undefined>();
    const docs = [];
    let matched = 0;
    for (const stored of this.store.scan<Omit<EngineRun, "definition">>("run", { orderBy: "started_at", desc, where, ...(contains ? { contains } : {}) })) {
      const meta = this.store.get<RunMeta>("run_meta", stored.run_id);
      if (!meta || meta.released) continue;
      if (!flows.has(meta.flow_id)) flows.set(meta.flow_id, this.store.get<FlowRecord>("flow", meta.flow_id));
      const flow = flows.get(meta.flow_id);
      const roles = runRoles(meta, flow, this.who(caller));
      if (roles.length === 0) continue;
      if (roleFilter.length && !roles.some((r) => roleFilter.includes(r))) continue;
      if (!containsAny(meta.label, labels)) continue;
      matched++;
      if (matched <= start) continue;
      if (matched > start + limit) break;
      const run = this.driver.load(meta.run_id);
      if (run) docs.push(runDoc(run, meta, flow, this.who(caller), this.lastEntry(meta.run_id)));
    }
    const more = matched > start + limit;
    return { status: 200, body: { runs: docs, limit, has_next_page: more, marker: more ? Buffer.from(String(start + limit)).toString("base64url") : null } };
  }

  private requireManager(meta: RunMeta, flow: FlowRecord | undefined, caller: TokenRecord, what: string): void {
    const roles = runRoles(meta, flow, this.who(caller));
    if (!roles.includes("run_owner") && !roles.includes("run_manager")) throw new HttpError(403, "FORBIDDEN", `Caller is not allowed to ${what} run ${meta.run_id}. Missing permissions: MANAGE.`);
  }

  updateRun(runId: string, body: unknown, caller: TokenRecord) {
    const { run, meta, flow } = this.getRun(runId, caller);
    this.requireManager(meta, flow, caller, "update");
    const b = this.objectBody(body);
    const next: RunMeta = { ...meta };
    if (b.label !== undefined) next.label = String(b.label);
    if (b.tags !== undefined) next.tags = b.tags as string[];
    if (b.run_managers !== undefined) next.run_managers = b.run_managers as string[];
    if (b.run_monitors !== undefined) next.run_monitors = b.run_monitors as string[];
    this.store.put("run_meta", runId, next);
    return { status: 200, body: runDoc(run, next, flow, this.who(caller), this.lastEntry(runId)) };
  }

  cancelRun(runId: string, caller: TokenRecord) {
    const { meta, flow } = this.getRun(runId, caller);
    this.requireManager(meta, flow, caller, "cancel");
    const run = this.driver.requestCancel(runId)!;
    return { status: 202, body: runDoc(run, meta, flow, this.who(caller), this.lastEntry(runId)) };
  }

  async resumeRun(runId: string, caller: TokenRecord) {
    const { meta, flow } = this.getRun(runId, caller);
    this.requireManager(meta, flow, caller, "resume");
    const run = (await this.driver.resume(runId))!;
    return { status: 200, body: runDoc(run, meta, flow, this.who(caller), this.lastEntry(runId)) };
  }

  releaseRun(runId: string, caller: TokenRecord) {
    const { run, meta, flow } = this.getRun(runId, caller);
    this.requireManager(meta, flow, caller, "release");
    if (!isFinal(run.status)) throw new HttpError(409, "STATE_CONFLICT", `Run ${runId} is ${run.status}; only runs that are SUCCEEDED, FAILED or ENDED can be released`);
    this.store.put("run_meta", runId, { ...meta, released: true });
    return { status: 200, body: runDoc(run, meta, flow, this.who(caller)) };
  }

  /** Token checks for run start/resume: the flow-specific scope (resource server = flow id). */
  flowTokenServer(flowId: string): string {
    return flowId;
  }
}

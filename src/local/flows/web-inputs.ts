/**
 * Web inputs of the local Flows service: created by CreateWebInput states, listed and read
 * through `/web_inputs`, answered through `/web_inputs/{id}/respond`, which wakes the run
 * waiting at AwaitWebInput. Documents and errors follow the globus-sdk-python fixtures
 * (fixtures/flows/sdk-get_web_input.*, sdk-list_web_inputs.*, sdk-respond_to_web_input.*);
 * the respond body is `{"response": {"value": <option id>}}` (globus-flows.md §2.2).
 *
 * Respondents: identity URNs match the caller; group URNs (`urn:globus:groups:id:` and the
 * `urn:globus:group:id:` spelling the official examples use) resolve against the local group
 * config (flowsmith.yaml `groups`). A group the config does not list is taken to contain the
 * run's owner, so the official examples, whose groups are placeholders, can be answered
 * locally by the person who started the run; list the group to make the check strict.
 */
import { randomUUID } from "node:crypto";
import type { WebInputHost, WebInputSpec, WebInputView } from "../../engine/web-input.js";
import { HttpError } from "../http.js";
import type { DocStore } from "../store.js";
import type { FlowRecord, RunMeta } from "./records.js";

export interface WebInputRecord extends WebInputSpec {
  id: string;
  status: "open" | "closed";
  expired?: boolean;
  created_timestamp: string;
  edited_timestamp: string;
  closed_timestamp: string | null;
  response?: { value: string; respondent: string; time: string };
}

type Role = "viewer" | "respondent";

const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");
const GROUP = /^urn:globus:groups?:id:([0-9a-fA-F-]{36})$/;

export class WebInputService implements WebInputHost {
  constructor(
    private readonly store: DocStore,
    private readonly now: () => number,
    /** Group id -> member identity URNs. */
    private readonly groups: Record<string, string[]> = {},
    /** Called after a response or expiry so the waiting run moves on. */
    private readonly wake: (runId: string) => void = () => {},
  ) {}

  // --- engine side -------------------------------------------------------------------

  create(spec: WebInputSpec): { id: string } {
    const existing = this.store.find<WebInputRecord>("web_input", "key", spec.key)[0];
    if (existing) return { id: existing.id };
    const id = randomUUID();
    const t = iso(this.now());
    const rec: WebInputRecord = { ...spec, id, status: "open", created_timestamp: t, edited_timestamp: t, closed_timestamp: null };
    this.store.transaction(() => {
      this.store.put("web_input", id, rec);
      this.store.index("web_input", id, "key", spec.key);
      this.store.index("web_input", id, "run_id", spec.run_id);
    });
    return { id };
  }

  get(id: string): WebInputView | undefined {
    const r = this.store.get<WebInputRecord>("web_input", id);
    if (!r) return undefined;
    return { id: r.id, status: r.status, expires_at: r.expires_at, ...(r.expired ? { expired: true } : {}), ...(r.response ? { response: r.response } : {}) };
  }

  expire(id: string, now: number): void {
    const r = this.store.get<WebInputRecord>("web_input", id);
    if (!r || r.status === "closed") return;
    this.store.put("web_input", id, { ...r, status: "closed", expired: true, closed_timestamp: iso(now), edited_timestamp: iso(now) });
  }

  // --- API side ------------------------------------------------------------------------

  /** Open web inputs of a run (for `runs show`). */
  openForRun(runId: string): WebInputRecord[] {
    return this.store.find<WebInputRecord>("web_input", "run_id", runId).filter((r) => r.status === "open");
  }

  private inGroup(groupId: string, who: string, rec: WebInputRecord): boolean {
    const members = this.groups[groupId.toLowerCase()] ?? this.groups[groupId];
    if (members) return members.includes(who);
    const meta = this.store.get<RunMeta>("run_meta", rec.run_id);
    return meta?.run_owner === who;
  }

  private matches(urns: string[], who: string, rec: WebInputRecord): boolean {
    return urns.some((u) => {
      if (u === who) return true;
      const g = GROUP.exec(u);
      return !!g && this.inGroup(g[1]!, who, rec);
    });
  }

  userRoles(rec: WebInputRecord, who: string): Role[] {
    const respondent = this.matches(rec.respondent_urns, who, rec);
    const meta = this.store.get<RunMeta>("run_meta", rec.run_id);
    const runSide = !!meta && (meta.run_owner === who || meta.run_managers.includes(who) || meta.run_monitors.includes(who));
    const viewer = respondent || runSide || this.matches(rec.viewer_urns, who, rec);
    return [...(viewer ? (["viewer"] as const) : []), ...(respondent ? (["respondent"] as const) : [])];
  }

  private require(id: string, who: string): WebInputRecord {
    const rec = this.store.get<WebInputRecord>("web_input", id);
    // Someone with no role sees the same 404 as for a missing id (nothing leaks).
    if (!rec || this.userRoles(rec, who).length === 0) throw new HttpError(404, "NOT_FOUND", `No Web Input exists with id value ${id}`);
    return rec;
  }

  private refs(rec: WebInputRecord) {
    const flow = this.store.get<FlowRecord>("flow", rec.flow_id);
    const meta = this.store.get<RunMeta>("run_meta", rec.run_id);
    return { flow: { id: rec.flow_id, title: flow?.title ?? meta?.flow_title ?? "" }, run: { id: rec.run_id, label: meta?.label ?? null } };
  }

  document(rec: WebInputRecord, who: string): Record<string, unknown> {
    const { flow, run } = this.refs(rec);
    return {
      id: rec.id,
      status: rec.status,
      user_roles: this.userRoles(rec, who),
      input_type: rec.input_type,
      input_schema: {
        $schema: "http://json-schema.org/draft-07/schema",
        title: "Please select an option",
        type: "string",
        oneOf: rec.options.map((o) => ({ const: o.option_id, title: o.label, description: o.description })),
      },
      context: rec.context,
      options: rec.options,
      roles: { viewer_urns: rec.viewer_urns, respondent_urns: rec.respondent_urns },
      creator_urn: rec.creator_urn,
      flow,
      run,
      created_timestamp: rec.created_timestamp,
      edited_timestamp: rec.edited_timestamp,
      closed_timestamp: rec.closed_timestamp,
    };
  }

  getWebInput(id: string, who: string) {
    return { status: 200, body: this.document(this.require(id, who), who) };
  }

  listWebInputs(q: URLSearchParams, who: string) {
    const csv = (k: string) => (q.get(k) ?? "").split(",").map((x) => x.trim()).filter(Boolean);
    const roles = csv("filter_roles");
    const states = csv("filter_states");
    const flowIds = csv("filter_flow_ids");
    const runIds = csv("filter_run_ids");
    let list = (runIds.length ? runIds.flatMap((r) => this.store.find<WebInputRecord>("web_input", "run_id", r)) : this.store.list<WebInputRecord>("web_input"))
      .map((r) => ({ r, roles: this.userRoles(r, who) }))
      .filter((x) => x.roles.length > 0);
    if (roles.length) list = list.filter((x) => x.roles.some((r) => roles.includes(r)));
    if (states.length) list = list.filter((x) => states.includes(x.r.status));
    if (flowIds.length) list = list.filter((x) => flowIds.includes(x.r.flow_id));
    const [field, dir] = (q.get("orderby") ?? "created_timestamp DESC").split(/\s+/);
    const key = ["created_timestamp", "edited_timestamp", "closed_timestamp"].includes(field ?? "") ? (field as "created_timestamp") : "created_timestamp";
    list.sort((a, b) => String(a.r[key] ?? "").localeCompare(String(b.r[key] ?? "")) * ((dir ?? "DESC").toUpperCase() === "ASC" ? 1 : -1));
    const perPage = Math.min(Math.max(Number(q.get("per_page") ?? 20) || 20, 1), 100);
    const start = Number(q.get("marker") ? Buffer.from(q.get("marker")!, "base64url").toString() : 0) || 0;
    const page = list.slice(start, start + perPage);
    const more = start + perPage < list.length;
    const summaries = page.map(({ r, roles: ur }) => ({
      id: r.id,
      status: r.status,
      user_roles: ur,
      input_type: r.input_type,
      title: r.context.title,
      ...this.refs(r),
      created_timestamp: r.created_timestamp,
      edited_timestamp: r.edited_timestamp,
      closed_timestamp: r.closed_timestamp,
    }));
    return { status: 200, body: { web_input_summaries: summaries, marker: more ? Buffer.from(String(start + perPage)).toString("base64url") : null } };
  }

  respond(id: string, body: unknown, who: string) {
    const rec = this.require(id, who);
    if (!this.userRoles(rec, who).includes("respondent")) throw new HttpError(403, "FORBIDDEN", `User does not have respondent role on web input ${id}`);
    if (rec.status === "closed") throw new HttpError(409, "STATE_CONFLICT", `Web Input ${id} is already closed.`);
    const response = body && typeof body === "object" ? (body as { response?: unknown }).response : undefined;
    const value = response && typeof response === "object" ? ((response as { value?: unknown; option_id?: unknown }).value ?? (response as { option_id?: unknown }).option_id) : undefined;
    if (typeof value !== "string") throw new HttpError(422, "UNPROCESSABLE_ENTITY", `the body must be {"response": {"value": <option id>}}; options: ${rec.options.map((o) => o.option_id).join(", ")}`);
    if (!rec.options.some((o) => o.option_id === value)) throw new HttpError(422, "UNPROCESSABLE_ENTITY", `'${value}' is not a registered option id for this input.`);
    const t = iso(this.now());
    this.store.put("web_input", id, { ...rec, status: "closed", response: { value, respondent: who, time: t }, closed_timestamp: t, edited_timestamp: t });
    this.wake(rec.run_id);
    return { status: 200, body: { status: "ok" } };
  }
}

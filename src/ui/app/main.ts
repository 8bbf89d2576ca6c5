/**
 * The `flowsmith ui` page: hash routes for flows, a flow, its start form, runs, a run and
 * timers. Plain TypeScript and the DOM, bundled at build time with esbuild: no framework to
 * download, nothing from a CDN (the bundle is a few tens of kilobytes).
 */
import { api, ApiError, takeSecret } from "./api.js";
import { h, fill, json, fmtTime, fmtDuration, statusBadge, type Child } from "./dom.js";
import { drawGraph } from "./graph.js";
import { generateForm, type Collection } from "./form.js";
import { stepsOf, type Entry, type Step } from "./steps.js";
import type { EnvironmentStatus, FlowSummary, Maybe, UiDiagnostic } from "../contract.js";

interface Info {
  project: string;
  environment: string;
  kind: string;
  environments: { name: string; kind: string }[];
  collections: Collection[];
}
interface FlowDetail extends FlowSummary {
  definition?: { StartAt: string; States: Record<string, unknown>; Comment?: string };
  mermaid?: string;
  inputSchema?: Record<string, unknown>;
  schemaProblem?: string;
  stateSources?: Record<string, { file: string; line: number; column: number } | null>;
}
interface Run {
  run_id: string;
  flow_id: string;
  flow_title?: string;
  label?: string | null;
  status: string;
  start_time?: string;
  completion_time?: string | null;
  tags?: string[];
  details?: Record<string, unknown>;
  display_status?: string;
}

const app = document.getElementById("app")!;
let info: Info;
let timer: number | undefined;
const features = { webInputs: false, timers: false };

const FINAL = new Set(["SUCCEEDED", "FAILED", "ENDED"]);

/**
 * Which route is on screen: a page function captures it when it starts, and a page that is
 * no longer current (the user moved on while it awaited the server) neither renders nor polls.
 */
let view = 0;

function poll(v: number, fn: () => Promise<boolean>, ms: number): void {
  if (v !== view) return;
  // One poller at a time: a new page stops the last one. fn resolves true to keep going.
  if (timer) clearTimeout(timer);
  const tick = async () => {
    let again = false;
    try {
      again = await fn();
    } catch (e) {
      again = !(e instanceof ApiError && e.status < 500);
    }
    if (again && v === view) timer = window.setTimeout(tick, ms);
  };
  void tick();
}

function stopPolling(): void {
  if (timer) clearTimeout(timer);
  timer = undefined;
}

function errorBox(e: unknown): HTMLElement {
  const err = e instanceof ApiError ? e : undefined;
  return h("div", { class: "error-box", role: "alert" }, h("strong", {}, err ? `${err.code}: ` : "error: "), e instanceof Error ? e.message : String(e), err?.body.hint ? h("div", { class: "hint" }, `hint: ${String(err.body.hint)}`) : null, err?.body.fix ? h("div", { class: "hint" }, `fix: ${String(err.body.fix)}`) : null);
}

function page(v: number, title: string, ...children: Child[]): void {
  if (v !== view) return;
  document.title = `${title} · flowsmith ui`;
  app.replaceChildren(h("h1", {}, title), ...(children.flat() as Node[]).filter(Boolean));
}

function nav(): HTMLElement {
  const link = (href: string, text: string, id: string) => h("a", { href, id, class: location.hash.startsWith(href) ? "active" : "" }, text);
  return h(
    "nav",
    {},
    h("span", { class: "brand" }, "flowsmith"),
    h("span", { class: "project" }, info.project, " · ", h("span", { class: `env env-${info.kind}`, title: `environment ${info.environment} (${info.kind})` }, info.environment)),
    link("#/flows", "Flows", "nav-flows"),
    link("#/runs", "Runs", "nav-runs"),
    features.timers ? link("#/timers", "Timers", "nav-timers") : null,
    features.webInputs ? link("#/inputs", "Web inputs", "nav-inputs") : null,
  );
}

const diagLine = (d: UiDiagnostic) =>
  h("li", { class: `diag sev-${d.severity}` }, h("code", { class: "loc" }, `${d.file}${d.line ? `:${d.line}:${d.column ?? 1}` : ""}`), " ", h("span", { class: "sev" }, d.severity), " ", h("code", {}, d.code), " ", d.message, d.pointer ? h("span", { class: "ptr" }, ` at ${d.pointer}`) : null, d.hint ? h("div", { class: "hint" }, d.hint) : null);

function envCell(s: EnvironmentStatus): HTMLElement {
  if (s.problem) return h("td", { class: "env-problem", title: s.problem }, s.deployed ? "deployed, " : "", "⚠ ", s.problem.slice(0, 80));
  if (!s.deployed) return h("td", { class: "env-none" }, "not deployed");
  return h("td", { class: s.changed ? "env-changed" : "env-current" }, s.changed ? "changed since deploy" : "deployed", h("div", { class: "id" }, h("code", {}, s.id ?? "")));
}

async function flowsPage(): Promise<void> {
  const v = view;
  page(v, "Flows", h("p", { class: "muted" }, "building…"));
  const { flows } = await api<{ flows: FlowSummary[] }>("/flows");
  const envs = info.environments;
  const table = h(
    "table",
    { class: "flows", id: "flows-table" },
    h("thead", {}, h("tr", {}, h("th", {}, "Flow"), h("th", {}, "Keywords"), h("th", {}, "Build"), ...envs.map((e) => h("th", {}, e.name, h("div", { class: "muted" }, e.kind))))),
    h(
      "tbody",
      {},
      ...flows.map((f) => {
        const errors = f.diagnostics.filter((d) => d.severity === "error").length;
        const warnings = f.diagnostics.filter((d) => d.severity === "warning").length;
        return [
          h("tr", { "data-flow": f.name }, h("td", {}, h("a", { href: `#/flows/${encodeURIComponent(f.name)}`, class: "flow-link" }, f.title ?? f.name), h("div", { class: "muted" }, h("code", {}, f.name), f.subtitle ? ` — ${f.subtitle}` : "")), h("td", {}, ...f.keywords.map((k) => h("span", { class: "kw" }, k))), h("td", { class: f.ok ? "ok" : "bad" }, f.ok ? "valid" : `${errors} error${errors === 1 ? "" : "s"}`, warnings ? h("div", { class: "muted" }, `${warnings} warning${warnings === 1 ? "" : "s"}`) : null), ...envs.map((e) => envCell(f.environments.find((s) => s.environment === e.name) ?? { environment: e.name, kind: e.kind, deployed: false }))),
          f.diagnostics.length ? h("tr", { class: "diags" }, h("td", { colspan: 3 + envs.length }, h("ul", {}, ...f.diagnostics.map(diagLine)))) : null,
        ];
      }),
    ),
  );
  page(v, "Flows", h("p", { class: "muted" }, `${flows.length} flow${flows.length === 1 ? "" : "s"} in flows/ · validated offline as \`flowsmith validate\` does · deploy state read from the lock`), h("button", { onclick: () => api("/flows?refresh=1").then(() => route()) }, "Rebuild"), table);
}

async function flowPage(name: string): Promise<void> {
  const v = view;
  page(v, name, h("p", { class: "muted" }, "building…"));
  const f = await api<FlowDetail>(`/flows/${encodeURIComponent(name)}`);
  const statePanel = h("div", { class: "state-panel", id: "state-panel" }, h("p", { class: "muted" }, "Click a state in the graph to see its definition."));
  const showState = (s: string) => {
    const src = f.stateSources?.[s];
    fill(statePanel, h("h3", {}, s), src ? h("div", { class: "muted" }, h("code", {}, `${src.file}:${src.line}:${src.column}`)) : null, json(f.definition?.States[s]));
  };
  const tabs: [string, () => HTMLElement][] = [
    ["Definition", () => json(f.definition)],
    ["Input schema", () => json(f.inputSchema)],
    ["Mermaid", () => h("pre", {}, f.mermaid ?? "")],
  ];
  const tabBody = h("div", { class: "tab-body" });
  const tabBar = h("div", { class: "tabs" }, ...tabs.map(([t, make], i) => h("button", { class: i === 0 ? "tab active" : "tab", onclick: (e: Event) => (tabBar.querySelectorAll(".tab").forEach((b) => b.classList.remove("active")), (e.target as HTMLElement).classList.add("active"), tabBody.replaceChildren(make())) }, t)));
  tabBody.replaceChildren(tabs[0]![1]());
  page(v, 
    f.title ?? f.name,
    h("p", {}, h("code", {}, f.file), f.subtitle ? ` — ${f.subtitle}` : ""),
    f.description ? h("p", { class: "muted" }, f.description) : null,
    h("div", { class: "actions" }, f.ok ? h("a", { class: "button primary", href: `#/flows/${encodeURIComponent(f.name)}/start`, id: "start-link" }, "Start a run") : null, h("a", { class: "button", href: `#/runs?flow=${encodeURIComponent(f.name)}` }, "Runs of this flow")),
    f.diagnostics.length ? h("ul", { class: "diag-list" }, ...f.diagnostics.map(diagLine)) : null,
    h("table", { class: "envs" }, h("tr", {}, ...f.environments.map((e) => h("th", {}, e.environment))), h("tr", {}, ...f.environments.map(envCell))),
    f.mermaid ? h("div", { class: "graph-wrap" }, h("div", { class: "graph-box" }, drawGraph(f.mermaid, showState)), statePanel) : null,
    tabBar,
    tabBody,
  );
}

async function browseDialog(title: string, list: (path: string) => Promise<{ path: string; entries: { name: string; type: string }[] }>, start: string, join: (path: string, name: string) => string, up: (path: string) => string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "browser", id: "browser" }) as HTMLDialogElement;
    let current = start;
    const close = (v: string | undefined) => {
      dialog.close();
      dialog.remove();
      resolve(v);
    };
    const render = async (path: string) => {
      dialog.replaceChildren(h("h3", {}, title), h("p", {}, "loading…"));
      try {
        const r = await list(path);
        current = r.path;
        dialog.replaceChildren(
          h("h3", {}, title),
          h("div", { class: "crumb" }, h("code", {}, current || "/")),
          h("ul", { class: "entries" }, h("li", {}, h("a", { href: "#", onclick: (e: Event) => (e.preventDefault(), void render(up(current))) }, "⬆ ..")), ...r.entries.map((e) => h("li", { class: `entry-${e.type}` }, e.type === "dir" ? h("a", { href: "#", "data-name": e.name, onclick: (ev: Event) => (ev.preventDefault(), void render(join(current, e.name))) }, `📁 ${e.name}`) : h("span", { class: "muted" }, e.name)))),
          h("div", { class: "actions" }, h("button", { class: "primary", id: "browser-choose", onclick: () => close(current) }, "Choose this directory"), h("button", { onclick: () => close(undefined) }, "Cancel")),
        );
      } catch (e) {
        dialog.replaceChildren(h("h3", {}, title), errorBox(e), h("button", { onclick: () => close(undefined) }, "Close"));
      }
    };
    document.body.append(dialog);
    dialog.showModal();
    void render(current);
  });
}

const collectionBrowse = (collectionId: string, start: string) =>
  browseDialog(
    (() => {
      const c = info.collections.find((x) => x.id === collectionId);
      return c ? `${c.display_name ?? c.name} (${collectionId})` : `Collection ${collectionId}`;
    })(),
    async (path) => {
      const r = await api<{ path: string; entries: { name: string; type: string }[] }>(`/collections/${collectionId}/ls?path=${encodeURIComponent(path)}`);
      return { path: r.path, entries: r.entries };
    },
    start.replace(/[^/]*$/, "") || "/",
    (p, n) => `${p.replace(/\/$/, "")}/${n}/`,
    (p) => p.replace(/[^/]+\/?$/, "") || "/",
  );

const rundirBrowse = (start: string) =>
  browseDialog(
    "Pick a run directory (this machine, under the project)",
    (path) => api(`/files?path=${encodeURIComponent(path)}`),
    start,
    (p, n) => (p ? `${p}/${n}` : n),
    (p) => p.replace(/\/?[^/]+$/, ""),
  );

async function startPage(name: string): Promise<void> {
  const v = view;
  stopPolling();
  page(v, `Start ${name}`, h("p", { class: "muted" }, "loading…"));
  const f = await api<FlowDetail>(`/flows/${encodeURIComponent(name)}`);
  if (!f.inputSchema) return page(v, `Start ${name}`, h("p", {}, "This flow does not build; see its page."));
  const formHolder = h("div", { id: "start-form" });
  const status = h("div", { class: "form-status", id: "form-status", role: "status" });
  let form = generateForm(f.inputSchema as never, undefined, { collections: info.collections, browse: collectionBrowse });
  formHolder.replaceChildren(form.el);
  const label = h("input", { type: "text", id: "run-label", maxlength: 64, placeholder: "run label (optional)" }) as HTMLInputElement;
  const tags = h("input", { type: "text", id: "run-tags", placeholder: "tags, comma-separated (optional)" }) as HTMLInputElement;
  const body = () => ({ input: form.value(), ...(label.value ? { label: label.value } : {}), tags: tags.value.split(",").map((t) => t.trim()).filter(Boolean) });
  const report = (problems: { pointer: string; message: string }[], prefix: string) => {
    form.showProblems(problems);
    status.replaceChildren(h("div", { class: "problems" }, `${prefix}: ${problems.length} problem${problems.length === 1 ? "" : "s"}`, h("ul", {}, ...problems.map((p) => h("li", {}, h("code", {}, p.pointer || "/"), " ", withoutPointer(p))))));
    status.className = "form-status bad";
  };
  const check = async () => {
    status.replaceChildren("checking…");
    try {
      const r = await api<{ valid: boolean; problems: { pointer: string; message: string }[] }>(`/flows/${encodeURIComponent(name)}/validate`, body());
      if (r.valid) {
        form.showProblems([]);
        status.className = "form-status ok";
        status.replaceChildren("valid: the input matches the input schema");
      } else report(r.problems, "the input does not match the input schema");
    } catch (e) {
      status.replaceChildren(errorBox(e));
    }
  };
  const start = async (ev: Event) => {
    ev.preventDefault();
    status.className = "form-status";
    status.replaceChildren("starting (deploying first when needed)…");
    try {
      const r = await api<{ run: Run }>(`/flows/${encodeURIComponent(name)}/start`, body());
      location.hash = `#/runs/${r.run.run_id}`;
    } catch (e) {
      if (e instanceof ApiError && Array.isArray(e.body.problems)) report(e.body.problems as never, "not started");
      else status.replaceChildren(errorBox(e));
    }
  };
  const rundirInput = h("input", { type: "text", id: "rundir", placeholder: "run directory, relative to the project", spellcheck: "false" }) as HTMLInputElement;
  const useRundir = async () => {
    status.className = "form-status";
    status.replaceChildren("mapping the run directory…");
    try {
      const r = await api<{ input: unknown }>(`/flows/${encodeURIComponent(name)}/rundir`, { rundir: rundirInput.value });
      form = generateForm(f.inputSchema as never, r.input, { collections: info.collections, browse: collectionBrowse });
      formHolder.replaceChildren(form.el);
      status.replaceChildren(`filled from ${rundirInput.value} by the flow's rundir mapper`);
    } catch (e) {
      status.replaceChildren(errorBox(e));
    }
  };
  page(v, 
    `Start ${f.title ?? name}`,
    h("p", { class: "muted" }, `Environment ${info.environment}. Defaults come from the input schema; the input is checked with the same rules as \`flowsmith run-flow --dry-run\`.`),
    f.rundir
      ? h(
          "section",
          { class: "rundir" },
          h("h3", {}, "Pick a run directory"),
          h("p", { class: "muted" }, "The flow's rundir mapper makes the input from a directory, as `run-flow --rundir` does; edit it below before starting."),
          h("div", { class: "with-tools" }, rundirInput, h("button", { type: "button", id: "rundir-browse", onclick: async () => { const p = await rundirBrowse(rundirInput.value); if (p !== undefined) rundirInput.value = p; } }, "Browse…"), h("button", { type: "button", id: "rundir-use", onclick: useRundir }, "Fill the form")),
        )
      : null,
    h("form", { id: "run-form", onsubmit: start, novalidate: true }, formHolder, h("fieldset", {}, h("legend", {}, "Run"), h("label", { for: "run-label" }, "Label"), label, h("label", { for: "run-tags" }, "Tags"), tags), h("div", { class: "actions" }, h("button", { type: "button", id: "check", onclick: check }, "Check input"), h("button", { type: "submit", class: "primary", id: "start" }, "Start run")), status),
  );
}

/** The check's messages start with their pointer; the page shows the pointer apart. */
export function withoutPointer(p: { pointer: string; message: string }): string {
  return p.pointer && p.message.startsWith(`${p.pointer} `) ? p.message.slice(p.pointer.length + 1) : p.message;
}

function runRow(r: Run): HTMLElement {
  const end = r.completion_time ? Date.parse(r.completion_time) : Date.now();
  return h("tr", { "data-run": r.run_id }, h("td", {}, h("a", { href: `#/runs/${r.run_id}` }, h("code", {}, r.run_id.slice(0, 8)))), h("td", {}, r.flow_title ?? ""), h("td", {}, r.label ?? ""), h("td", {}, statusBadge(r.status)), h("td", {}, fmtTime(r.start_time)), h("td", {}, r.start_time ? fmtDuration(end - Date.parse(r.start_time)) : ""));
}

async function runsPage(params: URLSearchParams): Promise<void> {
  const v = view;
  const { flows } = await api<{ flows: FlowSummary[] }>("/flows");
  const flow = h("select", { id: "filter-flow" }, h("option", { value: "" }, "all flows"), ...flows.map((f) => h("option", { value: f.name, selected: params.get("flow") === f.name }, f.name))) as HTMLSelectElement;
  const st = h("select", { id: "filter-status" }, h("option", { value: "" }, "any status"), ...["ACTIVE", "INACTIVE", "SUCCEEDED", "FAILED", "ENDED"].map((s) => h("option", { value: s, selected: params.get("status") === s }, s))) as HTMLSelectElement;
  const label = h("input", { type: "text", id: "filter-label", placeholder: "label contains", value: params.get("label") ?? "" }) as HTMLInputElement;
  const since = h("input", { type: "datetime-local", id: "filter-since", value: params.get("since") ?? "" }) as HTMLInputElement;
  const until = h("input", { type: "datetime-local", id: "filter-until", value: params.get("until") ?? "" }) as HTMLInputElement;
  const apply = () => {
    const q = new URLSearchParams();
    if (flow.value) q.set("flow", flow.value);
    if (st.value) q.set("status", st.value);
    if (label.value) q.set("label", label.value);
    if (since.value) q.set("since", since.value);
    if (until.value) q.set("until", until.value);
    location.hash = `#/runs?${q}`;
  };
  const tbody = h("tbody", {});
  const pager = h("div", { class: "pager" });
  const markers: string[] = [];
  let marker = params.get("marker") ?? "";
  const load = async (): Promise<boolean> => {
    const q = new URLSearchParams(params);
    q.delete("marker");
    // datetime-local is the browser's local time; the service wants an instant.
    for (const k of ["since", "until"]) if (q.get(k)) q.set(k, new Date(q.get(k)!).toISOString());
    if (marker) q.set("marker", marker);
    q.set("per_page", "20");
    const r = await api<{ runs: Run[]; has_next_page: boolean; marker?: string }>(`/runs?${q}`);
    tbody.replaceChildren(...(r.runs.length ? r.runs.map(runRow) : [h("tr", {}, h("td", { colspan: 6, class: "muted" }, "no runs"))]));
    fill(pager, 
      markers.length ? h("button", { onclick: () => ((marker = markers.pop() ?? ""), void load()) }, "← newer") : null,
      r.has_next_page && r.marker ? h("button", { id: "next-page", onclick: () => (markers.push(marker), (marker = r.marker!), void load()) }, "older →") : null,
    );
    return r.runs.some((x) => !FINAL.has(x.status));
  };
  page(v, "Runs", h("div", { class: "filters" }, flow, st, label, h("label", {}, "started from ", since), h("label", {}, "to ", until), h("button", { onclick: apply }, "Filter")), h("table", { class: "runs", id: "runs-table" }, h("thead", {}, h("tr", {}, ...["Run", "Flow", "Label", "Status", "Started", "Duration"].map((t) => h("th", {}, t)))), tbody), pager);
  poll(v, load, 2000);
}

/** The failure and any Compute traceback the run carries (a caught error, a task's exception). */
function failureOf(run: Run, entries: Entry[]): HTMLElement | null {
  if (run.status === "SUCCEEDED" || run.status === "ACTIVE") return null;
  const d = (run.details ?? {}) as { code?: string; description?: string; details?: { cause?: string; error?: string }; output?: Record<string, unknown> };
  const lines: Child[] = [h("div", {}, h("strong", {}, d.details?.error ?? d.code ?? run.status), d.details?.cause ? `: ${d.details.cause}` : d.description ? `: ${d.description}` : "")];
  const traces: string[] = [];
  const scan = (v: unknown) => {
    if (!v || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    if (typeof o.exception === "string") traces.push(o.exception);
    if (typeof o.Error === "string") lines.push(h("div", {}, `caught ${o.Error}: ${String(o.Cause ?? "")}`));
    for (const x of Object.values(o)) scan(x);
  };
  scan(d.output);
  for (const e of entries) if (/Failed|Caught/.test(e.code)) scan(e.details);
  for (const t of [...new Set(traces)]) lines.push(h("pre", { class: "traceback" }, t));
  return h("div", { class: "failure", id: "failure" }, h("h3", {}, "Failure"), ...lines);
}

/** Compute steps' results (the action's details.result), as `run-flow` prints them. */
function functionResults(steps: Step[]): HTMLElement | null {
  const withResults = steps.filter((s) => Array.isArray((s.output as { details?: { result?: unknown } } | undefined)?.details?.result));
  if (!withResults.length) return null;
  return h("div", { class: "function-results", id: "function-results" }, h("h3", {}, "Function results"), ...withResults.map((s) => h("div", {}, h("h4", {}, s.state), json((s.output as { details: { result: unknown } }).details.result))));
}

function bar(ms: number, max: number): HTMLElement {
  // Through the CSSOM: the page's CSP refuses style attributes.
  const el = h("span", { class: "bar" });
  el.style.width = `${Math.max(1, (ms / max) * 100).toFixed(1)}%`;
  return el;
}

function barChart(steps: Step[]): HTMLElement {
  const done = steps.filter((s) => s.end);
  const max = Math.max(1, ...done.map((s) => Date.parse(s.end!) - Date.parse(s.start)));
  return h("div", { class: "bars", id: "bars" }, h("h3", {}, "Step durations"), ...done.map((s) => {
    const ms = Date.parse(s.end!) - Date.parse(s.start);
    return h("div", { class: "bar-row" }, h("span", { class: "bar-label" }, s.state), bar(ms, max), h("span", { class: "bar-value" }, fmtDuration(ms)));
  }));
}

type WebInputList = Maybe<{ web_input_summaries: { id: string; title?: string; status: string }[] }>;

async function openWebInputs(runId: string): Promise<WebInputList | undefined> {
  if (!features.webInputs) return undefined;
  return api<WebInputList>(`/web-inputs?run=${encodeURIComponent(runId)}&state=open`);
}

async function webInputPanel(list: WebInputList | undefined): Promise<HTMLElement | null> {
  if (!list?.available || !list.body.web_input_summaries.length) return null;
  const panel = h("div", { class: "web-inputs", id: "web-inputs" }, h("h3", {}, "Waiting for your input"));
  for (const s of list.body.web_input_summaries) {
    const one = await api<Maybe<{ id: string; context?: { title?: string; text?: string; presentation_style?: string; rows?: { field: string; value: unknown }[] }; options?: { option_id: string; label: string; description?: string }[]; input_schema?: unknown }>>(`/web-inputs/${encodeURIComponent(s.id)}`);
    if (!one.available) continue;
    const w = one.body;
    const msg = h("div", { class: "form-status" });
    const respond = async (value: unknown) => {
      try {
        await api(`/web-inputs/${encodeURIComponent(w.id)}/respond`, { value });
        msg.replaceChildren("answered");
      } catch (e) {
        msg.replaceChildren(errorBox(e));
      }
    };
    panel.append(
      h("div", { class: "web-input", "data-web-input": w.id }, h("strong", {}, w.context?.title ?? s.title ?? "input"), w.context?.text ? h("p", {}, w.context.text) : null, w.context?.rows?.length ? h("table", { class: "web-input-context" }, h("tbody", {}, ...w.context.rows.map((r) => h("tr", {}, h("th", {}, r.field), h("td", {}, typeof r.value === "string" ? r.value : JSON.stringify(r.value)))))) : null, w.options?.length ? h("div", { class: "actions" }, ...w.options.map((o) => h("button", { title: o.description ?? "", "data-option": o.option_id, onclick: () => respond(o.option_id) }, o.label))) : (() => {
        const ta = h("textarea", { rows: 3, placeholder: "JSON value" }) as HTMLTextAreaElement;
        return h("div", {}, ta, h("button", { onclick: () => { let v: unknown = ta.value; try { v = JSON.parse(ta.value); } catch { /* a plain string */ } void respond(v); } }, "Send"));
      })(), msg),
    );
  }
  return panel;
}

async function runPage(id: string): Promise<void> {
  const v = view;
  page(v, `Run ${id.slice(0, 8)}`, h("p", { class: "muted" }, "loading…"));
  const head = h("div", { id: "run-head" });
  const webPanel = h("div", {});
  const timeline = h("table", { class: "timeline", id: "timeline" });
  const chart = h("div", {});
  const failure = h("div", {});
  const actions = h("div", { class: "actions" });
  const detail = h("div", { class: "step-detail", id: "step-detail" });
  let shownInputs = "";
  // The flow's graph with the states this run went through, when the flow is one of this project's.
  let graphSource: string | null | undefined;
  const graphBox = h("div", {});
  let drawRunGraph = () => {};
  const act = (what: "cancel" | "resume" | "release") => async () => {
    if (what === "release" && !confirm("Delete this run's record?")) return;
    try {
      await api(`/runs/${id}/${what}`, {});
      if (what === "release") location.hash = "#/runs";
      else void refresh();
    } catch (e) {
      actions.append(errorBox(e));
    }
  };
  const refresh = async (): Promise<boolean> => {
    const [run, log] = await Promise.all([api<Run>(`/runs/${id}`), api<{ entries: Entry[] }>(`/runs/${id}/log`)]);
    const steps = stepsOf(log.entries);
    head.replaceChildren(h("div", { class: "run-status" }, statusBadge(run.status), " ", h("span", { id: "run-status" }, run.status)), h("dl", {}, h("dt", {}, "Flow"), h("dd", {}, run.flow_title ?? run.flow_id), h("dt", {}, "Label"), h("dd", {}, run.label ?? ""), h("dt", {}, "Tags"), h("dd", {}, (run.tags ?? []).filter((t) => !t.startsWith("flowsmith-start:")).join(", ")), h("dt", {}, "Started"), h("dd", {}, fmtTime(run.start_time)), h("dt", {}, "Completed"), h("dd", {}, fmtTime(run.completion_time)), h("dt", {}, "Run id"), h("dd", {}, h("code", {}, run.run_id))));
    fill(actions, !FINAL.has(run.status) ? h("button", { id: "cancel", onclick: act("cancel") }, "Cancel") : null, run.status === "INACTIVE" ? h("button", { id: "resume", onclick: act("resume") }, "Resume") : null, FINAL.has(run.status) ? h("button", { id: "release", onclick: act("release") }, "Release") : null);
    timeline.replaceChildren(
      h("thead", {}, h("tr", {}, ...["Time", "Event", "State", "Type", "Duration"].map((t) => h("th", {}, t)))),
      h("tbody", {}, ...log.entries.map((e) => {
        const d = e.details ?? {};
        const step = steps.find((s) => s.state === d.state_name && (s.start === e.time || s.end === e.time));
        const dur = step?.end && e.time === step.end ? fmtDuration(Date.parse(step.end) - Date.parse(step.start)) : "";
        return h("tr", { class: `code-${e.code}`, "data-code": e.code, onclick: () => detail.replaceChildren(h("h3", {}, `${e.code}${d.state_name ? ` · ${String(d.state_name)}` : ""}`), step ? h("div", { class: "io" }, h("div", {}, h("h4", {}, "Input"), json(step.input ?? null)), h("div", {}, h("h4", {}, "Output"), json(step.output ?? null))) : json(d)) }, h("td", {}, fmtTime(e.time).slice(11)), h("td", {}, h("code", {}, e.code)), h("td", {}, String(d.state_name ?? "")), h("td", {}, String(d.state_type ?? "")), h("td", {}, dur));
      })),
    );
    fill(chart, functionResults(steps), barChart(steps));
    drawRunGraph = () => {
      if (!graphSource) return;
      const showStep = (state: string) => {
        const st = [...steps].reverse().find((x) => x.state === state);
        detail.replaceChildren(h("h3", {}, state), st ? h("div", { class: "io" }, h("div", {}, h("h4", {}, "Input"), json(st.input ?? null)), h("div", {}, h("h4", {}, "Output"), json(st.output ?? null))) : h("p", { class: "muted" }, "not reached by this run"));
      };
      fill(graphBox, h("h3", {}, "Graph"), h("div", { class: "graph-box run-graph", id: "run-graph" }, drawGraph(graphSource, showStep, new Set(steps.map((x) => x.state)), new Set(FINAL.has(run.status) ? [] : steps.filter((x) => !x.end).map((x) => x.state)))));
    };
    if (graphSource === undefined) {
      // Looked up once and off the refresh path: building the project's flows can take a moment.
      graphSource = null;
      void (async () => {
        const { flows } = await api<{ flows: FlowSummary[] }>("/flows").catch(() => ({ flows: [] as FlowSummary[] }));
        const f = flows.find((x) => x.environments.some((e) => e.environment === info.environment && e.id === run.flow_id));
        if (f) graphSource = (await api<FlowDetail>(`/flows/${encodeURIComponent(f.name)}`).catch(() => ({}) as FlowDetail)).mermaid ?? null;
        drawRunGraph();
      })();
    } else drawRunGraph();
    failure.replaceChildren(failureOf(run, log.entries) ?? "");
    if (run.status === "SUCCEEDED" && !detail.childNodes.length) detail.replaceChildren(h("h3", {}, "Output"), json((run.details as { output?: unknown } | undefined)?.output ?? {}));
    // Rebuilt only when the set of open inputs changes, so a click is never lost to a refresh.
    const open = run.status === "ACTIVE" ? await openWebInputs(id).catch(() => undefined) : undefined;
    const key = open?.available ? open.body.web_input_summaries.map((w) => w.id).join(",") : "";
    if (key !== shownInputs) {
      shownInputs = key;
      fill(webPanel, key ? await webInputPanel(open).catch((e) => errorBox(e)) : null);
    }
    return !FINAL.has(run.status);
  };
  page(v, `Run ${id.slice(0, 8)}`, head, actions, webPanel, failure, h("div", { class: "run-body" }, h("div", {}, h("h3", {}, "Timeline"), h("p", { class: "muted" }, "click an event for its step's input and output"), timeline), h("div", {}, detail, chart, graphBox)));
  poll(v, refresh, 1000);
}

async function timersPage(): Promise<void> {
  const v = view;
  const load = async (): Promise<boolean> => {
    const r = await api<Maybe<{ jobs: { job_id: string; name: string; status: string; next_run?: string | null; last_ran_at?: string | null; n_runs?: number; n_errors?: number; inactive_reason?: { cause: string } | null; results?: { data?: { status?: number; run_status?: string; data?: { status?: string } | null }[] } }[] }>>("/timers");
    if (!r.available) {
      page(v, "Timers", h("p", { class: "muted" }, r.reason));
      return false;
    }
    page(v, 
      "Timers",
      h("table", { class: "timers", id: "timers-table" }, h("thead", {}, h("tr", {}, ...["Name", "Status", "Next run", "Last run", "Runs", "Errors", "Last result", ""].map((t) => h("th", {}, t)))), h("tbody", {}, ...r.body.jobs.map((j) => {
        const r0 = j.results?.data?.[0];
        const last = r0 ? String(r0.run_status ?? r0.data?.status ?? r0.status ?? "") : "";
        const paused = j.status !== "loaded" && j.status !== "new";
        return h("tr", { "data-timer": j.job_id }, h("td", {}, j.name), h("td", { class: "timer-status" }, j.status === "inactive" && j.inactive_reason?.cause === "user" ? "paused (inactive)" : j.status, j.inactive_reason && j.inactive_reason.cause !== "user" ? h("div", { class: "muted" }, j.inactive_reason.cause) : null), h("td", {}, fmtTime(j.next_run)), h("td", {}, fmtTime(j.last_ran_at)), h("td", {}, String(j.n_runs ?? "")), h("td", {}, String(j.n_errors ?? "")), h("td", {}, last), h("td", {}, h("button", { onclick: () => api(`/timers/${j.job_id}/${paused ? "resume" : "pause"}`, {}).then(load) }, paused ? "Resume" : "Pause")));
      }))),
    );
    return true;
  };
  poll(v, load, 5000);
}

async function inputsPage(): Promise<void> {
  const v = view;
  const r = await api<Maybe<{ web_input_summaries: { id: string; title?: string; status: string; run?: { id: string; label?: string }; flow?: { title?: string } }[] }>>("/web-inputs?state=open");
  if (!r.available) return page(v, "Web inputs", h("p", { class: "muted" }, r.reason));
  page(v, "Web inputs", h("table", {}, h("tbody", {}, ...r.body.web_input_summaries.map((w) => h("tr", {}, h("td", {}, w.title ?? w.id), h("td", {}, w.flow?.title ?? ""), h("td", {}, w.run ? h("a", { href: `#/runs/${w.run.id}` }, w.run.label ?? w.run.id) : ""))))));
}

async function route(): Promise<void> {
  stopPolling();
  const v = ++view;
  const [path = "", qs = ""] = location.hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  document.getElementById("nav")?.replaceWith(Object.assign(nav(), { id: "nav" }));
  try {
    if (parts[0] === "flows" && parts[1] && parts[2] === "start") await startPage(parts[1]);
    else if (parts[0] === "flows" && parts[1]) await flowPage(parts[1]);
    else if (parts[0] === "runs" && parts[1]) await runPage(parts[1]);
    else if (parts[0] === "runs") await runsPage(new URLSearchParams(qs));
    else if (parts[0] === "timers") await timersPage();
    else if (parts[0] === "inputs") await inputsPage();
    else await flowsPage();
  } catch (e) {
    if (v === view) app.replaceChildren(errorBox(e));
  }
}

async function boot(): Promise<void> {
  const secret = takeSecret();
  if (!secret) {
    app.replaceChildren(h("div", { class: "error-box" }, "Open this page with the URL `flowsmith ui` printed (it carries this server's secret)."));
    return;
  }
  try {
    info = await api<Info>("/info");
  } catch (e) {
    app.replaceChildren(errorBox(e));
    return;
  }
  // Panels of services this environment may not have: shown only when they answer.
  const [wi, tm] = await Promise.all([api<Maybe<unknown>>("/web-inputs?state=open").catch(() => ({ available: false })), api<Maybe<unknown>>("/timers").catch(() => ({ available: false }))]);
  features.webInputs = wi.available;
  features.timers = tm.available;
  const n = nav();
  n.id = "nav";
  document.body.prepend(n);
  window.addEventListener("hashchange", () => void route());
  await route();
}

void boot();

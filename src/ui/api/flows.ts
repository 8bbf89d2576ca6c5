/**
 * The project view of `flowsmith ui`: every flow of the project built and checked as
 * `flowsmith build` does (located diagnostics), its deployed state per environment read
 * offline from the lock (deployed, changed since, id), and one flow's definition, graph
 * (the Mermaid text of `flowsmith graph`), input schema and state locations.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { CompiledFlow } from "../../compile/compile.js";
import { toMermaid } from "../../compile/render-graph.js";
import type { Diagnostic } from "../../definition/diagnostics.js";
import { flowPayload, functionHash } from "../../deploy/deploy.js";
import { envLock, lockPath, readLock } from "../../deploy/lock.js";
import type { AnyFlowSource } from "../../dsl/flow.js";
import { CliError } from "../../errors.js";
import { checkFlowFile, type FileResult } from "../../project/check.js";
import type { EnvironmentConfig, ProjectConfig } from "../../project/config.js";
import { listFlowFiles } from "../../project/load-flow.js";
import { environmentSchema } from "../../run/start.js";

export type { UiDiagnostic, EnvironmentStatus, FlowSummary } from "../contract.js";
import type { EnvironmentStatus, FlowSummary, UiDiagnostic } from "../contract.js";

interface Built {
  key: string;
  file: string;
  results: FileResult[];
  compiled?: CompiledFlow;
  source?: AnyFlowSource;
}

const mtime = (p: string | undefined) => (p && existsSync(p) ? statSync(p).mtimeMs : 0);

/** Builds flows on demand, again only when a flow file or its schema file changed. */
export class FlowCatalog {
  private readonly cache = new Map<string, Built>();

  constructor(private readonly config: ProjectConfig) {}

  files(): string[] {
    return listFlowFiles(this.config.root);
  }

  nameOf(file: string): string {
    return file.split("/").pop()!.replace(/\.flow\.ts$/, "");
  }

  async build(file: string, force = false): Promise<Built> {
    const prior = this.cache.get(file);
    const key = `${mtime(file)}:${mtime(prior?.compiled?.schemaFile)}:${mtime(join(this.config.root, "schemas", `${this.nameOf(file)}.json`))}`;
    if (prior && prior.key === key && !force) return prior;
    const { results, loaded } = await checkFlowFile(file);
    const built: Built = { key, file, results, ...(loaded.compiled ? { compiled: loaded.compiled } : {}), ...(loaded.source ? { source: loaded.source } : {}) };
    this.cache.set(file, built);
    return built;
  }

  async byName(name: string): Promise<Built | undefined> {
    const file = this.files().find((f) => this.nameOf(f) === name);
    return file ? this.build(file) : undefined;
  }

  private diagnostics(b: Built): UiDiagnostic[] {
    return b.results.flatMap((r) =>
      r.diagnostics.map((d: Diagnostic) => ({
        file: relative(this.config.root, d.source?.file ?? r.file),
        code: d.code,
        severity: d.severity,
        message: d.message,
        pointer: d.pointer,
        ...(d.source ? { line: d.source.line, column: d.source.column } : {}),
        ...(d.hint ? { hint: d.hint } : {}),
      })),
    );
  }

  status(flow: CompiledFlow, env: EnvironmentConfig): EnvironmentStatus {
    const base = { environment: env.name, kind: env.kind };
    let el;
    try {
      el = envLock(readLock(lockPath(this.config, env)), env.name);
    } catch (e) {
      return { ...base, deployed: false, problem: (e as Error).message };
    }
    const entry = el.flows[flow.name];
    if (!entry) return { ...base, deployed: false };
    const fnIds = Object.fromEntries(Object.entries(el.functions).map(([k, v]) => [k, v.id]));
    try {
      const payloadChanged = flowPayload(this.config, env, flow, fnIds).hash !== entry.hash;
      const fnChanged = flow.functions.some((f) => {
        const p = join(this.config.root, "functions", `${f}.py`);
        return !el.functions[f] || !existsSync(p) || functionHash(f, readFileSync(p, "utf8")) !== el.functions[f]!.hash;
      });
      return { ...base, deployed: true, id: entry.id, changed: payloadChanged || fnChanged };
    } catch (e) {
      return { ...base, deployed: true, id: entry.id, problem: e instanceof CliError ? e.message : String(e) };
    }
  }

  summary(b: Built): FlowSummary {
    const c = b.compiled;
    const diagnostics = this.diagnostics(b);
    return {
      name: c?.name ?? this.nameOf(b.file),
      file: relative(this.config.root, b.file),
      ...(c ? { title: c.title, ...(c.subtitle ? { subtitle: c.subtitle } : {}), ...(c.description ? { description: c.description } : {}) } : {}),
      keywords: c?.keywords ?? [],
      ok: !!c && !diagnostics.some((d) => d.severity === "error"),
      diagnostics,
      environments: c ? Object.values(this.config.environments).map((env) => this.status(c, env)) : [],
      rundir: typeof b.source?.rundir === "function",
    };
  }

  async list(force = false): Promise<FlowSummary[]> {
    const out: FlowSummary[] = [];
    for (const f of this.files()) out.push(this.summary(await this.build(f, force)));
    return out;
  }

  /** One flow for its page: the summary, the definition, the graph, the schema for `env`. */
  async detail(name: string, env: EnvironmentConfig): Promise<Record<string, unknown> | undefined> {
    const b = await this.byName(name);
    if (!b) return undefined;
    const c = b.compiled;
    if (!c) return { ...this.summary(b) };
    let schema: unknown;
    let schemaProblem: string | undefined;
    try {
      schema = environmentSchema(this.config, env, c);
    } catch (e) {
      schemaProblem = (e as Error).message;
      schema = c.inputSchema;
    }
    const states = Object.fromEntries(
      Object.keys(c.definition.States).map((s) => {
        const site = c.sourceMap.get(`/States/${s}`);
        return [s, site ? { file: relative(this.config.root, site.file), line: site.line, column: site.column } : null];
      }),
    );
    return { ...this.summary(b), definition: c.definition, mermaid: toMermaid(c.definition), inputSchema: schema, ...(schemaProblem ? { schemaProblem } : {}), stateSources: states, environment: env.name };
  }
}

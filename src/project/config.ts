/**
 * flowsmith.yaml: environments (`local` and any number of real ones) with their
 * collections, compute endpoints, per-environment values and credential source; a
 * default environment. Unknown keys and bad values are reported with file:line.
 */
import { existsSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { ErrorObject } from "ajv";
import { diag, type Diagnostic } from "../definition/diagnostics.js";
import { readDocumentFile } from "../source/document.js";
import type { ValidateFunction } from "ajv";
import { cachedValidators } from "../validate/compiled-cache.js";
import { closest } from "../validate/context.js";
import { CliError, EXIT } from "../errors.js";

export interface CollectionEntry {
  id: string;
  /** Local environments: the directory the collection serves. */
  root?: string;
  display_name?: string;
  /** What `collection_info` reports (Transfer `entity_type`); local default GCSv5_mapped_collection. */
  entity_type?: string;
  /** Owner identity URN or UUID of a local collection (default: anyone the runtime authenticates is an owner). */
  owner?: string;
}

/**
 * How the local runtime settles what Globus sources disagree on (each default is argued
 * where it is used: src/engine/interpreter.ts EngineOptions).
 */
export interface EmulationConfig {
  exception_on_action_failure_default?: boolean;
  canceled_status?: "FAILED" | "ENDED";
  /** Seconds an open web input waits for a response before it expires (Flows.WebInputExpired). */
  web_input_expires_in?: number;
}

/** A registered API the local runtime serves: id -> an HTTP action-provider target. */
export interface RegisteredApiEntry {
  id: string;
  /** The HTTP operation's URL (OpenAPI target.destination.url; `{name}` filled from path parameters). */
  url: string;
  /** get, post, put, patch or delete (default post). */
  method?: string;
  description?: string;
  /** `urn:globus:flows:handle:…` names that resolve to this API. */
  handles?: string[];
  scope?: string;
}

export interface EndpointEntry {
  id: string;
  workers?: number;
  python?: string;
  path_prefix?: string[];
  /** Set in the local workers' environment. */
  env?: Record<string, string>;
  /** Variables the local workers inherit from the runtime's environment beyond PATH, HOME, LANG, TMPDIR… */
  pass_env?: string[];
  task_timeout?: number;
}

export interface EnvironmentConfig {
  name: string;
  kind: "local" | "globus";
  /** GLOBUS_SDK_ENVIRONMENT for real environments (production, preview, sandbox…). */
  globus_environment?: string;
  data_dir?: string;
  port?: number;
  collections: Record<string, CollectionEntry>;
  compute_endpoints: Record<string, EndpointEntry>;
  /** Values for `${env:name}` placeholders and rundir mappers. */
  values: Record<string, unknown>;
  credentials: "client" | "login" | "auto";
  /** Principals granted roles on every deployed flow. */
  roles?: Partial<Record<"flow_viewers" | "flow_starters" | "flow_administrators" | "run_managers" | "run_monitors", string[]>>;
  subscription_id?: string;
  emulation?: EmulationConfig;
  /** Local environments: registered APIs by logical name. */
  registered_apis?: Record<string, RegisteredApiEntry>;
  /** Local environments: Globus groups by logical name (id + member identity URNs). */
  groups?: Record<string, { id: string; members: string[] }>;
}

/** A recurring timer declared in flowsmith.yaml (`timers.<name>`), deployed by deploy-flow with its flow. */
export interface ConfigTimer {
  flow: string;
  every: string;
  start?: string;
  stop_after_runs?: number;
  stop_after_date?: string;
  /** The run input; `${env:…}` placeholders take this environment's values. */
  input: unknown;
  label?: string;
  tags?: string[];
  /** Only these environments (default: every one). */
  environments?: string[];
}

export interface ProjectConfig {
  file?: string;
  root: string;
  project: string;
  default_environment: string;
  environments: Record<string, EnvironmentConfig>;
  timers?: Record<string, ConfigTimer>;
}

const UUID = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
const NAME = "^[A-Za-z_][A-Za-z0-9_.-]*$";
const PRINCIPAL = "^(urn:globus:(auth:identity|groups:id):[0-9a-fA-F-]{36}|public|all_authenticated_users)$";

/** A map of logical names to entries that each carry a UUID `id`. */
function namedEntries(properties: Record<string, unknown>) {
  return {
    type: "object",
    propertyNames: { pattern: NAME },
    additionalProperties: { type: "object", additionalProperties: false, required: ["id"], properties: { id: { type: "string", pattern: UUID }, ...properties } },
  };
}

const SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    project: { type: "string", pattern: "^[a-z0-9][a-z0-9_.-]{0,63}$" },
    default_environment: { type: "string" },
    timers: {
      type: "object",
      propertyNames: { pattern: "^[A-Za-z0-9_.-]+$" },
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        required: ["flow", "every", "input"],
        properties: {
          flow: { type: "string", pattern: "^[a-z0-9_-]+$" },
          every: { type: "string", minLength: 1 },
          start: { type: "string" },
          stop_after_runs: { type: "integer", minimum: 1 },
          stop_after_date: { type: "string" },
          input: {},
          label: { type: "string", maxLength: 64 },
          tags: { type: "array", items: { type: "string" } },
          environments: { type: "array", items: { type: "string" } },
        },
      },
    },
    environments: {
      type: "object",
      minProperties: 1,
      propertyNames: { pattern: NAME },
      additionalProperties: {
        type: "object",
        additionalProperties: false,
        properties: {
          kind: { enum: ["local", "globus"] },
          globus_environment: { enum: ["production", "preview", "sandbox", "integration", "test", "staging"] },
          data_dir: { type: "string" },
          port: { type: "integer", minimum: 0, maximum: 65535 },
          credentials: { enum: ["client", "login", "auto"] },
          subscription_id: { type: "string", pattern: UUID },
          collections: namedEntries({
            root: { type: "string", minLength: 1 },
            display_name: { type: "string" },
            entity_type: { enum: ["GCSv5_mapped_collection", "GCSv5_guest_collection", "GCP_mapped_collection", "GCP_guest_collection", "GCSv5_endpoint", "GCSv4_host", "GCSv4_share"] },
            owner: { type: "string", minLength: 1 },
          }),
          emulation: {
            type: "object",
            additionalProperties: false,
            properties: {
              exception_on_action_failure_default: { type: "boolean" },
              canceled_status: { enum: ["FAILED", "ENDED"] },
              web_input_expires_in: { type: "integer", minimum: 1 },
            },
          },
          registered_apis: namedEntries({
            url: { type: "string", pattern: "^https?://\\S+$" },
            method: { enum: ["get", "post", "put", "patch", "delete", "GET", "POST", "PUT", "PATCH", "DELETE"] },
            description: { type: "string" },
            handles: { type: "array", items: { type: "string", pattern: "^urn:globus:flows:handle:\\S+$" } },
            scope: { type: "string" },
          }),
          groups: namedEntries({ members: { type: "array", items: { type: "string", pattern: "^urn:globus:auth:identity:[0-9a-fA-F-]{36}$" } } }),
          compute_endpoints: namedEntries({
            workers: { type: "integer", minimum: 1, maximum: 64 },
            python: { type: "string" },
            path_prefix: { type: "array", items: { type: "string" } },
            env: { type: "object", additionalProperties: { type: "string" } },
            pass_env: { type: "array", items: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*$" } },
            task_timeout: { type: "number", exclusiveMinimum: 0 },
          }),
          values: { type: "object" },
          roles: {
            type: "object",
            additionalProperties: false,
            properties: Object.fromEntries(["flow_viewers", "flow_starters", "flow_administrators", "run_managers", "run_monitors"].map((r) => [r, { type: "array", maxItems: 16, items: { type: "string", pattern: PRINCIPAL } }])),
          },
        },
      },
    },
  },
} as const;

export interface LoadedConfig {
  config?: ProjectConfig;
  diagnostics: Diagnostic[];
}

/** The configuration used when a project has no flowsmith.yaml: one local environment. */
export function defaultConfig(root: string): ProjectConfig {
  return {
    root,
    project: (root.split("/").pop() || "flows").toLowerCase().replace(/[^a-z0-9_.-]/g, "-"),
    default_environment: "local",
    environments: { local: { name: "local", kind: "local", data_dir: join(root, ".flowsmith", "local"), collections: {}, compute_endpoints: {}, values: {}, credentials: "auto" } },
  };
}

function message(e: ErrorObject): { text: string; pointer: string } {
  if (e.keyword === "additionalProperties") {
    const k = (e.params as { additionalProperty: string }).additionalProperty;
    const allowed = Object.keys(((e.parentSchema as { properties?: object })?.properties ?? {}) as object);
    const guess = closest(k, allowed);
    return { text: `unknown key "${k}"${guess ? ` (did you mean "${guess}"?)` : allowed.length ? ` (allowed: ${allowed.join(", ")})` : ""}`, pointer: `${e.instancePath}/${k}` };
  }
  if (e.keyword === "pattern" && String((e.params as { pattern: string }).pattern) === UUID) return { text: `${e.instancePath} must be a UUID`, pointer: e.instancePath };
  if (e.keyword === "enum") return { text: `${e.instancePath} must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`, pointer: e.instancePath };
  if (e.keyword === "required") return { text: `${e.instancePath || "entry"} is missing "${(e.params as { missingProperty: string }).missingProperty}"`, pointer: e.instancePath };
  return { text: `${e.instancePath || "flowsmith.yaml"} ${e.message ?? "is invalid"}`, pointer: e.instancePath };
}

// verbose: errors carry their schema, so an unknown key can be answered with the allowed ones.
let validate: ValidateFunction | undefined;

export function loadProjectConfig(rootIn: string): LoadedConfig {
  const root = resolve(rootIn);
  const file = join(root, "flowsmith.yaml");
  if (!existsSync(file)) return { config: defaultConfig(root), diagnostics: [] };
  const doc = readDocumentFile(file);
  if (!doc.ok) return { diagnostics: doc.diagnostics };
  // An empty (or comments-only) file and a file whose top level is not a mapping are said so
  // plainly, instead of surfacing later as a missing default environment.
  if (doc.value === undefined || doc.value === null) {
    return { diagnostics: [diag("CONFIG_INVALID", "", "flowsmith.yaml is empty", { source: { file, line: 1, column: 1 }, hint: "declare at least `environments: { local: {} }`, or delete the file to use the defaults (`flowsmith init` writes a complete one)" })] };
  }
  if (typeof doc.value !== "object" || Array.isArray(doc.value)) {
    return { diagnostics: [diag("CONFIG_INVALID", "", `flowsmith.yaml must be a mapping of keys (project, default_environment, environments), not ${Array.isArray(doc.value) ? "a list" : `a ${typeof doc.value}`}`, { source: doc.locate("") ?? { file, line: 1, column: 1 } })] };
  }
  const value = doc.value as Record<string, unknown>;
  validate ??= cachedValidators("flowsmith-yaml", { config: SCHEMA as object }, { verbose: true }).get("config")!;
  const diagnostics: Diagnostic[] = [...doc.diagnostics];
  if (!validate(value)) {
    for (const e of validate.errors ?? []) {
      const m = message(e);
      diagnostics.push(diag("CONFIG_INVALID", m.pointer, m.text, { source: doc.locate(m.pointer) ?? { file, line: 1, column: 1 } }));
    }
    return { diagnostics };
  }
  const envs: Record<string, EnvironmentConfig> = {};
  const raw = (value.environments ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, e] of Object.entries(raw)) {
    const kind = (e.kind as "local" | "globus" | undefined) ?? (name === "local" ? "local" : "globus");
    const collections = (e.collections ?? {}) as Record<string, CollectionEntry>;
    for (const [cname, c] of Object.entries(collections)) {
      if (kind === "local" && !c.root) {
        const ptr = `/environments/${name}/collections/${cname}`;
        diagnostics.push(diag("CONFIG_INVALID", ptr, `local collection "${cname}" needs a "root" directory`, { source: doc.locate(ptr) ?? { file, line: 1, column: 1 } }));
      }
      if (c.root) c.root = isAbsolute(c.root) ? c.root : resolve(root, c.root);
    }
    const env: EnvironmentConfig = {
      name,
      kind,
      collections,
      compute_endpoints: (e.compute_endpoints ?? {}) as Record<string, EndpointEntry>,
      values: (e.values ?? {}) as Record<string, unknown>,
      credentials: (e.credentials as EnvironmentConfig["credentials"]) ?? (kind === "local" ? "auto" : "auto"),
    };
    if (typeof e.globus_environment === "string") env.globus_environment = e.globus_environment;
    if (kind === "local") {
      env.data_dir = resolve(root, (e.data_dir as string | undefined) ?? ".flowsmith/local");
      if (typeof e.port === "number") env.port = e.port;
    }
    if (e.roles) env.roles = e.roles as EnvironmentConfig["roles"];
    if (typeof e.subscription_id === "string") env.subscription_id = e.subscription_id;
    if (e.emulation) env.emulation = e.emulation as EmulationConfig;
    if (e.registered_apis) {
      env.registered_apis = e.registered_apis as Record<string, RegisteredApiEntry>;
      for (const [rname, r] of Object.entries(env.registered_apis)) {
        if (!r.url) {
          const ptr = `/environments/${name}/registered_apis/${rname}`;
          diagnostics.push(diag("CONFIG_INVALID", ptr, `registered API "${rname}" needs a "url" (the HTTP target its Action states are sent to)`, { source: doc.locate(ptr) ?? { file, line: 1, column: 1 } }));
        }
      }
    }
    if (e.groups) env.groups = Object.fromEntries(Object.entries(e.groups as Record<string, { id: string; members?: string[] }>).map(([g, v]) => [g, { id: v.id, members: v.members ?? [] }]));
    envs[name] = env;
  }
  const dflt = (value.default_environment as string | undefined) ?? (envs.local ? "local" : Object.keys(envs)[0]!);
  if (!envs[dflt]) diagnostics.push(diag("CONFIG_INVALID", "/default_environment", `default_environment "${dflt}" is not one of the environments (${Object.keys(envs).join(", ")})`, { source: doc.locate("/default_environment") ?? { file, line: 1, column: 1 } }));
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };
  const timers = value.timers as Record<string, ConfigTimer> | undefined;
  for (const [name, t] of Object.entries(timers ?? {})) {
    for (const e of t.environments ?? []) {
      const ptr = `/timers/${name}/environments`;
      if (!envs[e]) diagnostics.push(diag("CONFIG_INVALID", ptr, `timer "${name}" names environment "${e}", which is not one of ${Object.keys(envs).join(", ")}`, { source: doc.locate(ptr) ?? { file, line: 1, column: 1 } }));
    }
  }
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };
  return { config: { file, root, project: (value.project as string | undefined) ?? defaultConfig(root).project, default_environment: dflt, environments: envs, ...(timers ? { timers } : {}) }, diagnostics };
}

/** The environment a command works in: --env, FLOWSMITH_ENV, or the default. */
export function selectEnvironment(config: ProjectConfig, name?: string): EnvironmentConfig {
  const want = name ?? process.env.FLOWSMITH_ENV ?? config.default_environment;
  const env = config.environments[want];
  if (!env) throw new CliError(`no environment "${want}" in ${config.file ?? "flowsmith.yaml"}`, EXIT.INVALID, `environments: ${Object.keys(config.environments).join(", ")}`);
  return env;
}

export function requireProjectConfig(root: string): ProjectConfig {
  const loaded = loadProjectConfig(root);
  if (!loaded.config) throw configError(loaded.diagnostics);
  return loaded.config;
}

/** One message for a broken flowsmith.yaml, whichever command found it: `file:line:col: what` and the fix. */
export function configError(diagnostics: Diagnostic[]): CliError {
  const errors = diagnostics.filter((d) => d.severity === "error");
  // The location is said once, in front: drop a repeated file prefix and " at line L, column C".
  const text = (d: Diagnostic) => (d.source ? d.message.replace(`${d.source.file}: `, "").replace(/ at line \d+, column \d+$/, "") : d.message);
  const at = (d: Diagnostic) => `${d.source ? `${relativeFile(d.source.file)}:${d.source.line}:${d.source.column}: ` : ""}${text(d)}`;
  const hint = errors.find((d) => d.hint)?.hint;
  if (errors.length === 1) return new CliError(at(errors[0]!), EXIT.INVALID, hint);
  return new CliError(`flowsmith.yaml is invalid:\n${errors.map((d) => `  ${at(d)}`).join("\n")}`, EXIT.INVALID, hint);
}

function relativeFile(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : file;
}

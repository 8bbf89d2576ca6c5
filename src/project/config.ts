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
import { CONFIG_SCHEMA, UUID_PATTERN as UUID } from "./config-schema.js";
import type { CollectionEntry, ConfigFile, ConfigTimer, EndpointEntry, EnvironmentEntry, GroupEntry, RegisteredApiEntry } from "./config-types.js";

// The file's shape comes from its schema (config-schema.ts -> config-types.ts); what follows
// is the configuration after loading: defaults applied, paths resolved, names attached.
export type { CollectionEntry, ConfigFile, ConfigTimer, EmulationConfig, EndpointEntry, EnvironmentEntry, GroupEntry, RegisteredApiEntry, RolesEntry } from "./config-types.js";

/** One environment after loading: its name, its kind and credentials decided, its maps present. */
export interface EnvironmentConfig extends Omit<EnvironmentEntry, "kind" | "credentials" | "collections" | "compute_endpoints" | "values" | "groups" | "registered_apis"> {
  name: string;
  kind: NonNullable<EnvironmentEntry["kind"]>;
  collections: Record<string, CollectionEntry>;
  compute_endpoints: Record<string, EndpointEntry>;
  values: Record<string, unknown>;
  credentials: NonNullable<EnvironmentEntry["credentials"]>;
  /** Local environments: Globus groups by logical name (id + member identity URNs). */
  groups?: Record<string, Required<GroupEntry>>;
  /** Local environments: registered APIs by logical name (the loader has checked each has a url). */
  registered_apis?: Record<string, RegisteredApiEntry & { url: string }>;
}

/** flowsmith.yaml after loading (or the defaults when a project has none). */
export interface ProjectConfig {
  /** The flowsmith.yaml read; absent for the defaults. */
  file?: string;
  root: string;
  project: string;
  default_environment: string;
  environments: Record<string, EnvironmentConfig>;
  timers?: Record<string, ConfigTimer>;
}

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
  const doc = readDocumentFile(file, { cache: true });
  if (!doc.ok) return { diagnostics: doc.diagnostics };
  // An empty (or comments-only) file and a file whose top level is not a mapping are said so
  // plainly, instead of surfacing later as a missing default environment.
  if (doc.value === undefined || doc.value === null) {
    return { diagnostics: [diag("CONFIG_INVALID", "", "flowsmith.yaml is empty", { source: { file, line: 1, column: 1 }, hint: "declare at least `environments: { local: {} }`, or delete the file to use the defaults (`flowsmith init` writes a complete one)" })] };
  }
  if (typeof doc.value !== "object" || Array.isArray(doc.value)) {
    return { diagnostics: [diag("CONFIG_INVALID", "", `flowsmith.yaml must be a mapping of keys (project, default_environment, environments), not ${Array.isArray(doc.value) ? "a list" : `a ${typeof doc.value}`}`, { source: doc.locate("") ?? { file, line: 1, column: 1 } })] };
  }
  const value = doc.value as ConfigFile;
  validate ??= cachedValidators("flowsmith-yaml", { config: CONFIG_SCHEMA as object }, { verbose: true }).get("config")!;
  const diagnostics: Diagnostic[] = [...doc.diagnostics];
  if (!validate(value)) {
    for (const e of validate.errors ?? []) {
      const m = message(e);
      diagnostics.push(diag("CONFIG_INVALID", m.pointer, m.text, { source: doc.locate(m.pointer) ?? { file, line: 1, column: 1 } }));
    }
    return { diagnostics };
  }
  const envs: Record<string, EnvironmentConfig> = {};
  // Past the schema check, the document has the schema's shape.
  for (const [name, e] of Object.entries(value.environments ?? {})) {
    const kind = e.kind ?? (name === "local" ? "local" : "globus");
    const collections: Record<string, CollectionEntry> = e.collections ?? {};
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
      compute_endpoints: e.compute_endpoints ?? {},
      values: e.values ?? {},
      credentials: e.credentials ?? (kind === "local" ? "auto" : "auto"),
    };
    if (typeof e.globus_environment === "string") env.globus_environment = e.globus_environment;
    if (kind === "local") {
      env.data_dir = resolve(root, e.data_dir ?? ".flowsmith/local");
      if (typeof e.port === "number") env.port = e.port;
    }
    if (e.roles) env.roles = e.roles;
    if (typeof e.subscription_id === "string") env.subscription_id = e.subscription_id;
    if (e.emulation) env.emulation = e.emulation;
    if (e.registered_apis) {
      // A missing url is reported below, and the whole load then fails.
      env.registered_apis = e.registered_apis as Record<string, RegisteredApiEntry & { url: string }>;
      for (const [rname, r] of Object.entries(env.registered_apis)) {
        if (!r.url) {
          const ptr = `/environments/${name}/registered_apis/${rname}`;
          diagnostics.push(diag("CONFIG_INVALID", ptr, `registered API "${rname}" needs a "url" (the HTTP target its Action states are sent to)`, { source: doc.locate(ptr) ?? { file, line: 1, column: 1 } }));
        }
      }
    }
    if (e.groups) env.groups = Object.fromEntries(Object.entries(e.groups).map(([g, v]) => [g, { id: v.id, members: v.members ?? [] }]));
    envs[name] = env;
  }
  const dflt = value.default_environment ?? (envs.local ? "local" : Object.keys(envs)[0]!);
  if (!envs[dflt]) diagnostics.push(diag("CONFIG_INVALID", "/default_environment", `default_environment "${dflt}" is not one of the environments (${Object.keys(envs).join(", ")})`, { source: doc.locate("/default_environment") ?? { file, line: 1, column: 1 } }));
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };
  const timers = value.timers;
  for (const [name, t] of Object.entries(timers ?? {})) {
    for (const e of t.environments ?? []) {
      const ptr = `/timers/${name}/environments`;
      if (!envs[e]) diagnostics.push(diag("CONFIG_INVALID", ptr, `timer "${name}" names environment "${e}", which is not one of ${Object.keys(envs).join(", ")}`, { source: doc.locate(ptr) ?? { file, line: 1, column: 1 } }));
    }
  }
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };
  return { config: { file, root, project: value.project ?? defaultConfig(root).project, default_environment: dflt, environments: envs, ...(timers ? { timers } : {}) }, diagnostics };
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

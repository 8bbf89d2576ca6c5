/**
 * `flowsmith init [dir]`: scaffold a flows project from templates/init/ (package.json,
 * tsconfig.json, flowsmith.yaml, an example flow with its schema, generated input type and
 * Compute function with tests, README, .gitignore) plus the CI workflow from
 * templates/github/. Refuses a non-empty directory unless forced.
 */
import { randomUUID } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { parse as parseYaml } from "yaml";
import { generateInputType } from "../compile/typegen.js";
import type { InputSchema } from "../definition/types.js";
import { CliError, EXIT } from "../errors.js";
import { PLACEHOLDER_RE, templatesDir } from "./endpoint-templates.js";
import { classifySpec, detectFlowsmithSpec, type FlowsmithSpec } from "./flowsmith-spec.js";
import { packageVersion } from "../assets.js";

export interface InitOptions {
  /** Project name (flowsmith.yaml `project`, package.json `name`); default: from the directory name. */
  name?: string;
  /** Write into a non-empty directory, overwriting the scaffold's files there. */
  force?: boolean;
  /**
   * The flowsmith dependency spec for package.json (a version range, a git URL, a tarball or
   * directory path); default: the one that resolves to the flowsmith running init.
   */
  flowsmithSpec?: string;
}

export interface InitResult {
  /** Absolute project directory. */
  root: string;
  project: string;
  /** Files written, relative to root, sorted. */
  files: string[];
  /** Those of `files` that existed before (only with force). */
  overwritten: string[];
  /** The sample run directory, ready for `run-flow hello --rundir`. */
  sampleRun: string;
  /** The flowsmith dependency written to package.json, and how it was chosen. */
  flowsmith: FlowsmithSpec;
}

/** The directory is not empty and `force` was not given. */
export class InitConflictError extends CliError {
  constructor(
    readonly root: string,
    /** Scaffold files that already exist there (relative paths). */
    readonly conflicts: string[],
    /** Everything else in the directory. */
    readonly others: string[],
  ) {
    const list = (xs: string[]) => (xs.length > 12 ? [...xs.slice(0, 12), `… ${xs.length - 12} more`] : xs).join(", ");
    super(
      `${root} is not empty` +
        (conflicts.length ? `\n  files init would overwrite: ${list(conflicts)}` : "\n  none of its files would be overwritten") +
        (others.length ? `\n  other entries: ${list(others)}` : ""),
      EXIT.INVALID,
      "choose an empty or new directory, or pass --force to write the scaffold there anyway (it overwrites the files listed)",
    );
    this.name = "InitConflictError";
  }
}

export const PROJECT_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

/** A valid project name made from a directory name. */
export function projectNameFor(dir: string): string {
  const n = basename(resolve(dir))
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .slice(0, 64)
    .replace(/[-.]+$/, "");
  return n || "flows";
}

/** Template files whose `{{ name }}` placeholders are filled (the others are copied as they are). */
const FILLED = new Set(["package.json", "flowsmith.yaml", "README.md"]);
/** npm leaves .gitignore files out of packages, so the template is stored without the dot. */
const RENAMED: Record<string, string> = { gitignore: ".gitignore" };
export const WORKFLOW_PATH = ".github/workflows/flowsmith-publish.yml";
const SAMPLE = "samples/run001";
const EXAMPLE_FLOW = "hello";

function walk(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "__pycache__" || e.name.endsWith(".pyc") || e.name === ".DS_Store") continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p, base));
    else if (e.isFile()) out.push(relative(base, p).split(sep).join("/"));
  }
  return out;
}

function fill(text: string, values: Record<string, string>, file: string): string {
  // package.json takes its values as JSON string contents (a path may hold quotes or backslashes).
  const json = file.endsWith(".json");
  return text.replace(PLACEHOLDER_RE, (m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`templates/init/${file}: no value for ${m}`);
    return json && !v.startsWith("{") ? JSON.stringify(v).slice(1, -1) : v;
  });
}

/**
 * npm 11 asks a project to approve its dependencies' install scripts (package.json
 * `allowScripts`; advisory in npm 11, enforced later): better-sqlite3 builds its native
 * module, esbuild (under tsx) checks its binary, and flowsmith itself builds dist/ when it
 * comes from git or a directory.
 */
export function allowScriptsFor(spec: FlowsmithSpec): Record<string, boolean> {
  return { "better-sqlite3": true, esbuild: true, ...(spec.source === "git" || spec.source === "directory" ? { flowsmith: true } : {}) };
}

/** The flowsmith spec init writes: the one given (checked), or the one that resolves to this flowsmith. */
export function flowsmithSpecFor(given: string | undefined): FlowsmithSpec {
  if (given === undefined) return detectFlowsmithSpec();
  const found = classifySpec(given, process.cwd(), packageVersion());
  if (!found) {
    throw new CliError(
      `--flowsmith-spec ${JSON.stringify(given)} is not a dependency spec npm understands`,
      EXIT.INVALID,
      "give a version range (^0.1.0), a git URL (git+https://host/org/flowsmith.git#v0.1.0), or a path to a tarball or checkout (file:../flowsmith-0.1.0.tgz)",
    );
  }
  return { ...found, how: `from --flowsmith-spec (${found.source})` };
}

/** The scaffold's files and their contents, relative path -> text. */
export async function scaffoldFiles(project: string, spec: FlowsmithSpec = detectFlowsmithSpec()): Promise<Map<string, string>> {
  const templates = templatesDir();
  const values: Record<string, string> = {
    project,
    flowsmith_spec: spec.spec,
    allow_scripts: JSON.stringify(allowScriptsFor(spec), null, 4).replace(/\n}$/, "\n  }"),
    source_id: randomUUID(),
    destination_id: randomUUID(),
    compute_id: randomUUID(),
  };
  const root = join(templates, "init");
  const files = new Map<string, string>();
  for (const rel of walk(root).sort()) {
    const text = readFileSync(join(root, rel), "utf8");
    files.set(RENAMED[rel] ?? rel, FILLED.has(rel) ? fill(text, values, rel) : text);
  }
  files.set(WORKFLOW_PATH, readFileSync(join(templates, "github", "flowsmith-publish.yml"), "utf8"));
  const schema = JSON.parse(files.get(`schemas/${EXAMPLE_FLOW}.json`)!) as InputSchema;
  files.set(`flows/types/${EXAMPLE_FLOW}.input.ts`, await generateInputType(EXAMPLE_FLOW, schema));
  // Cheap guards against a broken template reaching a user.
  JSON.parse(files.get("package.json")!);
  parseYaml(files.get("flowsmith.yaml")!);
  parseYaml(files.get(WORKFLOW_PATH)!);
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Scaffold a project in `dir` (created if missing). */
export async function initProject(dir: string, options: InitOptions = {}): Promise<InitResult> {
  const root = resolve(dir);
  const project = options.name ?? projectNameFor(root);
  if (!PROJECT_NAME.test(project)) {
    throw new CliError(
      `--name ${JSON.stringify(project)} is not a valid project name`,
      EXIT.INVALID,
      "use lower-case letters, digits and _ . - (at most 64, starting with a letter or digit), e.g. --name beamline-flows",
    );
  }
  if (existsSync(root) && !statSync(root).isDirectory()) throw new CliError(`${root} exists and is not a directory`, EXIT.INVALID, "choose a directory for the new project");
  const spec = flowsmithSpecFor(options.flowsmithSpec);
  const files = await scaffoldFiles(project, spec);
  const existing = existsSync(root) ? readdirSync(root).filter((e) => e !== ".git") : [];
  const conflicts = [...files.keys()].filter((f) => existsSync(join(root, f)));
  if (existing.length && !options.force) {
    const tops = new Set(conflicts.map((c) => c.split("/")[0]!));
    throw new InitConflictError(root, conflicts, existing.filter((e) => !tops.has(e)).sort());
  }
  for (const [rel, text] of files) {
    const file = join(root, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text, { mode: 0o644 });
    chmodSync(file, 0o644);
  }
  // The local environment's collections, with the sample run in the source collection.
  const sampleRun = join(root, ".flowsmith", "collections", "source", basename(SAMPLE));
  mkdirSync(join(root, ".flowsmith", "collections", "destination"), { recursive: true });
  if (!existsSync(sampleRun)) cpSync(join(root, SAMPLE), sampleRun, { recursive: true });
  return { root, project, files: [...files.keys()], overwritten: conflicts, sampleRun, flowsmith: spec };
}

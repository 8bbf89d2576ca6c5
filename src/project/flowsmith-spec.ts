/**
 * The dependency spec a new project should use for flowsmith: one that resolves to the very
 * flowsmith that runs `init`, so the `npm install` it prints works as printed. An installed
 * flowsmith knows where it came from through the lock file (or package.json) of the project
 * it was installed into — including npx's own cache project — and a source checkout is a
 * directory dependency. Nothing is assumed about the public registry: a registry spec is
 * written only when this copy came from a registry.
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { packageRoot, packageVersion } from "../assets.js";

export type SpecSource = "registry" | "tarball" | "git" | "directory" | "flag";

export interface FlowsmithSpec {
  /** What goes into package.json, e.g. "^0.1.0", "file:/abs/flowsmith-0.1.0.tgz", "git+https://…#sha". */
  spec: string;
  source: SpecSource;
  /** How it was found, for the init report. */
  how: string;
}

interface LockEntry {
  version?: string;
  resolved?: string;
  link?: boolean;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** Classify a spec or a lock's `resolved`, made absolute against `base` when it is a relative file path. */
export function classifySpec(raw: string, base: string, version: string): FlowsmithSpec | undefined {
  const s = raw.trim();
  if (!s) return undefined;
  if (/^(git\+|git:|github:|gitlab:|bitbucket:)/.test(s) || /^[\w.-]+\/[\w.-]+(#.*)?$/.test(s)) return { spec: s, source: "git", how: `installed from ${s}` };
  if (/^https?:\/\//.test(s)) {
    // npm registries serve tarballs at …/<name>/-/<name>-<version>.tgz.
    if (/\/flowsmith\/-\/flowsmith-[^/]+\.tgz$/.test(s)) return { spec: `^${version}`, source: "registry", how: `installed from the registry (${new URL(s).host})` };
    return { spec: s, source: "tarball", how: `installed from ${s}` };
  }
  if (s.startsWith("file:") || s.startsWith(".") || s.startsWith("/") || s.startsWith("~")) {
    const p = s.replace(/^file:/, "");
    const abs = isAbsolute(p) ? p : resolve(base, p);
    const isTarball = /\.(tgz|tar\.gz|tar)$/.test(abs);
    return { spec: `file:${abs}`, source: isTarball ? "tarball" : "directory", how: `installed from ${abs}` };
  }
  if (/^[\^~<>=*\d]/.test(s) || s === "latest") return { spec: s, source: "registry", how: "installed from the registry" };
  return undefined;
}

/** The project this package was installed into, when it sits at <project>/node_modules/flowsmith. */
function installingProject(pkg: string): string | undefined {
  if (basename(pkg) !== "flowsmith" || basename(dirname(pkg)) !== "node_modules") return undefined;
  return dirname(dirname(pkg));
}

export function detectFlowsmithSpec(pkg = packageRoot(), version = packageVersion()): FlowsmithSpec {
  const project = installingProject(pkg);
  if (project) {
    const lock = readJson(join(project, "package-lock.json")) as { packages?: Record<string, LockEntry> } | undefined;
    const entry = lock?.packages?.["node_modules/flowsmith"];
    if (entry?.resolved) {
      const found = classifySpec(entry.resolved, project, version);
      if (found) return found;
    }
    const manifest = readJson(join(project, "package.json")) as Record<string, Record<string, string> | undefined> | undefined;
    for (const field of ["dependencies", "devDependencies", "optionalDependencies"]) {
      const raw = manifest?.[field]?.flowsmith;
      const found = raw ? classifySpec(raw, project, version) : undefined;
      if (found) return found;
    }
  }
  // A source checkout (or `npm link`): a directory dependency on it. npm links it, so it
  // must stay built (`npm run build` there).
  const dir = existsSync(pkg) ? realpathSync(pkg) : pkg;
  return { spec: `file:${dir}`, source: "directory", how: `running from the checkout at ${dir}` };
}

/**
 * Compute functions of a project (functions/<name>.py) and the one way they are hashed,
 * registered (pure-source `st` serialization, globus-compute.md §1.8) and recorded in the
 * lock file: deploy-flow and `functions register` both go through here, so a function
 * registered by one is "unchanged" for the other.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { readTextFile } from "../source/read-text.js";
import { CliError, EXIT } from "../errors.js";
import { join } from "node:path";
import type { ProjectConfig } from "../project/config.js";
import type { GlobusApi } from "../globus/api.js";
import { ComputeClient, pureSourceRegistration } from "../globus/compute.js";
import { writeLock, type EnvironmentLock, type LockFile } from "./lock.js";

export interface ProjectFunction {
  name: string;
  source: string;
  /** "sha256:" of name and source: what the lock records. */
  hash: string;
}

export function functionHash(name: string, source: string): string {
  return "sha256:" + createHash("sha256").update(`${name}\n${source}`).digest("hex");
}

/** functions/<name>.py, or undefined when there is no such file. */
export function readFunction(root: string, name: string): ProjectFunction | undefined {
  const file = join(root, "functions", `${name}.py`);
  if (!existsSync(file)) return undefined;
  // Hostile input: a binary or non-UTF-8 file is an error with its place, not garbage registered.
  const read = readTextFile(file);
  if (!read.ok) throw new CliError(`functions/${name}.py${read.line ? `:${read.line}:${read.column}` : ""}: ${read.message}`, EXIT.INVALID, read.hint);
  return { name, source: read.text, hash: functionHash(name, read.text) };
}

/** Every functions/*.py whose name is a Python identifier, sorted. */
export function listFunctions(root: string): ProjectFunction[] {
  const dir = join(root, "functions");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^[A-Za-z_][A-Za-z0-9_]*\.py$/.test(f))
    .sort()
    .map((f) => readFunction(root, f.slice(0, -3))!);
}

/** The registration body: pure source, with a description naming the project and file. */
export function registrationOf(config: ProjectConfig, fn: ProjectFunction) {
  return pureSourceRegistration(fn.name, fn.source, { description: `flowsmith ${config.project}: functions/${fn.name}.py` });
}

/**
 * Register `fn` (ComputeClient: POST /v3/functions) and record its id and hash in the
 * lock, written at once so a later failure never registers it twice.
 */
export async function registerFunction(api: GlobusApi, config: ProjectConfig, fn: ProjectFunction, lock: { file: string; lock: LockFile; env: EnvironmentLock }): Promise<string> {
  const id = await new ComputeClient(api).registerFunction(registrationOf(config, fn) as Record<string, unknown>);
  lock.env.functions[fn.name] = { id, hash: fn.hash };
  writeLock(lock.file, lock.lock);
  return id;
}

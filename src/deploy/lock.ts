/**
 * flowsmith.lock.json: per environment, the id and content hash of every deployed flow
 * and function. Real environments live in the committed project lock; the local
 * environment's ids belong to one machine, so its lock lives in the local data directory.
 * Writes are atomic (temp file + rename): a crash never leaves a half-written lock.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from "node:fs";
import { dirname, join } from "node:path";
import type { EnvironmentConfig, ProjectConfig } from "../project/config.js";
import { CliError, EXIT } from "../errors.js";

export interface LockedFunction {
  id: string;
  hash: string;
}

export interface LockedFlow {
  id: string;
  scope: string;
  hash: string;
  keyword: string;
  title?: string;
}

/** A declared timer (`<flow>/<name>`): its id on the Timers service and the hash of what was declared. */
export interface LockedTimer {
  id: string;
  hash: string;
  name: string;
}

export interface EnvironmentLock {
  functions: Record<string, LockedFunction>;
  flows: Record<string, LockedFlow>;
  /** Only present when the environment has declared timers. */
  timers?: Record<string, LockedTimer>;
}

export interface LockFile {
  version: 1;
  environments: Record<string, EnvironmentLock>;
}

export function lockPath(config: ProjectConfig, env: EnvironmentConfig): string {
  return env.kind === "local" ? join(env.data_dir ?? join(config.root, ".flowsmith", "local"), "flowsmith.lock.json") : join(config.root, "flowsmith.lock.json");
}

export function readLock(file: string): LockFile {
  if (!existsSync(file)) return { version: 1, environments: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new CliError(`${file} is not valid JSON (${(e as Error).message})`, EXIT.INVALID, "restore it from version control, or delete it: deploy finds existing flows by their keyword");
  }
  const lock = parsed as LockFile;
  if (!lock || lock.version !== 1 || typeof lock.environments !== "object") throw new CliError(`${file} is not a flowsmith lock file (version 1)`, EXIT.INVALID);
  return lock;
}

export function envLock(lock: LockFile, env: string): EnvironmentLock {
  return (lock.environments[env] ??= { functions: {}, flows: {} });
}

function sorted<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]!]));
}

export function writeLock(file: string, lock: LockFile): void {
  const stable: LockFile = {
    version: 1,
    environments: sorted(Object.fromEntries(Object.entries(lock.environments).map(([k, e]) => [k, { functions: sorted(e.functions), flows: sorted(e.flows), ...(e.timers && Object.keys(e.timers).length ? { timers: sorted(e.timers) } : {}) }]))),
  };
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(stable, null, 2) + "\n");
  const fd = openSync(tmp, "r");
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, file);
}

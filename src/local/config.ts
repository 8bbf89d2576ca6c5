/** What a local runtime serves: collections (directories), compute endpoints, clients. */
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { ensurePrivateDir } from "./private-files.js";
import type { EngineOptions } from "../engine/interpreter.js";

export interface LocalCollectionConfig {
  /** Directory the collection's `/` maps to. */
  root: string;
  display_name?: string;
  /** Transfer `entity_type` that collection_info and GET /endpoint/{id} report. */
  entity_type?: string;
  /** Identity URN of the collection's owner; other identities need an ACL (manage_permission). */
  owner?: string;
}

/** A registered API served by the local runtime (flowsmith.yaml `registered_apis`). */
export interface LocalRegisteredApi {
  id: string;
  name: string;
  /** target.destination.url: the operation's URL, `{name}` placeholders filled from path parameters. */
  url: string;
  /** target.destination.method (default post). */
  method?: string;
  description?: string;
  handles?: string[];
  scope?: string;
}

export type { LocalEndpointConfig } from "./compute/types.js";
import type { LocalEndpointConfig } from "./compute/types.js";

export interface LocalRuntimeConfig {
  dataDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  collections: Record<string, LocalCollectionConfig>;
  computeEndpoints: Record<string, LocalEndpointConfig>;
  engine?: Partial<EngineOptions>;
  /** Registered APIs by id (Handler {"Type": "RegisteredAPI"} and urn:globus:flows:handle:…). */
  registeredApis?: LocalRegisteredApi[];
  /** Group id -> member identity URNs (RespondentUrns, roles with group URNs). */
  groups?: Record<string, string[]>;
  /** Share of requests (0-1) that get an injected 5xx, 429 or dropped connection. */
  chaos?: number;
  /** Seed of the fault sequence (default: unseeded). */
  chaosSeed?: number;
  /** Virtual seconds per real second (default 1); see skippable-clock.ts. */
  clockRate?: number;
  log?: (line: string) => void;
  /** A runtime of `flowsmith local start` (not one a command started for itself); said in runtime.json. */
  standing?: boolean;
}

export interface ClientCredentials {
  client_id: string;
  client_secret: string;
}

/**
 * The runtime's own confidential client, created on first start and kept in the data dir
 * with mode 0600 (the secret is never printed).
 */
export function ensureLocalClient(dataDir: string): ClientCredentials {
  const file = join(dataDir, "client.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as ClientCredentials;
  ensurePrivateDir(dataDir);
  const creds = { client_id: randomUUID(), client_secret: randomBytes(24).toString("base64url") };
  writeFileSync(file, JSON.stringify(creds, null, 2) + "\n", { mode: 0o600 });
  chmodSync(file, 0o600);
  return creds;
}

export interface RuntimeStateFile {
  pid: number;
  url: string;
  port: number;
  started_at: string;
  data_dir: string;
  /** true for `flowsmith local start`; absent for a runtime a command runs in-process. */
  standing?: boolean;
}

export const stateFileOf = (dataDir: string) => join(dataDir, "runtime.json");

/** Whether a process exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The runtime serving `dataDir`, from its runtime.json, if that process is alive. */
export function runningRuntime(dataDir: string): RuntimeStateFile | undefined {
  const f = stateFileOf(dataDir);
  if (!existsSync(f)) return undefined;
  try {
    const s = JSON.parse(readFileSync(f, "utf8")) as RuntimeStateFile;
    return typeof s.url === "string" && processAlive(s.pid) ? s : undefined;
  } catch {
    return undefined;
  }
}

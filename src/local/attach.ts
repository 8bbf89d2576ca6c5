/**
 * The one place that finds, attaches to or starts the local runtime of a `local`
 * environment. The CLI calls it and hands the result (a URL and the runtime's client) to
 * the production clients, which never import the emulator (ARCHITECTURE.md, layers).
 *
 * A runtime already serving the data directory is attached to with a lease; otherwise one
 * is started in-process for the command and keeps serving while other commands hold
 * leases (src/local/shared-runtime.ts: the races of two commands starting at once, and the
 * takeover when an in-process owner is gone, are handled there).
 */
import { join } from "node:path";
import type { EnvironmentConfig, ProjectConfig } from "../project/config.js";
import { ensureLocalClient, runningRuntime, type ClientCredentials, type RuntimeStateFile } from "./config.js";
import type { LocalRuntime } from "./runtime.js";
import { acquireSharedRuntime } from "./shared-runtime.js";
import { existsSync, readFileSync } from "node:fs";

export function localDataDir(env: EnvironmentConfig, root: string): string {
  return env.data_dir ?? join(root, ".flowsmith", "local");
}

/** The runtime serving the environment's data directory, if its process is alive (nothing is started). */
export function runningLocalRuntime(env: EnvironmentConfig, root: string): RuntimeStateFile | undefined {
  return runningRuntime(localDataDir(env, root));
}

/**
 * What the production credential code needs to know about a local environment, without
 * depending on the emulator (the interface is declared in src/globus/auth/environment.ts).
 */
export function localLocator(env: EnvironmentConfig, root: string) {
  const dataDir = localDataDir(env, root);
  const clientFile = join(dataDir, "client.json");
  return {
    dataDir,
    clientFile,
    url: (): string | undefined => runningRuntime(dataDir)?.url,
    client: (): ClientCredentials => ensureLocalClient(dataDir),
    existingClient: (): ClientCredentials | undefined => (existsSync(clientFile) ? (JSON.parse(readFileSync(clientFile, "utf8")) as ClientCredentials) : undefined),
  };
}

export interface AttachedRuntime {
  url: string;
  dataDir: string;
  /** The runtime's own confidential client (secret never printed). */
  client: ClientCredentials;
  /** The runtime was started by this command (it serves until close(), then while others hold leases). */
  inProcess: boolean;
  /** The in-process runtime, when this command started it. */
  runtime?: LocalRuntime;
  /** After a lost connection: find the runtime again (or take over); the new URL, or undefined. */
  reattach(): Promise<string | undefined>;
  /** Let go: drop the lease, or (owner) wait for other commands' leases, then stop. */
  close(): Promise<void>;
}

export interface AttachOptions {
  log?: (line: string) => void;
  /** What the owner prints about this command (default: the command line's first words). */
  purpose?: string;
}

/**
 * Find, attach to (with a lease) or start the local runtime of `env`; the lease protocol
 * and the takeover after a lost owner are src/local/shared-runtime.ts.
 */
export async function attachLocalRuntime(config: ProjectConfig, env: EnvironmentConfig, opts: AttachOptions = {}): Promise<AttachedRuntime> {
  const dataDir = localDataDir(env, config.root);
  const shared = await acquireSharedRuntime(config, env, dataDir, { ...(opts.log ? { log: opts.log } : {}), ...(opts.purpose ? { purpose: opts.purpose } : {}) });
  return {
    url: shared.url,
    dataDir,
    client: ensureLocalClient(dataDir),
    get inProcess() {
      return !!shared.owned;
    },
    get runtime() {
      return shared.owned;
    },
    reattach: () => shared.reattach(),
    close: () => shared.release(),
  };
}

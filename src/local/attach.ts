/**
 * The one place that finds, attaches to or starts the local runtime of a `local`
 * environment. The CLI calls it and hands the result (a URL and the runtime's client) to
 * the production clients, which never import the emulator (ARCHITECTURE.md, layers).
 *
 * Order: a runtime already serving the data directory (runtime.json names a live pid and
 * /health answers) is used as it is; otherwise one is started in-process for the command.
 * Two races are handled here and nowhere else: another command starting one at the same
 * moment (the data-dir lock is taken: wait for its runtime.json), and the configured port
 * being taken by something else (EADDRINUSE: take a free port).
 */
import { join } from "node:path";
import type { EnvironmentConfig } from "../project/config.js";
import { ensureLocalClient, runningRuntime, type ClientCredentials, type RuntimeStateFile } from "./config.js";
import { runtimeConfigFor } from "./from-project.js";
import type { LocalRuntime } from "./runtime.js";
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
  /** The runtime was started by this command and stops with close(). */
  inProcess: boolean;
  /** The in-process runtime, when this command started it. */
  runtime?: LocalRuntime;
  close(): Promise<void>;
}

export interface AttachOptions {
  log?: (line: string) => void;
  /** How long to wait for another command's runtime to write runtime.json (default 5000 ms). */
  waitMs?: number;
  /** Injected for tests: how to wait between looks at runtime.json. */
  sleep?: (ms: number) => Promise<void>;
}

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

/** Find, attach to or start the local runtime of `env` (see the module comment for the order). */
export async function attachLocalRuntime(env: EnvironmentConfig, root: string, opts: AttachOptions = {}): Promise<AttachedRuntime> {
  const dataDir = localDataDir(env, root);
  const attached = (url: string): AttachedRuntime => ({ url, dataDir, client: ensureLocalClient(dataDir), inProcess: false, close: async () => {} });
  const running = runningRuntime(dataDir);
  if (running && (await healthy(running.url))) return attached(running.url);

  const { startLocalRuntime, RuntimeBusyError } = await import("./runtime.js");
  const config = runtimeConfigFor(env, root, { dataDir });
  let rt: LocalRuntime;
  try {
    try {
      rt = await startLocalRuntime(config);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
      rt = await startLocalRuntime({ ...config, port: 0 });
    }
  } catch (e) {
    if (!(e instanceof RuntimeBusyError)) throw e;
    // Another command is starting one right now: use it once it has said where it listens.
    const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const waitMs = opts.waitMs ?? 5000;
    for (let waited = 0; waited <= waitMs; waited += 50) {
      const url = runningRuntime(dataDir)?.url;
      if (url) return attached(url);
      await sleep(50);
    }
    throw e;
  }
  opts.log?.(`started the local runtime in-process at ${rt.url} (stopped when this command ends)`);
  return { url: rt.url, dataDir, client: rt.client, inProcess: true, runtime: rt, close: () => rt.stop() };
}

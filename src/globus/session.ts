/**
 * One command's connection to an environment: which services to call (Globus, or the
 * local runtime — started in-process when none is running), with which credentials.
 */
import { join } from "node:path";
import type { EnvironmentConfig, ProjectConfig } from "../project/config.js";
import { ensureLocalClient, runningRuntime } from "../local/config.js";
import { runtimeConfigFor } from "../local/from-project.js";
import type { LocalRuntime } from "../local/runtime.js";
import { GlobusApi, type ApiOptions } from "./api.js";
import { AuthError, type Credentials } from "./auth/types.js";
import { clientCredentials } from "./auth/client-credentials.js";

export interface Session {
  config: ProjectConfig;
  env: EnvironmentConfig;
  api: GlobusApi;
  credentials: Credentials;
  /** The local runtime this command started, if it had to (stopped by close()). */
  localRuntime?: LocalRuntime;
  /** Base URL of the local runtime when the environment is local. */
  localUrl?: string;
  close(): Promise<void>;
}


export type CredentialsFactory = (env: EnvironmentConfig, opts: { root: string; authUrl?: string }) => Credentials | Promise<Credentials>;

/** Open a session; for a local environment, use the running runtime or start one in-process. */
export async function openSession(config: ProjectConfig, env: EnvironmentConfig, opts: { api?: ApiOptions; credentials?: CredentialsFactory; log?: (l: string) => void } = {}): Promise<Session> {
  let localRuntime: LocalRuntime | undefined;
  let localUrl: string | undefined;
  let credentials: Credentials;
  if (env.kind === "local") {
    const dataDir = env.data_dir ?? join(config.root, ".flowsmith", "local");
    const running = runningRuntime(dataDir);
    if (running) localUrl = running.url;
    else {
      const { startLocalRuntime, RuntimeBusyError } = await import("../local/runtime.js");
      try {
        localRuntime = await startLocalRuntime({ ...runtimeConfigFor(env, config.root, { dataDir }), port: 0 });
        localUrl = localRuntime.url;
        opts.log?.(`started the local runtime in-process at ${localUrl}`);
      } catch (e) {
        if (!(e instanceof RuntimeBusyError)) throw e;
        // Another command is starting one right now: use it once it has said where it listens.
        for (let i = 0; i < 100 && !localUrl; i++) {
          localUrl = runningRuntime(dataDir)?.url;
          if (!localUrl) await new Promise((r) => setTimeout(r, 50));
        }
        if (!localUrl) throw e;
      }
    }
    for (const s of ["AUTH", "FLOWS", "TRANSFER", "COMPUTE", "TIMERS"]) process.env[`GLOBUS_SDK_SERVICE_URL_${s}`] = localUrl;
    const client = ensureLocalClient(dataDir);
    credentials = clientCredentials({ clientId: client.client_id, clientSecret: client.client_secret, authUrl: localUrl!, kind: "local" });
  } else {
    if (env.globus_environment && !process.env.GLOBUS_SDK_ENVIRONMENT) process.env.GLOBUS_SDK_ENVIRONMENT = env.globus_environment;
    if (!opts.credentials) throw new AuthError(`no credentials for environment "${env.name}"`, "set GLOBUS_CLIENT_ID and GLOBUS_CLIENT_SECRET, or run `flowsmith login`");
    credentials = await opts.credentials(env, { root: config.root });
  }
  const api = new GlobusApi(credentials, { ...opts.api, envName: env.name, ...(opts.log ? { log: opts.log } : {}) });
  return {
    config,
    env,
    api,
    credentials,
    ...(localRuntime ? { localRuntime } : {}),
    ...(localUrl ? { localUrl } : {}),
    async close() {
      await localRuntime?.stop();
    },
  };
}

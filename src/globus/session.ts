/**
 * One command's connection to an environment: which services to call (Globus, or the
 * local runtime — started in-process when none is running), with which credentials.
 */
import { join } from "node:path";
import type { EnvironmentConfig, ProjectConfig } from "../project/config.js";
import { ensureLocalClient } from "../local/config.js";
import type { LocalRuntime } from "../local/runtime.js";
import { acquireSharedRuntime, type SharedRuntime } from "../local/shared-runtime.js";
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
  /**
   * After a lost connection to the local runtime: find it again (restarted, or taken over
   * when its in-process owner is gone) and point this session at it. False when none is
   * there yet; always false for real environments.
   */
  reattach?(): Promise<boolean>;
  close(): Promise<void>;
}


export type CredentialsFactory = (env: EnvironmentConfig, opts: { root: string; authUrl?: string }) => Credentials | Promise<Credentials>;

/** Open a session; for a local environment, use the running runtime or start one in-process. */
export async function openSession(config: ProjectConfig, env: EnvironmentConfig, opts: { api?: ApiOptions; credentials?: CredentialsFactory; log?: (l: string) => void } = {}): Promise<Session> {
  let shared: SharedRuntime | undefined;
  let localUrl: string | undefined;
  let credentials: Credentials;
  let current: Credentials | undefined;
  const pointAt = (dataDir: string, url: string) => {
    localUrl = url;
    for (const s of ["AUTH", "FLOWS", "TRANSFER", "COMPUTE", "TIMERS"]) process.env[`GLOBUS_SDK_SERVICE_URL_${s}`] = url;
    const client = ensureLocalClient(dataDir);
    current = clientCredentials({ clientId: client.client_id, clientSecret: client.client_secret, authUrl: url, kind: "local" });
  };
  const dataDir = env.data_dir ?? join(config.root, ".flowsmith", "local");
  if (env.kind === "local") {
    shared = await acquireSharedRuntime(config, env, dataDir, { ...(opts.log ? { log: opts.log } : {}) });
    pointAt(dataDir, shared.url);
    // Delegates, so a reattach can swap the client for one that talks to the new URL.
    credentials = { kind: "local", token: (scope) => current!.token(scope), identity: () => current!.identity() };
  } else {
    if (env.globus_environment && !process.env.GLOBUS_SDK_ENVIRONMENT) process.env.GLOBUS_SDK_ENVIRONMENT = env.globus_environment;
    if (!opts.credentials) throw new AuthError(`no credentials for environment "${env.name}"`, "set GLOBUS_CLIENT_ID and GLOBUS_CLIENT_SECRET, or run `flowsmith login`");
    credentials = await opts.credentials(env, { root: config.root });
  }
  let reattaching: Promise<boolean> | undefined;
  const reattach = async (): Promise<boolean> => {
    if (!shared) return false;
    // One look at a time: concurrent calls that lost the connection share it.
    reattaching ??= (async () => {
      const url = await shared!.reattach();
      if (!url) return false;
      if (url !== localUrl) opts.log?.(`reattached to the local runtime at ${url}`);
      pointAt(dataDir, url);
      return true;
    })().finally(() => (reattaching = undefined));
    return reattaching;
  };
  const api = new GlobusApi(credentials, { ...opts.api, envName: env.name, ...(opts.log ? { log: opts.log } : {}), ...(shared ? { onConnectionError: async () => void (await reattach()) } : {}) });
  return {
    config,
    env,
    api,
    credentials,
    get localRuntime() {
      return shared?.owned;
    },
    get localUrl() {
      return localUrl;
    },
    reattach,
    async close() {
      await shared?.release();
    },
  };
}

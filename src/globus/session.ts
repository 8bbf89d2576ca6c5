/**
 * One command's connection to an environment: which services to call (Globus, or a local
 * runtime the caller attached to — src/local/attach.ts, called by the CLI; this layer never
 * imports the emulator), with which credentials.
 */
import type { EnvironmentConfig, ProjectConfig } from "../project/config.js";
import { GlobusApi, type ApiOptions } from "./api.js";
import { AuthError, type Credentials } from "./auth/types.js";
import { clientCredentials } from "./auth/client-credentials.js";

export interface Session {
  config: ProjectConfig;
  env: EnvironmentConfig;
  api: GlobusApi;
  credentials: Credentials;
  /** Set when the local runtime was started by this command (it stops with close()). */
  localRuntime?: { url: string };
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


/** A local runtime to talk to: its URL and its own confidential client (src/local/attach.ts makes one). */
export interface LocalConnection {
  url: string;
  client: { client_id: string; client_secret: string };
  /** Started by this command (it serves until close(), then while other commands hold leases). */
  readonly inProcess: boolean;
  /** After a lost connection: the runtime's URL again (restarted or taken over), or undefined. */
  reattach?(): Promise<string | undefined>;
  close(): Promise<void>;
}

export type CredentialsFactory = (env: EnvironmentConfig, opts: { root: string; authUrl?: string }) => Credentials | Promise<Credentials>;

/** Open a session; a local environment needs `opts.local`, the runtime the caller attached to. */
export async function openSession(config: ProjectConfig, env: EnvironmentConfig, opts: { api?: ApiOptions; credentials?: CredentialsFactory; log?: (l: string) => void; local?: LocalConnection } = {}): Promise<Session> {
  let localUrl: string | undefined;
  let credentials: Credentials;
  let current: Credentials | undefined;
  const local = opts.local;
  const pointAt = (url: string) => {
    localUrl = url;
    for (const s of ["AUTH", "FLOWS", "TRANSFER", "COMPUTE", "TIMERS"]) process.env[`GLOBUS_SDK_SERVICE_URL_${s}`] = url;
    current = clientCredentials({ clientId: local!.client.client_id, clientSecret: local!.client.client_secret, authUrl: url, kind: "local" });
  };
  if (env.kind === "local") {
    if (!local) throw new Error(`environment "${env.name}" is local: attach to its runtime first (src/local/attach.ts)`);
    pointAt(local.url);
    // Delegates, so a reattach can swap the client for one that talks to the new URL.
    credentials = { kind: "local", token: (scope) => current!.token(scope), identity: () => current!.identity() };
  } else {
    if (env.globus_environment && !process.env.GLOBUS_SDK_ENVIRONMENT) process.env.GLOBUS_SDK_ENVIRONMENT = env.globus_environment;
    if (!opts.credentials) throw new AuthError(`no credentials for environment "${env.name}"`, "set GLOBUS_CLIENT_ID and GLOBUS_CLIENT_SECRET, or run `flowsmith login`");
    credentials = await opts.credentials(env, { root: config.root });
  }
  let reattaching: Promise<boolean> | undefined;
  const reattach = async (): Promise<boolean> => {
    if (!local?.reattach) return false;
    // One look at a time: concurrent calls that lost the connection share it.
    reattaching ??= (async () => {
      const url = await local.reattach!();
      if (!url) return false;
      if (url !== localUrl) opts.log?.(`reattached to the local runtime at ${url}`);
      pointAt(url);
      return true;
    })().finally(() => (reattaching = undefined));
    return reattaching;
  };
  const canReattach = env.kind === "local" && !!local?.reattach;
  const api = new GlobusApi(credentials, { ...opts.api, envName: env.name, ...(opts.log ? { log: opts.log } : {}), ...(canReattach ? { onConnectionError: async () => void (await reattach()) } : {}) });
  return {
    config,
    env,
    api,
    credentials,
    get localRuntime() {
      return local?.inProcess ? { url: localUrl! } : undefined;
    },
    get localUrl() {
      return localUrl;
    },
    reattach,
    async close() {
      await local?.close();
    },
  };
}

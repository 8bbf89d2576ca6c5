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
  close(): Promise<void>;
}


/** A local runtime to talk to: its URL and its own confidential client. */
export interface LocalConnection {
  url: string;
  client: { client_id: string; client_secret: string };
  /** Started for this command (and stopped by close()). */
  inProcess: boolean;
  close(): Promise<void>;
}

export type CredentialsFactory = (env: EnvironmentConfig, opts: { root: string; authUrl?: string }) => Credentials | Promise<Credentials>;

/** Open a session; a local environment needs `opts.local`, the runtime the caller attached to. */
export async function openSession(config: ProjectConfig, env: EnvironmentConfig, opts: { api?: ApiOptions; credentials?: CredentialsFactory; log?: (l: string) => void; local?: LocalConnection } = {}): Promise<Session> {
  let localUrl: string | undefined;
  let credentials: Credentials;
  const local = opts.local;
  if (env.kind === "local") {
    if (!local) throw new Error(`environment "${env.name}" is local: attach to its runtime first (src/local/attach.ts)`);
    localUrl = local.url;
    for (const s of ["AUTH", "FLOWS", "TRANSFER", "COMPUTE", "TIMERS"]) process.env[`GLOBUS_SDK_SERVICE_URL_${s}`] = localUrl;
    credentials = clientCredentials({ clientId: local.client.client_id, clientSecret: local.client.client_secret, authUrl: localUrl, kind: "local" });
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
    ...(local?.inProcess ? { localRuntime: { url: local.url } } : {}),
    ...(localUrl ? { localUrl } : {}),
    async close() {
      await local?.close();
    },
  };
}

/**
 * Credentials for a flowsmith.yaml environment: the local runtime's own client for local
 * environments (or the local user's login with `credentials: login`); for Globus ones a
 * confidential client from GLOBUS_CLIENT_ID/GLOBUS_CLIENT_SECRET (`client`), the user's
 * login (`login`), or the client when set and the login otherwise (`auto`).
 */
import type { EnvironmentConfig } from "../../project/config.js";
import { AuthError, type Credentials } from "./types.js";
import { AuthServiceError, loginCommand } from "./errors.js";
import { clientCredentials, clientFromEnv, type ClientCredentials } from "./client-credentials.js";
import { userCredentials } from "./user-credentials.js";
import { TokenStore, type StoredLogin } from "./token-store.js";
import { authBaseUrl } from "./urls.js";
import { DEFAULT_NATIVE_CLIENT_ID, nativeClientId } from "./login.js";
import type { AuthHttpOptions } from "./http.js";

export interface EnvironmentCredentialsOptions {
  /** Project root (token files live in <root>/.flowsmith/tokens/). */
  root: string;
  /** Auth base URL; for local environments the runtime's URL (default: from <data dir>/runtime.json). */
  authUrl?: string;
  /** Environment variables to read (default process.env). */
  processEnv?: NodeJS.ProcessEnv;
  http?: AuthHttpOptions;
  /** How to reach a local environment's runtime; required for local environments (the CLI passes src/local/attach.ts's localLocator). */
  local?: LocalRuntimeLocator;
}

/**
 * What credentials need to know about a local runtime, declared here so this production
 * layer does not import the emulator (src/local/attach.ts implements it).
 */
export interface LocalRuntimeLocator {
  dataDir: string;
  /** Where the runtime's client lives (client.json, mode 0600). */
  clientFile: string;
  /** The running runtime's URL, if one is running. */
  url(): string | undefined;
  /** The runtime's own client, created on first use. */
  client(): { client_id: string; client_secret: string };
  /** The client if client.json exists (nothing is created). */
  existingClient(): { client_id: string; client_secret: string } | undefined;
}

function requireLocator(env: EnvironmentConfig, local: LocalRuntimeLocator | undefined): LocalRuntimeLocator {
  if (!local) throw new Error(`environment "${env.name}" is local: pass a LocalRuntimeLocator (src/local/attach.ts localLocator)`);
  return local;
}

export type CredentialSource = "local-client" | "env-client" | "login";


/** Which credentials an environment uses (throws when `client` is configured but GLOBUS_CLIENT_* are not set, or only one is). */
export function credentialSource(env: EnvironmentConfig, processEnv: NodeJS.ProcessEnv = process.env): CredentialSource {
  if (env.kind === "local") return env.credentials === "login" ? "login" : "local-client";
  const client = clientFromEnv(processEnv);
  if (env.credentials === "client") {
    if (!client) throw new AuthError(`environment "${env.name}" uses client credentials (credentials: client) but GLOBUS_CLIENT_ID and GLOBUS_CLIENT_SECRET are not set`, "export GLOBUS_CLIENT_ID=<client id> GLOBUS_CLIENT_SECRET=<client secret>");
    return "env-client";
  }
  if (env.credentials === "login") return "login";
  return client ? "env-client" : "login";
}

/** The Auth base URL of a Globus environment: opts.authUrl, GLOBUS_SDK_SERVICE_URL_AUTH, or by GLOBUS_SDK_ENVIRONMENT / globus_environment. */
export function authUrlForEnvironment(env: EnvironmentConfig, opts: { authUrl?: string; processEnv?: NodeJS.ProcessEnv } = {}): string {
  return authBaseUrl({ ...(opts.authUrl ? { authUrl: opts.authUrl } : {}), ...(env.globus_environment ? { globusEnvironment: env.globus_environment } : {}), env: opts.processEnv ?? process.env });
}

/** The native client id to log in with: the built-in one for local environments. */
export function loginClientId(env: EnvironmentConfig, processEnv: NodeJS.ProcessEnv = process.env): string {
  return env.kind === "local" ? DEFAULT_NATIVE_CLIENT_ID : nativeClientId(processEnv);
}

export function credentialsForEnvironment(env: EnvironmentConfig, opts: EnvironmentCredentialsOptions): Credentials {
  const penv = opts.processEnv ?? process.env;
  const http = opts.http ? { http: opts.http } : {};
  const source = credentialSource(env, penv);
  const store = TokenStore.forEnvironment(opts.root, env.name);

  if (env.kind === "local") {
    const local = requireLocator(env, opts.local);
    const dataDir = local.dataDir;
    const url = (): string => {
      const u = opts.authUrl ?? local.url();
      if (!u) throw new AuthServiceError(`no local runtime is running for ${dataDir} (start one with \`flowsmith local start --env ${env.name}\`)`, `flowsmith local start --env ${env.name}`);
      return u;
    };
    if (source === "login") return userCredentials(store, { environment: env.name, authUrl: url, clientId: DEFAULT_NATIVE_CLIENT_ID, ...http });
    let inner: ClientCredentials | undefined;
    const client = () => (inner ??= (() => {
      const c = local.client();
      return clientCredentials({ clientId: c.client_id, clientSecret: c.client_secret, authUrl: url(), kind: "local", environment: env.name, ...http });
    })());
    return {
      kind: "local",
      identity: async () => client().identity(),
      token: async (scope) => client().token(scope),
    };
  }

  if (source === "env-client") {
    const c = clientFromEnv(penv)!;
    return clientCredentials({ clientId: c.clientId, clientSecret: c.clientSecret, authUrl: authUrlForEnvironment(env, { ...(opts.authUrl ? { authUrl: opts.authUrl } : {}), processEnv: penv }), environment: env.name, ...http });
  }
  const explicit = opts.authUrl ?? penv.GLOBUS_SDK_SERVICE_URL_AUTH;
  return userCredentials(store, { environment: env.name, ...(explicit ? { authUrl: explicit } : {}), ...http });
}

export interface TokenInfo {
  resource_server: string;
  scopes: string[];
  expires_at: string;
  expired: boolean;
  refreshable: boolean;
}

/** What `whoami` shows: never a secret or a token. */
export interface CredentialsInfo {
  environment: string;
  kind: "local" | "globus";
  source: CredentialSource;
  credentials: Credentials["kind"];
  auth_url?: string;
  client_id?: string;
  /** Where the client came from (client.json, or the GLOBUS_CLIENT_* variables). */
  client_from?: string;
  identity?: string;
  username?: string;
  name?: string;
  email?: string;
  token_file?: string;
  logged_in?: boolean;
  tokens?: TokenInfo[];
}

export function loginInfo(env: EnvironmentConfig, store: TokenStore, login: StoredLogin | undefined, now = Date.now()): CredentialsInfo {
  return {
    environment: env.name,
    kind: env.kind,
    source: "login",
    credentials: "user",
    token_file: store.file,
    logged_in: !!login,
    ...(login
      ? {
          auth_url: login.auth_url,
          client_id: login.client_id,
          ...(login.identity ? { identity: `urn:globus:auth:identity:${login.identity.id}`, username: login.identity.username, ...(login.identity.name ? { name: login.identity.name } : {}), ...(login.identity.email ? { email: login.identity.email } : {}) } : {}),
          tokens: Object.values(login.tokens).map((t) => ({ resource_server: t.resource_server, scopes: t.scopes, expires_at: new Date(t.expires_at).toISOString(), expired: t.expires_at <= now, refreshable: !!t.refresh_token })),
        }
      : {}),
  };
}

/** Describe the credentials an environment uses, without contacting Auth. */
export function describeCredentials(env: EnvironmentConfig, opts: { root: string; authUrl?: string; processEnv?: NodeJS.ProcessEnv; local?: LocalRuntimeLocator }): CredentialsInfo {
  const penv = opts.processEnv ?? process.env;
  const source = credentialSource(env, penv);
  const store = TokenStore.forEnvironment(opts.root, env.name);
  if (source === "login") {
    const info = loginInfo(env, store, store.read());
    if (!info.logged_in) throw new AuthError(`not logged in to environment "${env.name}"`, loginCommand(env.name));
    return info;
  }
  if (source === "local-client") {
    const local = requireLocator(env, opts.local);
    const file = local.clientFile;
    const c = local.existingClient();
    const url = opts.authUrl ?? local.url();
    return {
      environment: env.name,
      kind: env.kind,
      source,
      credentials: "local",
      ...(url ? { auth_url: url } : {}),
      client_from: file,
      ...(c ? { client_id: c.client_id, identity: `urn:globus:auth:identity:${c.client_id}`, username: `${c.client_id}@clients.auth.globus.org` } : {}),
    };
  }
  const c = clientFromEnv(penv)!;
  return {
    environment: env.name,
    kind: env.kind,
    source,
    credentials: "client",
    auth_url: authUrlForEnvironment(env, { ...(opts.authUrl ? { authUrl: opts.authUrl } : {}), processEnv: penv }),
    client_id: c.clientId,
    client_from: "GLOBUS_CLIENT_ID / GLOBUS_CLIENT_SECRET",
    identity: `urn:globus:auth:identity:${c.clientId}`,
    username: `${c.clientId}@clients.auth.globus.org`,
  };
}

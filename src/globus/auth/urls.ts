/** Where Globus Auth is: an explicit URL, GLOBUS_SDK_SERVICE_URL_AUTH, or the environment's host (globus-flows.md §6). */
import { AuthError } from "./types.js";

export const AUTH_HOSTS: Record<string, string> = {
  production: "auth.globus.org",
  preview: "auth.preview.globus.org",
  sandbox: "auth.sandbox.globuscs.info",
  integration: "auth.integration.globuscs.info",
  test: "auth.test.globuscs.info",
  staging: "auth.staging.globuscs.info",
};

export const DEFAULT_AUTH_URL = "https://auth.globus.org";

/** A base URL without trailing slashes. */
export const trimUrl = (u: string) => u.replace(/\/+$/, "");

/**
 * The Auth base URL: `authUrl` if given, else GLOBUS_SDK_SERVICE_URL_AUTH, else the host of
 * GLOBUS_SDK_ENVIRONMENT (or the project's `globus_environment`, or production).
 */
export function authBaseUrl(opts: { authUrl?: string; globusEnvironment?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const env = opts.env ?? process.env;
  if (opts.authUrl) return trimUrl(opts.authUrl);
  if (env.GLOBUS_SDK_SERVICE_URL_AUTH) return trimUrl(env.GLOBUS_SDK_SERVICE_URL_AUTH);
  const name = env.GLOBUS_SDK_ENVIRONMENT || opts.globusEnvironment || "production";
  const host = AUTH_HOSTS[name];
  if (!host) throw new AuthError(`unknown Globus environment "${name}" (known: ${Object.keys(AUTH_HOSTS).join(", ")})`, "export GLOBUS_SDK_ENVIRONMENT=production");
  return `https://${host}`;
}

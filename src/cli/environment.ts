/** Shared by commands that talk to an environment: config, --env, a session, credentials. */
import { requireProjectConfig, selectEnvironment, type EnvironmentConfig, type ProjectConfig } from "../project/config.js";
import { openSession, type Session } from "../globus/session.js";
import { clientCredentialsAt, type CredentialsFactory } from "../globus/session.js";
import { AuthError } from "../globus/auth/types.js";

/** Credentials for a real environment: the auth module's (login or client), or GLOBUS_CLIENT_ID/SECRET. */
const credentialsForEnvironment: CredentialsFactory = async (env, opts) => {
  const spec = "../globus/auth/index.js";
  const mod = (await import(spec).catch(() => undefined)) as { credentialsForEnvironment?: CredentialsFactory } | undefined;
  if (mod?.credentialsForEnvironment) return mod.credentialsForEnvironment(env, opts);
  const id = process.env.GLOBUS_CLIENT_ID;
  const secret = process.env.GLOBUS_CLIENT_SECRET;
  if (!!id !== !!secret) throw new AuthError("Both GLOBUS_CLIENT_ID and GLOBUS_CLIENT_SECRET must be set (only one is)", "set both, or unset both and run `flowsmith login`");
  if (!id || !secret) throw new AuthError(`no credentials for environment "${env.name}"`, "set GLOBUS_CLIENT_ID and GLOBUS_CLIENT_SECRET, or run `flowsmith login`");
  return clientCredentialsAt(process.env.GLOBUS_SDK_SERVICE_URL_AUTH ?? "https://auth.globus.org", id, secret);
};
import { palette, type Output } from "./output.js";
import type { CliContext } from "./context.js";

export function environmentOf(ctx: CliContext, name?: string): { config: ProjectConfig; env: EnvironmentConfig } {
  const config = requireProjectConfig(ctx.root);
  return { config, env: selectEnvironment(config, name) };
}

export async function withSession<T>(ctx: CliContext, envName: string | undefined, fn: (s: Session) => Promise<T>, opts: { quiet?: boolean } = {}): Promise<T> {
  const { config, env } = environmentOf(ctx, envName);
  const c = palette(ctx.output);
  const log = opts.quiet ? undefined : (l: string) => ctx.output.err(c.dim(l));
  const session = await openSession(config, env, { credentials: credentialsForEnvironment, ...(log ? { log } : {}) });
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

export function note(o: Output, text: string): void {
  o.err(palette(o).dim(text));
}

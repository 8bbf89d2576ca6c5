/** Shared by commands that talk to an environment: config, --env, a session, credentials. */
import { requireProjectConfig, selectEnvironment, type EnvironmentConfig, type ProjectConfig } from "../project/config.js";
import { openSession, type Session } from "../globus/session.js";
import { credentialsForEnvironment } from "../globus/auth/index.js";
import { attachLocalRuntime, localLocator } from "../local/attach.js";
import { palette, type Output } from "./output.js";
import type { CliContext } from "./context.js";

export function environmentOf(ctx: CliContext, name?: string): { config: ProjectConfig; env: EnvironmentConfig } {
  const config = requireProjectConfig(ctx.root);
  return { config, env: selectEnvironment(config, name) };
}

/**
 * A session on `env`: for a local environment the runtime found or started by
 * src/local/attach.ts (the only place that knows how), for Globus the configured credentials.
 */
export async function connect(config: ProjectConfig, env: EnvironmentConfig, opts: { log?: (l: string) => void } = {}): Promise<Session> {
  const local = env.kind === "local" ? await attachLocalRuntime(config, env, opts.log ? { log: opts.log } : {}) : undefined;
  try {
    return await openSession(config, env, {
      credentials: (e, o) => credentialsForEnvironment(e, { ...o, local: localLocator(e, o.root) }),
      ...(opts.log ? { log: opts.log } : {}),
      ...(local ? { local } : {}),
    });
  } catch (e) {
    await local?.close();
    throw e;
  }
}

export async function withSession<T>(ctx: CliContext, envName: string | undefined, fn: (s: Session) => Promise<T>, opts: { quiet?: boolean } = {}): Promise<T> {
  const { config, env } = environmentOf(ctx, envName);
  const c = palette(ctx.output);
  const log = opts.quiet ? undefined : (l: string) => ctx.output.err(c.dim(l));
  const session = await connect(config, env, log ? { log } : {});
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

export function note(o: Output, text: string): void {
  o.err(palette(o).dim(text));
}

/**
 * `flowsmith login [--env E] [--scope S]… [--policy P]… [--no-browser] [--code C]`: a user
 * login (native-app authorization code with PKCE, the code pasted back), tokens stored per
 * environment in .flowsmith/tokens/<env>.json (mode 0600). Works against Globus and the
 * local runtime (the running one, or one started in-process for the command).
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline/promises";
import { relative } from "node:path";
import type { Command } from "commander";
import { requireProjectConfig, selectEnvironment, type EnvironmentConfig } from "../../project/config.js";
import { CliError, EXIT } from "../../errors.js";
import { palette } from "../output.js";
import type { CliContext } from "../context.js";
import {
  AuthError,
  AuthServiceError,
  DEFAULT_LOGIN_SCOPES,
  TokenStore,
  authUrlForEnvironment,
  completeLogin,
  credentialSource,
  loginClientId,
  revokeToken,
  splitScopes,
  startLogin,
  toCliError,
  type PendingLogin,
  type StoredLogin,
} from "../../globus/auth/index.js";
import { attachLocalRuntime } from "../../local/attach.js";

const collect = (v: string, prev: string[] = []) => [...prev, v];

/**
 * Run a command body. AuthError (exit 3, with its fix) and AuthServiceError (a
 * ServiceError, exit 4) go up to src/cli/main.ts as they are; anything else that is
 * auth-shaped becomes a CliError.
 */
export async function authAction<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AuthError || e instanceof AuthServiceError) throw e;
    throw toCliError(e) ?? e;
  }
}

export function environmentFor(ctx: CliContext, name: string | undefined): EnvironmentConfig {
  return selectEnvironment(requireProjectConfig(ctx.root), name);
}

export function shortPath(p: string, root: string): string {
  const r = relative(root, p);
  return r && !r.startsWith("..") ? r : p;
}

/**
 * Run `fn` with the Auth base URL of `env`: for a local environment the runtime that
 * src/local/attach.ts finds or starts (in-process, stopped afterwards).
 */
export async function withAuthUrl<T>(ctx: CliContext, env: EnvironmentConfig, fn: (authUrl: string, rt: { inProcess: boolean }) => Promise<T>): Promise<T> {
  if (env.kind !== "local") return fn(authUrlForEnvironment(env), { inProcess: false });
  const rt = await attachLocalRuntime(requireProjectConfig(ctx.root), env, { log: (l) => ctx.output.err(palette(ctx.output).dim(l)) });
  try {
    return await fn(rt.url, { inProcess: rt.inProcess });
  } finally {
    await rt.close();
  }
}

function openBrowser(url: string): void {
  const [cmd, args] = process.platform === "darwin" ? ["open", [url]] : process.platform === "win32" ? ["cmd", ["/c", "start", "", url]] : ["xdg-open", [url]];
  try {
    const child = spawn(cmd as string, args as string[], { detached: true, stdio: "ignore" });
    child.on("error", () => {});
    child.unref();
  } catch {
    // no browser: the URL is printed anyway
  }
}

async function promptForCode(): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const abort = new AbortController();
  rl.on("SIGINT", () => abort.abort());
  try {
    return (await rl.question("Paste the authorization code here: ", { signal: abort.signal })).trim();
  } catch {
    throw new CliError("login cancelled", EXIT.AUTH);
  } finally {
    rl.close();
  }
}

/** "username (urn:globus:auth:identity:…)" */
export function whoText(login: StoredLogin): string {
  return login.identity ? `${login.identity.username} (urn:globus:auth:identity:${login.identity.id})` : "an unknown identity (the login has no openid scope)";
}

export function registerLogin(program: Command, ctx: CliContext): void {
  program
    .command("login")
    .description("log in as a user (native-app authorization code with PKCE); tokens are kept per environment in .flowsmith/tokens/ (mode 0600)")
    .option("--env <name>", "environment of flowsmith.yaml (default: FLOWSMITH_ENV or default_environment)")
    .option("--scope <scope>", "another scope to consent to, e.g. a flow's scope with its dependencies (repeatable)", collect, [] as string[])
    .option("--policy <id>", "an authentication policy the session must satisfy (repeatable)", collect, [] as string[])
    .option("--no-browser", "do not try to open a web browser")
    .option("--code <code>", "the authorization code from the page the login URL led to (finishes the login started last)")
    .action((opts: { env?: string; scope: string[]; policy: string[]; browser: boolean; code?: string }) =>
      authAction(async () => {
        const env = environmentFor(ctx, opts.env);
        const c = palette(ctx.output);
        const store = TokenStore.forEnvironment(ctx.root, env.name);
        let previous: StoredLogin | undefined;
        try {
          previous = store.read();
        } catch {
          previous = undefined; // a damaged file is replaced by this login
        }
        await withAuthUrl(ctx, env, async (authUrl, rt) => {
          let pending: PendingLogin;
          let code: string;
          if (opts.code !== undefined) {
            const p = store.readPending();
            if (!p) throw new AuthError(`no login in progress for environment "${env.name}" to finish with --code`, `flowsmith login --env ${env.name}`);
            pending = p;
            code = opts.code;
          } else {
            const scopes = [...new Set([...DEFAULT_LOGIN_SCOPES, ...(previous?.requested_scopes ?? []), ...opts.scope.flatMap((s) => splitScopes(s))])];
            const start = startLogin({ authUrl, clientId: loginClientId(env), scopes, ...(opts.policy.length ? { policies: opts.policy } : {}) });
            pending = { auth_url: authUrl, client_id: loginClientId(env), verifier: start.verifier, state: start.state, redirect_uri: start.redirectUri, scopes: start.scopes, created_at: new Date().toISOString() };
            store.writePending(pending);
            ctx.output.out(`To log in to environment "${env.name}"${env.kind === "local" ? " (the local runtime)" : ""}, open this URL in a browser:\n\n  ${start.url}\n`);
            if (opts.browser && process.stdout.isTTY && process.stdin.isTTY) openBrowser(start.url);
            if (!process.stdin.isTTY) {
              throw new CliError(
                `stdin is not interactive, so the authorization code cannot be pasted here: open the URL above, then run \`flowsmith login --env ${env.name} --code <code>\``,
                EXIT.AUTH,
                rt.inProcess ? "the local runtime was started only for this command, so that URL no longer answers: run `flowsmith local start` first" : undefined,
              );
            }
            code = await promptForCode();
          }
          const login = await completeLogin({ authUrl, clientId: pending.client_id, code, verifier: pending.verifier, redirectUri: pending.redirect_uri, scopes: pending.scopes, environment: env.name, store });
          store.deletePending();
          // Tokens of the login this one replaces are revoked (best effort).
          if (previous) {
            const old = new Set(Object.values(previous.tokens).flatMap((t) => [t.refresh_token, t.access_token]).filter((t): t is string => !!t));
            for (const t of Object.values(login.tokens)) {
              old.delete(t.access_token);
              if (t.refresh_token) old.delete(t.refresh_token);
            }
            for (const t of old) {
              const failed = await revokeToken({ authUrl, clientId: previous.client_id, token: t, http: { attempts: 1, timeoutMs: 5000 } }).then(
                () => false,
                () => true,
              );
              if (failed) break; // best effort: Auth will expire them
            }
          }
          ctx.output.out(`${c.green("Logged in")} to environment "${env.name}" as ${c.bold(whoText(login))}`);
          ctx.output.out(`  tokens for ${Object.keys(login.tokens).join(", ")} in ${shortPath(store.file, ctx.root)} (mode 0600)`);
          let source: string | undefined;
          try {
            source = credentialSource(env);
          } catch {
            source = undefined;
          }
          if (source !== "login") {
            const why = env.kind === "local" ? "commands act as the local runtime's own client (set `credentials: login` to use this login)" : "commands use the client from GLOBUS_CLIENT_ID / GLOBUS_CLIENT_SECRET while those are set";
            ctx.output.err(c.dim(`note: in environment "${env.name}" ${why}`));
          }
        });
      }),
    );
}

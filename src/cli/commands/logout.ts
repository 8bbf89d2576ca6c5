/** `flowsmith logout [--env E]`: revoke the login's refresh and access tokens at Auth and delete the token file (even when revoking fails). */
import type { Command } from "commander";
import { palette } from "../output.js";
import type { CliContext } from "../context.js";
import { AuthServiceError, TokenStore, revokeToken, type StoredLogin } from "../../globus/auth/index.js";
import { authAction, environmentFor, shortPath, whoText, withAuthUrl } from "./login.js";

export function registerLogout(program: Command, ctx: CliContext): void {
  program
    .command("logout")
    .description("revoke the tokens of `flowsmith login` at Globus Auth and delete them")
    .option("--env <name>", "environment of flowsmith.yaml (default: FLOWSMITH_ENV or default_environment)")
    .action((opts: { env?: string }) =>
      authAction(async () => {
        const env = environmentFor(ctx, opts.env);
        const c = palette(ctx.output);
        const store = TokenStore.forEnvironment(ctx.root, env.name);
        let login: StoredLogin | undefined;
        try {
          login = store.read();
        } catch {
          ctx.output.err(`${c.yellow("warning")}: ${shortPath(store.file, ctx.root)} is damaged; deleting it without revoking its tokens`);
        }
        if (!login) {
          const had = store.delete();
          ctx.output.out(had ? `deleted ${shortPath(store.file, ctx.root)}` : `not logged in to environment "${env.name}"`);
          return;
        }
        const l = login;
        // Refresh tokens first: they are the long-lived ones.
        const tokens = [...new Set([...Object.values(l.tokens).map((t) => t.refresh_token), ...Object.values(l.tokens).map((t) => t.access_token)].filter((t): t is string => !!t))];
        let revoked = 0;
        let failure: string | undefined;
        const revokeAll = async (authUrl: string) => {
          for (const token of tokens) {
            try {
              await revokeToken({ authUrl, clientId: l.client_id, token, http: { attempts: 2, timeoutMs: 10_000, backoffMs: 100 } });
              revoked++;
            } catch (e) {
              failure = e instanceof Error ? e.message : String(e);
              if (e instanceof AuthServiceError && /cannot reach/.test(e.message)) break;
            }
          }
        };
        try {
          if (env.kind === "local") await withAuthUrl(ctx, env, revokeAll);
          else await revokeAll(l.auth_url);
        } catch (e) {
          failure = e instanceof Error ? e.message : String(e);
        }
        store.delete();
        if (revoked < tokens.length) ctx.output.err(`${c.yellow("warning")}: revoked ${revoked} of ${tokens.length} tokens (${failure ?? "unknown failure"}); the local copy is deleted anyway`);
        ctx.output.out(`${c.green("Logged out")} of environment "${env.name}" (${whoText(l)}); revoked ${revoked} of ${tokens.length} tokens, deleted ${shortPath(store.file, ctx.root)}`);
      }),
    );
}

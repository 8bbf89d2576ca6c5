/** `flowsmith whoami [--env E] [--json]`: who the commands act as in an environment and where the credentials come from (never a secret or a token). */
import type { Command } from "commander";
import { palette } from "../output.js";
import type { CliContext } from "../context.js";
import { TokenStore, credentialsForEnvironment, describeCredentials, loginInfo, SCOPES, type CredentialsInfo } from "../../globus/auth/index.js";
import { localLocator, runningLocalRuntime } from "../../local/attach.js";
import { authAction, environmentFor, shortPath } from "./login.js";

function tokenLines(info: CredentialsInfo): string[] {
  return (info.tokens ?? []).map((t) => `    ${t.resource_server}: ${t.expired ? "expired" : "expires"} ${t.expires_at}${t.refreshable ? ", refreshable" : ""}`);
}

export function registerWhoami(program: Command, ctx: CliContext): void {
  program
    .command("whoami")
    .description("show the identity commands act as in an environment and where its credentials come from")
    .option("--env <name>", "environment of flowsmith.yaml (default: FLOWSMITH_ENV or default_environment)")
    .option("--json", "machine-readable")
    .action((opts: { env?: string; json?: boolean }) =>
      authAction(async () => {
        const env = environmentFor(ctx, opts.env);
        const c = palette(ctx.output);
        const info = describeCredentials(env, { root: ctx.root, ...(env.kind === "local" ? { local: localLocator(env, ctx.root) } : {}) });
        // A local environment acts as the runtime's client; a user login there is shown too.
        const store = TokenStore.forEnvironment(ctx.root, env.name);
        let login: CredentialsInfo | undefined;
        if (info.source !== "login" && store.exists()) {
          try {
            login = loginInfo(env, store, store.read());
          } catch {
            login = undefined;
          }
        }
        const running = env.kind === "local" ? runningLocalRuntime(env, ctx.root) : undefined;
        // A client's id alone proves nothing: ask Auth for a token with it (a wrong secret is
        // exit 3 here, not at the first deploy). The local client can only be asked while its runtime runs.
        let verified: boolean | "skipped" = "skipped";
        if (info.source === "env-client" || (info.source === "local-client" && running)) {
          await credentialsForEnvironment(env, { root: ctx.root, ...(env.kind === "local" ? { local: localLocator(env, ctx.root) } : {}) }).token(SCOPES.flows("all"));
          verified = true;
        }
        if (opts.json) {
          ctx.output.out(JSON.stringify({ ...info, verified, ...(login ? { login } : {}) }, null, 2));
          return;
        }
        const lines: string[] = [];
        lines.push(`environment: ${c.bold(env.name)} (${env.kind === "local" ? `local runtime${running ? ` at ${running.url}` : ", not running"}` : info.auth_url ?? "globus"})`);
        if (info.source === "local-client") {
          lines.push(`credentials: the local runtime's client${info.client_id ? ` ${info.client_id}` : " (created when the runtime first starts)"} from ${shortPath(info.client_from!, ctx.root)}`);
        } else if (info.source === "env-client") {
          lines.push(`credentials: client ${info.client_id} from GLOBUS_CLIENT_ID / GLOBUS_CLIENT_SECRET (secret not shown)`);
        } else {
          lines.push(`credentials: user login in ${shortPath(info.token_file!, ctx.root)}`);
        }
        if (info.identity) lines.push(`identity:    ${c.bold(info.username ?? "?")} (${info.identity})`);
        if (verified === true) lines.push(`verified:    Globus Auth${env.kind === "local" ? " (local runtime)" : ""} issued a token for these credentials`);
        else if (info.source === "local-client") lines.push(c.dim("verified:    no (the local runtime is not running)"));
        if (info.tokens?.length) lines.push("  tokens:", ...tokenLines(info));
        if (login?.logged_in) {
          lines.push(`user login:  ${login.username ?? "?"} (${login.identity ?? "unknown identity"}) in ${shortPath(login.token_file!, ctx.root)}`);
          lines.push(...tokenLines(login));
        }
        ctx.output.out(lines.join("\n"));
      }),
    );
}

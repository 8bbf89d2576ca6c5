/** `flowsmith ui [--env E] [--port N] [--no-open]`: the browser console for this project. */
import { spawn } from "node:child_process";
import { InvalidArgumentError, type Command } from "commander";
import { startUiServer } from "../../ui/server.js";
import { palette } from "../output.js";
import { withSession } from "../environment.js";
import type { CliContext } from "../context.js";

function openBrowser(url: string): void {
  const cmd = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  try {
    const child = spawn(cmd, [url], { stdio: "ignore", detached: true });
    child.on("error", () => {}); // no browser opener: the printed URL is enough
    child.unref();
  } catch {
    // as above
  }
}

const portArg = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("must be a port number from 0 to 65535 (0 picks a free one)");
  return n;
};

export function registerUi(program: Command, ctx: CliContext): void {
  program
    .command("ui")
    .description("serve a browser console on 127.0.0.1: flows, start form, runs, timers (Ctrl-C stops it)")
    .option("--env <name>", "environment from flowsmith.yaml")
    .option("--port <n>", "port on 127.0.0.1 (0 picks a free one)", portArg, 0)
    .option("--no-open", "do not open a browser (it opens only when the terminal is interactive)")
    .action(async (opts: { env?: string; port: number; open: boolean }) => {
      const o = ctx.output;
      const c = palette(o);
      await withSession(ctx, opts.env, async (session) => {
        const server = await startUiServer({ session, port: opts.port, log: (l) => o.err(c.dim(l)) });
        o.out(server.url);
        o.err(c.dim(`flowsmith ui for ${session.config.project} (environment ${session.env.name}); the URL carries this process's secret — do not share it. Ctrl-C stops.`));
        if (session.localRuntime) o.err(c.yellow("note: the local runtime runs inside this process; its runs pause when it stops and resume with the next command or `flowsmith local start`"));
        if (opts.open && process.stdout.isTTY && process.stdin.isTTY) openBrowser(server.url);
        await new Promise<void>((done) => {
          const stop = () => done();
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        });
        await server.close();
      });
    });
}

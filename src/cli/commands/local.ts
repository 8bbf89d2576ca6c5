/** `flowsmith local start|status|stop`: the local Globus-compatible runtime. */
import { InvalidArgumentError, type Command } from "commander";
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { requireProjectConfig, selectEnvironment } from "../../project/config.js";
import { runtimeConfigFor } from "../../local/from-project.js";
import { startLocalRuntime } from "../../local/runtime.js";
import { ensureLocalClient, processAlive, runningRuntime, stateFileOf } from "../../local/config.js";
import { parseDuration } from "../../run/timer-schedule.js";
import { skipClock } from "../local-skip-client.js";
import { CliError, EXIT } from "../../errors.js";
import { palette } from "../output.js";
import { setExitCode, type CliContext } from "../context.js";

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError("must be a port number 0-65535");
  return n;
}

function clockRate(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > 1e7) throw new InvalidArgumentError("must be a number > 0 (virtual seconds per real second), at most 1e7");
  return n;
}

export function registerLocal(program: Command, ctx: CliContext): void {
  const local = program.command("local").description("the local Globus-compatible runtime (Auth, Flows, Transfer, Compute on 127.0.0.1)");
  const dataDirOf = (opts: { dataDir?: string; env?: string }) => {
    const config = requireProjectConfig(ctx.root);
    const env = selectEnvironment(config, opts.env ?? "local");
    if (env.kind !== "local") throw new CliError(`environment "${env.name}" is not a local environment`, EXIT.INVALID);
    return { config, env, dataDir: resolve(opts.dataDir ?? env.data_dir ?? ".flowsmith/local") };
  };

  local
    .command("start")
    .description("run the local runtime in the foreground (Ctrl-C stops it)")
    .option("--port <port>", "port to listen on (0 picks a free one)", port)
    .option("--data-dir <dir>", "state directory (default .flowsmith/local)")
    .option("--env <name>", "local environment of flowsmith.yaml to serve", "local")
    .option("--clock-rate <n>", "virtual seconds per real second (timers, Wait states; also shortens action WaitTimes)", clockRate)
    .action(async (opts: { port?: number; dataDir?: string; env?: string; clockRate?: number }) => {
      const { env, dataDir } = dataDirOf(opts);
      const running = runningRuntime(dataDir);
      if (running) throw new CliError(`a local runtime is already running for ${dataDir} at ${running.url} (pid ${running.pid})`, EXIT.INVALID, "stop it with `flowsmith local stop`");
      const c = palette(ctx.output);
      const rt = await startLocalRuntime({ ...runtimeConfigFor(env, ctx.root, { ...(opts.port !== undefined ? { port: opts.port } : {}), dataDir }), ...(opts.clockRate ? { clockRate: opts.clockRate } : {}), standing: true, log: (l) => ctx.output.err(c.dim(`${new Date().toISOString()} ${l}`)) });
      ctx.output.out(`${c.green("flowsmith local runtime")} listening on ${c.bold(rt.url)} (pid ${process.pid})`);
      ctx.output.out(`  data: ${dataDir}`);
      ctx.output.out(`  collections: ${Object.keys(env.collections).join(", ") || "none"}; compute endpoints: ${Object.keys(env.compute_endpoints).join(", ") || "none"}`);
      ctx.output.out(`  client id: ${rt.client.client_id} (secret in ${resolve(dataDir, "client.json")}, mode 0600)`);
      if (opts.clockRate && opts.clockRate !== 1) ctx.output.out(`  clock: ${opts.clockRate}x real time (now ${new Date(rt.clock.now()).toISOString()})`);
      if (rt.recovered.dueTimers) ctx.output.out(`  ${rt.recovered.dueTimers} timer(s) came due while the runtime was down; each fires once now`);
      if (rt.recovered.runs || rt.recovered.transferTasks) ctx.output.out(`  resumed ${rt.recovered.runs} run(s) and ${rt.recovered.transferTasks} transfer task(s)`);
      ctx.output.out(`  point @globus/sdk at it: ${Object.entries(rt.env).map(([k, v]) => `${k}=${v}`).join(" ")}`);
      await new Promise<void>((done) => {
        const stop = () => {
          ctx.output.out("stopping…");
          void rt.stop().then(done);
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });

  local
    .command("status")
    .description("is a local runtime running for this project?")
    .option("--data-dir <dir>", "state directory")
    .option("--json", "machine-readable")
    .action(async (opts: { dataDir?: string; json?: boolean }) => {
      const { dataDir } = dataDirOf(opts);
      const s = runningRuntime(dataDir);
      let healthy = false;
      if (s) {
        try {
          healthy = (await fetch(`${s.url}/health`, { signal: AbortSignal.timeout(2000) })).ok;
        } catch {
          healthy = false;
        }
      }
      if (opts.json) ctx.output.out(JSON.stringify({ running: !!s, healthy, ...(s ?? {}), data_dir: dataDir }, null, 2));
      else ctx.output.out(s ? `running at ${s.url} (pid ${s.pid}, since ${s.started_at})${healthy ? "" : " but not answering"}` : `not running (data dir ${dataDir})`);
      if (!s || !healthy) setExitCode(ctx, EXIT.NOT_RUNNING);
    });

  local
    .command("skip")
    .argument("<duration>", "how far to move the clock, e.g. 2d, 7d, 1h30m")
    .description("move the running local runtime's clock forward: due timers fire, Wait states end")
    .option("--data-dir <dir>", "state directory")
    .option("--env <name>", "local environment", "local")
    .option("--json", "machine-readable")
    .action(async (duration: string, opts: { dataDir?: string; env?: string; json?: boolean }) => {
      const seconds = parseDuration(duration, "duration");
      const { dataDir } = dataDirOf(opts);
      const s = runningRuntime(dataDir);
      if (!s) throw new CliError(`no local runtime is running for ${dataDir}`, EXIT.SERVICE, "start one with `flowsmith local start` (the clock of an in-process runtime lives only as long as its command)");
      const r = await skipClock(s.url, ensureLocalClient(dataDir), seconds);
      if (opts.json) ctx.output.out(JSON.stringify(r, null, 2));
      else ctx.output.out(`the local runtime's clock is now ${r.now} (skipped ${duration})`);
    });

  local
    .command("stop")
    .description("stop the local runtime started with `local start`")
    .option("--data-dir <dir>", "state directory")
    .action(async (opts: { dataDir?: string }) => {
      const { dataDir } = dataDirOf(opts);
      const s = runningRuntime(dataDir);
      if (!s) {
        rmSync(stateFileOf(dataDir), { force: true });
        ctx.output.out("no local runtime is running");
        return;
      }
      process.kill(s.pid, "SIGTERM");
      for (let i = 0; i < 100 && processAlive(s.pid); i++) await new Promise((r) => setTimeout(r, 100));
      if (processAlive(s.pid)) throw new CliError(`the runtime (pid ${s.pid}) did not stop within 10 s`, EXIT.SERVICE, `kill it with: kill ${s.pid}`);
      ctx.output.out(`stopped the local runtime at ${s.url}`);
    });
}

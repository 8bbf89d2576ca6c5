/**
 * `run-flow --watch DIR`: start one run per new run directory once its files have settled.
 * Polling (not inotify) so it works on network filesystems; what was started is remembered
 * in a state file (written atomically) so a restart never starts a directory twice; a
 * directory whose run could not start is retried on the next scan, a failed run is not.
 */
import { followRun } from "./follow.js";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { CompiledFlow } from "../compile/compile.js";
import { CliError, EXIT } from "../errors.js";
import type { AnyFlowSource } from "../dsl/flow.js";
import type { Session } from "../globus/session.js";
import type { CliContext } from "../cli/context.js";
import { palette } from "../cli/output.js";
import { buildInput } from "./input.js";
import { applyDefaults } from "./defaults.js";
import { checkInput, ensureDeployed, startRun, type StartOptions } from "./start.js";
import { reportFollowUps } from "../cli/follow-ups.js";
import { checkFollowUps } from "./follow-ups.js";
import { FINAL, type RunDoc } from "./follow.js";
import { SCOPES } from "../local/auth/scopes.js";

export interface WatchOptions {
  dir: string;
  settleSeconds: number;
  pollSeconds: number;
  once: boolean;
  values: Record<string, unknown>;
  start: StartOptions;
}

interface WatchState {
  /** `follow_ups`: the run ended and its follow-ups were scheduled (or it has none). */
  started: Record<string, { run_id: string; at: string; follow_ups?: "done" }>;
}

function newestMtime(dir: string): number {
  let newest = statSync(dir).mtimeMs;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Resolves to the runs started that did not succeed (only known when it waited for them). */
export async function watchDirectory(ctx: CliContext, s: Session, source: AnyFlowSource, flow: CompiledFlow, o: WatchOptions): Promise<number> {
  const out = ctx.output;
  const c = palette(out);
  const root = resolve(o.dir);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new CliError(`--watch ${o.dir} is not a directory`, EXIT.INVALID);
  if (!Number.isFinite(o.settleSeconds) || o.settleSeconds < 0 || !Number.isFinite(o.pollSeconds) || o.pollSeconds <= 0) {
    throw new CliError("--settle must be a number of seconds >= 0 and --poll a number of seconds > 0", EXIT.INVALID);
  }
  const stateFile = join(s.config.root, ".flowsmith", "watch", `${flow.name}-${s.env.name}.json`);
  mkdirSync(join(s.config.root, ".flowsmith", "watch"), { recursive: true });
  const state: WatchState = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, "utf8")) as WatchState) : { started: {} };
  const save = () => {
    writeFileSync(`${stateFile}.tmp`, JSON.stringify(state, null, 2));
    renameSync(`${stateFile}.tmp`, stateFile);
  };
  const deployed = await ensureDeployed(s, flow, (l) => out.err(c.dim(l)));
  await checkFollowUps(s, s.config.root, source);
  let stop = false;
  const startedNow: { name: string; run_id: string }[] = [];
  const onSigint = () => (stop = true);
  process.once("SIGINT", onSigint);
  out.err(`watching ${root} for new run directories (settle ${o.settleSeconds} s, scan every ${o.pollSeconds} s); state in ${stateFile}`);
  // A started run that has ended gets its follow-ups once; the state file remembers it across restarts.
  const followUps = async () => {
    if (!source.followUps?.length) return;
    for (const [dirName, st] of Object.entries(state.started)) {
      if (!st.run_id || st.follow_ups === "done" || stop) continue;
      try {
        const run = (await s.api.call<RunDoc>("FLOWS", `/runs/${st.run_id}`, { scope: SCOPES.flows("all") })).body;
        if (!FINAL.has(run.status)) continue;
        if (run.status === "SUCCEEDED") await reportFollowUps(ctx, s, source, st.run_id, { indent: `${dirName}: ` });
        st.follow_ups = "done";
        save();
      } catch (err) {
        out.err(`${c.red("could not schedule follow-ups")} of ${dirName} (run ${st.run_id}): ${(err as Error).message} (will retry)`);
      }
    }
  };
  try {
    while (!stop) {
      await followUps();
      for (const e of readdirSync(root, { withFileTypes: true })) {
        if (!e.isDirectory() || e.name.startsWith(".") || state.started[e.name]) continue;
        const dir = join(root, e.name);
        const age = (Date.now() - newestMtime(dir)) / 1000;
        if (age < o.settleSeconds) continue;
        try {
          const input = applyDefaults(deployed.schema, await buildInput(source, { rundir: dir, values: o.values }));
          const problems = checkInput(deployed.schema, input);
          if (problems.length) {
            out.err(`${c.red("skip")} ${e.name}: ${problems.map((p) => p.message).join("; ")}`);
            state.started[e.name] = { run_id: "", at: new Date().toISOString() };
            save();
            continue;
          }
          const run = await startRun(s, deployed, input, { ...o.start, label: o.start.label ?? `${flow.name} ${e.name}`.slice(0, 64) });
          state.started[e.name] = { run_id: run.run_id, at: new Date().toISOString() };
          save();
          startedNow.push({ name: e.name, run_id: run.run_id });
          out.out(`${c.green("started")} ${e.name} -> run ${run.run_id}`);
        } catch (err) {
          out.err(`${c.red("could not start")} ${e.name}: ${(err as Error).message} (will retry)`);
        }
      }
      if (o.once) break;
      for (let t = 0; t < o.pollSeconds * 10 && !stop; t++) await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
  if (!startedNow.length) return 0;
  if (!s.localRuntime) {
    out.err(`started ${startedNow.length} run(s); they go on in "${s.env.name}" (follow one with \`flowsmith runs show RUN_ID --follow\`)`);
    return 0;
  }
  // The runtime lives in this process: leaving now would stall the runs until some later
  // command starts a runtime, so serve them to their end (Ctrl-C leaves them, and says so).
  out.err(`waiting for ${startedNow.length} run(s) on the local runtime this command started (it stops when they end)`);
  let failed = 0;
  const abort = new AbortController();
  const onInt = () => abort.abort();
  process.once("SIGINT", onInt);
  try {
    for (const r of startedNow) {
      const final = await followRun(s.api, r.run_id, { signal: abort.signal, stopWhenInactive: true });
      if (!final) {
        out.err(`left ${startedNow.length} run(s) unfinished; they resume when \`flowsmith local start\` runs (reattach: flowsmith runs show ${r.run_id} --follow)`);
        return startedNow.length;
      }
      if (final.status !== "SUCCEEDED") failed++;
      out.out(`${final.status === "SUCCEEDED" ? c.green(final.status) : c.red(final.status)} ${r.name} run ${r.run_id}`);
    }
  } finally {
    process.removeListener("SIGINT", onInt);
  }
  return failed;
}

/**
 * `run-flow --watch DIR`: start one run per new run directory once its files have settled.
 * Polling (not inotify) so it works on network filesystems; what was started is remembered
 * in a state file (written atomically) so a restart never starts a directory twice; a
 * directory whose run could not start is retried on the next scan, a failed run is not.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { CompiledFlow } from "../compile/compile.js";
import { CliError, EXIT } from "../errors.js";
import type { AnyFlowSource } from "../dsl/flow.js";
import type { Session } from "../globus/session.js";
import type { Diagnostic } from "../definition/diagnostics.js";
import { buildInput } from "./input.js";
import { ensureDeployed, startChecked, type StartOptions } from "./start.js";
import { checkFollowUps, scheduleFollowUps, type ScheduledFollowUp } from "./follow-ups.js";
import { FINAL, followRun } from "./follow.js";
import { FlowsClient } from "../globus/flows.js";

export interface WatchOptions {
  dir: string;
  settleSeconds: number;
  pollSeconds: number;
  once: boolean;
  values: Record<string, unknown>;
  start: StartOptions;
}

/** What the watcher reports; the CLI renders these (this layer prints nothing). */
export type WatchEvent =
  | { kind: "log"; line: string }
  | { kind: "watching"; root: string; stateFile: string; settleSeconds: number; pollSeconds: number }
  | { kind: "skipped"; dir: string; problems: Diagnostic[] }
  | { kind: "started"; dir: string; run_id: string }
  | { kind: "start-failed"; dir: string; message: string }
  | { kind: "follow-ups"; dir: string; run_id: string; scheduled: ScheduledFollowUp[] }
  | { kind: "follow-ups-failed"; dir: string; run_id: string; message: string }
  /** Runs started in a real environment (or a standing runtime): they go on without this command. */
  | { kind: "left-running"; count: number; environment: string }
  /** The runtime lives in this process: it waits for the runs it started. */
  | { kind: "waiting"; count: number }
  | { kind: "ended"; dir: string; run_id: string; status: string }
  /** Ctrl-C while waiting: the runs resume with the next runtime. */
  | { kind: "left-unfinished"; count: number; run_id: string };

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
export async function watchDirectory(s: Session, source: AnyFlowSource, flow: CompiledFlow, o: WatchOptions, emit: (e: WatchEvent) => void): Promise<number> {
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
  const log = (line: string) => emit({ kind: "log", line });
  const deployed = await ensureDeployed(s, flow, log);
  await checkFollowUps(s, s.config.root, source);
  const startedNow: { name: string; run_id: string }[] = [];
  let stop = false;
  const onSigint = () => (stop = true);
  process.once("SIGINT", onSigint);
  emit({ kind: "watching", root, stateFile, settleSeconds: o.settleSeconds, pollSeconds: o.pollSeconds });
  // A started run that has ended gets its follow-ups once; the state file remembers it across restarts.
  const followUps = async () => {
    if (!source.followUps?.length) return;
    for (const [dirName, st] of Object.entries(state.started)) {
      if (!st.run_id || st.follow_ups === "done" || stop) continue;
      try {
        const run = await new FlowsClient(s.api).getRun(st.run_id);
        if (!FINAL.has(run.status)) continue;
        if (run.status === "SUCCEEDED") emit({ kind: "follow-ups", dir: dirName, run_id: st.run_id, scheduled: await scheduleFollowUps(s, s.config.root, source, run, log) });
        st.follow_ups = "done";
        save();
      } catch (err) {
        emit({ kind: "follow-ups-failed", dir: dirName, run_id: st.run_id, message: (err as Error).message });
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
          const built = await buildInput(source, { rundir: dir, values: o.values });
          const started = await startChecked(s, deployed, built, { ...o.start, label: o.start.label ?? `${flow.name} ${e.name}`.slice(0, 64) });
          state.started[e.name] = { run_id: started.run?.run_id ?? "", at: new Date().toISOString() };
          save();
          if (started.run) {
            startedNow.push({ name: e.name, run_id: started.run.run_id });
            emit({ kind: "started", dir: e.name, run_id: started.run.run_id });
          }
          else emit({ kind: "skipped", dir: e.name, problems: started.problems });
        } catch (err) {
          emit({ kind: "start-failed", dir: e.name, message: (err as Error).message });
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
    emit({ kind: "left-running", count: startedNow.length, environment: s.env.name });
    return 0;
  }
  // The runtime lives in this process: leaving now would stall the runs until some later
  // command starts a runtime, so serve them to their end (Ctrl-C leaves them, and says so).
  emit({ kind: "waiting", count: startedNow.length });
  let failed = 0;
  const abort = new AbortController();
  const onInt = () => abort.abort();
  process.once("SIGINT", onInt);
  try {
    for (const r of startedNow) {
      const final = await followRun(s.api, r.run_id, { signal: abort.signal, stopWhenInactive: true });
      if (!final) {
        emit({ kind: "left-unfinished", count: startedNow.length, run_id: r.run_id });
        return startedNow.length;
      }
      if (final.status !== "SUCCEEDED") failed++;
      emit({ kind: "ended", dir: r.name, run_id: r.run_id, status: final.status });
    }
  } finally {
    process.removeListener("SIGINT", onInt);
  }
  return failed;
}

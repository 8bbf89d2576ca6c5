#!/usr/bin/env node
// Issue 11's measurements, as numbers:
//  1. `run-flow als832_alcf --rundir <fresh sample>` with the default prune days (2 and 7) in a
//     scratch copy of this project: wall time and exit code, against the limit the issue names
//     (exit 0 within a minute) and against what it replaced (a run that stayed ACTIVE 7 days).
//  2. The local Timers scheduler: 1,000 once-timers due at the same instant fire 1,000 runs:
//     fires per second and the lateness of the last fire (ManualClock, in-process).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const repo = new URL("..", import.meta.url).pathname;
const dist = new URL("../dist/src/", import.meta.url);

// ---- 1. run-flow with default prune days ----
const dir = mkdtempSync(join(tmpdir(), "flowsmith-bench-timers-"));
for (const d of ["flows", "schemas", "functions"]) cpSync(join(repo, d), join(dir, d), { recursive: true, filter: (p) => !p.includes("__pycache__") });
mkdirSync(join(dir, "demo"));
symlinkSync(join(repo, "demo", "standins"), join(dir, "demo", "standins"));
mkdirSync(join(dir, "node_modules"));
symlinkSync(repo, join(dir, "node_modules", "flowsmith"));
writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bench-copy", private: true, type: "module" }));
writeFileSync(join(dir, "flowsmith.yaml"), readFileSync(join(repo, "flowsmith.yaml"), "utf8").replace(/^project: .*$/m, "project: bench-timers"));
const rundir = join(dir, ".flowsmith", "collections", "nersc_cfs", "8.3.2", "raw", "BLS-00564_bench");
mkdirSync(rundir, { recursive: true });
writeFileSync(join(rundir, "20260101_120000_bench.h5"), Buffer.alloc(64 * 1024, 7));
const cli = (args) => spawnSync(process.execPath, [join(repo, "bin", "flowsmith.js"), ...args], { cwd: dir, env: { ...process.env, NO_COLOR: "1" }, encoding: "utf8" });
const t0 = performance.now();
const r = cli(["run-flow", "als832_alcf", "--rundir", rundir]);
const wall = (performance.now() - t0) / 1000;
const lr = cli(["timers", "list", "--json"]);
if (r.status !== 0 || lr.status !== 0) { console.error(r.stderr, lr.stderr); process.exit(1); }
const listed = JSON.parse(lr.stdout).timers.map((t) => t.name.split(" ").at(-1)).sort();
console.log(`run-flow als832_alcf (default prune days 2/7), fresh project, cold: exit ${r.status}, ${wall.toFixed(2)} s wall`);
console.log(`  timers listed afterwards: ${listed.join(", ")}`);
console.log(`  ratio to the issue's limit (60 s): ${(wall / 60).toFixed(3)}; to the run it replaced (ACTIVE for 7 days): ${(wall / (7 * 86400)).toExponential(2)}`);
rmSync(dir, { recursive: true, force: true });

// ---- 2. scheduler throughput ----
const { startLocalRuntime } = await import(new URL("local/runtime.js", dist));
const { ManualClock } = await import(new URL("engine/clock.js", dist));
const N = Number(process.env.TIMERS ?? 1000);
const sdir = mkdtempSync(join(tmpdir(), "flowsmith-bench-sched-"));
const clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
const rt = await startLocalRuntime({ dataDir: join(sdir, "data"), collections: {}, computeEndpoints: {} }, { clock });
const owner = { identity: "urn:globus:auth:identity:00000000-0000-4000-8000-000000000001", username: "bench", scopes: [], client_id: "", resource_server: "", token_sha256: "", expires_at: 0 };
const flow = rt.flows.createFlow({ definition: { StartAt: "Done", States: { Done: { Type: "Pass", End: true } } }, input_schema: {}, title: "bench" }, owner).body;
const { SCOPES } = await import(new URL("wire/scopes.js", dist));
const { timerScopeFor } = await import(new URL("wire/timers-scope.js", dist));
const caller = { ...owner, scopes: [timerScopeFor(SCOPES.flow(flow.id))] };
const at = new Date(clock.now() + 60_000).toISOString();
for (let i = 0; i < N; i++) rt.timers.create({ timer: { timer_type: "flow", flow_id: flow.id, name: `b${i}`, schedule: { type: "once", datetime: at }, body: { body: { i } } } }, caller);
const s0 = performance.now();
await clock.advance(60_000);
const fired = () => rt.store.list("timer").filter((t) => t.n_runs === 1).length;
while (fired() < N) await new Promise((r) => setTimeout(r, 5));
const secs = (performance.now() - s0) / 1000;
await rt.stop();
rmSync(sdir, { recursive: true, force: true });
console.log(`scheduler: ${N} once-timers due at one instant -> ${N} runs started in ${secs.toFixed(2)} s real (${Math.round(N / secs)} fires/s; last fire ${(secs * 1000).toFixed(0)} ms after due)`);

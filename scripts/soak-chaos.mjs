#!/usr/bin/env node
// Chaos soak (was one minute-long vitest case): with FLOWSMITH_CHAOS=0.2 the local runtime
// answers a fifth of all requests with a 503, a 429 or a dropped connection. N deploy+run
// cycles (default 20) must all succeed, with exactly one flow, one registration per
// function and one run per cycle. The fault sequence is seeded (--seed, default fixed), a
// different stream per command, so a failure replays. Bounded: fails after --max-seconds.
//   node scripts/soak-chaos.mjs [--cycles 20] [--seed 8] [--max-seconds 420]
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO, check, deadline, flowsmith, intArg, requireBuilt, scratchProject } from "./soak-support.mjs";

const NAME = "soak-chaos";
requireBuilt();
const cycles = intArg("cycles", "SOAK_CYCLES", 20);
const seed = intArg("seed", "SOAK_SEED", 8);
deadline(NAME, intArg("max-seconds", "SOAK_MAX_SECONDS", 420));
const { SqliteStore } = await import(join(REPO, "dist", "src", "local", "store.js"));

const started = Date.now();
const dir = scratchProject();
const rd = join(dir, ".flowsmith", "collections", "cosmic_beamline", "aps", "scans", "chaos");
mkdirSync(rd, { recursive: true });
writeFileSync(join(rd, "test_data.h5"), "h5");
// The test retry policy (millisecond backoff): every retry path still runs, none sleeps long.
const env = (n) => ({ FLOWSMITH_CHAOS: "0.2", FLOWSMITH_CHAOS_SEED: String(seed * 1000 + n), FLOWSMITH_RETRY_BASE_MS: "1", FLOWSMITH_RETRY_MAX_MS: "20" });
const runIds = [];
for (let i = 0; i < cycles; i++) {
  const d = flowsmith(["deploy-flow", "tomocupy_alcf", "--json"], { cwd: dir, env: env(2 * i) });
  check(NAME, d.code === 0, `cycle ${i + 1}: deploy-flow exited ${d.code}: ${d.stderr}`);
  const r = flowsmith(["run-flow", "tomocupy_alcf", "--rundir", rd, "--json"], { cwd: dir, env: env(2 * i + 1) });
  check(NAME, r.code === 0, `cycle ${i + 1}: run-flow exited ${r.code}: ${r.stdout}${r.stderr}`);
  const run = JSON.parse(r.stdout);
  check(NAME, run.status === "SUCCEEDED", `cycle ${i + 1}: run ${run.run_id} is ${run.status}`);
  runIds.push(run.run_id);
  process.stdout.write(`${NAME}: cycle ${i + 1}/${cycles} ok (run ${run.run_id})\n`);
}
const store = new SqliteStore(join(dir, ".flowsmith", "local", "state.sqlite"));
const flows = store.list("flow").filter((f) => !f.deleted);
const runs = store.list("run_meta");
const functions = store.list("compute.function");
store.close();
check(NAME, flows.length === 1, `${flows.length} flows, expected 1`);
check(NAME, new Set(runIds).size === cycles && runs.length === cycles, `${runs.length} runs stored (${new Set(runIds).size} distinct ids), expected ${cycles}`);
check(NAME, JSON.stringify(functions.map((f) => f.function_name)) === JSON.stringify(["tomocupy_recon"]), `functions ${JSON.stringify(functions.map((f) => f.function_name))}, expected ["tomocupy_recon"]`);
process.stdout.write(`${NAME}: ok: ${cycles} cycles, 1 flow, 1 function, ${runs.length} runs, seed ${seed}, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

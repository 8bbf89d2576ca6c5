#!/usr/bin/env node
// SIGKILL soak (was one minute-long vitest case): 20 runs (transfer -> compute -> wait ->
// pass) on a runtime in a child process that is SIGKILLed at seeded random points (6 kills,
// also between starts) and started again each time. All runs must SUCCEED, each compute
// task must execute exactly once (a ledger the function appends to), there must be one
// transfer task per run and every file copied intact. Bounded: fails after --max-seconds.
//   node scripts/soak-sigkill.mjs [--runs 20] [--kills 6] [--seed 8] [--max-seconds 300]
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO, check, deadline, intArg, requireBuilt, seededRandom } from "./soak-support.mjs";

const NAME = "soak-sigkill";
requireBuilt();
const RUNS = intArg("runs", "SOAK_RUNS", 20);
const KILLS = intArg("kills", "SOAK_KILLS", 6);
const seed = intArg("seed", "SOAK_SEED", 8);
const random = await seededRandom(seed);
deadline(NAME, intArg("max-seconds", "SOAK_MAX_SECONDS", 300));
const dist = (p) => import(join(REPO, "dist", "src", p));
const { pureSourceRegistration } = await dist("wire/compute-serialization.js");
const { SCOPES } = await dist("wire/scopes.js");
const { SqliteStore } = await dist("local/store.js");

const SRC = "c0000000-0000-4000-8000-000000000001";
const DST = "c0000000-0000-4000-8000-000000000002";
const EP = "d0000000-0000-4000-8000-000000000001";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let current;

function startChild(configFile) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, "scripts", "soak-runtime-child.mjs"), configFile], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    current = child;
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /READY (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => reject(new Error(`runtime exited (${code}) before it was ready: ${err}`)));
  });
}
process.on("exit", () => current?.kill("SIGKILL"));

async function token(url, client, scopes) {
  for (;;) {
    try {
      const res = await fetch(`${url}/v2/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic " + Buffer.from(`${client.client_id}:${client.client_secret}`).toString("base64") },
        body: new URLSearchParams({ grant_type: "client_credentials", scope: scopes.join(" ") }),
      });
      const b = await res.json();
      return Object.fromEntries([[b.resource_server, b.access_token], ...b.other_tokens.map((t) => [t.resource_server, t.access_token])]);
    } catch {
      await sleep(50);
    }
  }
}

const started = Date.now();
const root = mkdtempSync(join(tmpdir(), "flowsmith-kill-"));
const src = join(root, "src");
const dst = join(root, "dst");
mkdirSync(src);
mkdirSync(dst);
const ledger = join(root, "executions.log");
writeFileSync(ledger, "");
for (let i = 0; i < RUNS; i++) writeFileSync(join(src, `f${i}.dat`), Buffer.alloc(256 * 1024, i));
const configFile = join(root, "config.json");
writeFileSync(configFile, JSON.stringify({ dataDir: join(root, "data"), collections: { [SRC]: { root: src }, [DST]: { root: dst } }, computeEndpoints: { [EP]: { workers: 2 } } }));

let { child, url } = await startChild(configFile);
const client = JSON.parse(readFileSync(join(root, "data", "client.json"), "utf8"));
let t = await token(url, client, [SCOPES.flows("all"), SCOPES.computeAll]);
const fn = pureSourceRegistration("record", `def record(label, ledger):\n    import time\n    with open(ledger, "a") as f:\n        f.write(label + "\\n")\n    time.sleep(0.15)\n    return label\n`);
const function_uuid = (await (await fetch(`${url}/v3/functions`, { method: "POST", headers: { authorization: `Bearer ${t.funcx_service}`, "content-type": "application/json" }, body: JSON.stringify(fn) })).json()).function_uuid;
const definition = {
  StartAt: "Copy",
  States: {
    Copy: { Type: "Action", ActionUrl: "https://transfer.actions.globus.org/transfer", Parameters: { source_endpoint: SRC, destination_endpoint: DST, DATA: [{ "source_path.$": "$.file", "destination_path.$": "$.file" }], verify_checksum: true }, ResultPath: "$.Copy", WaitTime: 600, Next: "Record" },
    Record: { Type: "Action", ActionUrl: "https://compute.actions.globus.org/v3", Parameters: { endpoint_id: EP, tasks: [{ function_id: function_uuid, kwargs: { "label.$": "$.label", ledger } }] }, ResultPath: "$.Record", WaitTime: 600, Next: "Pause" },
    Pause: { Type: "Wait", Seconds: 0, Next: "Done" },
    Done: { Type: "Pass", End: true },
  },
};
const flow = await (await fetch(`${url}/flows`, { method: "POST", headers: { authorization: `Bearer ${t["flows.globus.org"]}`, "content-type": "application/json" }, body: JSON.stringify({ definition, input_schema: {}, title: "kill soak" }) })).json();
const ft = (await token(url, client, [SCOPES.flow(flow.id)]))[flow.id];
const runIds = [];
for (let i = 0; i < RUNS; i++) {
  const r = await (await fetch(`${url}/flows/${flow.id}/run`, { method: "POST", headers: { authorization: `Bearer ${ft}`, "content-type": "application/json" }, body: JSON.stringify({ body: { file: `/f${i}.dat`, label: `run${i}` } }) })).json();
  runIds.push(r.run_id);
  // Interleave kills with starts too: a random short pause between starts.
  await sleep(random() * 30);
}

const statuses = async () => Promise.all(runIds.map(async (id) => (await (await fetch(`${url}/runs/${id}`, { headers: { authorization: `Bearer ${t["flows.globus.org"]}` } })).json()).status));
let kills = 0;
for (let round = 0; round < 400; round++) {
  if (kills < KILLS) {
    await sleep(50 + random() * 400);
    child.kill("SIGKILL");
    await new Promise((res) => child.once("exit", res));
    kills++;
    ({ child, url } = await startChild(configFile));
    t = await token(url, client, [SCOPES.flows("all"), SCOPES.computeAll]);
    process.stdout.write(`${NAME}: kill ${kills}/${KILLS}, restarted at ${url}\n`);
    continue;
  }
  const s = await statuses();
  if (s.every((x) => x === "SUCCEEDED" || x === "FAILED")) break;
  await sleep(250);
}
const final = await statuses();
child.kill("SIGTERM");
await new Promise((res) => child.once("exit", res));
current = undefined;

check(NAME, kills === KILLS, `${kills} kills, expected ${KILLS}`);
check(NAME, final.every((s) => s === "SUCCEEDED"), `final statuses ${JSON.stringify(final)}`);
const lines = readFileSync(ledger, "utf8").split("\n").filter(Boolean).sort();
check(NAME, JSON.stringify(lines) === JSON.stringify(runIds.map((_, i) => `run${i}`).sort()), `compute executions ${JSON.stringify(lines)} (each run's task must run exactly once)`);
const store = new SqliteStore(join(root, "data", "state.sqlite"));
const tasks = store.list("transfer.task");
store.close();
check(NAME, tasks.length === RUNS, `${tasks.length} transfer tasks, expected ${RUNS}`);
for (let i = 0; i < RUNS; i++) check(NAME, readFileSync(join(dst, `f${i}.dat`)).equals(Buffer.alloc(256 * 1024, i)), `f${i}.dat not copied intact`);
process.stdout.write(`${NAME}: ok: ${RUNS} runs SUCCEEDED through ${kills} SIGKILLs, each compute task once, ${tasks.length} transfer tasks, seed ${seed}, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

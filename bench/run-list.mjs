#!/usr/bin/env node
// GET /runs on the local runtime with many runs (default 100,000): the first page, a page
// filtered by flow, by status and by label, each the median of 25 requests, against the
// 10 ms goal. The store is filled directly (copies of one real finished run, spread over
// two flows, three statuses and months of start times), then the runtime is restarted on
// it. The same query through the unindexed path (orderby=label, which reads every run) is
// timed at --peer-runs (default 3,000) for comparison.
//   node bench/run-list.mjs [--runs 100000] [--peer-runs 3000]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const arg = (n, d) => (process.argv.includes(`--${n}`) ? Number(process.argv[process.argv.indexOf(`--${n}`) + 1]) : d);
const RUNS = arg("runs", 100_000);
const PEER = arg("peer-runs", 3_000);
const dist = new URL("../dist/src/", import.meta.url);
const { startLocalRuntime } = await import(new URL("local/runtime.js", dist));
const { SqliteStore } = await import(new URL("local/store.js", dist));
const { SCOPES } = await import(new URL("wire/scopes.js", dist));

async function token(rt, scope) {
  const res = await fetch(`${rt.url}/v2/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic " + Buffer.from(`${rt.client.client_id}:${rt.client.client_secret}`).toString("base64") },
    body: new URLSearchParams({ grant_type: "client_credentials", scope }),
  });
  return (await res.json()).access_token;
}

async function setup(n) {
  const dir = mkdtempSync(join(tmpdir(), "flowsmith-runlist-"));
  const dataDir = join(dir, "data");
  let rt = await startLocalRuntime({ dataDir, collections: {}, computeEndpoints: {} });
  let t = await token(rt, SCOPES.flows("all"));
  const flows = [];
  for (const title of ["beamline A", "beamline B"]) {
    const f = await (await fetch(`${rt.url}/flows`, { method: "POST", headers: { authorization: `Bearer ${t}`, "content-type": "application/json" }, body: JSON.stringify({ definition: { StartAt: "P", States: { P: { Type: "Pass", End: true } } }, input_schema: {}, title }) })).json();
    flows.push(f.id);
  }
  const ft = (await (await fetch(`${rt.url}/v2/oauth2/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic " + Buffer.from(`${rt.client.client_id}:${rt.client.client_secret}`).toString("base64") }, body: new URLSearchParams({ grant_type: "client_credentials", scope: SCOPES.flow(flows[0]) }) })).json()).access_token;
  const run = await (await fetch(`${rt.url}/flows/${flows[0]}/run`, { method: "POST", headers: { authorization: `Bearer ${ft}`, "content-type": "application/json" }, body: JSON.stringify({ body: { scan: "x.h5" }, label: "template" }) })).json();
  for (let i = 0; i < 200; i++) {
    const r = await (await fetch(`${rt.url}/runs/${run.run_id}`, { headers: { authorization: `Bearer ${t}` } })).json();
    if (r.status === "SUCCEEDED") break;
    await new Promise((res) => setTimeout(res, 20));
  }
  await rt.stop();
  const store = new SqliteStore(join(dataDir, "state.sqlite"));
  const tRun = store.get("run", run.run_id);
  const tMeta = store.get("run_meta", run.run_id);
  const tDef = store.get("run_definition", run.run_id);
  const tLog = store.readLog(`run:${run.run_id}`, 0, 100).map((e) => e.entry);
  const t0 = Date.parse("2026-01-01T00:00:00Z");
  const statuses = ["SUCCEEDED", "SUCCEEDED", "SUCCEEDED", "FAILED", "ENDED"];
  store.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
      const flow = flows[i % 2];
      const started = t0 + i * 60_000;
      store.put("run", id, { ...tRun, run_id: id, flow_id: flow, status: statuses[i % 5], started_at: started, completed_at: started + 30_000 });
      store.put("run_meta", id, { ...tMeta, run_id: id, flow_id: flow, label: `scan ${i}${i % 50 === 0 ? " calibration" : ""}` });
      store.index("run_meta", id, "flow_id", flow);
      store.put("run_definition", id, tDef);
      for (const e of tLog) store.appendLog(`run:${id}`, e);
    }
  });
  store.close();
  rt = await startLocalRuntime({ dataDir, collections: {}, computeEndpoints: {} });
  t = await token(rt, SCOPES.flows("all"));
  return { rt, t, flows, dir };
}

async function median(rt, t, q, n = 25) {
  const ms = [];
  let body;
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    body = await (await fetch(`${rt.url}/runs?${q}`, { headers: { authorization: `Bearer ${t}` } })).json();
    ms.push(performance.now() - s);
  }
  ms.sort((a, b) => a - b);
  return { ms: ms[Math.floor(n / 2)], count: body.runs?.length ?? 0 };
}

const fill0 = performance.now();
const big = await setup(RUNS);
console.log(`filled ${RUNS.toLocaleString()} runs in ${((performance.now() - fill0) / 1000).toFixed(1)} s`);
const cases = [
  ["first page (per_page=20)", "per_page=20"],
  ["filter_flow_id", `per_page=20&filter_flow_id=${big.flows[1]}`],
  ["filter_status=FAILED", "per_page=20&filter_status=FAILED"],
  ["filter_label=calibration", "per_page=20&filter_label=calibration"],
  ["page 50 (marker)", `per_page=20&marker=${Buffer.from("1000").toString("base64url")}`],
];
console.log(`\nGET /runs at ${RUNS.toLocaleString()} runs (median of 25; goal < 10 ms):`);
for (const [name, q] of cases) {
  const r = await median(big.rt, big.t, q);
  console.log(`  ${name.padEnd(28)} ${r.ms.toFixed(2).padStart(8)} ms   ${(r.ms / 10).toFixed(2)}x of the goal   (${r.count} runs)`);
}
await big.rt.stop();
rmSync(big.dir, { recursive: true, force: true });

const small = await setup(PEER);
const idx = await median(small.rt, small.t, "per_page=20", 9);
const scan = await median(small.rt, small.t, "per_page=20&orderby=label%20ASC", 9);
console.log(`\nat ${PEER.toLocaleString()} runs: indexed first page ${idx.ms.toFixed(2)} ms vs reading every run (orderby=label, the old path) ${scan.ms.toFixed(2)} ms: ${(scan.ms / idx.ms).toFixed(1)}x`);
await small.rt.stop();
rmSync(small.dir, { recursive: true, force: true });

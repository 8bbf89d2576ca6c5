#!/usr/bin/env node
// 1,000 concurrent runs of a three-state flow (ExpressionEval -> Choice -> Pass) on the
// local runtime, started over HTTP: wall time, runs/s, and peak memory. Prints numbers.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const dist = new URL("../dist/src/", import.meta.url);
const { startLocalRuntime } = await import(new URL("local/runtime.js", dist));
const { SCOPES } = await import(new URL("wire/scopes.js", dist));
const RUNS = Number(process.env.RUNS ?? 1000);

const dir = mkdtempSync(join(tmpdir(), "flowsmith-scale-"));
const rt = await startLocalRuntime({ dataDir: join(dir, "data"), collections: {}, computeEndpoints: {} });
async function token(scope) {
  const res = await fetch(`${rt.url}/v2/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic " + Buffer.from(`${rt.client.client_id}:${rt.client.client_secret}`).toString("base64") },
    body: new URLSearchParams({ grant_type: "client_credentials", scope }),
  });
  return (await res.json()).access_token;
}
const flowsToken = await token(SCOPES.flows("all"));
const definition = {
  StartAt: "Compute",
  States: {
    Compute: { Type: "ExpressionEval", Parameters: { "double.=": "n * 2" }, ResultPath: "$.out", Next: "Check" },
    Check: { Type: "Choice", Choices: [{ Variable: "$.out.double", NumericGreaterThanEquals: 0, Next: "Done" }] },
    Done: { Type: "Pass", End: true },
  },
};
const flow = await (await fetch(`${rt.url}/flows`, { method: "POST", headers: { authorization: `Bearer ${flowsToken}`, "content-type": "application/json" }, body: JSON.stringify({ definition, input_schema: {}, title: "scale" }) })).json();
const flowToken = await token(SCOPES.flow(flow.id));

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
const t0 = performance.now();
const ids = [];
const CONCURRENT_STARTS = 50;
for (let i = 0; i < RUNS; i += CONCURRENT_STARTS) {
  const batch = await Promise.all(
    Array.from({ length: Math.min(CONCURRENT_STARTS, RUNS - i) }, (_, k) =>
      fetch(`${rt.url}/flows/${flow.id}/run`, { method: "POST", headers: { authorization: `Bearer ${flowToken}`, "content-type": "application/json" }, body: JSON.stringify({ body: { n: i + k } }) }).then((r) => r.json()),
    ),
  );
  ids.push(...batch.map((r) => r.run_id));
}
const started = performance.now();
while (rt.driver.activeCount > 0) await new Promise((r) => setTimeout(r, 10));
const t1 = performance.now();
clearInterval(sampler);
const statuses = ids.map((id) => rt.driver.load(id)?.status);
const ok = statuses.filter((s) => s === "SUCCEEDED").length;
console.log(`${RUNS} runs of a 3-state flow on the local runtime (HTTP starts, ${CONCURRENT_STARTS} in flight)`);
console.log(`  all started in ${(started - t0).toFixed(0)} ms; all finished in ${(t1 - t0).toFixed(0)} ms = ${Math.round(RUNS / ((t1 - t0) / 1000))} runs/s`);
console.log(`  SUCCEEDED: ${ok}/${RUNS}; peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MiB`);
await rt.stop();
rmSync(dir, { recursive: true, force: true });

#!/usr/bin/env node
// Local Globus Compute: per-task overhead on a warm pool and throughput with 2 workers.
// Needs a build (npx tsc -p tsconfig.json). Prints numbers; never fails.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const dist = new URL("../dist/src/local/", import.meta.url);
const { SqliteStore } = await import(new URL("store.js", dist).href);
const { LocalComputeService } = await import(new URL("compute/service.js", dist).href);
const { encodeTaskPayload, pureSourceRegistration, JSON_DATA_PATH } = await import(new URL("../wire/compute-serialization.js", dist).href);
const { workerScriptPath } = await import(new URL("compute/worker-process.js", dist).href);

const dir = mkdtempSync(join(tmpdir(), "flowsmith-bench-compute-"));
const EP = "0c48c27a-0c2d-4028-a71b-d78697abbc4a";
const store = new SqliteStore(join(dir, "state.db"));
const service = new LocalComputeService(store, new Map([[EP, { workers: 2 }]]), { dataDir: dir });
try {
  let t = performance.now();
  await service.start();
  const fid = service.registerFunction(pureSourceRegistration("inc", "def inc(x):\n    return x + 1\n")).function_uuid;
  const submit = (payloads) => service.submitV3(EP, { tasks: { [fid]: payloads }, result_serializers: [JSON_DATA_PATH] }).tasks[fid];
  await service.waitForTask(submit([encodeTaskPayload([0])])[0]);
  console.log(`worker.py: ${workerScriptPath()}`);
  console.log(`pool start + first task (2 python3 workers): ${(performance.now() - t).toFixed(1)} ms`);

  for (let i = 0; i < 200; i++) await service.waitForTask(submit([encodeTaskPayload([i])])[0]);
  const n = 2000;
  const ms = [];
  for (let i = 0; i < n; i++) {
    t = performance.now();
    const done = await service.waitForTask(submit([encodeTaskPayload([i])])[0]);
    ms.push(performance.now() - t);
    if (done.result !== `11\n${i + 1}`) throw new Error(`bad result ${done.result}`);
  }
  ms.sort((a, b) => a - b);
  const pct = (p) => ms[Math.min(ms.length - 1, Math.floor((p / 100) * ms.length))].toFixed(3);
  const mean = (ms.reduce((a, b) => a + b, 0) / n).toFixed(3);
  console.log(`sequential round trips (submit v3 -> result stored), ${n} tasks on a warm pool:`);
  console.log(`  mean ${mean} ms  p50 ${pct(50)} ms  p99 ${pct(99)} ms  max ${ms[n - 1].toFixed(3)} ms  (goal < 5 ms)`);

  for (const count of [1000, 10000]) {
    t = performance.now();
    const ids = submit(Array.from({ length: count }, (_, i) => encodeTaskPayload([i])));
    const submitted = performance.now() - t;
    await Promise.all(ids.map((id) => service.waitForTask(id)));
    const total = performance.now() - t;
    const ok = ids.every((id, i) => service.getTask(id).result === `11\n${i + 1}`);
    console.log(`${count} tasks submitted at once, 2 workers: submit ${submitted.toFixed(1)} ms, all done in ${total.toFixed(1)} ms = ${Math.round(count / (total / 1000))} tasks/s${ok ? "" : " (WRONG RESULTS)"}`);
  }
} finally {
  await service.shutdown();
  store.close();
  rmSync(dir, { recursive: true, force: true });
}

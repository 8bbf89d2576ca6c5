#!/usr/bin/env node
// Local Transfer copy throughput vs `cp -r` on the same ~1 GiB tree and disk. Prints numbers; never fails.
// Needs `npm run build`. The tree lives under the OS temp dir and is removed at the end.
import { execFileSync, spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const here = new URL(".", import.meta.url).pathname;
const dist = join(here, "..", "dist", "src", "local");
const { SqliteStore } = await import(join(dist, "store.js"));
const { LocalTransferService } = await import(join(dist, "transfer", "service.js"));

const FILES = Number(process.env.BENCH_FILES ?? 64);
const FILE_MB = Number(process.env.BENCH_FILE_MB ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const totalBytes = FILES * FILE_MB * 2 ** 20;

const base = mkdtempSync(join(tmpdir(), "flowsmith-bench-transfer-"));
const src = join(base, "src");
const dstRoot = join(base, "dst");
mkdirSync(join(dstRoot), { recursive: true });

function buildTree() {
  const buf = Buffer.alloc(FILE_MB * 2 ** 20);
  randomFillSync(buf);
  for (let i = 0; i < FILES; i++) {
    // 4 x 4 nested directories, so the walk and mkdir costs are part of the measurement.
    const dir = join(src, `d${i % 4}`, `s${Math.floor(i / 4) % 4}`);
    mkdirSync(dir, { recursive: true });
    buf.writeUInt32LE(i, 0);
    writeFileSync(join(dir, `f${i}.bin`), buf);
  }
}

const mbps = (bytes, ms) => bytes / 2 ** 20 / (ms / 1000);
// Timings include a final sync: both sides are measured to the disk, not to the page cache.
const flush = () => spawnSync("sync");

async function timeCp(round) {
  const dst = join(dstRoot, `cp-${round}`);
  flush();
  const t = performance.now();
  execFileSync("cp", ["-r", src, dst]);
  flush();
  const ms = performance.now() - t;
  rmSync(dst, { recursive: true, force: true });
  return ms;
}

async function timeService(service, round) {
  flush();
  const t = performance.now();
  const res = await service.submitTransfer(
    {
      DATA_TYPE: "transfer",
      submission_id: `bench-${round}`,
      source_endpoint: "bench-src",
      destination_endpoint: "bench-dst",
      DATA: [{ DATA_TYPE: "transfer_item", source_path: "/", destination_path: `/svc-${round}/`, recursive: true }],
    },
    "00000000-0000-4000-8000-000000000000",
  );
  const task = await service.waitForTask(res.task_id);
  flush();
  const ms = performance.now() - t;
  if (task.status !== "SUCCEEDED" || task.bytes_transferred !== totalBytes) throw new Error(`transfer ended ${task.status} with ${task.bytes_transferred} bytes`);
  rmSync(join(dstRoot, `svc-${round}`), { recursive: true, force: true });
  return ms;
}

try {
  buildTree();
  const store = new SqliteStore(join(base, "state", "runtime.db"));
  const collections = new Map([["bench-src", { root: src }], ["bench-dst", { root: dstRoot }]]);
  const service = new LocalTransferService(store, collections);
  // Same code with one copy in flight: the like-for-like comparison with sequential cp -r.
  const sequential = new LocalTransferService(store, collections, { concurrency: 1 });
  console.log(`tree: ${FILES} files x ${FILE_MB} MiB in nested dirs = ${(totalBytes / 2 ** 30).toFixed(2)} GiB under ${tmpdir()}; ${ROUNDS} alternating rounds, each timed through a final sync`);
  // Untimed warm-up: the first pass over a freshly written tree pays its writeback.
  await timeCp("warmup");
  await timeService(service, "warmup");
  const cp = [];
  const svc = [];
  const seq = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which goes first so neither always inherits the other's writeback.
    if (r % 2 === 0) {
      cp.push(await timeCp(r));
      svc.push(await timeService(service, r));
    } else {
      svc.push(await timeService(service, r));
      cp.push(await timeCp(r));
    }
    seq.push(await timeService(sequential, `seq-${r}`));
    console.log(`  round ${r + 1}: cp -r ${mbps(totalBytes, cp[r]).toFixed(0)} MB/s, LocalTransferService ${mbps(totalBytes, svc[r]).toFixed(0)} MB/s (concurrency 1: ${mbps(totalBytes, seq[r]).toFixed(0)} MB/s)`);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const cpRate = mbps(totalBytes, median(cp));
  const svcRate = mbps(totalBytes, median(svc));
  console.log(`cp -r (median):                 ${cpRate.toFixed(0)} MB/s`);
  console.log(`LocalTransferService (median):  ${svcRate.toFixed(0)} MB/s (default concurrency 4)`);
  const seqRate = mbps(totalBytes, median(seq));
  console.log(`  with concurrency 1 (median):  ${seqRate.toFixed(0)} MB/s`);
  console.log(`ratio (service / cp -r):        ${(svcRate / cpRate).toFixed(2)}x (goal >= 0.80x); concurrency 1: ${(seqRate / cpRate).toFixed(2)}x`);
  await service.stop();
  store.close();
} finally {
  rmSync(base, { recursive: true, force: true });
}

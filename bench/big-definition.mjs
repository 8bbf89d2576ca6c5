#!/usr/bin/env node
// Build and import are linear in definition size: a generated definition of N states
// (default 60,000: Pass, Choice and Transfer actions in a chain) is validated, imported to
// a flow (with the round-trip check) and built from that flow, each as a fresh CLI process;
// wall and user seconds and peak RSS (from /usr/bin/time) against 5 s and 400 MB. Also at
// N/10, to show the growth ratio (linear: ~10x). "build" uses the flow module import cached;
// "build, no cache" transpiles the flow first, as in a fresh clone.
//   node bench/big-definition.mjs [--states 60000]
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const N = process.argv.includes("--states") ? Number(process.argv[process.argv.indexOf("--states") + 1]) : 60_000;

function definition(n) {
  const S = {};
  for (let i = 0; i < n; i++) {
    const next = `S${i + 1}`;
    S[`S${i}`] =
      i % 3 === 0
        ? { Type: "Pass", Parameters: { "x.$": "$.input.a", n: i }, ResultPath: `$.r${i % 10}`, Next: next }
        : i % 3 === 1
          ? { Type: "Choice", Choices: [{ Variable: "$.r1", IsPresent: true, Next: next }], Default: next }
          : { Type: "Action", ActionUrl: "https://transfer.actions.globus.org/transfer", Parameters: { source_endpoint: "11111111-1111-4111-8111-111111111111", destination_endpoint: "22222222-2222-4222-8222-222222222222", DATA: [{ source_path: "/a", destination_path: "/b" }] }, ResultPath: "$.t", Next: next };
  }
  S[`S${n}`] = { Type: "Pass", End: true };
  return { StartAt: "S0", States: S };
}

function timed(args, cwd) {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %U %M", process.execPath, join(REPO, "bin", "flowsmith.js"), ...args], { cwd, encoding: "utf8", maxBuffer: 1 << 26 });
  const [wall, user, kb] = r.stderr.trim().split("\n").at(-1).split(" ").map(Number);
  return { wall, user, mb: kb / 1024, code: r.status };
}

function measure(n) {
  const dir = mkdtempSync(join(tmpdir(), "flowsmith-big-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(REPO, join(dir, "node_modules", "flowsmith"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "big", private: true, type: "module" }));
  writeFileSync(join(dir, "def.json"), JSON.stringify(definition(n)));
  const out = {
    validate: timed(["validate", "def.json"], dir),
    import: timed(["import", "def.json", "--name", "big"], dir),
    build: timed(["build", "big"], dir),
    "build again": timed(["build", "big"], dir),
  };
  // As in a fresh clone or after an edit: no cached flow module, so esbuild transpiles it.
  rmSync(join(dir, "node_modules", ".cache"), { recursive: true, force: true });
  out["build, no cache"] = timed(["build", "big"], dir);
  rmSync(dir, { recursive: true, force: true });
  return out;
}

const small = measure(Math.round(N / 10));
const big = measure(N);
console.log(`${"step".padEnd(16)} ${`${(N / 10).toLocaleString()} states`.padStart(16)} ${`${N.toLocaleString()} states`.padStart(24)} ${"growth".padStart(8)}   goal at ${N.toLocaleString()}: < 5 s, < 400 MB`);
for (const k of Object.keys(big)) {
  const a = small[k];
  const b = big[k];
  console.log(`${k.padEnd(16)} ${`${a.wall.toFixed(2)} s ${a.mb.toFixed(0)} MB`.padStart(16)} ${`${b.wall.toFixed(2)} s (${b.user.toFixed(2)} s user) ${b.mb.toFixed(0)} MB`.padStart(24)} ${(b.wall / a.wall).toFixed(1).padStart(7)}x${b.code ? `  exit ${b.code}` : ""}`);
}

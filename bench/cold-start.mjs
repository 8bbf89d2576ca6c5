#!/usr/bin/env node
// Cold start of the CLI against a bare `node -e 0`, alternating A B A B (so drift of a
// shared machine hits both), median of N pairs of CPU time (user+sys of the child, from
// the OS) and wall time, each as a ratio to node -e 0. Goals: --help 2.5x, validate of one
// definition.json 3x, validate of one flow.ts 5x.
//   node bench/cold-start.mjs [--runs 15]
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const N = process.argv.includes("--runs") ? Number(process.argv[process.argv.indexOf("--runs") + 1]) : 15;
const bin = `${REPO}bin/flowsmith.js`;
const CASES = [
  ["flowsmith --help", [bin, "--help"], 2.5],
  // A published definition from the corpus beside the repository (../shared).
  ["validate definition.json", [bin, "validate", `${REPO}../shared/corpus/aschester__e21062-Globus-Flows__transfer_compute_definition.json`], 3],
  ["validate flow.ts", [bin, "validate", `${REPO}flows/tomocupy_alcf.flow.ts`], 5],
];

/** CPU seconds of one child (getrusage of the reaped child, via /usr/bin/time when present; else wall). */
function once(args) {
  const t0 = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%U %S", process.execPath, ...args], { cwd: REPO, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  const wall = performance.now() - t0;
  if (r.error) {
    const t1 = performance.now();
    spawnSync(process.execPath, args, { cwd: REPO, stdio: "ignore" });
    const w = performance.now() - t1;
    return { cpu: w, wall: w };
  }
  const [u, s] = r.stderr.trim().split("\n").at(-1).split(" ").map(Number);
  return { cpu: (u + s) * 1000, wall };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`cold start, median of ${N} alternating pairs (node ${process.version})`);
console.log(`${"command".padEnd(28)} ${"cpu ms".padStart(8)} ${"node -e 0".padStart(10)} ${"cpu ratio".padStart(10)} ${"wall ratio".padStart(11)} ${"goal".padStart(6)}`);
for (const [name, args, goal] of CASES) {
  once(args); // warm the page cache and the compile caches
  const a = [];
  const b = [];
  const rc = [];
  const rw = [];
  for (let i = 0; i < N; i++) {
    const x = once(args);
    const y = once(["-e", "0"]);
    a.push(x.cpu);
    b.push(y.cpu);
    rc.push(x.cpu / Math.max(y.cpu, 1));
    rw.push(x.wall / y.wall);
  }
  console.log(`${name.padEnd(28)} ${median(a).toFixed(0).padStart(8)} ${median(b).toFixed(0).padStart(10)} ${(median(rc).toFixed(2) + "x").padStart(10)} ${(median(rw).toFixed(2) + "x").padStart(11)} ${(goal + "x").padStart(6)}`);
}

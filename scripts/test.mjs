#!/usr/bin/env node
// `npm test`: build, type-check (src, flows, tests), lint (typescript-eslint + the layer
// rules in eslint.config.js), check generated types are current,
// run the vitest suite and the Python function tests, then print one closing line
// "N passed, M failed" that counts both suites.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const run = (cmd, args, opts = {}) => {
  process.stdout.write(`\n$ ${[cmd, ...args].join(" ")}\n`);
  if (opts.tee) {
    // Printed when it ends, and kept for its closing line.
    const r = spawnSync(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    // The pack test's own "N passed, M failed" would read as the suite's closing line.
    process.stdout.write((r.stdout ?? "").replace(/^(\d+) passed, (\d+) failed$/m, "pack test: $1 checks passed, $2 failed"));
    return { ...r, stdoutText: r.stdout };
  }
  const r = spawnSync(cmd, args, { cwd: root, stdio: opts.capture ? ["ignore", "inherit", "pipe"] : "inherit", encoding: "utf8" });
  if (opts.capture && r.stderr) process.stderr.write(r.stderr);
  return r;
};
const fail = (what) => {
  process.stdout.write(`\n${what}\n0 passed, 1 failed\n`);
  process.exit(1);
};

if (run("npm", ["run", "--silent", "build"]).status !== 0) fail("build failed");
if (run("npx", ["tsc", "--noEmit", "-p", "tsconfig.flows.json"]).status !== 0) fail("type-check of flows/ and test/ failed");
if (run("npx", ["eslint", "--max-warnings=0", "src", "test"]).status !== 0) fail("lint failed (typescript-eslint and the layer rules of eslint.config.js)");
if (run(process.execPath, ["bin/flowsmith.js", "types", "--check"]).status !== 0) fail("flows/types/ is out of date: run `npx flowsmith types`");
if (run(process.execPath, ["scripts/config-types.mjs", "--check"]).status !== 0) fail("src/project/config-types.ts is out of date with its schema: run `node scripts/config-types.mjs`");

const report = join(mkdtempSync(join(tmpdir(), "flowsmith-vitest-")), "report.json");
const vitest = run("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`]);
let vPassed = 0;
let vFailed = 0;
try {
  const j = JSON.parse(readFileSync(report, "utf8"));
  vPassed = j.numPassedTests;
  vFailed = j.numFailedTests + (j.numFailedTestSuites ?? 0);
} catch {
  vFailed = 1;
}
if (vitest.status !== 0 && vFailed === 0) vFailed = 1;

const py = run("python3", ["-m", "unittest", "discover", "-s", "functions/tests", "-t", "functions/tests"], { capture: true });
const ran = /Ran (\d+) tests?/.exec(py.stderr ?? "");
const bad = /FAILED \(([^)]*)\)/.exec(py.stderr ?? "");
const pyTotal = ran ? Number(ran[1]) : 0;
const pyFailed = bad ? [...bad[1].matchAll(/(?:failures|errors)=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0) : py.status === 0 ? 0 : Math.max(1, pyTotal);
const pyPassed = pyTotal - pyFailed - Number(/skipped=(\d+)/.exec(py.stderr ?? "")?.[1] ?? 0);

// The package as users get it: pack, install, init, the scaffold's own tests, run-flow
// (scripts/pack-test.mjs). FLOWSMITH_SKIP_PACK=1 leaves it out of a quick local loop.
let kPassed = 0;
let kFailed = 0;
if (!process.env.FLOWSMITH_SKIP_PACK) {
  const pack = run(process.execPath, ["scripts/pack-test.mjs"], { capture: true, tee: true });
  const m = /^(\d+) passed, (\d+) failed$/m.exec(pack.stdoutText ?? "");
  kPassed = m ? Number(m[1]) : 0;
  kFailed = m ? Number(m[2]) : 1;
  if (pack.status !== 0 && kFailed === 0) kFailed = 1;
}

const passed = vPassed + pyPassed + kPassed;
const failed = vFailed + pyFailed + kFailed;
process.stdout.write(`\nvitest: ${vPassed} passed, ${vFailed} failed; python: ${pyPassed} passed, ${pyFailed} failed; pack: ${kPassed} passed, ${kFailed} failed\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);

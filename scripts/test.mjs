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
  const r = spawnSync(cmd, args, { cwd: root, stdio: opts.capture ? ["ignore", "inherit", "pipe"] : "inherit", encoding: "utf8" });
  if (opts.capture && r.stderr) process.stderr.write(r.stderr);
  return r;
};
const fail = (what) => {
  process.stdout.write(`\n${what}\n0 passed, 1 failed\n`);
  process.exit(1);
};

if (run("npx", ["tsc", "-p", "tsconfig.json"]).status !== 0) fail("build failed");
if (run("npx", ["tsc", "--noEmit", "-p", "tsconfig.flows.json"]).status !== 0) fail("type-check of flows/ and test/ failed");
if (run("npx", ["eslint", "--max-warnings=0", "src", "test"]).status !== 0) fail("lint failed (typescript-eslint and the layer rules of eslint.config.js)");
if (run(process.execPath, ["bin/flowsmith.js", "types", "--check"]).status !== 0) fail("flows/types/ is out of date: run `npx flowsmith types`");

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

const passed = vPassed + pyPassed;
const failed = vFailed + pyFailed;
process.stdout.write(`\nvitest: ${vPassed} passed, ${vFailed} failed; python: ${pyPassed} passed, ${pyFailed} failed\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);

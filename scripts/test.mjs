#!/usr/bin/env node
// `npm test`: build, type-check (src, flows, tests), lint (typescript-eslint + the layer
// rules in eslint.config.js), check generated types are current, run the vitest suite and
// the Python function tests, then print one closing line "N passed, M failed" that counts
// both suites. The package test (scripts/pack-test.mjs: pack, install, init, the scaffold's
// own tests) is `npm run test:pack`, the next step of the README's test command and of .ci/run.
//
// Independent steps run side by side (this machine has two cores and most of the suite
// waits on child processes): the build, the type-check and the lint together; then vitest
// and the Python tests together. Each step's output is printed whole when it ends.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const t0 = Date.now();

/** Run a command with its output collected; printed as one block when it ends. */
function step(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", opts.live ? "inherit" : "pipe", "pipe"], env: { ...process.env, ...(opts.env ?? {}) } });
    let out = "";
    let err = "";
    child.stdout?.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => {
      err += d;
      if (opts.live) process.stderr.write(d);
    });
    child.on("close", (code, signal) => {
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(`\n$ ${[cmd, ...args].join(" ")}   (${secs} s${code ? `, exit ${code ?? signal}` : ""})\n${out}`);
      if (!opts.live && err) process.stdout.write(err);
      resolve({ code: code ?? 1, stdout: out, stderr: err });
    });
  });
}

const fail = (what) => {
  process.stdout.write(`\n${what}\n0 passed, 1 failed\n`);
  process.exit(1);
};

const [build, flowsCheck, lint] = await Promise.all([
  step("npm", ["run", "--silent", "build"]),
  step("npx", ["tsc", "--noEmit", "-p", "tsconfig.flows.json"]),
  step("npx", ["eslint", "--max-warnings=0", "src", "test"]),
]);
if (build.code !== 0) fail("build failed");
if (flowsCheck.code !== 0) fail("type-check of flows/ and test/ failed");
if (lint.code !== 0) fail("lint failed (typescript-eslint and the layer rules of eslint.config.js)");
const [types, configTypes] = await Promise.all([step(process.execPath, ["bin/flowsmith.js", "types", "--check"]), step(process.execPath, ["scripts/config-types.mjs", "--check"])]);
if (types.code !== 0) fail("flows/types/ is out of date: run `npx flowsmith types`");
if (configTypes.code !== 0) fail("src/project/config-types.ts is out of date with its schema: run `node scripts/config-types.mjs`");

const report = join(mkdtempSync(join(tmpdir(), "flowsmith-vitest-")), "report.json");
const [vitest, py] = await Promise.all([
  // vitest prints as it goes (a long suite should show progress); the Python block follows.
  step("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`], { live: true }),
  step("python3", ["-m", "unittest", "discover", "-s", "functions/tests", "-t", "functions/tests"]),
]);
let vPassed = 0;
let vFailed = 0;
try {
  const j = JSON.parse(readFileSync(report, "utf8"));
  vPassed = j.numPassedTests;
  // Failed tests, plus each file that failed without a failed test (it did not load, or a
  // hook failed): counted once each.
  const fileFailures = (j.testResults ?? []).filter((f) => f.status === "failed" && !(f.assertionResults ?? []).some((a) => a.status === "failed")).length;
  vFailed = j.numFailedTests + fileFailures;
} catch {
  vFailed = 1;
}
if (vitest.code !== 0 && vFailed === 0) vFailed = 1;

const ran = /Ran (\d+) tests?/.exec(py.stderr);
const bad = /FAILED \(([^)]*)\)/.exec(py.stderr);
const pyTotal = ran ? Number(ran[1]) : 0;
const pyFailed = bad ? [...bad[1].matchAll(/(?:failures|errors)=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0) : py.code === 0 ? 0 : Math.max(1, pyTotal);
const pyPassed = pyTotal - pyFailed - Number(/skipped=(\d+)/.exec(py.stderr)?.[1] ?? 0);

const passed = vPassed + pyPassed;
const failed = vFailed + pyFailed;
process.stdout.write(`\nvitest: ${vPassed} passed, ${vFailed} failed; python: ${pyPassed} passed, ${pyFailed} failed; ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);

#!/usr/bin/env node
// The package as users get it: `npm pack` this repository, check every runtime asset is in
// the tarball, install it into a fresh directory, `flowsmith init` a project there, install
// the scaffold as its README says, run the scaffold's own `npm test`, run the example flow
// from its sample run directory to SUCCEEDED, then the everyday commands. A command whose
// runtime asset is missing must fail fast (no hang). Prints one line per check and a closing
// "N passed, M failed"; exits 1 on any failure. `npm run test:pack`: the step of the README's
// test command (and of .ci/run) after `npm test`.
//
// One native build for both installs: node-gyp compiling better-sqlite3 is nearly all of an
// install's minute here (no prebuilt binary can be downloaded). The scaffold starts from a
// copy of the tools install's node_modules, so its own `npm install` still resolves the
// scaffold's package.json (flowsmith from the tarball, vitest, …) but finds better-sqlite3
// built already.
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";

const repo = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const keep = process.argv.includes("--keep");
const work = mkdtempSync(join(tmpdir(), "flowsmith-pack-"));
let passed = 0;
let failed = 0;
const t0 = Date.now();

// The outer `npm test` sets npm_config_* and npm_lifecycle_* variables that would steer the
// inner installs; a user's shell has none of them.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== "INIT_CWD"));
cleanEnv.NO_COLOR = "1";
// node-gyp compiles better-sqlite3 with one job unless told; both cores halve the two installs.
cleanEnv.JOBS ??= "2";

function sh(cmd, args, cwd, opts = {}) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd, env: { ...cleanEnv, ...(opts.env ?? {}) }, encoding: "utf8", timeout: opts.timeoutMs ?? 300_000, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, signal: r.signal, out: `${r.stdout ?? ""}${r.stderr ?? ""}`, stdout: r.stdout ?? "", ms: Date.now() - started, timedOut: r.error?.code === "ETIMEDOUT" };
}

function check(name, ok, detail = "") {
  if (ok) passed++;
  else failed++;
  process.stdout.write(`${ok ? "ok  " : "FAIL"} ${name}${!ok && detail ? `\n${detail.split("\n").slice(-40).map((l) => `     ${l}`).join("\n")}` : ""}\n`);
  return ok;
}

function step(name, r, expect = (x) => x.code === 0) {
  return check(`${name} (${(r.ms / 1000).toFixed(1)} s)`, expect(r), `exit ${r.code}${r.signal ? ` signal ${r.signal}` : ""}${r.timedOut ? " (timed out)" : ""}\n${r.out}`);
}

function filesUnder(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === "__pycache__" || e.name.endsWith(".pyc")) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(repo, p).split(sep).join("/"));
    }
  };
  walk(dir);
  return out;
}

function finish() {
  process.stdout.write(`pack test: ${((Date.now() - t0) / 1000).toFixed(0)} s in ${work}${keep ? " (kept)" : ""}\n`);
  if (!keep) rmSync(work, { recursive: true, force: true });
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exit(failed ? 1 : 0);
}

// 1. The tarball, and every runtime asset in it.
const packDir = join(work, "pack");
mkdirSync(packDir);
const pack = sh("npm", ["pack", "--json", "--pack-destination", packDir], repo);
if (!step("npm pack", pack)) finish();
const manifest = JSON.parse(pack.stdout.slice(pack.stdout.indexOf("[")))[0];
const tarball = join(packDir, manifest.filename);
const inPack = new Set(manifest.files.map((f) => f.path));
const { RUNTIME_ASSETS } = await import(join(repo, "dist", "src", "assets.js"));
for (const a of RUNTIME_ASSETS) {
  const abs = join(repo, a.path);
  const wanted = existsSync(abs) && statSync(abs).isDirectory() ? filesUnder(abs) : [a.path];
  const missing = wanted.filter((f) => !inPack.has(f));
  check(`runtime asset ${a.path} is in the package (${a.what})`, existsSync(abs) && missing.length === 0, missing.length ? `missing: ${missing.join(", ")}` : `${a.path} does not exist in the repository (run npm run build)`);
}
check("no source checkout paths or tests in the package", ![...inPack].some((f) => f.startsWith("test/") || f.startsWith("src/") || f.startsWith(".flowsmith/")), [...inPack].filter((f) => /^(test|src|\.flowsmith)\//.test(f)).slice(0, 10).join("\n"));

// 2. Installed into a fresh directory, as a user adds it to a tools project.
const tools = join(work, "tools");
mkdirSync(tools);
step("npm init -y (tools)", sh("npm", ["init", "-y"], tools));
if (!step("npm install <tarball>", sh("npm", ["install", "--no-audit", "--no-fund", tarball], tools))) finish();
const bin = join(tools, "node_modules", ".bin", "flowsmith");

// 3. init, then the scaffold's install as printed.
const proj = join(work, "proj");
const init = sh(bin, ["init", proj], tools);
step("flowsmith init proj", init);
const pkg = JSON.parse(readFileSync(join(proj, "package.json"), "utf8"));
check("init's flowsmith dependency is the tarball that ran it", pkg.devDependencies.flowsmith === `file:${tarball}`, `got ${pkg.devDependencies.flowsmith}`);
cpSync(join(tools, "node_modules"), join(proj, "node_modules"), { recursive: true, verbatimSymlinks: true });
if (!step("npm install (scaffold)", sh("npm", ["install", "--no-audit", "--no-fund"], proj))) finish();

// 4. The scaffold's own test suite (types, type-check, validate, Python, the flow end to end).
step("npm test (scaffold)", sh("npm", ["test"], proj), (r) => r.code === 0 && /Tests\s+3 passed/.test(r.out));

// 5. The example flow from its sample run directory, then the everyday commands.
const fs = (args, opts) => sh(join(proj, "node_modules", ".bin", "flowsmith"), args, proj, opts);
step("run-flow hello --rundir .flowsmith/collections/source/run001", fs(["run-flow", "hello", "--rundir", ".flowsmith/collections/source/run001"]), (r) => r.code === 0 && /SUCCEEDED/.test(r.out));
check("the summary came back into the run directory", existsSync(join(proj, ".flowsmith", "collections", "source", "run001", "summary", "summary.json")));
for (const args of [["--help"], ["--version"], ["build"], ["validate"], ["graph", "hello"], ["deploy-flow"], ["runs", "list"], ["timers", "list"], ["functions", "list"], ["types", "--check"], ["endpoint-config", "polaris", "--account", "PROJ", "--worker-init", "module load conda"], ["run-flow", "hello", "--rundir", ".flowsmith/collections/source/run001", "--dry-run"]]) {
  step(`flowsmith ${args.join(" ")}`, fs(args));
}
const nosuch = fs(["run-flow", "nosuch"], { timeoutMs: 20_000 });
step("run-flow nosuch exits non-zero, fast", nosuch, (r) => r.code !== 0 && !r.timedOut && /no flow named "nosuch"/.test(r.out));

// 6. A deliberately missing runtime asset: a clear error and an exit within seconds, not a hang.
const worker = join(proj, "node_modules", "flowsmith", "dist", "src", "local", "compute", "worker.py");
renameSync(worker, `${worker}.away`);
rmSync(join(proj, ".flowsmith", "local"), { recursive: true, force: true });
const broken = fs(["run-flow", "hello", "--rundir", ".flowsmith/collections/source/run001"], { timeoutMs: 30_000 });
step("with worker.py missing, run-flow exits 1 within seconds and names it", broken, (r) => r.code === 1 && !r.timedOut && r.ms < 15_000 && /worker\.py is missing/.test(r.out));
copyFileSync(`${worker}.away`, worker);
finish();

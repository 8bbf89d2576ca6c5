#!/usr/bin/env node
// `npm run demo`: this repository's end-to-end run of the ALS 8.3.2 flow on the local
// runtime, driven through the CLI exactly as a user types it: build and validate every seed
// flow, deploy als832_alcf with its Compute functions, create a sample run directory at the
// beamline's NERSC raw area, `run-flow --rundir` on it, then show the files that came back.
// tomopy and the zarr converter are stand-ins (demo/standins); the flow, the transfers and
// the function code are the production ones. (It is a script of this repository, not a
// command of the package: a user's project runs its own flows with run-flow.)
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";
import { readFileSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const cli = join(root, "bin", "flowsmith.js");
const bold = (s) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[22m` : s);

function flowsmith(step, args) {
  process.stdout.write(`\n${bold(step)}\n$ flowsmith ${args.join(" ")}\n`);
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    process.stdout.write(`\ndemo: \`flowsmith ${args[0]}\` exited ${r.status}\n`);
    process.exit(r.status ?? 1);
  }
}

function tree(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${relative(dir, p)} (${statSync(p).size} B)`);
    }
  };
  walk(dir);
  return out;
}

const config = parse(readFileSync(join(root, "flowsmith.yaml"), "utf8"));
const local = config.environments.local;
const nersc = join(root, local.collections.nersc_cfs.root);
const values = local.values ?? {};

flowsmith("1. build and validate every flow", ["validate"]);
flowsmith("2. deploy als832_alcf and its Compute functions to the local runtime", ["deploy-flow", "als832_alcf"]);

// 3. One fresh scan per demo run, so the run processes exactly this one.
const folder = "BLS-00564_demo";
const rundir = join(nersc, String(values.nersc_raw_path ?? "/8.3.2/raw").replace(/^\//, ""), folder);
rmSync(rundir, { recursive: true, force: true });
mkdirSync(rundir, { recursive: true });
const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "_").slice(0, 15);
const scan = `${stamp}_sand-30-100_27keV.h5`;
// A stand-in scan: the real one is an HDF5 file of projections (the stand-in tomopy only reads it).
writeFileSync(join(rundir, scan), Buffer.alloc(64 * 1024, 7));
process.stdout.write(`\n${bold("3. a sample run directory at the beamline's NERSC raw area")}\n   ${relative(root, join(rundir, scan))}\n`);

flowsmith("4. run it", ["run-flow", "als832_alcf", "--rundir", relative(root, rundir), "--label", `demo ${scan}`.slice(0, 64), "--tag", "flowsmith-demo", "--set", "input.prune.alcf_after_days=0", "--set", "input.prune.nersc_after_days=0"]);

const back = join(nersc, String(values.nersc_scratch_path ?? "/8.3.2/scratch").replace(/^\//, ""), folder);
process.stdout.write(`\n${bold("5. what came back")}\n   files now at NERSC scratch (${relative(root, back)}):\n`);
for (const f of tree(back).slice(0, 24)) process.stdout.write(`     ${f}\n`);
process.stdout.write("   (tomopy and tiff_to_zarr ran as stand-ins from demo/standins; the flow, transfers and function code are the production ones)\n");

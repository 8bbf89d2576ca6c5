// Shared by the soak scripts: a seeded PRNG, a scratch copy of the seed project, the built
// CLI as a child process, and a hard deadline so a soak fails instead of hanging.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

export const REPO = fileURLToPath(new URL("..", import.meta.url));

export function requireBuilt() {
  if (!existsSync(join(REPO, "dist", "src", "cli", "main.js"))) {
    process.stderr.write("soak: build first (npx tsc -p tsconfig.json)\n");
    process.exit(1);
  }
}

/** `--name value` or NAME in the environment, as an integer. */
export function intArg(name, envName, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : process.env[envName];
  const n = Number(v);
  return v !== undefined && Number.isInteger(n) ? n : dflt;
}

/** mulberry32 from the built src/local/chaos.ts: the same seed replays the same sequence there and here. */
export async function seededRandom(seed) {
  const { seededRandom: make } = await import(new URL("../dist/src/local/chaos.js", import.meta.url).href);
  return make(seed);
}

/** A scratch copy of this repository's flows project with its own local data directory. */
export function scratchProject() {
  const dir = mkdtempSync(join(tmpdir(), "flowsmith-soak-"));
  for (const d of ["flows", "schemas", "functions"]) cpSync(join(REPO, d), join(dir, d), { recursive: true, filter: (p) => !p.includes("__pycache__") });
  mkdirSync(join(dir, "demo"));
  symlinkSync(join(REPO, "demo", "standins"), join(dir, "demo", "standins"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(REPO, join(dir, "node_modules", "flowsmith"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "soak-copy", private: true, type: "module" }));
  const yaml = YAML.parse(readFileSync(join(REPO, "flowsmith.yaml"), "utf8"));
  yaml.project = "soak-seeds";
  writeFileSync(join(dir, "flowsmith.yaml"), YAML.stringify(yaml));
  return dir;
}

export function flowsmith(args, opts) {
  const r = spawnSync(process.execPath, [join(REPO, "bin", "flowsmith.js"), ...args], { cwd: opts.cwd, env: { ...process.env, NO_COLOR: "1", ...opts.env }, encoding: "utf8", timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Fail (exit 1) if the soak runs longer than `seconds`. */
export function deadline(name, seconds) {
  const t = setTimeout(() => {
    process.stderr.write(`${name}: FAILED: did not finish within ${seconds} s\n`);
    process.exit(1);
  }, seconds * 1000);
  t.unref();
}

export function check(name, cond, what) {
  if (!cond) {
    process.stderr.write(`${name}: FAILED: ${what}\n`);
    process.exit(1);
  }
}

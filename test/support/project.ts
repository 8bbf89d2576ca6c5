/**
 * A scratch copy of this repository's flows project (flows, schemas, functions, stand-ins)
 * with its own local data directory, so CLI tests never touch the developer's .flowsmith.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import YAML from "yaml";
import { REPO } from "./paths.js";

export function scratchProject(opts: { chaos?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "flowsmith-project-"));
  for (const d of ["flows", "schemas", "functions"]) cpSync(join(REPO, d), join(dir, d), { recursive: true, filter: (p) => !p.includes("__pycache__") });
  mkdirSync(join(dir, "demo"));
  symlinkSync(join(REPO, "demo", "standins"), join(dir, "demo", "standins"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(REPO, join(dir, "node_modules", "flowsmith"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "seeds-copy", private: true, type: "module" }));
  const yaml = YAML.parse(readFileSync(join(REPO, "flowsmith.yaml"), "utf8"));
  yaml.project = "scratch-seeds";
  void opts;
  writeFileSync(join(dir, "flowsmith.yaml"), YAML.stringify(yaml));
  return dir;
}

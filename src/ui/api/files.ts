/**
 * "Pick a run directory": the directories of this machine under the project root (where a
 * local environment's collections live and where run directories are usually copied), for
 * the flow's rundir mapper. Paths never leave the project root, symlinks included.
 */
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { CliError, EXIT } from "../../errors.js";

export interface DirListing {
  /** Relative to the project root ("" = the root). */
  path: string;
  entries: { name: string; type: "dir" | "file" }[];
}

export function listProjectDir(root: string, rel: string): DirListing {
  const base = realpathSync(root);
  const target = resolve(base, rel.replace(/^\/+/, ""));
  if (!existsSync(target)) throw new CliError(`${rel} does not exist under the project`, EXIT.INVALID);
  const real = realpathSync(target);
  if (real !== base && !real.startsWith(base + sep)) throw new CliError(`${rel} is outside the project directory`, EXIT.INVALID);
  if (!statSync(real).isDirectory()) throw new CliError(`${rel} is not a directory`, EXIT.INVALID);
  const entries = readdirSync(real, { withFileTypes: true })
    .filter((e) => !(e.name === "node_modules" || e.name === ".git"))
    .map((e) => ({ name: e.name, type: (e.isDirectory() || (e.isSymbolicLink() && safeIsDir(join(real, e.name))) ? "dir" : "file") as "dir" | "file" }))
    .sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === "dir" ? -1 : 1));
  return { path: relative(base, real), entries };
}

function safeIsDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

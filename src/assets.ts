/**
 * The files flowsmith reads from its own package at run time. They ship in the npm
 * package (package.json `files`), and the pack test (scripts/pack-test.mjs) fails when one
 * of them is missing from `npm pack`: an installed CLI must never look into a source
 * checkout for them.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CliError, EXIT } from "./errors.js";

/** Runtime assets, relative to the package root. Directories ship with everything in them. */
export const RUNTIME_ASSETS: readonly { path: string; what: string }[] = [
  { path: "package.json", what: "the package's version, for `--version` and `init`'s dependency spec" },
  { path: "dist/src/local/compute/worker.py", what: "the local Compute endpoint's Python worker" },
  { path: "templates/init", what: "the `flowsmith init` scaffold" },
  { path: "dist/ui/index.html", what: "the `flowsmith ui` page" },
  { path: "dist/ui/app.js", what: "the `flowsmith ui` page's script (bundled by scripts/build-ui.mjs)" },
  { path: "dist/ui/style.css", what: "the `flowsmith ui` page's styles" },
  { path: "templates/endpoints/polaris.yaml", what: "`endpoint-config polaris`" },
  { path: "templates/endpoints/perlmutter.yaml", what: "`endpoint-config perlmutter`" },
  { path: "templates/github/flowsmith-publish.yml", what: "the CI workflow `init` writes" },
];

/** Non-TypeScript sources the build copies next to their compiled modules (tsc does not). */
export const COPIED_ASSETS: readonly { from: string; to: string }[] = [{ from: "src/local/compute/worker.py", to: "dist/src/local/compute/worker.py" }];

let root: string | undefined;

/** The flowsmith package's root: the nearest directory above this module with flowsmith's package.json. */
export function packageRoot(): string {
  if (root) return root;
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "flowsmith") return (root = dir);
      } catch {
        // not ours; keep looking
      }
    }
    if (dirname(dir) === dir) break;
  }
  throw new CliError(`flowsmith's package.json was not found above ${here}`, EXIT.INVALID, "reinstall flowsmith (npm install flowsmith…)");
}

/** A runtime asset's absolute path; a missing one is a broken installation, said plainly. */
export function assetPath(...parts: string[]): string {
  const p = join(packageRoot(), ...parts);
  if (!existsSync(p)) {
    throw new CliError(
      `flowsmith's installation is incomplete: ${parts.join("/")} is missing from ${packageRoot()}`,
      EXIT.INVALID,
      "reinstall flowsmith; in a source checkout run `npm run build`, which copies it into dist/",
    );
  }
  return p;
}

/** The installed flowsmith's version. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}

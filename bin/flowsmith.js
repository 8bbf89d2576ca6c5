#!/usr/bin/env node
// Thin entry point: the CLI is compiled to dist/ by `npm run build` (run by `npm ci` via prepare).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = new URL("../dist/src/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write("flowsmith: the CLI is not built yet; run `npm run build` (or `npm ci`) in the flowsmith package first.\n");
  process.exit(1);
}
const { run } = await import(main.href);
process.exitCode = await run(process.argv);

#!/usr/bin/env node
// Thin entry point: the CLI is compiled to dist/ by `npm run build` (run by `npm install` via prepare).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const main = new URL("../dist/src/cli/main.js", import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write("flowsmith: the CLI is not built yet; run `npm run build` (or `npm install`) in the flowsmith package first.\n");
  process.exit(1);
}
const { run } = await import(main.href);
const code = await run(process.argv);
process.exitCode = code;
// The command has finished and closed what it started. Anything still holding the event
// loop open (a socket, a child's pipe, a timer of a library) must not turn a finished
// command into a hung one: exit with its code shortly after, whatever is left.
setTimeout(() => {
  if (process.env.FLOWSMITH_DEBUG) process.stderr.write(`flowsmith: exiting with handles still open: ${process.getActiveResourcesInfo().join(", ")}\n`);
  process.exit(code);
}, 2000).unref();

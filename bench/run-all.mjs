#!/usr/bin/env node
// Run every benchmark script in this directory, one after another.
import { readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
const here = new URL(".", import.meta.url).pathname;
for (const f of readdirSync(here).filter((f) => f.endsWith(".mjs") && f !== "run-all.mjs").sort()) {
  console.log(`\n== ${f}`);
  spawnSync(process.execPath, [here + f], { stdio: "inherit" });
}

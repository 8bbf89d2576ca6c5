#!/usr/bin/env node
// Part of `npm run build`: copy the non-TypeScript runtime assets that tsc does not emit
// (src/assets.ts COPIED_ASSETS) next to their compiled modules in dist/.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const { COPIED_ASSETS } = await import(new URL("../dist/src/assets.js", import.meta.url).href);
for (const { from, to } of COPIED_ASSETS) {
  mkdirSync(dirname(join(root, to)), { recursive: true });
  copyFileSync(join(root, from), join(root, to));
}

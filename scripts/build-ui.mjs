#!/usr/bin/env node
// Part of `npm run build`: bundle the `flowsmith ui` page (src/ui/app/main.ts and its modules)
// into dist/ui/app.js with esbuild (installed with tsx), and copy its HTML and CSS beside it.
// Everything the page loads ships in the package: no CDN, works offline.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const out = join(root, "dist", "ui");
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(root, "src", "ui", "app", "main.ts")],
  outfile: join(out, "app.js"),
  bundle: true,
  format: "esm",
  target: ["es2022"],
  minify: true,
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
});
for (const f of ["index.html", "style.css"]) copyFileSync(join(root, "src", "ui", "app", f), join(out, f));
if (process.env.FLOWSMITH_UI_SIZE) for (const f of ["app.js", "style.css", "index.html"]) console.log(`${f}: ${statSync(join(out, f)).size} bytes`);

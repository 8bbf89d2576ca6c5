#!/usr/bin/env node
// `flowsmith ui`: what the page costs to load and how fast the project view answers.
// Run after `npm run build`. Serves a scratch copy of the seed project with the built CLI
// (`flowsmith ui --port 0 --no-open`), then measures
//  - the page's weight: every file it loads (HTML, script, styles), raw and gzip;
//  - GET /api/flows: the first call (builds and checks the four seed flows through tsx) and
//    warm calls (rebuilt only when a flow or schema file changed), median of 7;
//  - with Chromium (/usr/bin/chromium): navigation until the four flows are on the page, median of 5.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const repo = new URL("..", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "flowsmith-bench-ui-"));
for (const d of ["flows", "schemas", "functions"]) cpSync(join(repo, d), join(dir, d), { recursive: true, filter: (p) => !p.includes("__pycache__") });
mkdirSync(join(dir, "demo"));
symlinkSync(join(repo, "demo", "standins"), join(dir, "demo", "standins"));
mkdirSync(join(dir, "node_modules"));
symlinkSync(repo, join(dir, "node_modules", "flowsmith"));
writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bench-ui", private: true, type: "module" }));
writeFileSync(join(dir, "flowsmith.yaml"), readFileSync(join(repo, "flowsmith.yaml")));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const child = spawn(process.execPath, [join(repo, "bin", "flowsmith.js"), "ui", "--port", "0", "--no-open"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
const url = await new Promise((ok, fail) => {
  let out = "";
  child.stdout.on("data", (c) => {
    out += c;
    const m = /(http:\/\/127\.0\.0\.1:\d+\/#secret=[\w-]+)/.exec(out);
    if (m) ok(m[1]);
  });
  child.once("exit", (c) => fail(new Error(`flowsmith ui exited ${c}`)));
});
const origin = new URL(url).origin;
const secret = new URL(url).hash.replace("#secret=", "");
try {
  let raw = 0;
  let gz = 0;
  for (const p of ["/", "/app.js", "/style.css"]) {
    const b = Buffer.from(await (await fetch(origin + p)).arrayBuffer());
    raw += b.length;
    gz += gzipSync(b).length;
  }
  console.log(`page weight: ${(raw / 1024).toFixed(1)} KiB in 3 files (${(gz / 1024).toFixed(1)} KiB gzip); no other request but the API`);

  const flows = async () => {
    const t = performance.now();
    const r = await fetch(`${origin}/api/flows`, { headers: { "x-flowsmith-secret": secret } });
    const j = await r.json();
    if (!(j.flows?.length >= 4)) throw new Error(`expected the seed flows, got ${JSON.stringify(j).slice(0, 200)}`);
    return performance.now() - t;
  };
  const cold = await flows();
  const warm = [];
  for (let i = 0; i < 7; i++) warm.push(await flows());
  console.log(`GET /api/flows: first ${cold.toFixed(0)} ms (builds the seed flows), then median ${median(warm).toFixed(1)} ms (cached): ${(cold / median(warm)).toFixed(0)}x faster warm`);

  if (existsSync("/usr/bin/chromium")) {
    const { chromium } = await import("playwright-core");
    const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "flowsmith-chromium-")), { executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
    const times = [];
    for (let i = 0; i < 5; i++) {
      const page = await ctx.newPage();
      const t = performance.now();
      await page.goto(url);
      await page.waitForFunction(() => document.querySelectorAll("#flows-table tr[data-flow]").length >= 4);
      times.push(performance.now() - t);
      await page.close();
    }
    await ctx.close();
    console.log(`Chromium, navigation to the four flows on the page: median ${median(times).toFixed(0)} ms of 5`);
  } else console.log("Chromium: not installed (/usr/bin/chromium), page timing skipped");
} finally {
  child.kill("SIGTERM");
}

/** Headless Chromium from Debian's package, driven by playwright-core, with a fresh profile. */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";

export const CHROMIUM = process.env.FLOWSMITH_CHROMIUM ?? "/usr/bin/chromium";
export const haveChromium = existsSync(CHROMIUM);

export async function launchChromium(): Promise<BrowserContext> {
  const { chromium } = await import("playwright-core");
  // The fresh --user-data-dir: playwright takes it as launchPersistentContext's directory.
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "flowsmith-chromium-")), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A new page with a 15 s default timeout that records every page error and console error into `errors`. */
export async function watchedPage(browser: BrowserContext, errors: string[] = []): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  return { page, errors };
}

/** `flowsmith ui --port 0 --no-open` (the built CLI) in `cwd`; resolves when it printed its URL. */
export async function startUiCli(cwd: string): Promise<{ url: string; origin: string; stop: () => Promise<void> }> {
  const { spawn } = await import("node:child_process");
  const repo = new URL("../../", import.meta.url).pathname;
  const child = spawn(process.execPath, [join(repo, "bin", "flowsmith.js"), "ui", "--port", "0", "--no-open"], { cwd, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (c) => (err += c));
  const url = await new Promise<string>((ok, fail) => {
    let out = "";
    child.stdout!.on("data", (c) => {
      out += c;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/#secret=[\w-]+)/.exec(out);
      if (m) ok(m[1]!);
    });
    child.once("exit", (code) => fail(new Error(`flowsmith ui exited ${code}: ${err}`)));
    setTimeout(() => fail(new Error(`flowsmith ui printed no URL: ${out} ${err}`)), 30_000);
  });
  return {
    url,
    origin: new URL(url).origin,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

/** Headless Chromium from Debian's package, driven by playwright-core, with a fresh profile. */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";

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

// @ts-nocheck -- browser integration test: page callbacks run in Chromium (DOM types).
/**
 * The scaffold's hello flow from `flowsmith init`, started from the console's form on the
 * local runtime: the run directory is picked in the page, the rundir mapper fills the form,
 * the timeline reaches SUCCEEDED with the function's result, and the run is released.
 */
import { mkdirSync, mkdtempSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../support/paths.js";
import { flowsmith } from "../support/cli.js";
import { haveChromium, launchChromium, startUiCli, watchedPage } from "./chromium.js";

const shots = mkdtempSync(join(tmpdir(), "flowsmith-ui-shots-"));

describe.skipIf(!haveChromium)("hello from the form (flowsmith init project)", () => {
  let ui: Awaited<ReturnType<typeof startUiCli>>;
  let browser;
  let dir: string;
  beforeAll(async () => {
    dir = join(mkdtempSync(join(tmpdir(), "flowsmith-ui-hello-")), "beamline-flows");
    const init = flowsmith(["init", dir]);
    expect(init.code, init.stderr).toBe(0);
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(REPO, join(dir, "node_modules", "flowsmith"));
    ui = await startUiCli(dir);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
    console.log(`flowsmith ui screenshots: ${shots}`);
  });

  it("starts hello from a picked run directory and watches it reach SUCCEEDED", async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(ui.url);
    await page.waitForSelector('#flows-table tr[data-flow="hello"]');
    await page.goto(`${ui.origin}/#/flows/hello/start`);
    await page.waitForSelector("#rundir-browse");
    await page.click("#rundir-browse");
    for (const d of [".flowsmith", "collections", "source", "run001"]) await page.click(`#browser a[data-name="${d}"]`);
    await page.click("#browser-choose");
    await page.click("#rundir-use");
    await page.waitForFunction(() => document.querySelector("input[data-pointer='/input/source/path']")?.value === "/run001/");
    await page.click("#start");
    await page.waitForURL(/#\/runs\/[0-9a-f-]{36}$/);
    await page.waitForFunction(() => document.querySelector("#run-status")?.textContent === "SUCCEEDED", undefined, { timeout: 18_000 });
    expect(await page.$$eval("#bars .bar-label", (b) => b.map((x) => x.textContent))).toEqual(["TransferRun", "ComputePaths", "Summarise", "TransferSummary"]);
    expect(await page.textContent("#function-results")).toContain("Summarise");
    await page.screenshot({ path: join(shots, "8-hello-succeeded.png"), fullPage: true });
    page.once("dialog", (d) => d.accept());
    await page.click("#release");
    await page.waitForURL(/#\/runs$/);
    await page.waitForFunction(() => document.querySelector("#runs-table tbody")?.textContent?.includes("no runs"));
    expect(errors).toEqual([]);
    await page.close();
  }, 20_000);

  it("shows a failed run's cause with the function's traceback", async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    // A new tab has no session storage yet: it opens the printed URL first, as a user does.
    await page.goto(ui.url);
    await page.waitForSelector('#flows-table tr[data-flow="hello"]');
    await page.goto(`${ui.origin}/#/flows/hello/start`);
    await page.fill("#rundir", ".flowsmith/collections/source/run001");
    await page.click("#rundir-use");
    await page.waitForFunction(() => document.querySelector("input[data-pointer='/input/source/path']")?.value === "/run001/");
    // The function reads the copied run under destination_root: a wrong root makes it fail.
    await page.fill("input[data-pointer='/input/destination_root']", "/nonexistent-root");
    await page.click("#start");
    await page.waitForURL(/#\/runs\/[0-9a-f-]{36}$/);
    await page.waitForFunction(() => document.querySelector("#run-status")?.textContent === "FAILED", undefined, { timeout: 18_000 });
    const failure = await page.textContent("#failure");
    expect(failure).toContain("SummariseFailed");
    expect(failure).toMatch(/FileNotFoundError|Traceback/);
    await page.screenshot({ path: join(shots, "9-hello-failed.png"), fullPage: true });
    await page.close();
  }, 20_000);
});

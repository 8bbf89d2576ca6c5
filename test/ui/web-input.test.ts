// @ts-nocheck -- browser integration test: page callbacks run in Chromium (DOM types), response bodies are untyped JSON.
/**
 * An official web-input example (globus-flows-examples web_input_examples/admin_signoff)
 * on the local runtime, answered in the console: imported into a fresh project, started
 * with its published sample input through the console's API, its run page shows the open
 * input (context rows, options), a click on Approve answers it and the run goes on to
 * SUCCEEDED, the file reaching the enclave collection.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flowsmith } from "../support/cli.js";
import { CORPUS, REPO } from "../support/paths.js";
import { haveChromium, launchChromium, startUiCli, watchedPage } from "./chromium.js";

const SRC = "11111111-4aa5-44f5-871d-f37ee5afe1c7";
const DST = "22222222-cf92-4d9b-9450-5ac213a52455";
const ex = (part: string) => join(CORPUS, `globus__globus-flows-examples__web_input_examples_admin_signoff_${part}.json`);

describe.skipIf(!haveChromium)("an official web-input example answered in the console", () => {
  let dir: string;
  let ui: Awaited<ReturnType<typeof startUiCli>>;
  let browser;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "flowsmith-ui-webinput-"));
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(REPO, join(dir, "node_modules", "flowsmith"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "examples", private: true, type: "module" }));
    writeFileSync(join(dir, "flowsmith.yaml"), ["project: examples", "environments:", "  local:", "    collections:", `      personal: { id: ${SRC}, root: collections/personal, display_name: My laptop }`, `      enclave: { id: ${DST}, root: collections/enclave }`, ""].join("\n"));
    mkdirSync(join(dir, "collections", "personal", "path", "to"), { recursive: true });
    mkdirSync(join(dir, "collections", "enclave"), { recursive: true });
    writeFileSync(join(dir, "collections", "personal", "path", "to", "file.txt"), "secret");
    const imp = flowsmith(["import", ex("definition"), "--name", "admin_signoff", "--schema", ex("input_schema")], { cwd: dir });
    expect(imp.code, imp.stderr + imp.stdout).toBe(0);
    ui = await startUiCli(dir);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
  });

  it("shows the open input on the run page and Approve lets the run finish", async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(ui.url);
    await page.waitForSelector('#flows-table tr[data-flow="admin_signoff"]');
    await page.waitForSelector("#nav-inputs");
    const input = JSON.parse(readFileSync(ex("sample_input"), "utf8"));
    const started = await page.evaluate(async (body) => {
      const r = await fetch("/api/flows/admin_signoff/start", { method: "POST", headers: { "content-type": "application/json", "x-flowsmith-secret": sessionStorage.getItem("flowsmith-ui-secret") }, body: JSON.stringify({ input: body, label: "signoff from the ui" }) });
      return r.json();
    }, input);
    expect(started.run?.run_id, JSON.stringify(started)).toMatch(/^[0-9a-f-]{36}$/);
    await page.goto(`${ui.origin}/#/runs/${started.run.run_id}`);
    await page.waitForSelector("#web-inputs button[data-option]");
    expect(await page.textContent("#web-inputs")).toMatch(/Secure Enclave/);
    const shots = mkdtempSync(join(tmpdir(), "flowsmith-ui-shots-"));
    console.log(`flowsmith ui screenshots: ${shots}`);
    await page.screenshot({ path: join(shots, "10-web-input-local.png"), fullPage: true });
    const options = await page.$$eval("#web-inputs button[data-option]", (b) => b.map((x) => x.getAttribute("data-option")));
    expect(options).toContain("approve");
    await page.click('#web-inputs button[data-option="approve"]');
    await page.waitForFunction(() => document.querySelector("#run-status")?.textContent === "SUCCEEDED", undefined, { timeout: 18_000 });
    expect(readFileSync(join(dir, "collections", "enclave", "file.txt"), "utf8")).toBe("secret");
    await page.screenshot({ path: join(shots, "11-web-input-answered.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 20_000);
});

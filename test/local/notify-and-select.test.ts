// @ts-nocheck -- integration test over HTTP: response bodies are untyped JSON, checked at run time.
/**
 * The hosted Send Notification Email and Wait For User Selection providers on the local
 * runtime, with the globus-automate-client examples and their inputs: mail goes to the
 * outbox file (never its SMTP password), the selection waits until an option URL is opened.
 */
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalRuntime, type LocalRuntime } from "../../src/local/runtime.js";
import { SCOPES } from "../../src/local/auth/scopes.js";
import { CORPUS } from "../support/paths.js";
import { tokenFor } from "../support/runtime.js";

const ex = (name: string) => JSON.parse(readFileSync(join(CORPUS, `globus__globus-automate-client__examples_flows_${name}.json`), "utf8"));
let rt: LocalRuntime;
let tok: string;

beforeAll(async () => {
  rt = await startLocalRuntime({ dataDir: join(mkdtempSync(join(tmpdir(), "flowsmith-notify-")), "data"), collections: {}, computeEndpoints: {} });
  tok = (await tokenFor(rt, [SCOPES.flows("all")]))["flows.globus.org"];
});
afterAll(async () => {
  await rt?.stop();
});

const call = async (method: string, path: string, body?: unknown, token = tok) => {
  const res = await fetch(`${rt.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: await res.json() };
};
async function start(definition: unknown, input: unknown) {
  const flow = (await call("POST", "/flows", { definition, input_schema: {}, title: "notify" })).body;
  const ft = (await tokenFor(rt, [SCOPES.flow(flow.id)]))[flow.id];
  return (await call("POST", `/flows/${flow.id}/run`, { body: input }, ft)).body.run_id;
}
async function until(runId: string, done: (r) => boolean) {
  for (let i = 0; i < 300; i++) {
    const r = (await call("GET", `/runs/${runId}`)).body;
    if (done(r)) return r;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error("timed out");
}
const outbox = () => (existsSync(rt.outbox) ? readFileSync(rt.outbox, "utf8").trim().split("\n").map((l) => JSON.parse(l)) : []);

describe("notification email and user selection", () => {
  it("send-notification writes the rendered mail to the outbox, mode 0600, without credentials", async () => {
    const run = await start(ex("send-notification_definition"), ex("send-notification_input"));
    const end = await until(run, (r) => r.status !== "ACTIVE");
    expect(end.status, JSON.stringify(end.details)).toBe("SUCCEEDED");
    const [mail] = outbox();
    expect(mail).toMatchObject({ to: ["user@globus.org"], subject: "Notification via Flow", body: "<html><body><h1>Hello Dude</h1></body></html>", mimetype: "text/html" });
    expect(statSync(rt.outbox).mode & 0o777).toBe(0o600);
    expect(readFileSync(rt.outbox, "utf8")).not.toContain("password");
  });

  it("notify-of-options-and-report waits for a selection, then mails the choice", async () => {
    const input = ex("notify-of-options-and-report_input");
    const run = await start(ex("notify-of-options-and-report_definition"), input);
    const waiting = await until(run, (r) => outbox().length >= 2 || r.status !== "ACTIVE");
    expect(waiting.status).toBe("ACTIVE");
    const suffix = input.notification_body_variables.accept_option_suffix;
    const page = await (await fetch(`${rt.url}/weboption/option/${suffix}`)).json();
    expect(page.message).toBe("Thank you for choosing to Accept");
    const end = await until(run, (r) => r.status !== "ACTIVE");
    expect(end.status, JSON.stringify(end.details)).toBe("SUCCEEDED");
    expect(outbox().at(-1)).toMatchObject({ subject: "Here's the result", body: "<html><body>The user chose to Accept the choice.</body></html>" });
    expect(readFileSync(rt.outbox, "utf8")).not.toContain("PASSWORD");
    expect((await fetch(`${rt.url}/weboption/option/no-such-suffix`)).status).toBe(404);
  });
});

// @ts-nocheck -- integration test over HTTP: response bodies are untyped JSON, checked at run time (shapes against the fixtures).
/**
 * Registered-API handlers run locally: `{"Type": "RegisteredAPI", "Id"}` and
 * `urn:globus:flows:handle:…` resolve through the runtime's registry (flowsmith.yaml
 * `registered_apis`) to one HTTP request with the caller's token; `/registered_apis` answers
 * in the shapes of the recorded globus-sdk fixtures.
 */
import { createServer, type Server } from "node:http";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalRuntime, type LocalRuntime } from "../../src/local/runtime.js";
import { SCOPES } from "../../src/local/auth/scopes.js";
import { FIXTURES } from "../support/paths.js";
import { shapeDiff, tokenFor } from "../support/runtime.js";

const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, "flows", name), "utf8"));
const API_ID = "9dc867a4-1c6d-46d9-911f-71c2ac67e38c";
let rt: LocalRuntime;
let api: Server;
const seen: { method: string; url: string; authorization?: string; body: string }[] = [];
let tok: Record<string, string>;

beforeAll(async () => {
  api = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
      if (req.url!.includes("missing")) return res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "no such resource" }));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ resource_id: req.url!.split("/")[4]?.split("?")[0], data: { ok: true } }));
    });
  });
  await new Promise<void>((ok) => api.listen(0, "127.0.0.1", () => ok()));
  const base = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
  rt = await startLocalRuntime({
    dataDir: join(mkdtempSync(join(tmpdir(), "flowsmith-rapi-")), "data"),
    collections: {},
    computeEndpoints: {},
    registeredApis: [{ id: API_ID, name: "test-registered-api", description: "A test registered API", url: `${base}/api/v1/resource/{resource_id}`, method: "get", handles: ["urn:globus:flows:handle:example:resource.get"] }],
  });
  tok = await tokenFor(rt, [SCOPES.flows("all")]);
});

afterAll(async () => {
  await rt?.stop();
  await new Promise((ok) => api?.close(ok));
});

const call = async (method: string, path: string, body?: unknown, token = tok["flows.globus.org"]) => {
  const res = await fetch(`${rt.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: await res.json() };
};

async function runToEnd(definition: unknown, input: unknown) {
  const flow = (await call("POST", "/flows", { definition, input_schema: {}, title: "registered api" })).body;
  expect(flow.id, JSON.stringify(flow)).toBeDefined();
  const ft = (await tokenFor(rt, [SCOPES.flow(flow.id)]))[flow.id];
  const run = (await call("POST", `/flows/${flow.id}/run`, { body: input }, ft)).body;
  for (let i = 0; i < 200; i++) {
    const r = (await call("GET", `/runs/${run.run_id}`)).body;
    if (["SUCCEEDED", "FAILED"].includes(r.status)) return r;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error("run did not end");
}

describe("registered APIs on the local runtime", () => {
  it("lists and gets them in the service's shapes", async () => {
    const list = await call("GET", "/registered_apis");
    expect(shapeDiff(fixture("sdk-list_registered_apis.default.json"), list.body)).toEqual([]);
    expect(list.body.registered_apis.map((a) => a.id)).toEqual([API_ID]);
    const one = await call("GET", `/registered_apis/${API_ID}`);
    // The OpenAPI operation's own response schemas are the API author's data, not wire shape.
    const userData = (d: string) => d.startsWith("$.target.specification.responses.200.content.application/json.schema.") || d.startsWith("$.target.components.schemas.");
    expect(shapeDiff(fixture("sdk-get_registered_api.default.json"), one.body).filter((d) => !userData(d))).toEqual([]);
    expect(one.body.target.destination.method).toBe("get");
    expect((await call("GET", "/registered_apis/00000000-0000-4000-8000-000000000000")).status).toBe(404);
  });

  it("runs the registered-API tutorial's handler form with the caller's token", async () => {
    const def = JSON.parse(JSON.stringify(fixture("def-registered-api-handler.json")).replace("REPLACE_ME_WITH_YOUR_REGISTERED_API_ID!", API_ID));
    def.States.DemoRegisteredApi.Parameters = { path: { resource_id: "abc" }, query: { verbose: "1" } };
    const r = await runToEnd(def, {});
    expect(r.status, JSON.stringify(r.details)).toBe("SUCCEEDED");
    expect(r.details.output.MyFlows.details).toEqual({ resource_id: "abc", data: { ok: true } });
    const req = seen.at(-1)!;
    expect(req).toMatchObject({ method: "GET", url: "/api/v1/resource/abc?verbose=1" });
    // The token is one the runtime's Auth issued for the caller: the API can introspect it.
    const intro = await fetch(`${rt.url}/v2/oauth2/token/introspect`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic " + Buffer.from(`${rt.client.client_id}:${rt.client.client_secret}`).toString("base64") },
      body: new URLSearchParams({ token: req.authorization!.replace(/^Bearer /, "") }),
    });
    expect((await intro.json()).active).toBe(true);
  });

  it("resolves a urn:globus:flows:handle: handler and flattened parameters", async () => {
    const def = { StartAt: "Get", States: { Get: { Type: "Action", Handler: "urn:globus:flows:handle:example:resource.get", Parameters: { resource_id: "xyz", extra: "q" }, ResultPath: "$.r", End: true } } };
    const r = await runToEnd(def, {});
    expect(r.status).toBe("SUCCEEDED");
    expect(seen.at(-1)).toMatchObject({ method: "GET", url: "/api/v1/resource/xyz?extra=q" });
  });

  it("an API error or an unknown registered API is ActionUnableToRun", async () => {
    const failing = await runToEnd({ StartAt: "Get", States: { Get: { Type: "Action", Handler: { Type: "RegisteredAPI", Id: API_ID }, Parameters: { resource_id: "missing" }, End: true } } }, {});
    expect(failing.status).toBe("FAILED");
    expect(failing.details.details.error).toBe("ActionUnableToRun");
    const unknown = await runToEnd({ StartAt: "Get", States: { Get: { Type: "Action", Handler: { Type: "RegisteredAPI", Id: "00000000-0000-4000-8000-000000000000" }, Parameters: {}, End: true } } }, {});
    expect(unknown.status).toBe("FAILED");
    expect(unknown.details.details.cause).toMatch(/no registered API 00000000-0000-4000-8000-000000000000; add it under registered_apis in flowsmith.yaml/);
  });
});

// @ts-nocheck -- integration test over HTTP: response bodies are untyped JSON, checked at run time (shapes against the fixtures).
/**
 * The Flows API answers as the service does where flowsmith used to differ: validate returns
 * scopes per RunAs and the traversal count, definition errors carry Globus's wording and
 * locations, custom providers are introspected (409 when unreachable) and get the caller's
 * token, the run's label and its managers/monitors, and RunAs roles need `_tokens`.
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
let rt: LocalRuntime;
let ap: Server;
let apUrl: string;
const apSeen: { method: string; url: string; authorization?: string; body?: any }[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any -- untyped JSON bodies
let tok: Record<string, string>;
const OTHER = "55555555-5555-4555-8555-555555555555";
const GROUP = "77777777-7777-4777-8777-777777777777";

beforeAll(async () => {
  ap = createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const body = raw ? JSON.parse(raw) : undefined;
      apSeen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
      res.setHeader("content-type", "application/json");
      if (req.method === "GET" && req.url === "/ap/") return res.end(JSON.stringify({ globus_auth_scope: "https://auth.globus.org/scopes/custom-ap/action_all", title: "custom", types: ["Action"] }));
      if (req.url === "/ap/run" && body.body.consent) return res.end(JSON.stringify({ action_id: "a2", status: "INACTIVE", display_status: "INACTIVE", details: { code: "ConsentRequired", description: "Missing required data_access consent", required_scope: body.body.consent, resolution_url: null }, creator_id: "x", start_time: "2026-01-01T00:00:00+00:00", completion_time: null, manage_by: [], monitor_by: [], release_after: "P30D" }));
      if (req.url === "/ap/a2/status") return res.end(JSON.stringify({ action_id: "a2", status: "INACTIVE", details: { code: "ConsentRequired", description: "Missing required data_access consent", required_scope: "x" }, creator_id: "x", start_time: "2026-01-01T00:00:00+00:00", manage_by: [], monitor_by: [], release_after: "P30D" }));
      if (req.url === "/ap/run") return res.end(JSON.stringify({ action_id: "a1", status: "SUCCEEDED", details: { got: body.body }, creator_id: "x", start_time: "2026-01-01T00:00:00+00:00", completion_time: "2026-01-01T00:00:01+00:00", manage_by: [], monitor_by: [], release_after: "P30D" }));
      res.statusCode = 404;
      res.end("{}");
    });
  });
  await new Promise<void>((ok) => ap.listen(0, "127.0.0.1", () => ok()));
  apUrl = `http://127.0.0.1:${(ap.address() as { port: number }).port}/ap`;
  rt = await startLocalRuntime({ dataDir: join(mkdtempSync(join(tmpdir(), "flowsmith-fidelity-")), "data"), collections: {}, computeEndpoints: {}, groups: { [GROUP]: [`urn:globus:auth:identity:${OTHER}`] } });
  tok = await tokenFor(rt, [SCOPES.flows("all")]);
  rt.auth.addClient(OTHER, "other-secret-0123456789abcdef", "role holder");
});

afterAll(async () => {
  await rt?.stop();
  await new Promise((ok) => ap?.close(ok));
});

const call = async (method: string, path: string, body?: unknown, token = tok["flows.globus.org"]) => {
  const res = await fetch(`${rt.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: await res.json() };
};

async function start(definition: unknown, input: unknown, extra: object = {}) {
  const flow = await call("POST", "/flows", { definition, input_schema: {}, title: "fidelity" });
  expect(flow.status, JSON.stringify(flow.body)).toBe(201);
  const ft = (await tokenFor(rt, [SCOPES.flow(flow.body.id)]))[flow.body.id];
  return call("POST", `/flows/${flow.body.id}/run`, { body: input, ...extra }, ft);
}

async function ended(runId: string) {
  for (let i = 0; i < 200; i++) {
    const r = (await call("GET", `/runs/${runId}`)).body;
    if (["SUCCEEDED", "FAILED", "ENDED"].includes(r.status)) return r;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error("run did not end");
}

describe("validate", () => {
  it("returns the scopes of each RunAs and the traversal count", async () => {
    const runAs = await call("POST", "/flows/validate", { definition: fixture("def-automate-hello-world-run-as.json") });
    expect(runAs.status).toBe(200);
    expect(runAs.body).toEqual({ scopes: { pruyne: ["https://auth.globus.org/scopes/actions.globus.org/hello_world"] }, analysis: { number_of_possibilities: 1 } });
    const transfer = {
      StartAt: "T",
      States: {
        T: { Type: "Action", ActionUrl: "https://transfer.actions.globus.org/transfer", Parameters: { source_endpoint: "a", destination_endpoint: "b", DATA: [] }, Catch: [{ ErrorEquals: ["States.ALL"], Next: "F" }], Next: "C" },
        C: { Type: "Choice", Choices: [{ Variable: "$.x", BooleanEquals: true, Next: "P" }], Default: "F" },
        P: { Type: "Pass", End: true },
        F: { Type: "Fail" },
      },
    };
    const v = await call("POST", "/flows/validate", { definition: transfer });
    expect(v.body).toEqual({ scopes: { User: [fixture("cli-validate_flow.user.json").scopes.User[0]] }, analysis: { number_of_possibilities: 3 } });
  });

  it("words definition errors as the service does", async () => {
    const bad = { StartAt: "Step1", States: { Step1: { Type: "Action", ActionUrl: "https://actions.globus.org/hello_world", Parameters: {} } } };
    const r = await call("POST", "/flows/validate", { definition: bad });
    const want = fixture("sdk-validate_flow.definition_error.json").error;
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe(want.code);
    expect(r.body.error.detail).toEqual(want.detail);
    expect(r.body.error.message).toBe(want.message);
    const noType = await call("POST", "/flows/validate", { definition: { StartAt: "hi", States: { hi: { End: true } } } });
    const want2 = fixture("cli-validate_flow.missing_type.422.json").error.detail[0];
    expect(noType.body.error.detail[0]).toEqual(want2);
  });

  it("accepts generated definitions with Comment: null", async () => {
    const gladier = { Comment: null, StartAt: "P", States: { P: { Type: "Pass", Comment: null, End: true } } };
    expect((await call("POST", "/flows/validate", { definition: gladier })).status).toBe(200);
    const run = await start(gladier, {});
    expect((await ended(run.body.run_id)).status).toBe("SUCCEEDED");
  });
});

describe("custom action providers", () => {
  it("introspects the provider, forwards a token for the caller, the run's label and its managers", async () => {
    const def = { StartAt: "Custom", States: { Custom: { Type: "Action", ActionUrl: apUrl, Parameters: { x: 1 }, ResultPath: "$.c", End: true } } };
    const v = await call("POST", "/flows/validate", { definition: def });
    expect(v.body.scopes).toEqual({ User: ["https://auth.globus.org/scopes/custom-ap/action_all"] });
    const manager = `urn:globus:auth:identity:${OTHER}`;
    const run = await start(def, {}, { label: "nightly scan 42", run_managers: [manager] });
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    const end = await ended(run.body.run_id);
    expect(end.status, JSON.stringify(end.details)).toBe("SUCCEEDED");
    const req = apSeen.find((s) => s.url === "/ap/run")!;
    expect(req.body).toMatchObject({ label: "nightly scan 42", manage_by: [manager], monitor_by: [], body: { x: 1 } });
    expect(req.body.request_id).toEqual(expect.any(String));
    const intro = await fetch(`${rt.url}/v2/oauth2/token/introspect`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic " + Buffer.from(`${rt.client.client_id}:${rt.client.client_secret}`).toString("base64") },
      body: new URLSearchParams({ token: req.authorization!.replace(/^Bearer /, "") }),
    });
    const info = await intro.json();
    expect(info.active).toBe(true);
    expect(info.scope).toBe("https://auth.globus.org/scopes/custom-ap/action_all");
    expect(`urn:globus:auth:identity:${info.sub}`).toBe(end.run_owner);
  });

  it("an INACTIVE run wraps the action's required scope in the flow scope and names the state (globus-cli's remediation reads these)", async () => {
    const need = "urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/8f3a1c2e-9b7d-4e6f-a1b2-c3d4e5f6a7b8/data_access]";
    const def = { StartAt: "Transfer", States: { Transfer: { Type: "Action", ActionUrl: apUrl, Parameters: { consent: need }, ResultPath: "$.t", End: true } } };
    const run = await start(def, {});
    let r;
    for (let i = 0; i < 100; i++) {
      r = (await call("GET", `/runs/${run.body.run_id}`)).body;
      if (r.status === "INACTIVE") break;
      await new Promise((res) => setTimeout(res, 20));
    }
    expect(r.status).toBe("INACTIVE");
    const want = fixture("cli-get_run.inactive_consent_required.json");
    expect(shapeDiff(want, r)).toEqual([]);
    expect(r.details.required_scope).toBe(`${SCOPES.flow(r.flow_id)}[${need}]`);
    expect(r.details.action_statuses[0].state_name).toBe("Transfer");
    expect(r.details.action_statuses[0].details.required_scope).toBe(need);
    await call("POST", `/runs/${run.body.run_id}/cancel`);
  });

  it("refuses a flow whose custom provider does not answer, as the service does (409)", async () => {
    const def = { StartAt: "Bad", States: { Bad: { Type: "Action", ActionUrl: "http://127.0.0.1:9/bad", Parameters: {}, End: true } } };
    const r = await call("POST", "/flows", { definition: def, input_schema: {}, title: "bad provider" });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe(fixture("cli-validate_flow.scope_resolution_failed.409.json").error.code);
    expect(r.body.error.detail).toBe("Failed to resolve scope for Action Provider at 'http://127.0.0.1:9/bad': upstream did not respond");
  });
});

describe("RunAs roles", () => {
  it("needs _tokens.<Role> at start, runs the action as that identity and never stores the token", async () => {
    const def = fixture("def-automate-hello-world-run-as.json");
    const missing = await start(def, {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe("FLOW_INPUT_ERROR");
    expect(missing.body.error.message).toMatch(/_tokens\.pruyne/);
    const res = await fetch(`${rt.url}/v2/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic " + Buffer.from(`${OTHER}:other-secret-0123456789abcdef`).toString("base64") },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: "openid" }),
    });
    const roleToken = (await res.json()).access_token;
    const run = await start(def, { _tokens: { pruyne: roleToken } });
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    const end = await ended(run.body.run_id);
    expect(end.status, JSON.stringify(end.details)).toBe("SUCCEEDED");
    expect(end.details.output.HelloResult.creator_id).toBe(`urn:globus:auth:identity:${OTHER}`);
    const log = await call("GET", `/runs/${run.body.run_id}/log?limit=100`);
    expect(JSON.stringify(log.body) + JSON.stringify(end)).not.toContain(roleToken);
  });
});

describe("list filters and ordering (OpenAPI)", () => {
  it("filters runs by label (case-insensitive, any of several), flow title and start time; orders by several keys", async () => {
    const def = { StartAt: "P", States: { P: { Type: "Pass", End: true } } };
    const flow = (await call("POST", "/flows", { definition: def, input_schema: {}, title: "Listing Flow", subtitle: "Beamline Sub", description: "Nightly DESCRIPTION" })).body;
    const ft = (await tokenFor(rt, [SCOPES.flow(flow.id)]))[flow.id];
    const ids = [];
    for (const label of ["Scan Alpha", "scan beta", "other"]) ids.push((await call("POST", `/flows/${flow.id}/run`, { body: {}, label }, ft)).body.run_id);
    for (const id of ids) await ended(id);
    const labels = (q: string) => call("GET", `/runs?${q}`).then((r) => r.body.runs.map((x) => x.label));
    expect((await labels("filter_flow_title=listing&filter_label=SCAN&orderby=label ASC")).sort()).toEqual(["Scan Alpha", "scan beta"]);
    expect(await labels("filter_flow_title=listing&filter_label=alpha,OTHER&orderby=label DESC")).toEqual(["other", "Scan Alpha"]);
    expect(await labels(`filter_flow_title=listing flow&orderby=${encodeURIComponent("status ASC,label ASC")}`)).toEqual(["Scan Alpha", "other", "scan beta"]);
    expect(await labels("filter_flow_title=listing&filter_start_time=2000-01-01T00:00:00,")).toHaveLength(3);
    expect(await labels("filter_flow_title=listing&filter_start_time=,2000-01-01T00:00:00")).toHaveLength(0);
    expect(await labels("filter_flow_title=listing&filter_completion_time=2000-01-01T00:00:00")).toHaveLength(3);
    expect((await call("GET", "/runs?orderby=nonsense ASC")).status).toBe(422);
    const flows = (q: string) => call("GET", `/flows?${q}`).then((r) => r.body.flows.map((f) => f.id));
    expect(await flows("filter_subtitle=beamline")).toEqual([flow.id]);
    expect(await flows("filter_description=nightly description")).toEqual([flow.id]);
    expect(await flows(`filter_scope_string=${flow.id.slice(0, 8)}`)).toEqual([flow.id]);
    expect(await flows("filter_subtitle=nothing-like-this")).toEqual([]);
  });
});

describe("Protecting Secrets", () => {
  it("removes __Private_Parameters from the definition for viewers who are not owners or administrators", async () => {
    const def = { StartAt: "H", States: { H: { Type: "Action", ActionUrl: "https://actions.globus.org/hello_world", Parameters: { echo_string: "hi", "password.$": "$.pw", token: "s3cr3t", __Private_Parameters: ["password", "token"] }, ResultPath: "$.h", End: true } } };
    const viewer = `urn:globus:auth:identity:${OTHER}`;
    const flow = (await call("POST", "/flows", { definition: def, input_schema: {}, title: "secret", flow_viewers: [viewer], flow_starters: [viewer] })).body;
    const own = await call("GET", `/flows/${flow.id}`);
    expect(own.body.definition.States.H.Parameters.token).toBe("s3cr3t");
    const res = await fetch(`${rt.url}/v2/oauth2/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic " + Buffer.from(`${OTHER}:other-secret-0123456789abcdef`).toString("base64") }, body: new URLSearchParams({ grant_type: "client_credentials", scope: `${SCOPES.flows("all")} ${SCOPES.flow(flow.id)}` }) });
    const t = await res.json();
    const other = [t, ...t.other_tokens];
    const flowsTok = other.find((x) => x.resource_server === "flows.globus.org").access_token;
    const seen = await call("GET", `/flows/${flow.id}`, undefined, flowsTok);
    expect(seen.body.definition.States.H.Parameters).toEqual({ echo_string: "hi", __Private_Parameters: ["password", "token"] });
    const run = await call("POST", `/flows/${flow.id}/run`, { body: { pw: "x" } }, other.find((x) => x.resource_server === flow.id).access_token);
    const defn = await call("GET", `/runs/${run.body.run_id}/definition`, undefined, flowsTok);
    expect(JSON.stringify(defn.body)).not.toContain("s3cr3t");
    expect(JSON.stringify((await call("GET", `/runs/${run.body.run_id}/definition`)).body)).toContain("s3cr3t");
  });
});

describe("group URNs in roles", () => {
  it("resolve against the local group config", async () => {
    const def = { StartAt: "P", States: { P: { Type: "Pass", End: true } } };
    const grouped = (await call("POST", "/flows", { definition: def, input_schema: {}, title: "for the group", flow_starters: [`urn:globus:groups:id:${GROUP}`] })).body;
    const other = (await call("POST", "/flows", { definition: def, input_schema: {}, title: "for another group", flow_starters: ["urn:globus:groups:id:88888888-8888-4888-8888-888888888888"] })).body;
    const tokenOf = async (scopes: string) => {
      const res = await fetch(`${rt.url}/v2/oauth2/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic " + Buffer.from(`${OTHER}:other-secret-0123456789abcdef`).toString("base64") }, body: new URLSearchParams({ grant_type: "client_credentials", scope: scopes }) });
      const t = await res.json();
      return Object.fromEntries([t, ...t.other_tokens].map((x) => [x.resource_server, x.access_token]));
    };
    const member = await tokenOf(`${SCOPES.flow(grouped.id)} ${SCOPES.flows("all")}`);
    expect((await call("POST", `/flows/${grouped.id}/run`, { body: {} }, member[grouped.id])).status).toBe(201);
    expect((await call("GET", `/flows/${other.id}`, undefined, member["flows.globus.org"])).status).toBe(404);
    expect((await call("GET", `/flows/${grouped.id}`, undefined, member["flows.globus.org"])).body.user_roles).toEqual(["flow_starter"]);
  });
});

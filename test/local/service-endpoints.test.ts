// @ts-nocheck -- integration test over HTTP: response bodies are untyped JSON, checked at run time (shapes against the fixtures).
/**
 * Endpoints the SDKs call that the local runtime used to answer 404: Transfer
 * `GET /endpoint/{id}` and its access rules (enforced for identities other than a
 * collection's owner), Compute `GET /v2/endpoints`, `GET|PUT|DELETE /v2|v3/endpoints/{id}`;
 * and the transfer provider's completion_time never before its start_time.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalRuntime, type LocalRuntime } from "../../src/local/runtime.js";
import { SCOPES } from "../../src/local/auth/scopes.js";
import { FIXTURES } from "../support/paths.js";
import { shapeDiff, tokenFor } from "../support/runtime.js";

const OWNED = "11111111-1111-4111-8111-111111111111";
const OPEN = "22222222-2222-4222-8222-222222222222";
const EP = "33333333-3333-4333-8333-333333333333";
const GUEST = "66666666-6666-4666-8666-666666666666";
let rt: LocalRuntime;
let root: string;
let me: Record<string, string>;
let guest: Record<string, string>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "flowsmith-endpoints-"));
  for (const d of ["owned/shared/deep", "owned/private", "open"]) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, "owned", "shared", "deep", "f.txt"), "shared");
  writeFileSync(join(root, "owned", "private", "p.txt"), "private");
  rt = await startLocalRuntime({ dataDir: join(root, "data"), collections: {}, computeEndpoints: {} }).then(async (probe) => {
    // The owner is the runtime's own client identity, known only once it exists.
    const owner = `urn:globus:auth:identity:${probe.client.client_id}`;
    await probe.stop();
    return startLocalRuntime({
      dataDir: join(root, "data"),
      collections: { [OWNED]: { root: join(root, "owned"), display_name: "Owned guest collection", entity_type: "GCSv5_guest_collection", owner }, [OPEN]: { root: join(root, "open") } },
      computeEndpoints: { [EP]: { workers: 1, display_name: "local-ep" } },
    });
  });
  me = await tokenFor(rt, [SCOPES.transferAll, SCOPES.computeAll, SCOPES.flows("all")]);
  rt.auth.addClient(GUEST, "guest-secret-0123456789abcdef", "guest");
  const res = await fetch(`${rt.url}/v2/oauth2/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic " + Buffer.from(`${GUEST}:guest-secret-0123456789abcdef`).toString("base64") }, body: new URLSearchParams({ grant_type: "client_credentials", scope: SCOPES.transferAll }) });
  const t = await res.json();
  guest = { [t.resource_server]: t.access_token };
});

afterAll(async () => {
  await rt?.stop();
});

const call = async (method: string, path: string, token: string, body?: unknown) => {
  const res = await fetch(`${rt.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: await res.json() };
};
const T = () => me["transfer.api.globus.org"];

describe("Transfer endpoints and access rules", () => {
  it("GET /endpoint/{id} answers the collection document with its entity_type", async () => {
    const r = await call("GET", `/v0.10/endpoint/${OWNED}`, T());
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ DATA_TYPE: "endpoint", id: OWNED, display_name: "Owned guest collection", entity_type: "GCSv5_guest_collection" });
    expect((await call("GET", `/v0.10/endpoint/${OPEN}`, T())).body.entity_type).toBe("GCSv5_mapped_collection");
    expect((await call("GET", "/v0.10/endpoint/99999999-9999-4999-8999-999999999999", T())).status).toBe(404);
  });

  it("enforces access rules for identities other than the owner", async () => {
    const g = guest["transfer.api.globus.org"];
    const ls = (token: string, path: string) => call("GET", `/v0.10/operation/endpoint/${OWNED}/ls?path=${encodeURIComponent(path)}`, token);
    expect((await ls(T(), "/private")).status).toBe(200);
    const denied = await ls(g, "/shared");
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe("PermissionDenied");
    // The guest cannot grant itself access; the owner can.
    expect((await call("POST", `/v0.10/endpoint/${OWNED}/access`, g, { DATA_TYPE: "access", principal_type: "identity", principal: GUEST, path: "/shared/", permissions: "r" })).status).toBe(403);
    const created = await call("POST", `/v0.10/endpoint/${OWNED}/access`, T(), { DATA_TYPE: "access", principal_type: "identity", principal: GUEST, path: "/shared/", permissions: "r" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ DATA_TYPE: "access_create_result", code: "Created", access_id: expect.any(String) });
    expect((await ls(g, "/shared")).status).toBe(200);
    expect((await ls(g, "/shared/deep")).status).toBe(200);
    expect((await ls(g, "/private")).status).toBe(403);
    // Read-only: no writing under the rule.
    expect((await call("POST", `/v0.10/operation/endpoint/${OWNED}/mkdir`, g, { path: "/shared/new" })).status).toBe(403);
    const list = await call("GET", `/v0.10/endpoint/${OWNED}/access_list`, T());
    expect(list.body.DATA.map((r) => [r.principal, r.path, r.permissions])).toEqual([[GUEST, "/shared/", "r"]]);
    await call("DELETE", `/v0.10/endpoint/${OWNED}/access/${created.body.access_id}`, T());
    expect((await ls(g, "/shared")).status).toBe(403);
    // A collection without an owner is the local user's: everyone the runtime authenticates may use it.
    expect((await call("GET", `/v0.10/operation/endpoint/${OPEN}/ls?path=/`, g)).status).toBe(200);
  });
});

describe("Compute endpoints", () => {
  it("lists, gets, updates, and refuses to delete configured endpoints", async () => {
    const C = me.funcx_service;
    const one = await call("GET", `/v2/endpoints/${EP}`, C);
    expect(one.status).toBe(200);
    expect(shapeDiff(JSON.parse(readFileSync(join(FIXTURES, "compute", "openapi_v2_get_endpoint_response.json"), "utf8")), one.body)).toEqual([]);
    expect((await call("GET", `/v3/endpoints/${EP}`, C)).body.uuid).toBe(EP);
    const list = await call("GET", "/v2/endpoints", C);
    expect(list.body.map((e) => e.uuid)).toEqual([EP]);
    expect((await call("PUT", `/v3/endpoints/${EP}`, C, { display_name: "renamed" })).body).toEqual({ endpoint_id: EP });
    expect((await call("GET", `/v2/endpoints/${EP}`, C)).body.display_name).toBe("renamed");
    expect((await call("DELETE", `/v3/endpoints/${EP}`, C)).status).toBe(409);
    expect((await call("GET", "/v2/endpoints/99999999-9999-4999-8999-999999999999", C)).status).toBe(404);
  });
});

describe("transfer action provider timestamps", () => {
  it("completion_time is never before start_time", async () => {
    writeFileSync(join(root, "open", "tiny.txt"), "x");
    const def = { StartAt: "T", States: { T: { Type: "Action", ActionUrl: "https://transfer.actions.globus.org/transfer", Parameters: { source_endpoint: OPEN, destination_endpoint: OPEN, DATA: [{ source_path: "/tiny.txt", destination_path: "/copy.txt" }] }, ResultPath: "$.t", End: true } } };
    const F = me["flows.globus.org"];
    const flow = (await call("POST", "/flows", F, { definition: def, input_schema: {}, title: "tiny" })).body;
    const ft = (await tokenFor(rt, [SCOPES.flow(flow.id)]))[flow.id];
    for (let i = 0; i < 3; i++) {
      const run = (await call("POST", `/flows/${flow.id}/run`, ft, { body: {} })).body;
      let r;
      for (let j = 0; j < 200; j++) {
        r = (await call("GET", `/runs/${run.run_id}`, F)).body;
        if (r.status !== "ACTIVE") break;
        await new Promise((res) => setTimeout(res, 20));
      }
      expect(r.status).toBe("SUCCEEDED");
      const t = r.details.output.t;
      expect(Date.parse(t.completion_time.replace(" ", "T"))).toBeGreaterThanOrEqual(Date.parse(t.start_time.replace(" ", "T")));
    }
  });
});

// @ts-nocheck -- integration test over HTTP: response bodies are untyped JSON, checked at run time (shapes against the fixtures).
/**
 * The local runtime driven by @globus/sdk itself (GLOBUS_SDK_SERVICE_URL_* pointed at it),
 * with response shapes compared to the recorded Globus fixtures in ../shared.
 */
import { readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flows, transfer } from "@globus/sdk";
import { FIXTURES } from "../support/paths.js";
import { ALL_SERVICE_SCOPES, DST_COLLECTION, ENDPOINT, SRC_COLLECTION, scratchRuntime, shapeDiff, tokenFor } from "../support/runtime.js";
import type { LocalRuntime } from "../../src/local/runtime.js";
import { SCOPES } from "../../src/wire/scopes.js";
import { pureSourceRegistration } from "../../src/wire/compute-serialization.js";

const fixture = (p: string) => JSON.parse(readFileSync(join(FIXTURES, p), "utf8"));

let rt: LocalRuntime;
let src: string;
let dst: string;
let tokens: Record<string, string>;
const bearer = (rs: string) => ({ Authorization: `Bearer ${tokens[rs]}` });

beforeAll(async () => {
  ({ rt, src, dst } = await scratchRuntime());
  for (const [k, v] of Object.entries(rt.env)) process.env[k] = v;
  tokens = await tokenFor(rt, ALL_SERVICE_SCOPES);
});
afterAll(async () => {
  await rt?.stop();
});

async function waitForRun(runId: string, token: string) {
  for (let i = 0; i < 400; i++) {
    const r = await (await flows.runs.get(runId, { headers: { Authorization: `Bearer ${token}` } })).json();
    if (["SUCCEEDED", "FAILED", "ENDED", "INACTIVE"].includes(r.status)) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error("run did not finish");
}

describe("Auth", () => {
  it("returns one token per resource server, extra ones in other_tokens", async () => {
    const res = await fetch(`${rt.url}/v2/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic " + Buffer.from(`${rt.client.client_id}:${rt.client.client_secret}`).toString("base64") },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: `${SCOPES.transferAll} ${SCOPES.flows("all")}` }),
    });
    const body = await res.json();
    expect(shapeDiff(fixture("auth/sdk-oauth2_client_credentials_tokens.default.json"), body)).toEqual([]);
    expect(body.resource_server).toBe("transfer.api.globus.org");
    expect(body.other_tokens.map((t: { resource_server: string }) => t.resource_server)).toEqual(["flows.globus.org"]);
  });

  it("refuses a wrong secret and an unknown scope", async () => {
    const bad = await fetch(`${rt.url}/v2/oauth2/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic " + Buffer.from(`${rt.client.client_id}:nope`).toString("base64") }, body: "grant_type=client_credentials&scope=openid" });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: "invalid_client" });
    await expect(tokenFor(rt, ["https://auth.globus.org/scopes/x/y"])).rejects.toThrow(/invalid_scope/);
  });

  it("checks the bearer token and the scope on every call", async () => {
    const none = await flows.flows.getAll({});
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: "AUTHENTICATION_ERROR" } });
    const wrong = await flows.flows.getAll({ headers: bearer("transfer.api.globus.org") });
    expect(wrong.status).toBe(403);
    expect((await wrong.json()).error.code).toBe("MISSING_SCOPE");
  });
});

describe("Flows API", () => {
  const definition = {
    StartAt: "Copy",
    States: {
      Copy: {
        Type: "Action",
        ActionUrl: "https://transfer.actions.globus.org/transfer",
        Parameters: { source_endpoint: SRC_COLLECTION, destination_endpoint: DST_COLLECTION, DATA: [{ "source_path.$": "$.input.file", destination_path: "/out/copied.txt" }] },
        ResultPath: "$.Copy",
        WaitTime: 60,
        Next: "Hello",
      },
      Hello: { Type: "Action", ActionUrl: "https://actions.globus.org/hello_world", Parameters: { "echo_string.=": "'copied ' + input.file" }, ResultPath: "$.Hello", End: true },
    },
  };
  const input_schema = { type: "object", properties: { input: { type: "object", properties: { file: { type: "string" } }, required: ["file"] } }, required: ["input"] };

  it("creates, gets, lists, updates a flow; runs it to SUCCEEDED; shapes match the fixtures", async () => {
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, "a.txt"), "hello");
    const created = await flows.flows.create({ payload: { definition, input_schema, title: "Copy and greet", keywords: ["flowsmith:test"] } as never, headers: bearer("flows.globus.org") });
    expect(created.status).toBe(201);
    const flow = await created.json();
    expect(shapeDiff(fixture("flows/sdk-create_flow.default.json"), flow)).toEqual([]);
    expect(flow.globus_auth_scope).toBe(SCOPES.flow(flow.id));

    const got = await (await flows.flows.get(flow.id, { headers: bearer("flows.globus.org") })).json();
    expect(got.definition).toEqual(definition);
    const list = await (await flows.flows.getAll({ query: { filter_keywords: "flowsmith:test" } as never, headers: bearer("flows.globus.org") })).json();
    expect(shapeDiff(fixture("flows/sdk-list_flows.default.json"), list)).toEqual([]);
    expect(list.flows.map((f: { id: string }) => f.id)).toEqual([flow.id]);
    const updated = await (await flows.flows.update(flow.id, { payload: { subtitle: "v2" } as never, headers: bearer("flows.globus.org") })).json();
    expect(updated.subtitle).toBe("v2");

    // Starting needs the flow's own scope, not the service scope.
    const denied = await flows.flows.run(flow.id, { payload: { body: { input: { file: "/a.txt" } } }, headers: bearer("flows.globus.org") });
    expect(denied.status).toBe(403);
    expect((await denied.json()).error.message).toContain(SCOPES.flow(flow.id));
    const flowToken = (await tokenFor(rt, [SCOPES.flow(flow.id)]))[flow.id]!;
    const bad = await flows.flows.run(flow.id, { payload: { body: { input: {} } }, headers: { Authorization: `Bearer ${flowToken}` } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "FLOW_INPUT_ERROR" } });

    const started = await flows.flows.run(flow.id, { payload: { body: { input: { file: "/a.txt" } }, label: "test run", tags: ["t1"] }, headers: { Authorization: `Bearer ${flowToken}` } });
    expect(started.status).toBe(201);
    const run = await started.json();
    expect(shapeDiff(fixture("flows/sdk-run_flow.default.json"), run).filter((d) => !d.includes(".search"))).toEqual([]);

    const done = await waitForRun(run.run_id, tokens["flows.globus.org"]!);
    expect(done.status).toBe("SUCCEEDED");
    expect(shapeDiff(fixture("flows/sdk-get_run.default.json"), done)).toEqual([]);
    expect(readFileSync(join(dst, "out", "copied.txt"), "utf8")).toBe("hello");
    expect(done.details.output.Hello.details).toEqual({ Hello: "World", hello: "copied /a.txt" });
    expect(done.details.output.Copy).toMatchObject({ status: "SUCCEEDED", state_name: "Copy", details: { status: "SUCCEEDED", files_transferred: 1 } });

    const log = await (await flows.runs.getLog(run.run_id, { headers: bearer("flows.globus.org") })).json();
    expect(shapeDiff(fixture("flows/sdk-get_run_logs.default.json"), log)).toEqual([]);
    expect(log.entries.map((e: { code: string }) => e.code)).toEqual(["FlowStarted", "ActionStarted", "ActionCompleted", "ActionStarted", "ActionCompleted", "FlowSucceeded"]);
    const page1 = await (await flows.runs.getLog(run.run_id, { query: { limit: 4 } as never, headers: bearer("flows.globus.org") })).json();
    expect(page1.has_next_page).toBe(true);
    const page2 = await (await flows.runs.getLog(run.run_id, { query: { limit: 4, marker: page1.marker } as never, headers: bearer("flows.globus.org") })).json();
    expect([...page1.entries, ...page2.entries].map((e: { code: string }) => e.code)).toEqual(log.entries.map((e: { code: string }) => e.code));

    const def = await (await flows.runs.getDefinition(run.run_id, { headers: bearer("flows.globus.org") })).json();
    expect(shapeDiff(fixture("flows/sdk-get_run_definition.default.json"), def)).toEqual([]);
    const runs = await (await flows.runs.getAll({ query: { filter_flow_id: flow.id } as never, headers: bearer("flows.globus.org") })).json();
    expect(shapeDiff(fixture("flows/sdk-list_runs.default.json"), runs)).toEqual([]);
    const upd = await (await flows.runs.update(run.run_id, { payload: { label: "renamed", tags: [] }, headers: bearer("flows.globus.org") })).json();
    expect(upd).toMatchObject({ label: "renamed", tags: [] });
    const released = await flows.runs.remove(run.run_id, { headers: bearer("flows.globus.org") });
    expect(released.status).toBe(200);
    expect((await flows.runs.get(run.run_id, { headers: bearer("flows.globus.org") })).status).toBe(404);

    const deleted = await (await flows.flows.remove(flow.id, { headers: bearer("flows.globus.org") })).json();
    expect(deleted.DELETED).toBe(true);
  });

  it("rejects wrongly typed run and flow fields with 422", async () => {
    const flow = await (await flows.flows.create({ payload: { definition: { StartAt: "P", States: { P: { Type: "Pass", End: true } } }, input_schema: {}, title: "types" } as never, headers: bearer("flows.globus.org") })).json();
    const bad = await flows.flows.update(flow.id, { payload: { subscription_id: { a: 1 } } as never, headers: bearer("flows.globus.org") });
    expect(bad.status).toBe(422);
    const ft = (await tokenFor(rt, [SCOPES.flow(flow.id)]))[flow.id]!;
    for (const extra of [{ tags: [1] }, { run_monitors: ["not-a-urn"] }, { label: "x".repeat(65) }]) {
      const r = await flows.flows.run(flow.id, { payload: { body: {}, ...extra } as never, headers: { Authorization: `Bearer ${ft}` } });
      expect(r.status, JSON.stringify(extra)).toBe(422);
    }
  });

  it("rejects an invalid definition with the service's 422 shape", async () => {
    const res = await flows.flows.create({ payload: { definition: { StartAt: "A", States: { A: { Type: "Pass" } } }, input_schema: {}, title: "x" } as never, headers: bearer("flows.globus.org") });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(shapeDiff(fixture("flows/sdk-validate_flow.definition_error.json"), body)).toEqual([]);
  });

  it("cancels a run, and refuses to release an active one", async () => {
    const slow = { StartAt: "Sleep", States: { Sleep: { Type: "Action", ActionUrl: "https://actions.globus.org/hello_world", Parameters: { echo_string: "zz", sleep_time: 60 }, ResultPath: "$.s", End: true } } };
    const flow = await (await flows.flows.create({ payload: { definition: slow, input_schema: {}, title: "slow" } as never, headers: bearer("flows.globus.org") })).json();
    const ft = (await tokenFor(rt, [SCOPES.flow(flow.id)]))[flow.id]!;
    const run = await (await flows.flows.run(flow.id, { payload: { body: {} }, headers: { Authorization: `Bearer ${ft}` } })).json();
    const conflict = await flows.runs.remove(run.run_id, { headers: bearer("flows.globus.org") });
    expect(conflict.status).toBe(409);
    expect((await conflict.json()).error.code).toBe("STATE_CONFLICT");
    const canceled = await flows.runs.cancel(run.run_id, { headers: bearer("flows.globus.org") });
    expect(canceled.status).toBe(202);
    const end = await waitForRun(run.run_id, tokens["flows.globus.org"]!);
    // The captured service response: FAILED with details.code FlowCanceled (sdk-cancel_run.default.json).
    expect(end.status).toBe("FAILED");
    expect(end.details.code).toBe("FlowCanceled");
  });

  it("shows a user only the flows and runs their roles allow", async () => {
    const flow = await (await flows.flows.create({ payload: { definition: { StartAt: "P", States: { P: { Type: "Pass", End: true } } }, input_schema: {}, title: "private" } as never, headers: bearer("flows.globus.org") })).json();
    rt.auth.addClient("44444444-4444-4444-8444-444444444444", "other-secret");
    const res = await fetch(`${rt.url}/v2/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic " + Buffer.from("44444444-4444-4444-8444-444444444444:other-secret").toString("base64") },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: SCOPES.flows("all") }),
    });
    const other = (await res.json()).access_token;
    expect((await flows.flows.get(flow.id, { headers: { Authorization: `Bearer ${other}` } })).status).toBe(404);
    const theirs = await (await flows.flows.getAll({ headers: { Authorization: `Bearer ${other}` } })).json();
    expect(theirs.flows).toEqual([]);
    const theirRuns = await (await flows.runs.getAll({ headers: { Authorization: `Bearer ${other}` } })).json();
    expect(theirRuns.runs).toEqual([]);
  });
});

describe("Transfer API", () => {
  it("submits with a submission id exactly once and reports the task like Transfer", async () => {
    writeFileSync(join(src, "t.txt"), "data");
    const sid = await (await transfer.taskSubmission.submissionId({ headers: bearer("transfer.api.globus.org") })).json();
    expect(shapeDiff({ value: "x" }, sid)).toEqual([]);
    const body = { DATA_TYPE: "transfer", submission_id: sid.value, source_endpoint: SRC_COLLECTION, destination_endpoint: DST_COLLECTION, DATA: [{ DATA_TYPE: "transfer_item", source_path: "/t.txt", destination_path: "/t2.txt" }] };
    const first = await (await transfer.taskSubmission.submitTransfer({ payload: body as never, headers: bearer("transfer.api.globus.org") })).json();
    expect(shapeDiff(fixture("transfer/sdk-submit_transfer.default.json"), first)).toEqual([]);
    const again = await (await transfer.taskSubmission.submitTransfer({ payload: body as never, headers: bearer("transfer.api.globus.org") })).json();
    expect(again.task_id).toBe(first.task_id);
    for (let i = 0; i < 100; i++) {
      const t = await (await transfer.task.get(first.task_id, { headers: bearer("transfer.api.globus.org") })).json();
      if (t.status !== "ACTIVE") {
        expect(t.status).toBe("SUCCEEDED");
        expect(shapeDiff(fixture("transfer/cli-submit_delete_success.1.json"), t).filter((d) => !/destination_endpoint|delete/.test(d))).toEqual([]);
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(existsSync(join(dst, "t2.txt"))).toBe(true);
    const ls = await (await transfer.fileOperations.ls(DST_COLLECTION, { query: { path: "/" } as never, headers: bearer("transfer.api.globus.org") })).json();
    expect(shapeDiff(fixture("transfer/cli-ls_results.0.json"), ls)).toEqual([]);
  });

  it("answers malformed requests with the Transfer error envelope", async () => {
    const res = await fetch(`${rt.url}/v0.10/transfer`, { method: "POST", headers: { ...bearer("transfer.api.globus.org"), "content-type": "application/json" }, body: "{not json" });
    expect(res.status).toBe(400);
    expect(Object.keys(await res.json()).sort()).toEqual(["code", "message", "request_id", "resource"]);
  });
});

describe("Compute API", () => {
  it("registers a pure-source function, runs a task and reports it", async () => {
    const reg = await fetch(`${rt.url}/v3/functions`, { method: "POST", headers: { ...bearer("funcx_service"), "content-type": "application/json" }, body: JSON.stringify(pureSourceRegistration("double", "def double(x):\n    return 2 * x\n")) });
    expect(reg.status).toBe(200);
    const { function_uuid } = await reg.json();
    const { encodeTaskPayload } = await import("../../src/wire/compute-serialization.js");
    const sub = await fetch(`${rt.url}/v3/endpoints/${ENDPOINT}/submit`, { method: "POST", headers: { ...bearer("funcx_service"), "content-type": "application/json" }, body: JSON.stringify({ tasks: { [function_uuid]: [encodeTaskPayload([21], {})] }, result_serializers: ["globus_compute_sdk.serialize.concretes.JSONData"] }) });
    const submitted = await sub.json();
    expect(shapeDiff(fixture("compute/openapi_v3_submit_response.json"), submitted)).toEqual([]);
    const taskId = submitted.tasks[function_uuid][0];
    for (let i = 0; i < 200; i++) {
      const t = await (await fetch(`${rt.url}/v2/tasks/${taskId}`, { headers: bearer("funcx_service") })).json();
      if (t.status === "success") {
        expect(t.result).toBe("11\n42");
        return;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error("task did not finish");
  });
});

// @ts-nocheck -- integration test over HTTP: response bodies are untyped JSON, checked at run time (shapes against the fixtures).
/**
 * The official globus-flows-examples that need more than the transfer family run locally as
 * they run on Globus: the three web_input_examples (to SUCCEEDED on an approving response,
 * to their Fail state on a rejecting one) and transfer_share (collection_info, then a
 * permission that local Transfer enforces). Definitions, inputs and fixtures are read from
 * ../shared; only the placeholder function ids of the compute examples are replaced by the
 * ids of functions registered here, as a user does before deploying them.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalRuntime, type LocalRuntime } from "../../src/local/runtime.js";
import { pureSourceRegistration } from "../../src/wire/compute-serialization.js";
import { SCOPES } from "../../src/local/auth/scopes.js";
import { CORPUS, FIXTURES } from "../support/paths.js";
import { shapeDiff, tokenFor } from "../support/runtime.js";

const ex = (name: string, part: string) => JSON.parse(readFileSync(join(CORPUS, `globus__globus-flows-examples__${name}_${part}.json`), "utf8"));
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, "flows", name), "utf8"));
const PLACEHOLDER = "11111111-2222-3333-4444-555555555555";

let rt: LocalRuntime;
let root: string;
let tok: Record<string, string>;
const fns: Record<string, string> = {};

const REPORT = `def report(id, path):
    return {"title": "Run report", "date": "2026-01-01", "low": 0.1, "high": 0.9, "std_dev": 0.2, "confidence": "high", "report_path": path + "/report.pdf"}
`;
const EVALUATE = `def evaluate(experiment_id):
    return {"experiment_runtime": "12 min", "measured_db": 3.5, "histogram_skew": 0.01, "confidence_pct": 97}
`;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "flowsmith-official-"));
  const admin = ex("web_input_examples_admin_signoff", "sample_input").file_manager_settings;
  const share = ex("transfer_examples_transfer_share", "sample_input");
  const collections = {
    [admin.source_endpoint]: { root: join(root, "personal"), display_name: "My Personal GCP Collection" },
    [admin.destination_endpoint]: { root: join(root, "enclave"), display_name: "Secure Enclave" },
    [share.source.id]: { root: join(root, "share-src") },
    [share.destination.id]: { root: join(root, "share-dst"), entity_type: "GCSv5_guest_collection" },
    "33333333-3333-4333-8333-333333333333": { root: join(root, "mapped") },
  };
  for (const c of Object.values(collections)) mkdirSync(c.root, { recursive: true });
  mkdirSync(join(root, "personal", "path", "to"), { recursive: true });
  writeFileSync(join(root, "personal", "path", "to", "file.txt"), "enclave data");
  mkdirSync(join(root, "share-src", "source-directory"), { recursive: true });
  writeFileSync(join(root, "share-src", "source-directory", "a.dat"), "shared data");
  rt = await startLocalRuntime({ dataDir: join(root, "data"), collections, computeEndpoints: { [PLACEHOLDER]: { workers: 1, display_name: "compute" } } });
  tok = await tokenFor(rt, [SCOPES.flows("all"), SCOPES.transferAll]);
  fns.report = rt.compute.registerFunction(pureSourceRegistration("report", REPORT)).function_uuid;
  fns.evaluate = rt.compute.registerFunction(pureSourceRegistration("evaluate", EVALUATE)).function_uuid;
});

afterAll(async () => {
  await rt?.stop();
});

const api = async (method: string, path: string, body?: unknown, token = tok["flows.globus.org"]) => {
  const res = await fetch(`${rt.url}${path}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: await res.json() };
};

async function start(definition: unknown, input: unknown, label = "official example") {
  const flow = await api("POST", "/flows", { definition, input_schema: {}, title: "official example" });
  expect(flow.status, JSON.stringify(flow.body)).toBe(201);
  const ft = (await tokenFor(rt, [SCOPES.flow(flow.body.id)]))[flow.body.id];
  const run = await api("POST", `/flows/${flow.body.id}/run`, { body: input, label }, ft);
  expect(run.status, JSON.stringify(run.body)).toBe(201);
  return run.body.run_id as string;
}

async function until(runId: string, done: (r) => boolean) {
  for (let i = 0; i < 400; i++) {
    const r = (await api("GET", `/runs/${runId}`)).body;
    if (done(r)) return r;
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error(`run ${runId} did not get there`);
}
const blocked = (runId: string) => until(runId, (r) => !!r.blocking_web_input_id || ["SUCCEEDED", "FAILED", "ENDED"].includes(r.status));
const ended = (runId: string) => until(runId, (r) => ["SUCCEEDED", "FAILED", "ENDED", "INACTIVE"].includes(r.status));

function withFunction(def: unknown, fn: string) {
  return JSON.parse(JSON.stringify(def).replace(`"function_id":"${PLACEHOLDER}"`, `"function_id":"${fn}"`));
}

const EXAMPLES = [
  { name: "admin_signoff", fn: undefined, approve: "approve", reject: "deny", failCause: "The transfer request was not approved." },
  { name: "approved_publishing", fn: "report", approve: "public", reject: "private", failCause: undefined },
  { name: "evaluate_preliminary_results", fn: "evaluate", approve: "continue", reject: "halt", failCause: "The user halted the experiment." },
];

describe("official web_input_examples", () => {
  it.each(EXAMPLES)("$name runs to SUCCEEDED with an approving response and to its end with a rejecting one", async ({ name, fn, approve, reject, failCause }) => {
    let def = ex(`web_input_examples_${name}`, "definition");
    if (fn) def = withFunction(def, fns[fn]);
    const input = ex(`web_input_examples_${name}`, "sample_input");
    for (const [answer, want] of [
      [approve, "SUCCEEDED"],
      [reject, failCause ? "FAILED" : "SUCCEEDED"],
    ] as const) {
      const runId = await start(def, input, `${name} ${answer}`);
      const waiting = await blocked(runId);
      expect(waiting.status, JSON.stringify(waiting.details).slice(0, 800)).toBe("ACTIVE");
      const wid = waiting.blocking_web_input_id;
      const doc = await api("GET", `/web_inputs/${wid}`);
      expect(doc.status).toBe(200);
      expect(shapeDiff(fixture("sdk-get_web_input.table_context.json"), doc.body)).toEqual([]);
      expect(doc.body.status).toBe("open");
      expect(doc.body.user_roles).toContain("respondent");
      expect(doc.body.options.map((o) => o.option_id)).toContain(answer);
      const listed = await api("GET", `/web_inputs?filter_run_ids=${runId}`);
      expect(shapeDiff(fixture("sdk-list_web_inputs.default.json"), listed.body)).toEqual([]);
      expect(listed.body.web_input_summaries.map((s) => s.id)).toEqual([wid]);
      const resp = await api("POST", `/web_inputs/${wid}/respond`, { response: { value: answer } });
      expect(resp).toEqual({ status: 200, body: fixture("sdk-respond_to_web_input.default.json") });
      const final = await ended(runId);
      expect(final.status, JSON.stringify(final.details).slice(0, 1500)).toBe(want);
      if (want === "FAILED") expect(final.details.details.cause).toBe(failCause);
      const again = await api("POST", `/web_inputs/${wid}/respond`, { response: { value: answer } });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe(fixture("sdk-respond_to_web_input.closed.json").error.code);
    }
  });

  it("admin_signoff moves the file only when approved", () => {
    expect(readFileSync(join(root, "enclave", "file.txt"), "utf8")).toBe("enclave data");
  });

  it("approved_publishing ingests the report into the local Search index, public only when approved", async () => {
    // The approving run ingested it public; the rejecting run re-ingested the same subject for the group only.
    const entries = rt.search.entries(PLACEHOLDER);
    expect(entries.map((e) => [e.subject, e.visible_to])).toEqual([["Run report", ["urn:globus:group:id:11111111-2222-3333-4444-555555555555"]]]);
    expect(entries[0].content).toMatchObject({ collection_id: PLACEHOLDER, report_path: "/~/instrument-run-2026-01-01/report.pdf" });
    const anonymous = await (await fetch(`${rt.url}/v1/index/${PLACEHOLDER}/search?q=report`)).json();
    expect(anonymous.total).toBe(0);
  });

  it("answers a wrong option, an unknown id and a stranger as the service does", async () => {
    const def = ex("web_input_examples_admin_signoff", "definition");
    const runId = await start(def, ex("web_input_examples_admin_signoff", "sample_input"));
    const wid = (await blocked(runId)).blocking_web_input_id;
    const bad = await api("POST", `/web_inputs/${wid}/respond`, { response: { value: "not-a-real-option" } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.detail).toBe(fixture("sdk-respond_to_web_input.invalid_option.json").error.detail);
    const missing = await api("GET", "/web_inputs/e35d1f92-3e2a-4c1c-8f36-7ce4f00f9d2c");
    expect(missing.status).toBe(404);
    expect(missing.body.error.detail).toBe(fixture("sdk-get_web_input.not_found.json").error.detail);
    // Another identity that is neither the run's owner nor a respondent sees nothing.
    rt.auth.addClient("44444444-4444-4444-8444-444444444444", "stranger-secret-0123456789", "stranger");
    const res = await fetch(`${rt.url}/v2/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic " + Buffer.from("44444444-4444-4444-8444-444444444444:stranger-secret-0123456789").toString("base64") },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: SCOPES.flows("all") }),
    });
    const stranger = (await res.json()).access_token;
    expect((await api("GET", `/web_inputs/${wid}`, undefined, stranger)).status).toBe(404);
    expect((await api("GET", "/web_inputs", undefined, stranger)).body).toEqual(fixture("sdk-list_web_inputs.empty.json"));
    // Cancel closes it; the run ends as a canceled run does.
    await api("POST", `/runs/${runId}/cancel`);
    const final = await ended(runId);
    expect(final.status).toBe(fixture("sdk-cancel_run.default.json").status);
    expect(final.details.code).toBe("FlowCanceled");
    expect((await api("GET", `/web_inputs/${wid}`)).body.status).toBe("closed");
  });
});

describe("official transfer_share", () => {
  it("runs to SUCCEEDED: collection_info reports the guest collection, the permission lands as an access rule", async () => {
    const input = ex("transfer_examples_transfer_share", "sample_input");
    const runId = await start(ex("transfer_examples_transfer_share", "definition"), input);
    const final = await ended(runId);
    expect(final.status, JSON.stringify(final.details).slice(0, 1500)).toBe("SUCCEEDED");
    expect(final.details.output.DestinationInfo.details.entity_type).toBe("GCSv5_guest_collection");
    expect(existsSync(join(root, "share-dst", "destination-directory", "a.dat"))).toBe(true);
    const rules = rt.transfer.acl.list(input.destination.id);
    expect(rules).toMatchObject([{ principal_type: "identity", principal: input.principal.id, path: "/destination-directory/", permissions: "r" }]);
  });

  it("fails at the collection type check for a mapped collection", async () => {
    const input = { ...ex("transfer_examples_transfer_share", "sample_input"), destination: { id: "33333333-3333-4333-8333-333333333333", path: "/~/x" } };
    const final = await ended(await start(ex("transfer_examples_transfer_share", "definition"), input));
    expect(final.status).toBe("FAILED");
    expect(final.details.details.state_name).toBe("FailBadDestinationCollectionType");
  });
});

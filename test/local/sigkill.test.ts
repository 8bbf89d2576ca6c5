// @ts-nocheck -- integration test over HTTP: response bodies are untyped JSON, checked at run time (shapes against the fixtures).
/**
 * Kill the runtime with SIGKILL at random points of 20 runs, start it again each time: all
 * runs finish, no transfer task or compute task is executed twice, nothing is lost.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { pureSourceRegistration } from "../../src/wire/compute-serialization.js";
import { SCOPES } from "../../src/wire/scopes.js";
import { SqliteStore } from "../../src/local/store.js";
import { REPO } from "../support/paths.js";

const SRC = "c0000000-0000-4000-8000-000000000001";
const DST = "c0000000-0000-4000-8000-000000000002";
const EP = "d0000000-0000-4000-8000-000000000001";

function startChild(configFile: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", join(REPO, "test", "local", "fixtures", "runtime-child.ts"), configFile], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /READY (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.stderr!.on("data", (d) => (err += d));
    child.on("exit", (code) => reject(new Error(`runtime exited (${code}) before it was ready: ${err}`)));
  });
}

async function token(url: string, client: { client_id: string; client_secret: string }, scopes: string[]): Promise<Record<string, string>> {
  for (;;) {
    try {
      const res = await fetch(`${url}/v2/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Basic " + Buffer.from(`${client.client_id}:${client.client_secret}`).toString("base64") },
        body: new URLSearchParams({ grant_type: "client_credentials", scope: scopes.join(" ") }),
      });
      const b = await res.json();
      return Object.fromEntries([[b.resource_server, b.access_token], ...b.other_tokens.map((t: { resource_server: string; access_token: string }) => [t.resource_server, t.access_token])]);
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe("SIGKILL at random points", () => {
  it("20 runs survive repeated SIGKILLs: all SUCCEEDED, no transfer or compute task twice", async () => {
    const root = mkdtempSync(join(tmpdir(), "flowsmith-kill-"));
    const src = join(root, "src");
    const dst = join(root, "dst");
    mkdirSync(src);
    mkdirSync(dst);
    const ledger = join(root, "executions.log");
    writeFileSync(ledger, "");
    for (let i = 0; i < 20; i++) writeFileSync(join(src, `f${i}.dat`), Buffer.alloc(256 * 1024, i));
    const configFile = join(root, "config.json");
    writeFileSync(configFile, JSON.stringify({ dataDir: join(root, "data"), collections: { [SRC]: { root: src }, [DST]: { root: dst } }, computeEndpoints: { [EP]: { workers: 2 } } }));

    let { child, url } = await startChild(configFile);
    const client = JSON.parse(readFileSync(join(root, "data", "client.json"), "utf8"));
    let t = await token(url, client, [SCOPES.flows("all"), SCOPES.computeAll]);
    const fn = pureSourceRegistration("record", `def record(label, ledger):\n    import time\n    with open(ledger, "a") as f:\n        f.write(label + "\\n")\n    time.sleep(0.15)\n    return label\n`);
    const function_uuid = (await (await fetch(`${url}/v3/functions`, { method: "POST", headers: { authorization: `Bearer ${t.funcx_service}`, "content-type": "application/json" }, body: JSON.stringify(fn) })).json()).function_uuid;
    const definition = {
      StartAt: "Copy",
      States: {
        Copy: { Type: "Action", ActionUrl: "https://transfer.actions.globus.org/transfer", Parameters: { source_endpoint: SRC, destination_endpoint: DST, DATA: [{ "source_path.$": "$.file", "destination_path.$": "$.file" }], verify_checksum: true }, ResultPath: "$.Copy", WaitTime: 600, Next: "Record" },
        Record: { Type: "Action", ActionUrl: "https://compute.actions.globus.org/v3", Parameters: { endpoint_id: EP, tasks: [{ function_id: function_uuid, kwargs: { "label.$": "$.label", ledger } }] }, ResultPath: "$.Record", WaitTime: 600, Next: "Pause" },
        Pause: { Type: "Wait", Seconds: 0, Next: "Done" },
        Done: { Type: "Pass", End: true },
      },
    };
    const flow = await (await fetch(`${url}/flows`, { method: "POST", headers: { authorization: `Bearer ${t["flows.globus.org"]}`, "content-type": "application/json" }, body: JSON.stringify({ definition, input_schema: {}, title: "kill test" }) })).json();
    const ft = (await token(url, client, [SCOPES.flow(flow.id)]))[flow.id]!;
    const runIds: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await (await fetch(`${url}/flows/${flow.id}/run`, { method: "POST", headers: { authorization: `Bearer ${ft}`, "content-type": "application/json" }, body: JSON.stringify({ body: { file: `/f${i}.dat`, label: `run${i}` } }) })).json();
      runIds.push(r.run_id);
      // Interleave kills with starts too: a random short pause between starts.
      await new Promise((res) => setTimeout(res, Math.random() * 30));
    }

    const statuses = async () =>
      Promise.all(runIds.map(async (id) => (await (await fetch(`${url}/runs/${id}`, { headers: { authorization: `Bearer ${t["flows.globus.org"]}` } })).json()).status as string));
    let kills = 0;
    for (let round = 0; round < 40; round++) {
      if (kills < 6) {
        await new Promise((res) => setTimeout(res, 50 + Math.random() * 400));
        child.kill("SIGKILL");
        await new Promise((res) => child.once("exit", res));
        kills++;
        ({ child, url } = await startChild(configFile));
        t = await token(url, client, [SCOPES.flows("all"), SCOPES.computeAll]);
        continue;
      }
      const s = await statuses();
      if (s.every((x) => x === "SUCCEEDED" || x === "FAILED")) break;
      await new Promise((res) => setTimeout(res, 250));
    }
    const final = await statuses();
    child.kill("SIGTERM");
    await new Promise((res) => child.once("exit", res));

    expect(kills).toBe(6);
    expect(final).toEqual(runIds.map(() => "SUCCEEDED"));
    // Each run's compute task executed exactly once.
    const lines = readFileSync(ledger, "utf8").split("\n").filter(Boolean).sort();
    expect(lines).toEqual(runIds.map((_, i) => `run${i}`).sort());
    // One transfer task per run, every file copied intact.
    const store = new SqliteStore(join(root, "data", "state.sqlite"));
    const tasks = store.list<{ doc: { status: string } }>("transfer.task");
    store.close();
    expect(tasks).toHaveLength(20);
    for (let i = 0; i < 20; i++) expect(readFileSync(join(dst, `f${i}.dat`)).equals(Buffer.alloc(256 * 1024, i))).toBe(true);
  }, 180_000);
});

// @ts-nocheck -- integration test over HTTP: response bodies are untyped JSON, checked at run time (shapes against the fixtures).
/**
 * Corpus definitions whose providers all run locally (transfer family, hello_world,
 * expression_eval, plain states) run on the local runtime with their published sample
 * inputs: every collection UUID in the input becomes a local directory, every path in the
 * input exists in each of them, and the run must end as expected.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startLocalRuntime, type LocalRuntime } from "../../src/local/runtime.js";
import { SCOPES } from "../../src/wire/scopes.js";
import { corpusFiles, inputsFor, readJson } from "../support/corpus.js";
import { tokenFor } from "../support/runtime.js";
import { TimeSkippingClock } from "../../src/engine/time-skipping-clock.js";

/** `files`: input paths that name files although they have no extension. */
const RUNNABLE: Record<string, { input?: unknown; status: string; files?: string[] }> = {
  "globus__globus-flows-examples__transfer_examples_simple_definition.json": { status: "SUCCEEDED" },
  "globus__globus-flows-examples__transfer_examples_two_hop_definition.json": { status: "SUCCEEDED" },
  "globus__globus-flows-examples__transfer_examples_move_definition.json": { status: "SUCCEEDED" },
  "globus__globus-flows-examples__transfer_examples_looping_batched_move_definition.json": { status: "SUCCEEDED" },
  "globus__globus-automate-client__examples_flows_transfer-mv_definition.json": { status: "SUCCEEDED" },
  "globus__globus-automate-client__examples_flows_single-transfer_definition.json": { status: "SUCCEEDED" },
  "globus__globus-automate-client__examples_flows_single-delete_definition.json": { status: "SUCCEEDED" },
  "globus__globus-automate-client__examples_flows_multi-transfer_definition.json": { status: "SUCCEEDED" },
  "globus__globus-automate-client__examples_flows_hello-world_definition.json": { status: "SUCCEEDED" },
  "globus__globus-automate-client__examples_flows_hello-plus-transfer_definition.json": { status: "SUCCEEDED", files: ["/~/flows_testing"] },
  "globus__globus-automate-client__examples_flows_complex-hello-world_definition.json": { status: "SUCCEEDED" },
  "globus__globus-automate-client__examples_flows_pass-with-parameters_definition.json": { input: {}, status: "SUCCEEDED" },
  "globus__globus-automate-client__examples_flows_loop-a-set-number-of-times_definition.json": { input: {}, status: "SUCCEEDED" },
};

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const runtimes: LocalRuntime[] = [];
afterAll(async () => {
  for (const rt of runtimes) await rt.stop();
});

function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v && typeof v === "object") Object.values(v).forEach((x) => strings(x, out));
  return out;
}

describe("corpus definitions on the local runtime", () => {
  const defs = corpusFiles().filter((f) => f.kind === "definition" && f.name in RUNNABLE);
  it("covers every locally runnable corpus definition", () => expect(defs).toHaveLength(Object.keys(RUNNABLE).length));

  it.each(defs.map((d) => [d.name, d] as const))("%s", async (_n, def) => {
    const spec = RUNNABLE[def.name]!;
    const input = spec.input ?? readJson(inputsFor(def)[0]!);
    const text = JSON.stringify(input);
    const root = mkdtempSync(join(tmpdir(), "flowsmith-corpus-"));
    // Collections: UUIDs, and the legacy `go#ep1` names the oldest examples use.
    const ids = [...new Set([...(text.match(UUID) ?? []), ...strings(input).filter((x) => /^[\w.-]+#[\w.-]+$/.test(x))])];
    const collections = Object.fromEntries(ids.map((id, i) => [id, { root: join(root, `c${i}`) }]));
    for (const c of Object.values(collections)) {
      mkdirSync(c.root, { recursive: true });
      for (const raw of strings(input)) {
        // Paths in the input (and bare file names, relative to the home directory).
        const s = /^[\w-]+\.\w+$/.test(raw) ? `/${raw}` : raw;
        if (!s.startsWith("/") || s.includes("\n")) continue;
        const rel = s.replace(/^\/~\//, "/");
        if (rel === "/") continue;
        // A last component without an extension names a directory.
        if (s.endsWith("/") || (!/\.\w+$/.test(s) && !spec.files?.includes(s))) {
          mkdirSync(join(c.root, rel), { recursive: true });
          writeFileSync(join(c.root, rel, "data.txt"), "data");
        } else {
          mkdirSync(dirname(join(c.root, rel)), { recursive: true });
          writeFileSync(join(c.root, rel), "data");
        }
      }
    }
    // Time skipping: the hello_world examples sleep 20 s (sleep_time), which costs nothing here.
    const rt = await startLocalRuntime({ dataDir: join(root, "data"), collections, computeEndpoints: {} }, { clock: new TimeSkippingClock() });
    runtimes.push(rt);
    const t = await tokenFor(rt, [SCOPES.flows("all")]);
    const flow = await (await fetch(`${rt.url}/flows`, { method: "POST", headers: { authorization: `Bearer ${t["flows.globus.org"]}`, "content-type": "application/json" }, body: JSON.stringify({ definition: readJson(def.path), input_schema: {}, title: def.name.slice(0, 120) }) })).json();
    expect(flow.id, JSON.stringify(flow)).toBeDefined();
    const ft = (await tokenFor(rt, [SCOPES.flow(flow.id)]))[flow.id]!;
    const run = await (await fetch(`${rt.url}/flows/${flow.id}/run`, { method: "POST", headers: { authorization: `Bearer ${ft}`, "content-type": "application/json" }, body: JSON.stringify({ body: input }) })).json();
    let r: { status: string; details: unknown } = run;
    for (let i = 0; i < 600 && !["SUCCEEDED", "FAILED", "ENDED", "INACTIVE"].includes(r.status); i++) {
      await new Promise((res) => setTimeout(res, 50));
      r = await (await fetch(`${rt.url}/runs/${run.run_id}`, { headers: { authorization: `Bearer ${t["flows.globus.org"]}` } })).json();
    }
    expect(r.status, JSON.stringify(r.details).slice(0, 1500)).toBe(spec.status);
  });
});

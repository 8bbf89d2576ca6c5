// @ts-nocheck -- integration test over HTTP: response bodies are untyped JSON, checked at run time.
/** GET /runs from the store's run index: order, pages, filters, and the same runs as the unindexed order. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCOPES } from "../../src/wire/scopes.js";
import { scratchRuntime, tokenFor } from "../support/runtime.js";
import { SqliteStore } from "../../src/local/store.js";
import type { LocalRuntime } from "../../src/local/runtime.js";

let rt: LocalRuntime;
let t: Record<string, string>;
const flowIds: string[] = [];
const runIds: string[] = [];
const get = async (q: string) => (await fetch(`${rt.url}/runs?${q}`, { headers: { authorization: `Bearer ${t["flows.globus.org"]}` } })).json();

beforeAll(async () => {
  ({ rt } = await scratchRuntime());
  t = await tokenFor(rt, [SCOPES.flows("all")]);
  for (const title of ["one", "two"]) {
    const f = await (await fetch(`${rt.url}/flows`, { method: "POST", headers: { authorization: `Bearer ${t["flows.globus.org"]}`, "content-type": "application/json" }, body: JSON.stringify({ definition: { StartAt: "P", States: { P: { Type: "Pass", End: true } } }, input_schema: {}, title }) })).json();
    flowIds.push(f.id);
  }
  for (let i = 0; i < 25; i++) {
    const flow = flowIds[i % 2]!;
    const ft = (await tokenFor(rt, [SCOPES.flow(flow)]))[flow]!;
    const r = await (await fetch(`${rt.url}/flows/${flow}/run`, { method: "POST", headers: { authorization: `Bearer ${ft}`, "content-type": "application/json" }, body: JSON.stringify({ body: {}, label: i % 5 === 0 ? `beam ${i}` : `run ${i}` }) })).json();
    runIds.push(r.run_id);
    await new Promise((res) => setTimeout(res, 2)); // distinct start times
  }
  for (let i = 0; i < 200; i++) {
    const all = await get("per_page=100");
    if (all.runs.length === 25 && all.runs.every((r) => r.status === "SUCCEEDED")) break;
    await new Promise((res) => setTimeout(res, 25));
  }
});
afterAll(() => rt.stop());

describe("run list", () => {
  it("pages newest first through every run exactly once", async () => {
    const seen: string[] = [];
    let marker: string | null = null;
    do {
      const p = await get(`per_page=10${marker ? `&marker=${marker}` : ""}`);
      expect(p.runs.length).toBeLessThanOrEqual(10);
      seen.push(...p.runs.map((r) => r.run_id));
      marker = p.has_next_page ? p.marker : null;
    } while (marker);
    expect(seen).toEqual([...runIds].reverse());
    const asc = await get("per_page=100&orderby=start_time%20ASC");
    expect(asc.runs.map((r) => r.run_id)).toEqual(runIds);
  });

  it("filters by flow, status and label, like the unindexed order does", async () => {
    const byFlow = await get(`per_page=100&filter_flow_id=${flowIds[1]}`);
    expect(byFlow.runs.map((r) => r.run_id)).toEqual(runIds.filter((_, i) => i % 2 === 1).reverse());
    expect((await get("per_page=100&filter_status=SUCCEEDED")).runs).toHaveLength(25);
    expect((await get("per_page=100&filter_status=FAILED")).runs).toHaveLength(0);
    const beam = await get("per_page=2&filter_label=beam");
    expect(beam.runs.map((r) => r.label)).toEqual(["beam 20", "beam 15"]);
    expect(beam.has_next_page).toBe(true);
    // Another order takes the general path; it must see the same runs.
    const byLabel = await get("per_page=100&orderby=label%20ASC&filter_label=beam");
    expect(byLabel.runs.map((r) => r.label)).toEqual(["beam 0", "beam 10", "beam 15", "beam 20", "beam 5"]);
  });

  it("scan reads runs through the indexes", () => {
    const plan = (rt.store as unknown as { db: { prepare(s: string): { all(): { detail: string }[] } } }).db
      .prepare("EXPLAIN QUERY PLAN SELECT json FROM docs WHERE kind = 'run' AND json_extract(json, '$.status') IN ('ACTIVE') ORDER BY json_extract(json, '$.started_at') DESC LIMIT 20")
      .all()
      .map((r) => r.detail)
      .join("; ");
    expect(plan).toMatch(/USING INDEX docs_status_started/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
    expect(rt.store).toBeInstanceOf(SqliteStore);
  });
});

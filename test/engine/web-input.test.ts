/**
 * CreateWebInput / AwaitWebInput in the engine, with the local web-input store as host and a
 * ManualClock: an unanswered web input expires into Flows.WebInputExpired, which the official
 * examples catch; a response unblocks the run; bad Parameters are ActionUnableToRun.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/engine/clock.js";
import { step, type EngineEnv } from "../../src/engine/interpreter.js";
import { newRun } from "../../src/engine/start.js";
import type { EngineRun } from "../../src/engine/types.js";
import type { FlowDefinition } from "../../src/definition/types.js";
import { SqliteStore } from "../../src/local/store.js";
import { WebInputService } from "../../src/local/flows/web-inputs.js";
import { FakeProvider } from "./fake-provider.js";
import { CORPUS } from "../support/paths.js";

const ID = "urn:globus:auth:identity:00000000-0000-0000-0000-000000000001";
const ex = (name: string) => JSON.parse(readFileSync(join(CORPUS, `globus__globus-flows-examples__web_input_examples_${name}_definition.json`), "utf8")) as FlowDefinition;

function setup(definition: FlowDefinition, input: unknown, provider = new FakeProvider()) {
  const clock = new ManualClock();
  const store = new SqliteStore(":memory:");
  const host = new WebInputService(store, () => clock.now());
  store.put("run_meta", "run-1", { run_id: "run-1", flow_id: "flow-1", flow_title: "t", flow_last_updated: "", label: null, tags: [], run_owner: ID, run_managers: [], run_monitors: [], input });
  const env: EngineEnv = { clock, providers: () => provider, webInputs: host, options: { webInputExpiresInSeconds: 60 } };
  let run: EngineRun = newRun({ run_id: "run-1", flow_id: "flow-1", definition, input, caller: { identity: ID }, now: clock.now() }).run;
  /** Step until the run ends or blocks on a web input (time stands still). */
  const drive = async () => {
    for (let i = 0; i < 200; i++) {
      const r = await step(run, env);
      run = r.run;
      if (r.done || run.position?.phase === "awaiting-input") return r;
      if (r.wakeAt !== undefined && r.wakeAt > clock.now()) await clock.advance(r.wakeAt - clock.now());
    }
    throw new Error("run did not settle");
  };
  return { clock, host, drive, get run() { return run; } };
}

const computeResult = () => new FakeProvider(() => ({ statuses: ["SUCCEEDED"], details: { results: [{ output: { experiment_runtime: "1", measured_db: 1, histogram_skew: 0, confidence_pct: 90 } }] } }));

describe("web inputs in the engine", () => {
  it("evaluate_preliminary_results: an unanswered web input expires and the catcher halts the experiment", async () => {
    const t = setup(ex("evaluate_preliminary_results"), { experiment_id: "k3" }, computeResult());
    await t.drive();
    expect(t.run.position).toMatchObject({ state: "AwaitResponse", phase: "awaiting-input" });
    const id = t.run.position!.web_input_id!;
    expect(t.host.get(id)).toMatchObject({ status: "open" });
    await t.clock.advance(60_000);
    const r = await t.drive();
    expect(r.done).toBe(true);
    expect(t.run.status).toBe("FAILED");
    expect(t.run.error).toMatchObject({ cause: "The user halted the experiment.", state_name: "HaltExperiment" });
    expect((t.run.state as { response_info: { Error: string } }).response_info.Error).toBe("Flows.WebInputExpired");
    expect(t.host.get(id)).toMatchObject({ status: "closed", expired: true });
  });

  it("a response before expiry continues with the chosen option's Value", async () => {
    const t = setup(ex("evaluate_preliminary_results"), { experiment_id: "k3" }, computeResult());
    await t.drive();
    const id = t.run.position!.web_input_id!;
    t.host.respond(id, { response: { value: "continue" } }, ID);
    await t.drive();
    expect(t.run.status).toBe("SUCCEEDED");
    expect((t.run.state as { response_info: unknown }).response_info).toMatchObject({ web_input_id: id, response: "continue", respondent: ID });
  });

  it("an uncaught expiry fails the run with Flows.WebInputExpired", async () => {
    const def = ex("admin_signoff");
    const t = setup({ ...def, StartAt: "CreateWebInput" }, { file_manager_settings: { DATA: [{ source_path: "/a", destination_path: "/b" }], source_endpoint: "x" }, source_endpoint_info: { details: { display_name: "src" } } });
    await t.drive();
    await t.clock.advance(61_000);
    await t.drive();
    expect(t.run.status).toBe("FAILED");
    expect(t.run.error?.code).toBe("Flows.WebInputExpired");
  });

  it("rejects CreateWebInput Parameters without Options as ActionUnableToRun", async () => {
    const t = setup({ StartAt: "C", States: { C: { Type: "CreateWebInput", Parameters: { InputType: "Selection", Context: { PresentationStyle: "Text", Title: "t", Text: "x" } }, End: true } } } as unknown as FlowDefinition, {});
    await t.drive();
    expect(t.run.status).toBe("FAILED");
    expect(t.run.error).toMatchObject({ code: "ActionUnableToRun" });
    expect(t.run.error?.cause).toMatch(/Options must be a non-empty list/);
  });
});

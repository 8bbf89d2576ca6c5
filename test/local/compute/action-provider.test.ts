import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ActionProviderError, type ActionCaller, type ActionProvider, type ActionStatus } from "../../../src/providers/types.js";
import { createComputeActionProviders } from "../../../src/local/compute/action-provider.js";
import { EP, EP2, fixture, harness, until, type Harness } from "./helpers.js";

const ME: ActionCaller = { identity: "urn:globus:auth:identity:12345678-9323-4fe6-93ef-abc6f9ff05d2" };
const SOMEONE_ELSE: ActionCaller = { identity: "urn:globus:auth:identity:00000000-0000-4000-8000-000000000000" };

let h: Harness;
let ap: { v2: ActionProvider; v3: ActionProvider };
let fn: { echo: string; tally: string; boom: string; sleepy: string };
let tallyFile: string;

beforeAll(async () => {
  h = await harness({ [EP]: { workers: 2 }, [EP2]: { workers: 1 } });
  ap = createComputeActionProviders(h.service);
  tallyFile = join(h.dir, "tally");
  fn = {
    echo: h.register("echo", "def echo(*args, **kwargs):\n    return {'args': list(args), 'kwargs': kwargs}\n"),
    tally: h.register("tally", "def tally(path, value):\n    with open(path, 'a') as f:\n        f.write(f'{value}\\n')\n    return value * 2\n"),
    boom: h.register("boom", "def boom(**kwargs):\n    raise RuntimeError('exploded: ' + kwargs.get('why', '?'))\n"),
    sleepy: h.register("sleepy", "import time\ndef sleepy(seconds):\n    time.sleep(seconds)\n    return seconds\n"),
  };
});

afterAll(async () => {
  await h?.close();
});

async function settled(provider: ActionProvider, actionId: string): Promise<ActionStatus> {
  for (let i = 0; i < 500; i++) {
    const s = await provider.status(actionId, ME);
    if (s.status !== "ACTIVE") return s;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`action ${actionId} still ACTIVE`);
}

describe("compute action provider v3", () => {
  it("runs the tasks and answers details {result, results[{output, task_id}]} like the docs' RunResult", async () => {
    const body = fixture<{ tasks: { function_id: string }[] }>("action_provider_v3_input_migrated_example.json");
    body.tasks[0].function_id = fn.echo;
    body.tasks[1].function_id = fn.echo;
    const started = await ap.v3.run({ request_id: "run-1", body: { ...body, endpoint_id: EP } }, ME);
    expect(started.action_id).toMatch(/^tg_[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(started).toMatchObject({ status: "ACTIVE", display_status: "Function Active", creator_id: ME.identity });

    const done = await settled(ap.v3, started.action_id);
    const output = { args: ["arg1", "arg2"], kwargs: { foo: "bar", fuzz: "buzz" } };
    const taskIds = (done.details as { results: { task_id: string }[] }).results.map((r) => r.task_id);
    expect(done).toMatchObject({ status: "SUCCEEDED", display_status: "Function Results Received" });
    expect(done.details).toEqual({ result: [output, output], results: taskIds.map((task_id) => ({ output, task_id })) });
    const example = fixture<{ RunResult: Record<string, unknown> }>("action_provider_run_result_example.json").RunResult;
    expect(Object.keys(done)).toEqual(expect.arrayContaining(Object.keys(example)));
    expect(done.completion_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    expect(h.service.getTask(taskIds[0]).task_group_id).toBe(started.action_id.slice(3));
  });

  it("accepts the docs' full V3 input (task_group_id, user_endpoint_config, resource_specification, create_queue)", async () => {
    const body = fixture<{ tasks: { function_id: string; args: unknown[]; kwargs: object }[]; task_group_id: string }>("action_provider_v3_input.json");
    for (const t of body.tasks) t.function_id = fn.echo;
    const s = await ap.v3.run({ request_id: "full-input", body: { ...body, endpoint_id: EP } }, ME);
    const done = await settled(ap.v3, s.action_id);
    expect((done.details as { result: unknown[] }).result).toEqual([
      { args: ["..."], kwargs: { "...": "..." } },
      { args: ["..."], kwargs: { "...": "..." } },
    ]);
    const group = h.service.getTaskGroup(body.task_group_id);
    expect(group.tasks.map((t) => t.id)).toEqual((done.details as { results: { task_id: string }[] }).results.map((r) => r.task_id));
  });

  it("never submits twice for the same request_id, and refuses the same request_id with another body", async () => {
    const body = { endpoint_id: EP, tasks: [{ function_id: fn.tally, args: [tallyFile, 21] }] };
    const first = await ap.v3.run({ request_id: "idem-1", body }, ME);
    const again = await ap.v3.run({ request_id: "idem-1", body: JSON.parse(JSON.stringify(body)) }, ME);
    expect(again.action_id).toBe(first.action_id);
    const done = await settled(ap.v3, first.action_id);
    expect((done.details as { result: unknown[] }).result).toEqual([42]);
    const third = await ap.v3.run({ request_id: "idem-1", body }, ME);
    expect(third).toMatchObject({ status: "SUCCEEDED", details: done.details });
    expect(readFileSync(tallyFile, "utf8")).toBe("21\n");
    await expect(ap.v3.run({ request_id: "idem-1", body: { ...body, tasks: [{ function_id: fn.tally, args: [tallyFile, 1] }] } }, ME)).rejects.toMatchObject({ code: "Conflict", httpStatus: 409 });
  });

  it("fails the action when a task raised, with the traceback as that task's output", async () => {
    const s = await ap.v3.run({ request_id: "fail-1", body: { endpoint_id: EP, tasks: [{ function_id: fn.echo, args: [1] }, { function_id: fn.boom, kwargs: { why: "testing" } }] } }, ME);
    const done = await settled(ap.v3, s.action_id);
    expect(done).toMatchObject({ status: "FAILED", display_status: "Function Failed" });
    const d = done.details as { result: unknown[]; results: { output: unknown; task_id: string }[]; code: string; description: string; exception: string };
    expect(d.result[0]).toEqual({ args: [1], kwargs: {} });
    expect(d.result[1]).toMatch(/^Traceback \(most recent call last\):[\s\S]*RuntimeError: exploded: testing\n$/);
    expect(d.results[1]).toEqual({ output: d.result[1], task_id: d.results[1].task_id });
    expect(d.code).toBe("RemoteExecutionError");
    expect(d.description).toBe(`Task ${d.results[1].task_id} failed: RuntimeError: exploded: testing`);
    expect(d.exception).toBe(d.result[1]);
  });

  it("rejects V2 names, bad tasks and unknown endpoints before submitting anything", async () => {
    const run = (body: Record<string, unknown>) => ap.v3.run({ request_id: `bad-${Math.random()}`, body }, ME);
    await expect(run({ endpoint_id: EP, tasks: [{ function_id: fn.echo, payload: {} }] })).rejects.toMatchObject({ code: "BadRequest", httpStatus: 400 });
    await expect(run({ endpoint: EP, function: fn.echo })).rejects.toThrow(/V2 input/);
    await expect(run({ endpoint_id: EP, tasks: [] })).rejects.toThrow(/non-empty/);
    await expect(run({ endpoint_id: EP, tasks: [{ function_id: fn.echo, args: "['a']" }] })).rejects.toThrow(/args must be a list/);
    const unknown = await run({ endpoint_id: "97241626-8ff4-4550-9938-5909bd221869", tasks: [{ function_id: fn.echo }] }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(ActionProviderError);
    expect(unknown).toMatchObject({ code: "ENDPOINT_NOT_FOUND", httpStatus: 404, details: { code: "ENDPOINT_NOT_FOUND", http_status_code: 404 } });
  });

  it("cancels unfinished tasks, releases only final actions, and keeps actions to their monitors", async () => {
    const s = await ap.v3.run({ request_id: "cancel-1", body: { endpoint_id: EP2, tasks: [{ function_id: fn.sleepy, args: [20] }, { function_id: fn.sleepy, args: [20] }] } }, ME);
    await expect(ap.v3.status(s.action_id, SOMEONE_ELSE)).rejects.toMatchObject({ code: "Forbidden", httpStatus: 403 });
    await expect(ap.v3.release(s.action_id, ME)).rejects.toMatchObject({ code: "Conflict", httpStatus: 409 });
    await until(() => h.service.taskDocument((h.service.getTaskGroup(s.action_id.slice(3)).tasks[0].id))?.status === "running", 5000, "the first task to run");
    const cancelled = await ap.v3.cancel(s.action_id, ME);
    expect(cancelled).toMatchObject({ status: "FAILED", display_status: "Function Cancelled", details: { code: "ActionCanceled" } });
    expect((cancelled.details as { result: string[] }).result.every((r) => r.startsWith("TaskCancelled:"))).toBe(true);
    expect(await ap.v3.release(s.action_id, ME)).toMatchObject({ status: "FAILED" });
    await expect(ap.v3.status(s.action_id, ME)).rejects.toMatchObject({ code: "NotFound", httpStatus: 404 });
  });
});

describe("compute action provider v2", () => {
  it("accepts the legacy input with args and payload as strings (the docs' migration example)", async () => {
    const body = fixture<Record<string, unknown> & { tasks: Record<string, unknown>[] }>("action_provider_v2_input_legacy_migration_example.json");
    body.endpoint = EP;
    body.function = fn.echo;
    body.tasks[0].endpoint = EP2;
    body.tasks[0].function = fn.echo;
    const s = await ap.v2.run({ request_id: "v2-legacy", body }, ME);
    const done = await settled(ap.v2, s.action_id);
    const output = { args: ["arg1", "arg2"], kwargs: { foo: "bar", fuzz: "buzz" } };
    expect(done.status).toBe("SUCCEEDED");
    expect((done.details as { result: unknown[] }).result).toEqual([output, output]);
    const ids = (done.details as { results: { task_id: string }[] }).results.map((r) => r.task_id);
    expect(ids.map((id) => h.service.taskDocument(id)?.endpoint_id)).toEqual([EP, EP2]);
  });

  it("accepts JSON strings, plain values, a single non-list arg and payload objects (gladier's V2 shape)", async () => {
    const s = await ap.v2.run(
      {
        request_id: "v2-mixed",
        body: {
          tasks: [
            { endpoint: EP, function: fn.echo, args: '["a", 1]', kwargs: '{"k": true}' },
            { endpoint: EP, function: fn.echo, args: "solo", payload: { p: [1, 2] } },
            { endpoint: EP, func: fn.echo, args: 7 },
          ],
        },
      },
      ME,
    );
    const done = await settled(ap.v2, s.action_id);
    expect((done.details as { result: unknown[] }).result).toEqual([
      { args: ["a", 1], kwargs: { k: true } },
      { args: ["solo"], kwargs: { p: [1, 2] } },
      { args: [7], kwargs: {} },
    ]);
    await expect(ap.v2.run({ request_id: "v2-bad", body: { endpoint: EP, function: fn.echo, kwargs: "not a dict" } }, ME)).rejects.toMatchObject({ code: "BadRequest" });
    await expect(ap.v2.run({ request_id: "v2-both", body: { endpoint: EP, function: fn.echo, kwargs: {}, payload: {} } }, ME)).rejects.toThrow(/not both/);
    // An action of one version is not visible through the other.
    await expect(ap.v3.status(s.action_id, ME)).rejects.toMatchObject({ httpStatus: 404 });
    expect(existsSync(h.dir)).toBe(true);
  });
});

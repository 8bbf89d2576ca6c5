import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ComputeError } from "../../../src/local/compute/errors.js";
import { encodeTaskPayload, JSON_DATA_PATH, packBuffers } from "../../../src/wire/compute-serialization.js";
import type { TaskStatusResponse } from "../../../src/local/compute/types.js";
import { alive, EP, EP2, fixture, harness, until, type Harness } from "./helpers.js";

const JSON_ONLY = { result_serializers: [JSON_DATA_PATH] };

let h: Harness;
let fid: { echo: string; boom: string; sleepy: string; counter: string; env: string; chatty: string };
const tool = { dir: "" };

beforeAll(async () => {
  h = await harness({
    [EP]: { workers: 2 },
    // One worker with a timeout: replacement after a kill is observable.
    [EP2]: { workers: 1, taskTimeoutSeconds: 0.6, env: { FLOWSMITH_TEST: "yes" }, display_name: "timeouts" },
  });
  tool.dir = join(h.dir, "bin");
  mkdirSync(tool.dir);
  writeFileSync(join(tool.dir, "mytool"), "#!/bin/sh\necho tool\n");
  chmodSync(join(tool.dir, "mytool"), 0o755);
  fid = {
    echo: h.register("echo", "def echo(a, b=2, *rest, **kw):\n    return {'a': a, 'b': b, 'rest': list(rest), 'kw': kw}\n"),
    boom: h.register("boom", "def _helper(x):\n    raise ValueError(f'bad input {x!r}')\n\ndef boom(x):\n    return _helper(x)\n"),
    sleepy: h.register(
      "sleepy",
      [
        "import os, subprocess, time",
        "def sleepy(seconds, marker=None, child_pid_file=None):",
        "    if marker:",
        "        open(marker, 'a').write('started\\n')",
        "    if child_pid_file:",
        "        p = subprocess.Popen(['sleep', '30'])",
        "        open(child_pid_file, 'w').write(str(p.pid))",
        "    time.sleep(seconds)",
        "    return os.getpid()",
        "",
      ].join("\n"),
    ),
    counter: h.register("count", "_calls = [0]\n\ndef count():\n    _calls[0] += 1\n    return _calls[0]\n"),
    env: h.register("where", "import os, shutil\ndef where():\n    return {'env': os.environ.get('FLOWSMITH_TEST'), 'cwd': os.getcwd(), 'tool': shutil.which('mytool')}\n"),
    chatty: h.register("chatty", "import sys\ndef chatty():\n    print('hello from print ' * 1000)\n    print('{\"type\": \"done\"}')\n    try:\n        input()\n    except EOFError:\n        pass\n    return 'quiet'\n"),
  };
});

afterAll(async () => {
  await h?.close();
});

async function run(endpoint: string, functionId: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}, extra: object = JSON_ONLY): Promise<TaskStatusResponse> {
  const r = h.service.submitV3(endpoint, { tasks: { [functionId]: [encodeTaskPayload(args, kwargs)] }, ...extra });
  return h.service.waitForTask(r.tasks[functionId][0], 15_000);
}

describe("functions", () => {
  it("registers v3 bodies, returning a new uuid every time like the real service", () => {
    const body = fixture("derived_register_hello_pure_source_request.json") as never;
    const a = h.service.registerFunction(body);
    const b = h.service.registerFunction(body);
    expect(a.function_uuid).not.toBe(b.function_uuid);
    expect(h.service.getFunction(a.function_uuid)).toEqual({
      function_uuid: a.function_uuid,
      function_name: "hello",
      function_code: "50\nst\nhello:def hello(name):\n    return f'hi {name}'\n",
      metadata: { python_version: "3.12.0", sdk_version: "4.15.0" },
    });
  });

  it("registers the v2 body of the OpenAPI example (metadata, container_uuid, group, public)", () => {
    const { function_uuid } = h.service.registerFunction(fixture("openapi_v2_register_function_request.json") as never, "v2");
    const fn = h.service.getFunction(function_uuid);
    expect(fn).toMatchObject({ function_name: "My Function", description: "My first function", metadata: { python_version: "3.11.3", sdk_version: "2.3.3" } });
    expect(h.service.deleteFunction(function_uuid)).toEqual(fixture("globus_sdk_py_v2_delete_function_response.json"));
    expect(() => h.service.getFunction(function_uuid)).toThrow(ComputeError);
  });

  it("requires meta{python_version, sdk_version, serde_identifier} in v3 (422)", () => {
    const { meta: _meta, ...noMeta } = fixture("derived_register_hello_pure_source_request.json");
    const e = catchError(() => h.service.registerFunction(noMeta as never));
    expect(e.httpStatus).toBe(422);
    expect(e.toResponse()).toMatchObject({ status: "Failed", code: "REQUEST_MALFORMED", http_status_code: 422, detail: [{ loc: ["body", "meta"], msg: "field required" }] });
    const partial = catchError(() => h.service.registerFunction({ function_name: "x", function_code: "1\nx", meta: { python_version: "3.11" } } as never));
    expect((partial.detail as { loc: unknown[] }[]).map((d) => d.loc)).toEqual([
      ["body", "meta", "sdk_version"],
      ["body", "meta", "serde_identifier"],
    ]);
  });
});

describe("submit and results", () => {
  it("runs the §1.8 hello example end to end and answers like derived_task_result_json_success.json", async () => {
    const { function_uuid } = h.service.registerFunction(fixture("derived_register_hello_pure_source_request.json") as never);
    const req = fixture<{ tasks: Record<string, string[]> }>("derived_submit_hello_json_args_request.json");
    const body = { ...req, tasks: { [function_uuid]: req.tasks["<FUNCTION_UUID>"] } };
    const res = h.service.submitV3(EP, body);
    expect(Object.keys(res).sort()).toEqual(Object.keys(fixture("globus_sdk_py_v3_submit_response.json")).sort());
    expect(res.endpoint_id).toBe(EP);
    const taskId = res.tasks[function_uuid][0];
    const done = await h.service.waitForTask(taskId, 10_000);
    const expected = { ...fixture("derived_task_result_json_success.json"), task_id: taskId };
    expect(done).toMatchObject({ ...expected, completion_t: expect.stringMatching(/^\d+\.\d+$/) });
    expect(done.details).toMatchObject({ python_version: expect.any(String), task_transitions: { "execution-start": expect.any(Number), "execution-end": expect.any(Number) } });
  });

  it("passes args and kwargs to real Python and returns JSON results (None, nested, unicode, big ints)", async () => {
    const r = await run(EP, fid.echo, ["x", { n: [1, 2, { deep: null }] }, 3, 4], { k: "héllo 😀" });
    expect(r.status).toBe("success");
    expect(JSON.parse(r.result!.slice(3))).toEqual({ a: "x", b: { n: [1, 2, { deep: null }] }, rest: [3, 4], kw: { k: "héllo 😀" } });
    expect(r.result!.startsWith('11\n{"a": "x"')).toBe(true);

    const none = h.register("nothing", "def nothing():\n    pass\n");
    expect((await run(EP, none)).result).toBe("11\nnull");
    const big = h.register("big", "def big():\n    return 2 ** 70\n");
    expect((await run(EP, big)).result).toBe("11\n1180591620717411303424");
  });

  it("keeps task ids in request order per function, and stores every task before it runs", async () => {
    const p = (i: number) => encodeTaskPayload([i]);
    const res = h.service.submitV3(EP, { tasks: { [fid.echo]: [p(0), p(1), p(2)], [fid.counter]: [encodeTaskPayload(), encodeTaskPayload()] }, ...JSON_ONLY });
    expect(res.tasks[fid.echo]).toHaveLength(3);
    expect(res.tasks[fid.counter]).toHaveLength(2);
    for (const id of [...res.tasks[fid.echo], ...res.tasks[fid.counter]]) expect(h.store.get("compute.task", id)).toBeDefined();
    const echoed = await Promise.all(res.tasks[fid.echo].map((id) => h.service.waitForTask(id, 10_000)));
    expect(echoed.map((t) => JSON.parse(t.result!.slice(3)).a)).toEqual([0, 1, 2]);
    await Promise.all(res.tasks[fid.counter].map((id) => h.service.waitForTask(id, 10_000)));
    const group = h.service.getTaskGroup(res.task_group_id);
    expect(group).toMatchObject({ taskgroup_id: res.task_group_id, create_websockets_queue: false });
    expect(group.tasks.map((t) => t.id)).toEqual([...res.tasks[fid.echo], ...res.tasks[fid.counter]]);
    expect(group.tasks[0].created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
  });

  it("execs a function's source once per worker, not once per task", async () => {
    const counts: number[] = [];
    for (let i = 0; i < 4; i++) counts.push(JSON.parse((await run(EP2, fid.counter)).result!.slice(3)));
    expect(counts).toEqual([1, 2, 3, 4]);
  });

  it("answers 11 by default and falls back to a pickle (00) only for values JSON cannot carry", async () => {
    expect((await run(EP, fid.counter, [], {}, {})).result).toMatch(/^11\n\d+$/);
    const aSet = h.register("a_set", "def a_set():\n    return {1, 2}\n");
    const pickled = await run(EP, aSet, [], {}, {});
    expect(pickled.status).toBe("success");
    expect(pickled.result).toMatch(/^00\n[A-Za-z0-9+/=\n]+\n$/);
    const jsonOnly = await run(EP, aSet);
    expect(jsonOnly.status).toBe("failed");
    expect(jsonOnly.exception).toContain("SerializationError: All strategies failed.");
  });

  it("fails a task whose function raised, with the traceback text of the user's code", async () => {
    const r = await run(EP, fid.boom, ["x"]);
    expect(r.status).toBe("failed");
    expect(r.result).toBeUndefined();
    expect(r.exception).toMatch(/^Traceback \(most recent call last\):/);
    expect(r.exception).toContain("in boom");
    expect(r.exception).toContain("raise ValueError(f'bad input {x!r}')");
    expect(r.exception).toContain("ValueError: bad input 'x'");
    expect(r.exception).not.toContain("worker.py");
    expect(r.completion_t).toMatch(/^\d+\.\d+$/);
    // The worker survived the exception.
    expect((await run(EP, fid.echo, [1])).status).toBe("success");
  });

  it("fails a task whose code cannot be deserialized here (dill), without touching a worker", async () => {
    const { function_uuid } = h.service.registerFunction({ function_name: "dot", function_code: packBuffers(["01\ngASVZwIAAAAAAACMCmRpbGwuX2RpbGyUjBB\n"]), meta: { python_version: "3.11", sdk_version: "4.15.0", serde_identifier: "01" } });
    const r = await run(EP, function_uuid);
    expect(r.status).toBe("failed");
    expect(r.exception).toContain("DeserializationError: Code serializer DillCode (01)");
  });

  it("keeps print() and input() in functions away from the protocol", async () => {
    const r = await run(EP, fid.chatty);
    expect(r.result).toBe('11\n"quiet"');
    expect(readFileSync(join(h.dir, "compute", "endpoints", `${EP}.log`), "utf8")).toContain("hello from print");
  });

  it("gives workers the endpoint's environment, PATH prefix and cwd", async () => {
    const ep = "7348422a-1074-427b-a08a-0771068afccc";
    const h2 = await harness({ [ep]: { workers: 1, env: { FLOWSMITH_TEST: "from-env" }, pathPrefix: [tool.dir], cwd: tool.dir } });
    try {
      const where = h2.register("where", "import os, shutil\ndef where():\n    return {'env': os.environ.get('FLOWSMITH_TEST'), 'cwd': os.getcwd(), 'tool': shutil.which('mytool')}\n");
      const r = h2.service.submitV3(ep, { tasks: { [where]: [encodeTaskPayload()] } });
      const done = await h2.service.waitForTask(r.tasks[where][0], 10_000);
      expect(JSON.parse(done.result!.slice(3))).toEqual({ env: "from-env", cwd: realpathSync(tool.dir), tool: join(tool.dir, "mytool") });
    } finally {
      await h2.close();
    }
  });
});

describe("errors and status routes", () => {
  it("answers unknown endpoints and functions with the Compute error shape", () => {
    const ep = catchError(() => h.service.submitV3("00000000-0000-4000-8000-000000000000", { tasks: { [fid.echo]: [encodeTaskPayload()] } }));
    expect(ep.toResponse()).toEqual({
      status: "Failed",
      code: "ENDPOINT_NOT_FOUND",
      error_args: ["00000000-0000-4000-8000-000000000000"],
      http_status_code: 404,
      detail: "Endpoint 00000000-0000-4000-8000-000000000000 could not be found",
      reason: "Endpoint 00000000-0000-4000-8000-000000000000 could not be found",
    });
    const fn = catchError(() => h.service.submitV3(EP, { tasks: { "ff960aba-fa23-43d5-9cbe-3f4f91a066e1": [encodeTaskPayload()] } }));
    expect([fn.httpStatus, fn.code]).toEqual([404, "FUNCTION_NOT_FOUND"]);
    expect(catchError(() => h.service.getTask("7dac44aa-c480-4460-b453-a47b03b031f4")).code).toBe("TASK_NOT_FOUND");
    expect(catchError(() => h.service.endpointStatus("nope")).code).toBe("ENDPOINT_NOT_FOUND");
    expect(catchError(() => h.service.submitV3(EP, { tasks: { [fid.echo]: [encodeTaskPayload()] }, result_serializers: ["globus_compute_sdk.serialize.DillCode"] })).httpStatus).toBe(422);
    expect(catchError(() => h.service.submitV3(EP, {} as never)).toResponse()).toMatchObject({ http_status_code: 422, detail: [{ loc: ["body", "tasks"], msg: "field required" }] });
    expect(catchError(() => h.service.submitV3(EP, { tasks: { [fid.echo]: [42 as never] } })).detail).toEqual([{ loc: ["body", "tasks", fid.echo, 0], msg: "str type expected", type: "type_error.str" }]);
    expect(catchError(() => h.service.submitV2({ tasks: [[fid.echo, EP] as never] })).httpStatus).toBe(422);
  });

  it("accepts v2 submits (function, endpoint, payload) and the OpenAPI example's endpoint-first order", async () => {
    const res = h.service.submitV2({
      tasks: [
        [fid.echo, EP, encodeTaskPayload(["v2"])],
        [EP, fid.echo, encodeTaskPayload(["swapped"])],
      ],
    });
    const shape = fixture<{ results: object[] }>("openapi_v2_submit_response.json");
    expect(Object.keys(res).sort()).toEqual(Object.keys(shape).sort());
    expect(res.results.map((r) => Object.keys(r as object).sort())).toEqual(shape.results.map((r) => Object.keys(r).sort()));
    const ids = res.results.map((r) => (r as { task_uuid: string }).task_uuid);
    const done = await Promise.all(ids.map((id) => h.service.waitForTask(id, 10_000)));
    expect(done.map((d) => d.status)).toEqual(["success", "success"]);
    expect(h.service.getTaskGroup(res.task_group_id!).create_websockets_queue).toBe(true);

    const batch = h.service.batchStatus({ task_ids: [ids[0], "4b35645f-0c5b-465d-aaec-fee87f74ff5b"] });
    expect(batch.response).toBe("batch");
    expect(batch.results[ids[0]]).toMatchObject({ task_id: ids[0], status: "success", result: expect.stringMatching(/^11\n/), completion_t: expect.any(String) });
    expect(batch.results["4b35645f-0c5b-465d-aaec-fee87f74ff5b"]).toEqual({ task_id: "4b35645f-0c5b-465d-aaec-fee87f74ff5b", status: "failed", reason: "Unknown task id" });
  });

  it("reports an endpoint online with the fixture's detail keys while its pool runs", () => {
    const st = h.service.endpointStatus(EP);
    expect(st.status).toBe("online");
    expect(Object.keys(st.details!).sort()).toEqual(Object.keys(fixture<{ details: object }>("openapi_v2_endpoint_status_response.json").details).sort());
    expect(st.details!.total_workers).toBe(2);
  });

  it("fails tasks with an explanation when python cannot start", async () => {
    const ep = "7348422a-1074-427b-a08a-0771068afccd";
    const h2 = await harness({ [ep]: { workers: 1, python: "/nonexistent/python3" } });
    try {
      const f = h2.register("f", "def f():\n    return 1\n");
      const r = h2.service.submitV3(ep, { tasks: { [f]: [encodeTaskPayload()] } });
      const done = await h2.service.waitForTask(r.tasks[f][0], 10_000);
      expect(done.status).toBe("failed");
      expect(done.exception).toContain("EndpointUnavailable: could not start /nonexistent/python3");
    } finally {
      await h2.close();
    }
  });
});

describe("timeouts and cancellation", () => {
  it("kills a task's worker (and its children) at the timeout, and the pool replaces the worker", async () => {
    const childPidFile = join(h.dir, "child.pid");
    const r = h.service.submitV3(EP2, { tasks: { [fid.sleepy]: [encodeTaskPayload([20], { child_pid_file: childPidFile })] } });
    const taskId = r.tasks[fid.sleepy][0];
    const running = await until(() => h.store.get<{ status: string; worker_pid?: number }>("compute.task", taskId)?.worker_pid, 5000, "dispatch");
    const done = await h.service.waitForTask(taskId, 10_000);
    expect(done.status).toBe("failed");
    expect(done.exception).toMatch(/^TaskTimeout: Task .* exceeded the endpoint's task timeout of 0.6 s/);
    expect(alive(running)).toBe(false);
    await until(() => !alive(Number(readFileSync(childPidFile, "utf8"))), 3000, "the function's child to die");
    // The replacement worker runs the next task.
    const next = await run(EP2, fid.sleepy, [0]);
    expect(next.status).toBe("success");
    expect(JSON.parse(next.result!.slice(3))).not.toBe(running);
    expect(JSON.parse((await run(EP2, fid.env)).result!.slice(3)).env).toBe("yes");
  });

  it("cancels a running task by killing its worker, and a queued one without running it", async () => {
    const marker = join(h.dir, "cancel-marker");
    const r = h.service.submitV3(EP2, { tasks: { [fid.sleepy]: [encodeTaskPayload([0.5], { marker }), encodeTaskPayload([0.1], { marker })] } });
    const [first, second] = r.tasks[fid.sleepy];
    await until(() => existsSync(marker), 5000, "the first task to start");
    const queued = await h.service.cancelTask(second);
    expect(queued).toMatchObject({ status: "failed", exception: expect.stringMatching(/^TaskCancelled:/) });
    const running = await h.service.cancelTask(first);
    expect(running).toMatchObject({ status: "failed", exception: expect.stringMatching(/^TaskCancelled:/) });
    expect(readFileSync(marker, "utf8")).toBe("started\n");
    expect((await run(EP2, fid.sleepy, [0])).status).toBe("success");
    // Cancelling a final task changes nothing.
    expect((await h.service.cancelTask(first)).exception).toBe(running.exception);
  });
});

function catchError(fn: () => unknown): ComputeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ComputeError) return e;
    throw e;
  }
  throw new Error("expected a ComputeError");
}

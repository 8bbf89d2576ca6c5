import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTransferActionProviders } from "../../../src/local/transfer/action-providers.js";
import { ActionProviderError, type ActionProvider, type ActionStatus } from "../../../src/providers/types.js";
import { CALLER, DST, expectShape, fixture, makeEnv, SRC, write, type Env } from "./helpers.js";

let env: Env;
let aps: Record<"transfer" | "delete" | "ls" | "mkdir" | "stat", ActionProvider>;
beforeEach(() => {
  env = makeEnv({ progressIntervalMs: 0 });
  aps = createTransferActionProviders(env.service);
});
afterEach(() => env.cleanup());

const AP_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\+00:00$/;
let n = 0;
const rid = () => `req-${++n}`;

async function settle(ap: ActionProvider, status: ActionStatus): Promise<ActionStatus> {
  await env.service.waitForTask(status.action_id);
  return ap.status(status.action_id, CALLER);
}

async function unableToRun(p: Promise<unknown>): Promise<ActionProviderError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ActionProviderError);
  return err as ActionProviderError;
}

describe("transfer action provider", () => {
  it("runs the docs' input shape asynchronously; action_id = task_id; details = task + event_list", async () => {
    write(env.srcRoot, "campus_source/dataset1/a.txt", "a");
    write(env.srcRoot, "campus_source/dataset1/sub/b.txt", "b");
    const input = { ...fixture("docs-ap-transfer.input.json"), source_endpoint: SRC, destination_endpoint: DST };
    const started = await aps.transfer.run({ request_id: rid(), body: input }, CALLER);
    expect(started).toMatchObject({ status: "ACTIVE", creator_id: CALLER.identity, completion_time: null, release_after: "P30D", manage_by: [], monitor_by: [], label: null });
    expect(started.start_time).toMatch(AP_TIME);
    const task = env.service.getTask(started.action_id);
    expect(task.label).toBe(`For Action id ${started.action_id}`);

    const done = await settle(aps.transfer, started);
    expect(done.status).toBe("SUCCEEDED");
    expect(done.completion_time).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\+00:00$/);
    const details = done.details as Record<string, unknown>;
    expect(Object.keys(details).sort()).toEqual([...Object.keys(env.service.getTask(started.action_id)), "event_list"].sort());
    expect(details).toMatchObject({ DATA_TYPE: "task", task_id: started.action_id, status: "SUCCEEDED", type: "TRANSFER" });
    expect((details.event_list as { code: string }[])[0].code).toBe("SUCCEEDED");
    expect(readFileSync(join(env.dstRoot, "dmz_temp/sub/b.txt"), "utf8")).toBe("b");
  });

  it("re-issuing a run with the same request_id returns the same action and never a second task", async () => {
    write(env.srcRoot, "f", "f");
    const request = { request_id: rid(), body: { source_endpoint: SRC, destination_endpoint: DST, DATA: [{ source_path: "/f", destination_path: "/f" }] } };
    const a = await aps.transfer.run(request, CALLER);
    const b = await aps.transfer.run({ ...request, body: { ...request.body } }, CALLER);
    expect(b.action_id).toBe(a.action_id);
    await settle(aps.transfer, a);
    const c = await aps.transfer.run(request, CALLER);
    expect(c).toMatchObject({ action_id: a.action_id, status: "SUCCEEDED" });
    expect(env.service.taskList().total).toBe(1);
    // Same request_id, different body: refused rather than silently answered with the old action.
    const err = await unableToRun(aps.transfer.run({ ...request, body: { ...request.body, label: "other" } }, CALLER));
    expect(err.httpStatus).toBe(409);
    // Another caller's identical request_id is another action.
    const other = await aps.transfer.run(request, { identity: "urn:globus:auth:identity:5276fa05-eedf-46c5-919f-ad2d0160d1a9" });
    expect(other.action_id).not.toBe(a.action_id);
    await env.service.whenIdle();
  });

  it("accepts the legacy actions.globus.org input (source_endpoint_id, transfer_items)", async () => {
    write(env.srcRoot, "campus_source/dataset1/x.txt", "x");
    const legacy = { ...fixture("legacy-ap-transfer.input.json"), source_endpoint_id: SRC, destination_endpoint_id: DST };
    const done = await settle(aps.transfer, await aps.transfer.run({ request_id: rid(), body: legacy, label: "legacy run" }, CALLER));
    expect(done).toMatchObject({ status: "SUCCEEDED", label: "legacy run" });
    expect(readFileSync(join(env.dstRoot, "dmz_temp/x.txt"), "utf8")).toBe("x");
  });

  it("a task that fails makes a FAILED action whose details carry fatal_error", async () => {
    const started = await aps.transfer.run({ request_id: rid(), body: { source_endpoint: SRC, destination_endpoint: DST, DATA: [{ source_path: "/missing", destination_path: "/m" }] } }, CALLER);
    const done = await settle(aps.transfer, started);
    expect(done.status).toBe("FAILED");
    expect(done.details).toMatchObject({ fatal_error: { code: "FILE_NOT_FOUND" } });
  });

  it("bad input and unknown collections cannot run (ActionProviderError)", async () => {
    expect(await unableToRun(aps.transfer.run({ request_id: rid(), body: { source_endpoint: SRC, destination_endpoint: DST, DATA: [] } }, CALLER))).toMatchObject({
      code: "ClientError.BadRequest.NoTransferItems",
      httpStatus: 400,
    });
    expect(await unableToRun(aps.transfer.run({ request_id: rid(), body: { source_endpoint: SRC, DATA: [{ source_path: "/a", destination_path: "/b" }] } }, CALLER))).toMatchObject({ httpStatus: 400 });
    expect(await unableToRun(aps.transfer.run({ request_id: rid(), body: { source_endpoint: "go#ep1", destination_endpoint: DST, DATA: [{ source_path: "/a", destination_path: "/b" }] } }, CALLER))).toMatchObject({
      httpStatus: 404,
    });
    expect(await unableToRun(aps.transfer.status("no-such-action", CALLER))).toMatchObject({ httpStatus: 404 });
    expect(env.service.taskList().total).toBe(0);
  });

  it("release only when final (409 before), then the action is gone; cancel ends the task CANCELED", async () => {
    write(env.srcRoot, "f", "f");
    const started = await aps.transfer.run({ request_id: rid(), body: { source_endpoint: SRC, destination_endpoint: DST, DATA: [{ source_path: "/f", destination_path: "/f" }] } }, CALLER);
    expect((await unableToRun(aps.transfer.release(started.action_id, CALLER))).httpStatus).toBe(409);
    const canceled = await aps.transfer.cancel(started.action_id, CALLER);
    expect(canceled).toMatchObject({ status: "FAILED", details: { fatal_error: { code: "CANCELED" } } });
    const released = await aps.transfer.release(started.action_id, CALLER);
    expect(released.status).toBe("FAILED");
    expect((await unableToRun(aps.transfer.status(started.action_id, CALLER))).httpStatus).toBe(404);
  });
});

describe("delete action provider", () => {
  it("runs the docs' input and the legacy endpoint_id + items input", async () => {
    write(env.dstRoot, "dir/a", "a");
    write(env.dstRoot, "file.txt", "f");
    const input = { ...fixture("docs-ap-delete.input.json"), endpoint: DST };
    const done = await settle(aps.delete, await aps.delete.run({ request_id: rid(), body: input }, CALLER));
    expect(done).toMatchObject({ status: "SUCCEEDED", details: { type: "DELETE", label: `For Action id ${done.action_id}` } });
    expect(existsSync(join(env.dstRoot, "dir")) || existsSync(join(env.dstRoot, "file.txt"))).toBe(false);

    write(env.dstRoot, "old.txt", "o");
    const legacy = await settle(aps.delete, await aps.delete.run({ request_id: rid(), body: { endpoint_id: DST, items: ["/old.txt"] } }, CALLER));
    expect(legacy.status).toBe("SUCCEEDED");
    expect(existsSync(join(env.dstRoot, "old.txt"))).toBe(false);
  });
});

describe("ls / mkdir / stat action providers (synchronous)", () => {
  beforeEach(() => {
    write(env.srcRoot, "share/godata/foo.txt", "x".repeat(220));
  });

  it("ls answers SUCCEEDED from run with the file_list, shaped like the docs' status", async () => {
    const status = await aps.ls.run({ request_id: rid(), body: { ...fixture("docs-ap-ls.input.json"), endpoint_id: SRC, path: "/share/godata/" } }, CALLER);
    expectShape(status, fixture("docs-ap-ls.status.json"));
    expect(status).toMatchObject({ status: "SUCCEEDED", display_status: "SUCCEEDED", release_after: "P30D", details: { DATA_TYPE: "file_list", length: 1, path: "/share/godata/" } });
    expect(status.start_time).toMatch(AP_TIME);
    expect(await aps.ls.status(status.action_id, CALLER)).toEqual(status);
  });

  it("ls of a missing path is a FAILED action with {code, description} (what Catch: ActionFailedException sees); FRIB's type:dir filter works", async () => {
    const failed = await aps.ls.run({ request_id: rid(), body: { endpoint_id: SRC, path: "/nersc/raw/", filter: "type:dir" } }, CALLER);
    expect(failed.status).toBe("FAILED");
    expect(failed.details).toEqual({ code: "NotFound", description: expect.stringContaining("Path not found") });
    expect(failed.completion_time).toMatch(AP_TIME);
    const ok = await aps.ls.run({ request_id: rid(), body: { endpoint_id: SRC, path: "/share", filter: "type:dir" } }, CALLER);
    expect(ok).toMatchObject({ status: "SUCCEEDED", details: { total: 1 } });
  });

  it("mkdir: SUCCEEDED with the mkdir_result; an existing directory is FAILED (ExternalError.MkdirFailed.Exists)", async () => {
    const request = { request_id: rid(), body: { ...fixture("docs-ap-mkdir.input.json"), endpoint_id: SRC } };
    const made = await aps.mkdir.run(request, CALLER);
    expectShape(made, fixture("docs-ap-mkdir.status.json"));
    expect(made).toMatchObject({ status: "SUCCEEDED", details: { DATA_TYPE: "mkdir_result", code: "DirectoryCreated" } });
    // The same request again (engine retry) replays the success instead of failing with Exists.
    expect(await aps.mkdir.run(request, CALLER)).toEqual(made);
    const again = await aps.mkdir.run({ request_id: rid(), body: { endpoint_id: SRC, path: "/~/new_folder" } }, CALLER);
    expect(again).toMatchObject({ status: "FAILED", details: { code: "ExternalError.MkdirFailed.Exists" } });
    mkdirSync(join(env.srcRoot, "exists-too"));
    expect((await aps.mkdir.run({ request_id: rid(), body: { endpoint_id: SRC, path: "exists-too" } }, CALLER)).status).toBe("FAILED");
  });

  it("stat: SUCCEEDED with one file document, shaped like the docs' status", async () => {
    const status = await aps.stat.run({ request_id: rid(), body: { ...fixture("docs-ap-stat.input.json"), endpoint_id: SRC, path: "/share/godata/" } }, CALLER);
    expectShape(status, fixture("docs-ap-stat.status.json"));
    expect(status.details).toMatchObject({ name: "godata", type: "dir" });
    const missing = await aps.stat.run({ request_id: rid(), body: { endpoint_id: SRC, path: "/nope" } }, CALLER);
    expect(missing).toMatchObject({ status: "FAILED", details: { code: "NotFound" } });
  });

  it("a path escaping the collection is a FAILED action (endpoint refusal), not ActionUnableToRun", async () => {
    const status = await aps.ls.run({ request_id: rid(), body: { endpoint_id: SRC, path: "/../" } }, CALLER);
    expect(status).toMatchObject({ status: "FAILED", details: { code: "EndpointPermissionDenied" } });
  });

  it("missing fields and unknown collections throw ActionProviderError (ActionUnableToRun)", async () => {
    expect((await unableToRun(aps.mkdir.run({ request_id: rid(), body: { endpoint_id: SRC } }, CALLER))).httpStatus).toBe(400);
    expect((await unableToRun(aps.stat.run({ request_id: rid(), body: { path: "/x" } }, CALLER))).httpStatus).toBe(400);
    expect(await unableToRun(aps.ls.run({ request_id: rid(), body: { endpoint_id: "go#ep1", path: "/" } }, CALLER))).toMatchObject({ httpStatus: 404, code: "ClientError.NotFound" });
    expect((await unableToRun(aps.ls.run({ request_id: rid(), body: { endpoint_id: SRC, limit: "ten" } }, CALLER))).httpStatus).toBe(400);
  });

  it("release and cancel of synchronous actions", async () => {
    const status = await aps.ls.run({ request_id: rid(), body: { endpoint_id: SRC, path: "/" } }, CALLER);
    expect(await aps.ls.cancel(status.action_id, CALLER)).toEqual(status);
    expect(await aps.ls.release(status.action_id, CALLER)).toEqual(status);
    expect((await unableToRun(aps.ls.status(status.action_id, CALLER))).httpStatus).toBe(404);
    // Action ids are per provider.
    const made = await aps.mkdir.run({ request_id: rid(), body: { endpoint_id: SRC, path: "/m" } }, CALLER);
    expect((await unableToRun(aps.stat.status(made.action_id, CALLER))).httpStatus).toBe(404);
  });
});

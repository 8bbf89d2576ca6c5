import { readdirSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TransferApiError } from "../../../src/local/transfer/errors.js";
import type { TaskDocument } from "../../../src/local/transfer/types.js";
import { DST, expectShape, fixture, makeEnv, OWNER, runTransfer, SRC, transferBody, write, type Env } from "./helpers.js";

let env: Env;
beforeEach(() => {
  env = makeEnv({ progressIntervalMs: 0 });
});
afterEach(() => env.cleanup());

async function rejected(p: Promise<unknown>): Promise<TransferApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransferApiError);
  return err as TransferApiError;
}

describe("submission validation (400s before any task exists)", () => {
  it("no items: ClientError.BadRequest.NoTransferItems, the real failure body", async () => {
    const err = await rejected(env.service.submitTransfer(transferBody([]), OWNER));
    const real = fixture("sdk-submit_transfer.failure.json");
    expect(err.httpStatus).toBe(400);
    expect(err.toJSON()).toMatchObject({ code: real.code, message: real.message, resource: "/transfer" });
    expectShape(err.toJSON(), real);
  });

  it("label: at most 128 characters, no newlines, no leading/trailing whitespace", async () => {
    write(env.srcRoot, "f", "f");
    const item = [{ source_path: "/f", destination_path: "/f" }];
    for (const label of ["x".repeat(129), "a\nb", "a\rb", " lead", "trail ", "\ttab"]) {
      const err = await rejected(env.service.submitTransfer(transferBody(item, { label }), OWNER));
      expect(err).toMatchObject({ httpStatus: 400, code: "ClientError.BadRequest" });
    }
    const ok = await env.service.submitTransfer(transferBody(item, { label: "x".repeat(128) }), OWNER);
    expect(env.service.getTask(ok.task_id).label).toBe("x".repeat(128));
  });

  it("DATA_TYPE, required fields and option types are checked", async () => {
    const item = [{ source_path: "/f", destination_path: "/f" }];
    const bad: Record<string, unknown>[] = [
      { ...transferBody(item), DATA_TYPE: "delete" },
      { ...transferBody(item), submission_id: undefined },
      { ...transferBody(item), destination_endpoint: undefined },
      { ...transferBody(item), sync_level: 4 },
      { ...transferBody(item), verify_checksum: "yes" },
      { ...transferBody(item), filter_rules: [{ DATA_TYPE: "filter_rule", method: "skip", name: "*" }] },
      { ...transferBody(item), DATA: [{ DATA_TYPE: "transfer_item", source_path: "/f" }] },
      { ...transferBody(item), DATA: [{ source_path: "/f", destination_path: "/f" }] },
      { ...transferBody(item), DATA: [{ DATA_TYPE: "transfer_item", source_path: "/f", destination_path: "/f", checksum_algorithm: "crc32" }] },
    ];
    for (const body of bad) {
      const err = await rejected(env.service.submitTransfer(body as never, OWNER));
      expect(err.httpStatus).toBe(400);
    }
    expect(env.service.taskList().total).toBe(0);
  });

  it("an unknown collection is a 404", async () => {
    const err = await rejected(env.service.submitTransfer(transferBody([{ source_path: "/f", destination_path: "/f" }], { destination_endpoint: "go#ep2" }), OWNER));
    expect(err.httpStatus).toBe(404);
  });
});

describe("submission results and idempotency", () => {
  it("submission_id: a fresh UUID each call", () => {
    const a = env.service.submissionId();
    const b = env.service.submissionId();
    expect(a.value).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.value).not.toBe(b.value);
    expect(a.DATA_TYPE).toBe("submission_id");
  });

  it("the transfer_result has the real shape and is Accepted", async () => {
    write(env.srcRoot, "f", "f");
    const res = await env.service.submitTransfer(transferBody([{ source_path: "/f", destination_path: "/f" }]), OWNER);
    expectShape(res, fixture("sdk-submit_transfer.default.json"));
    expect(res).toMatchObject({ DATA_TYPE: "transfer_result", code: "Accepted", resource: "/transfer" });
    expect(res.task_link.href).toBe(`task/${res.task_id}?format=json`);
  });

  it("resubmitting a submission_id returns the same task (code Duplicate) and never runs a second task", async () => {
    write(env.srcRoot, "f", "f");
    const body = transferBody([{ source_path: "/f", destination_path: "/f" }]);
    const first = await env.service.submitTransfer(body, OWNER);
    const again = await env.service.submitTransfer(body, `urn:globus:auth:identity:${OWNER}`);
    await env.service.waitForTask(first.task_id);
    const third = await env.service.submitTransfer(body, OWNER);
    expect(first.code).toBe("Accepted");
    expect(again).toMatchObject({ code: "Duplicate", task_id: first.task_id, submission_id: body.submission_id });
    expect(third).toMatchObject({ code: "Duplicate", task_id: first.task_id });
    expect(env.service.taskList().total).toBe(1);
    const events = env.service.eventList(first.task_id, { limit: 100 }).DATA;
    expect(events.filter((e) => e.code === "STARTED")).toHaveLength(1);
  });

  it("the same submission_id from another owner is a different task", async () => {
    write(env.srcRoot, "f", "f");
    const body = transferBody([{ source_path: "/f", destination_path: "/f" }]);
    const a = await env.service.submitTransfer(body, OWNER);
    const b = await env.service.submitTransfer(body, "5276fa05-eedf-46c5-919f-ad2d0160d1a9");
    expect(b.code).toBe("Accepted");
    expect(b.task_id).not.toBe(a.task_id);
  });
});

describe("task documents, events, task list, cancel", () => {
  it("a task document has exactly the fields of the real captures (task_list entry ∪ GET task) plus DATA_TYPE", async () => {
    write(env.srcRoot, "f", "abcd");
    const task = await runTransfer(env, transferBody([{ source_path: "/f", destination_path: "/f" }], { verify_checksum: true }));
    const listEntry = fixture<{ DATA: TaskDocument[] }>("cli-task_list.0.json").DATA[0];
    const getTask = fixture<TaskDocument>("cli-submit_delete_success.1.json");
    const expectedKeys = [...new Set([...Object.keys(listEntry), ...Object.keys(getTask), "DATA_TYPE"])].sort();
    expect(Object.keys(task).sort()).toEqual(expectedKeys);
    for (const real of [listEntry, getTask] as unknown as Record<string, unknown>[]) {
      for (const [k, v] of Object.entries(real)) if (v !== null) expect(typeof (task as unknown as Record<string, unknown>)[k], k).toBe(typeof v);
    }
    expect(task).toMatchObject({
      DATA_TYPE: "task",
      type: "TRANSFER",
      status: "SUCCEEDED",
      command: "API 0.10",
      owner_id: OWNER,
      source_endpoint_id: SRC,
      source_endpoint_display_name: "Source Collection",
      destination_endpoint_id: DST,
      recursive_symlinks: "ignore",
      history_deleted: false,
      is_paused: false,
    });
    expect(task.username).toMatch(/^u_[a-z2-7]{26}$/);
    expect(task.request_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    expect(Date.parse(task.deadline) - Date.parse(task.request_time)).toBe(24 * 3600 * 1000);
    expect(task.key).toMatch(/^complete,/);
  });

  it("right after submission the task is ACTIVE and Queued, like the real queued capture", async () => {
    write(env.srcRoot, "f", "f");
    const res = await env.service.submitTransfer(transferBody([{ source_path: "/f", destination_path: "/f" }]), OWNER);
    const queued = env.service.getTask(res.task_id);
    const real = fixture<TaskDocument>("cli-submit_delete_queued.1.json");
    for (const k of ["status", "nice_status", "nice_status_short_description", "nice_status_expires_in", "is_ok", "completion_time", "fatal_error", "subtasks_total", "subtasks_pending"] as const) {
      expect(queued[k], k).toEqual(real[k]);
    }
    expect(queued.key).toMatch(/^active,/);
    await env.service.waitForTask(res.task_id);
  });

  it("event_list: real shape, newest first, STARTED … SUCCEEDED", async () => {
    write(env.srcRoot, "f", "abcd");
    const task = await runTransfer(env, transferBody([{ source_path: "/f", destination_path: "/f" }]));
    const list = env.service.eventList(task.task_id);
    expectShape(list, fixture("cli-task_event_list.0.json"));
    const codes = list.DATA.map((e) => e.code);
    expect(codes[0]).toBe("SUCCEEDED");
    expect(codes.at(-1)).toBe("STARTED");
    expect(codes).toContain("PROGRESS");
    expect(list.DATA[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    const page = env.service.eventList(task.task_id, { limit: 1, offset: 1 });
    expect(page).toMatchObject({ length: 1, limit: 1, offset: 1, total: list.total });
    expect(page.DATA[0]).toEqual(list.DATA[1]);
  });

  it("task_list: real shape, newest first, limit/offset and filters", async () => {
    write(env.srcRoot, "f", "f");
    const a = await runTransfer(env, transferBody([{ source_path: "/f", destination_path: "/a" }], { label: "first" }));
    const b = await runTransfer(env, transferBody([{ source_path: "/missing", destination_path: "/b" }], { label: "second" }));
    const list = env.service.taskList({ limit: 1000 });
    expectShape({ ...list, DATA: [] }, { ...fixture<Record<string, unknown>>("cli-task_list.0.json"), DATA: [] });
    expect(list.DATA.map((t) => t.task_id)).toEqual([b.task_id, a.task_id]);
    expect(env.service.taskList({ filter: "status:FAILED" }).DATA.map((t) => t.task_id)).toEqual([b.task_id]);
    expect(env.service.taskList({ filter: "label:~FIR/type:TRANSFER" }).DATA.map((t) => t.task_id)).toEqual([a.task_id]);
    expect(env.service.taskList({ limit: 1, offset: 1 })).toMatchObject({ length: 1, total: 2, DATA: [{ task_id: a.task_id }] });
    expect(env.service.taskList({ owner: "someone-else" }).total).toBe(0);
  });

  it("cancel of a queued task: result like the real one; the task ends FAILED/CANCELED and never runs", async () => {
    write(env.srcRoot, "f", "f");
    const res = await env.service.submitTransfer(transferBody([{ source_path: "/f", destination_path: "/f" }]), OWNER);
    const result = await env.service.cancelTask(res.task_id);
    expectShape(result, fixture("sdk-cancel_task.default.json"));
    expect(result).toMatchObject({ DATA_TYPE: "result", code: "Canceled", resource: `/task/${res.task_id}/cancel` });
    const task = await env.service.waitForTask(res.task_id);
    expect(task).toMatchObject({ status: "FAILED", fatal_error: { code: "CANCELED", description: "canceled" }, nice_status: null, subtasks_pending: 0 });
    expect(env.service.eventList(res.task_id).DATA[0]).toMatchObject({ code: "CANCELED", details: "Canceled by the task owner", is_error: true });
    expect(() => env.service.getTask(res.task_id)).not.toThrow();
    const again = await env.service.cancelTask(res.task_id);
    expect(again.code).toBe("TaskComplete");
  });

  it("cancel of a running task stops it between files", async () => {
    const env2 = makeEnv({ progressIntervalMs: 0, concurrency: 1 });
    try {
      for (let i = 0; i < 400; i++) write(env2.srcRoot, `many/f${i}`, Buffer.alloc(64 * 1024, i));
      const res = await env2.service.submitTransfer(transferBody([{ source_path: "/many", destination_path: "/many" }]), OWNER);
      while (env2.service.getTask(res.task_id).files_transferred === 0) await new Promise((r) => setTimeout(r, 1));
      await env2.service.cancelTask(res.task_id);
      const task = env2.service.getTask(res.task_id);
      expect(task).toMatchObject({ status: "FAILED", fatal_error: { code: "CANCELED" } });
      expect(task.files_transferred).toBeLessThan(400);
      const copied = readdirSync(`${env2.dstRoot}/many`).length;
      await new Promise((r) => setTimeout(r, 50));
      expect(readdirSync(`${env2.dstRoot}/many`).length).toBe(copied);
    } finally {
      await env2.cleanup();
    }
  });

  it("unknown task ids are 404s", async () => {
    expect(() => env.service.getTask("nope")).toThrow(TransferApiError);
    await expect(env.service.cancelTask("nope")).rejects.toMatchObject({ httpStatus: 404 });
  });
});

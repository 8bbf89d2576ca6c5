import { existsSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TaskDocument } from "../../../src/local/transfer/types.js";
import { deleteBody, DST, expectShape, fixture, makeEnv, OWNER, read, write, type Env } from "./helpers.js";

let env: Env;
beforeEach(() => {
  env = makeEnv({ progressIntervalMs: 0 });
});
afterEach(() => env.cleanup());

async function runDelete(body: ReturnType<typeof deleteBody>): Promise<TaskDocument> {
  const res = await env.service.submitDelete(body, OWNER);
  expectShape(res, fixture("cli-submit_delete_success.0.json"));
  expect(res).toMatchObject({ DATA_TYPE: "delete_result", code: "Accepted", resource: "/delete" });
  return env.service.waitForTask(res.task_id);
}

describe("delete tasks", () => {
  it("deletes a file; the task looks like the real successful delete", async () => {
    write(env.dstRoot, "file1.txt", "x");
    const task = await runDelete(deleteBody(["/~/file1.txt"]));
    expect(existsSync(join(env.dstRoot, "file1.txt"))).toBe(false);
    const real = fixture<TaskDocument>("cli-submit_delete_success.1.json");
    for (const k of ["type", "status", "files", "directories", "faults", "subtasks_total", "subtasks_succeeded", "subtasks_failed", "fatal_error", "destination_endpoint", "destination_endpoint_id", "destination_endpoint_display_name", "sync_level", "verify_checksum", "bytes_transferred"] as const) {
      expect(task[k], k).toEqual(real[k]);
    }
    expect(task).toMatchObject({ source_endpoint_id: DST, source_endpoint_display_name: "Destination Collection", recursive_symlinks: null });
  });

  it("a missing path fails with FILE_NOT_FOUND exactly like the real failed delete", async () => {
    const task = await runDelete(deleteBody(["/nope"]));
    const real = fixture<TaskDocument>("cli-submit_delete_failed.1.json");
    for (const k of ["status", "fatal_error", "faults", "files", "subtasks_total", "subtasks_failed", "subtasks_succeeded", "subtasks_pending"] as const) {
      expect(task[k], k).toEqual(real[k]);
    }
  });

  it("ignore_missing turns a missing path into success", async () => {
    write(env.dstRoot, "a", "a");
    const task = await runDelete(deleteBody(["/nope", "/a"], { ignore_missing: true }));
    expect(task.status).toBe("SUCCEEDED");
    expect(existsSync(join(env.dstRoot, "a"))).toBe(false);
  });

  it("directories need recursive; with it the whole tree goes and is counted", async () => {
    write(env.dstRoot, "dir/a.txt", "a");
    write(env.dstRoot, "dir/sub/b.txt", "b");
    const refused = await runDelete(deleteBody(["/dir/"]));
    expect(refused).toMatchObject({ status: "FAILED", fatal_error: { code: "IS_A_DIRECTORY" } });
    expect(read(env.dstRoot, "dir/a.txt")).toBe("a");
    const task = await runDelete(deleteBody(["dir/"], { recursive: true }));
    expect(task).toMatchObject({ status: "SUCCEEDED", files: 2, directories: 2 });
    expect(existsSync(join(env.dstRoot, "dir"))).toBe(false);
  });

  it("interpret_globs expands the last component; without it a glob is a literal name", async () => {
    write(env.dstRoot, "logs/a.log", "");
    write(env.dstRoot, "logs/b.log", "");
    write(env.dstRoot, "logs/keep.txt", "");
    write(env.dstRoot, "logs/*.log", "literal");
    const literal = await runDelete(deleteBody(["/logs/*.log"]));
    expect(literal.status).toBe("SUCCEEDED");
    expect(readdirSync(join(env.dstRoot, "logs")).sort()).toEqual(["a.log", "b.log", "keep.txt"]);
    const globbed = await runDelete(deleteBody(["/logs/*.log"], { interpret_globs: true }));
    expect(globbed).toMatchObject({ status: "SUCCEEDED", files: 2 });
    expect(readdirSync(join(env.dstRoot, "logs"))).toEqual(["keep.txt"]);
    const none = await runDelete(deleteBody(["/logs/*.nothing"], { interpret_globs: true }));
    expect(none.fatal_error?.code).toBe("FILE_NOT_FOUND");
  });

  it("removes a symlink itself, never its target, even a target outside the collection", async () => {
    const outside = write(env.dir, "outside/precious.txt", "p");
    symlinkSync(outside, join(env.dstRoot, "link"));
    symlinkSync(join(env.dir, "outside"), join(env.dstRoot, "dirlink"));
    const task = await runDelete(deleteBody(["/link", "/dirlink"], { recursive: true }));
    expect(task).toMatchObject({ status: "SUCCEEDED", symlinks: 2 });
    expect(read(env.dir, "outside/precious.txt")).toBe("p");
    expect(readdirSync(env.dstRoot)).toEqual([]);
  });

  it("refuses to delete the collection root or anything above it", async () => {
    write(env.dstRoot, "a", "a");
    for (const p of ["/", "/~/", "/.."]) {
      const task = await runDelete(deleteBody([p], { recursive: true }));
      expect(task.fatal_error?.code, p).toBe("PERMISSION_DENIED");
    }
    expect(read(env.dstRoot, "a")).toBe("a");
  });

  it("validates the body: no items, bad DATA_TYPE, unknown endpoint", async () => {
    await expect(env.service.submitDelete(deleteBody([]), OWNER)).rejects.toMatchObject({ httpStatus: 400, code: "ClientError.BadRequest.NoDeleteItems" });
    await expect(env.service.submitDelete({ ...deleteBody(["/a"]), DATA_TYPE: "transfer" } as never, OWNER)).rejects.toMatchObject({ httpStatus: 400 });
    await expect(env.service.submitDelete(deleteBody(["/a"], { endpoint: "nope" }), OWNER)).rejects.toMatchObject({ httpStatus: 404 });
  });

  it("a transfer submission_id reused for a delete is a 409", async () => {
    const body = deleteBody(["/x"], { ignore_missing: true });
    await runDelete(body);
    const transfer = { DATA_TYPE: "transfer", submission_id: body.submission_id, source_endpoint: DST, destination_endpoint: DST, DATA: [{ DATA_TYPE: "transfer_item", source_path: "/a", destination_path: "/b" }] };
    await expect(env.service.submitTransfer(transfer as never, OWNER)).rejects.toMatchObject({ httpStatus: 409 });
  });
});

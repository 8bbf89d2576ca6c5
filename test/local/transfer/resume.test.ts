import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../../../src/local/store.js";
import { TaskStore } from "../../../src/local/transfer/task-store.js";
import { DST, makeEnv, OWNER, runTransfer, SRC, transferBody, write, type Env } from "./helpers.js";

let env: Env;
beforeEach(() => {
  env = makeEnv({ progressIntervalMs: 0 });
});
afterEach(() => env.cleanup());

const digest = (root: string, dir: string) =>
  readdirSync(join(root, dir))
    .sort()
    .map((f) => `${f}:${createHash("md5").update(readFileSync(join(root, dir, f))).digest("hex")}`);

describe("restart safety", () => {
  it("a task left ACTIVE mid-copy is resumed by a new process on the same store: one task, correct files", async () => {
    for (let i = 0; i < 20; i++) write(env.srcRoot, `data/f${i}`, `content ${i}`.repeat(100));
    const done = await runTransfer(env, transferBody([{ source_path: "/data", destination_path: "/data" }], { sync_level: 1 }));
    expect(done.status).toBe("SUCCEEDED");

    // Rewind the durable record to the state of a process killed half-way: ACTIVE, partial
    // counters, a truncated destination file, a missing one and a stray temporary.
    const tasks = new TaskStore(env.store);
    const stored = tasks.get(done.task_id)!;
    env.store.put("transfer.task", done.task_id, {
      ...stored,
      doc: { ...stored.doc, status: "ACTIVE", completion_time: null, nice_status: "OK", is_ok: true, files_transferred: 7, key: "active,x" },
    });
    truncateSync(join(env.dstRoot, "data/f3"), 5);
    rmSync(join(env.dstRoot, "data/f4"));
    writeFileSync(join(env.dstRoot, "data/.f5.flowsmith-deadbeef.part"), "partial");
    const dstBefore = digest(env.dstRoot, "data");

    const service = env.restart();
    expect(service.resumeActiveTasks()).toEqual([done.task_id]);
    const resumed = await service.waitForTask(done.task_id);
    expect(resumed.status).toBe("SUCCEEDED");
    expect(resumed.task_id).toBe(done.task_id);
    expect(service.taskList().total).toBe(1);
    // sync_level 1 repaired exactly the broken file sizes.
    expect(resumed.files_transferred).toBe(2);
    expect(digest(env.dstRoot, "data").filter((x) => !x.startsWith(".f5"))).toEqual(digest(env.srcRoot, "data"));
    expect(dstBefore).not.toEqual(digest(env.srcRoot, "data"));
    // Nothing left to resume, and a finished task is never executed again.
    expect(service.resumeActiveTasks()).toEqual([]);
  });

  it("a task persisted but never started (process died right after submit) runs once after restart", async () => {
    write(env.srcRoot, "f.txt", "hello");
    const body = transferBody([{ source_path: "/f.txt", destination_path: "/f.txt" }]);
    const res = await env.service.submitTransfer(body, OWNER);
    await env.service.stop(); // stops before the first checkpoint: the record stays ACTIVE/Queued
    expect(env.service.getTask(res.task_id)).toMatchObject({ status: "ACTIVE", nice_status: "Queued" });

    const service = env.restart();
    // A client retrying its submission after the crash still gets the one task.
    expect(await service.submitTransfer(body, OWNER)).toMatchObject({ code: "Duplicate", task_id: res.task_id });
    service.resumeActiveTasks();
    const task = await service.waitForTask(res.task_id);
    expect(task.status).toBe("SUCCEEDED");
    expect(readFileSync(join(env.dstRoot, "f.txt"), "utf8")).toBe("hello");
    expect(service.eventList(res.task_id, { limit: 100 }).DATA.filter((e) => e.code === "STARTED")).toHaveLength(1);
    expect(service.taskList().total).toBe(1);
  });

  it("completed tasks are not re-executed by resumeActiveTasks", async () => {
    write(env.srcRoot, "f.txt", "v1");
    const task = await runTransfer(env, transferBody([{ source_path: "/f.txt", destination_path: "/f.txt" }]));
    writeFileSync(join(env.dstRoot, "f.txt"), "changed later");
    const service = env.restart();
    expect(service.resumeActiveTasks()).toEqual([]);
    await service.whenIdle();
    expect(readFileSync(join(env.dstRoot, "f.txt"), "utf8")).toBe("changed later");
    expect(service.getTask(task.task_id).status).toBe("SUCCEEDED");
  });

  it("survives a real SIGKILL mid-transfer: the restarted service finishes the same task", async () => {
    const files = 300;
    for (let i = 0; i < files; i++) write(env.srcRoot, `big/f${String(i).padStart(3, "0")}`, Buffer.alloc(128 * 1024, i));
    env.store.close();
    const child = spawn(process.execPath, ["--import", "tsx", join(import.meta.dirname, "crash-child.ts"), env.dbFile, env.srcRoot, env.dstRoot, SRC, DST, OWNER], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const taskId = await new Promise<string>((resolve, reject) => {
      child.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
      child.once("exit", (code) => reject(new Error(`child exited early (${code})`)));
    });
    const observer = new SqliteStore(env.dbFile);
    const tasks = new TaskStore(observer);
    const deadline = Date.now() + 20_000;
    while ((tasks.get(taskId)?.doc.files_transferred ?? 0) < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
    const atCrash = tasks.get(taskId)!.doc;
    observer.close();
    expect(atCrash.status).toBe("ACTIVE");
    expect(atCrash.files_transferred).toBeLessThan(files);

    const service = env.restart();
    expect(service.resumeActiveTasks()).toEqual([taskId]);
    const task = await service.waitForTask(taskId);
    expect(task).toMatchObject({ status: "SUCCEEDED", files: files, files_transferred: files });
    expect(service.taskList().total).toBe(1);
    expect(readdirSync(join(env.dstRoot, "big")).filter((f) => f.startsWith("."))).toEqual([]);
    expect(digest(env.dstRoot, "big")).toEqual(digest(env.srcRoot, "big"));
  });
});

import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../../../src/local/store.js";
import { encodeTaskPayload } from "../../../src/wire/compute-serialization.js";
import type { StoredTask } from "../../../src/local/compute/types.js";
import { alive, EP, harness, tempDir, until, type Harness } from "./helpers.js";

const CHILD = fileURLToPath(new URL("./crash-runtime.ts", import.meta.url));

interface Crashed {
  dir: string;
  db: string;
  marker: string;
  taskId: string;
  workerPid: number;
}

/**
 * Runs a runtime in a child process until its task has started in a worker, then SIGKILLs
 * that runtime (only the node process: the detached worker lives on).
 */
async function crashWhileRunning(sleepSeconds: number): Promise<Crashed> {
  const dir = tempDir();
  const db = join(dir, "state.db");
  const marker = join(dir, "marker");
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, db, dir, EP, marker, String(sleepSeconds)], { stdio: ["ignore", "pipe", "inherit"] });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`runtime exited early (${code})`)));
  });
  const { task_id: taskId } = JSON.parse(line) as { task_id: string };
  await until(() => existsSync(marker), 10_000, "the task to start");
  const peek = new SqliteStore(db);
  const workerPid = await until(() => peek.get<StoredTask>("compute.task", taskId)?.worker_pid, 5000, "the worker pid");
  peek.close();
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
  return { dir, db, marker, taskId, workerPid };
}

const runs = (c: Crashed) => readFileSync(c.marker, "utf8").split("\n").filter(Boolean).length;

let open: Harness | undefined;
let dirs: string[] = [];
afterEach(async () => {
  await open?.close();
  open = undefined;
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

async function restart(c: Crashed): Promise<Harness> {
  dirs.push(c.dir);
  open = await harness({ [EP]: { workers: 1 } }, { dir: c.dir, db: c.db });
  return open;
}

describe("recovery after the runtime is SIGKILLed", () => {
  it("waits for a worker that outlived the runtime and takes its result without running the task again", async () => {
    const c = await crashWhileRunning(1.5);
    expect(alive(c.workerPid)).toBe(true);
    const h = await restart(c);
    expect(h.recovery).toEqual({ completed: 0, resumed: 1, requeued: 0, failed: 0, waiting: 0 });
    const done = await h.service.waitForTask(c.taskId, 10_000);
    expect(done).toMatchObject({ status: "success", result: "11\n1" });
    expect(runs(c)).toBe(1);
    await until(() => !alive(c.workerPid), 5000, "the orphaned worker to exit at end of input");
  });

  it("completes a task from its result file when the worker finished while no runtime was up", async () => {
    const c = await crashWhileRunning(0.2);
    await until(() => existsSync(join(c.dir, "compute", "results", `${c.taskId}.json`)) && !alive(c.workerPid), 10_000, "the worker to record and exit");
    const h = await restart(c);
    expect(h.recovery).toEqual({ completed: 1, resumed: 0, requeued: 0, failed: 0, waiting: 0 });
    expect(h.service.getTask(c.taskId)).toMatchObject({ status: "success", result: "11\n1" });
    expect(runs(c)).toBe(1);
    expect(existsSync(join(c.dir, "compute", "results", `${c.taskId}.json`))).toBe(false);
    // A later restart finds nothing to do.
    await h.close();
    open = undefined;
    const again = await restart(c);
    expect(again.recovery).toEqual({ completed: 0, resumed: 0, requeued: 0, failed: 0, waiting: 0 });
    expect(runs(c)).toBe(1);
    expect(again.service.getTask(c.taskId).status).toBe("success");
  });

  it("queues a task again, once, when its worker died with the runtime and left no result", async () => {
    const c = await crashWhileRunning(30);
    process.kill(-c.workerPid, "SIGKILL");
    await until(() => !alive(c.workerPid), 5000, "the worker to die");
    const h = await restart(c);
    expect(h.recovery).toEqual({ completed: 0, resumed: 0, requeued: 1, failed: 0, waiting: 0 });
    const done = await h.service.waitForTask(c.taskId, 10_000);
    expect(done).toMatchObject({ status: "success", result: "11\n2" });
    expect(runs(c)).toBe(2);
    const doc = h.store.get<StoredTask>("compute.task", c.taskId)!;
    expect(doc.requeues).toBe(1);
    await h.close();
    open = undefined;
    expect((await restart(c)).recovery.requeued).toBe(0);
    expect(runs(c)).toBe(2);
  });
});

describe("workers that go away", () => {
  it("fails a task whose worker died under it as WorkerLost, and replaces the worker", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const h = (open = await harness({ [EP]: { workers: 1 } }, { dir }));
    const die = h.register("die", "import os\ndef die():\n    os._exit(3)\n");
    const ok = h.register("ok", "def ok():\n    return 'ok'\n");
    const r = h.service.submitV3(EP, { tasks: { [die]: [encodeTaskPayload()], [ok]: [encodeTaskPayload()] } });
    const lost = await h.service.waitForTask(r.tasks[die][0], 10_000);
    expect(lost.status).toBe("failed");
    expect(lost.exception).toMatch(/^WorkerLost: Task failure due to loss of worker \d+ on host .* \(exited with code 3\)/);
    expect((await h.service.waitForTask(r.tasks[ok][0], 10_000)).result).toBe('11\n"ok"');
  });

  it("leaves a task shutdown interrupted for the next start, which runs it again", async () => {
    const dir = tempDir();
    dirs.push(dir);
    const marker = join(dir, "marker");
    const first = await harness({ [EP]: { workers: 1 } }, { dir, shutdownGraceMs: 100 });
    const mark = first.register("mark", "import time\ndef mark(path):\n    with open(path, 'a+') as f:\n        f.seek(0)\n        n = len(f.readlines())\n        f.write('ran\\n')\n    if n == 0:\n        time.sleep(20)\n    return n + 1\n");
    const r = first.service.submitV3(EP, { tasks: { [mark]: [encodeTaskPayload([marker])] } });
    const taskId = r.tasks[mark][0];
    await until(() => existsSync(marker), 5000, "the task to start");
    await first.close();
    const second = (open = await harness({ [EP]: { workers: 1 } }, { dir }));
    expect(second.recovery).toEqual({ completed: 0, resumed: 0, requeued: 0, failed: 0, waiting: 1 });
    expect((await second.service.waitForTask(taskId, 10_000)).result).toBe("11\n2");
  });
});

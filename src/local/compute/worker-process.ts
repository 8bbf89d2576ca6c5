/**
 * One python3 worker process (worker.py) seen from Node: spawn, the JSON-lines protocol,
 * and killing. Workers are detached into their own process group so that they outlive a
 * runtime that is SIGKILLed (finishing and recording the task in hand) and so that a kill
 * reaches the children a function started.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { assetPath, packageRoot } from "../../assets.js";
import type { TaskResultRecord } from "./result-file.js";
import { workerEnv } from "./worker-env.js";

export interface WorkerLaunch {
  python?: string;
  env?: Record<string, string>;
  /** Names passed through from the runtime's environment besides the allow-list (worker-env.ts). */
  passEnv?: readonly string[];
  /** Directories put in front of PATH. */
  pathPrefix?: string[];
  cwd?: string;
  resultDir: string;
  endpointId: string;
  /** A file descriptor open for appending that receives the worker's stdout/stderr. */
  logFd: number | "ignore";
}

export interface RunMessage {
  type: "run";
  task_id: string;
  function_id: string;
  name?: string;
  source?: string;
  args: string;
  kwargs: string;
  serializers: readonly string[];
}

export type WorkerMessage =
  | { type: "ready"; pid: number; python_version: string; executable: string }
  | ({ type: "done" } & TaskResultRecord);

/**
 * worker.py sits beside this module: in src/ under vitest and tsx, and in dist/ where the
 * build copies it (COPIED_ASSETS). Never looked up in a source checkout: an installed
 * package that lacks it is broken, and says so.
 */
export function workerScriptPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, "worker.py");
  if (existsSync(beside)) return beside;
  return assetPath(relative(packageRoot(), beside));
}


export class WorkerProcess {
  readonly child: ChildProcess;
  /** Functions whose source this worker already holds. */
  readonly loaded = new Set<string>();
  ready = false;
  exited = false;
  private buffer = "";

  constructor(
    launch: WorkerLaunch,
    onMessage: (w: WorkerProcess, m: WorkerMessage) => void,
    onExit: (w: WorkerProcess, code: number | null, signal: NodeJS.Signals | null, error?: Error) => void,
  ) {
    this.child = spawn(launch.python ?? "python3", [workerScriptPath(), launch.resultDir, launch.endpointId], {
      cwd: launch.cwd,
      env: workerEnv(launch),
      detached: true,
      stdio: ["pipe", "pipe", launch.logFd],
    });
    let spawnError: Error | undefined;
    this.child.on("error", (e) => {
      spawnError ??= e;
    });
    this.child.stdin?.on("error", () => {
      // EPIPE when the worker died first; its exit is reported through "close".
    });
    this.child.stdout?.setEncoding("utf8");
    this.child.stdout?.on("data", (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf("\n")) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        if (line.trim() === "") continue;
        let msg: WorkerMessage;
        try {
          msg = JSON.parse(line) as WorkerMessage;
        } catch {
          continue;
        }
        if (msg.type === "ready") this.ready = true;
        onMessage(this, msg);
      }
    });
    // "close" comes after stdout is drained, so a reply written just before exit is not lost.
    this.child.on("close", (code, signal) => {
      this.exited = true;
      onExit(this, code, signal, spawnError);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  send(msg: RunMessage): void {
    this.child.stdin?.write(JSON.stringify(msg) + "\n");
  }

  /** End of input: the worker finishes the task in hand, records it and exits. */
  closeInput(): void {
    this.child.stdin?.end();
  }

  kill(): void {
    if (this.pid !== undefined && !this.exited) killProcessGroup(this.pid);
  }
}

export function killProcessGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

/**
 * Whether `pid` is still one of our workers: alive, not a zombie, and (where /proc exists)
 * running worker.py, so a recycled pid is not mistaken for the worker.
 */
export function isWorkerAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: gone; EPERM: the pid now belongs to another user, so not our worker.
    return false;
  }
  if (!existsSync("/proc/self")) return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    if (state === "Z" || state === "X") return false;
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("worker.py");
  } catch {
    return false;
  }
}

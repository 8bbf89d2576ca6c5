/** A tiny flows project for hostile-user tests: Pass and Wait flows, a local environment. */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { spawn, type ChildProcess } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO } from "../support/paths.js";

export function tinyProject(opts: { waits?: Record<string, number>; yaml?: string } = {}): string {
  const p = mkdtempSync(join(tmpdir(), "flowsmith-tiny-"));
  mkdirSync(join(p, "flows"));
  mkdirSync(join(p, "schemas"));
  const schema = (name: string) => writeFileSync(join(p, "schemas", `${name}.json`), JSON.stringify({ type: "object", properties: { note: { type: "string" } }, additionalProperties: false }));
  schema("hello");
  mkdirSync(join(p, "node_modules"));
  symlinkSync(REPO, join(p, "node_modules", "flowsmith"));
  writeFileSync(join(p, "package.json"), JSON.stringify({ name: "tiny", private: true, type: "module" }));
  writeFileSync(join(p, "flowsmith.yaml"), opts.yaml ?? "project: tiny\nenvironments:\n  local:\n    kind: local\n");
  writeFileSync(join(p, "flows", "hello.flow.ts"), 'import { defineFlow, pass } from "flowsmith";\nexport default defineFlow({ name: "hello", title: "Hello", build: () => pass("Hi", { result: { greeting: "hi" }, resultPath: "$.out" }) });\n');
  for (const [name, seconds] of Object.entries(opts.waits ?? {})) {
    schema(name);
    writeFileSync(
      join(p, "flows", `${name}.flow.ts`),
      `import { defineFlow, pass, wait } from "flowsmith";\nexport default defineFlow({ name: "${name}", title: "Waits ${seconds} s", rundir: (dir) => ({ note: dir.name }), build: () => wait("Nap", { seconds: ${seconds} }).next(pass("Done", { result: "ok", resultPath: "$.done" })) });\n`,
    );
  }
  return p;
}

export interface Spawned {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  done: Promise<number>;
  /** Resolves when stderr+stdout matches. */
  waitFor(re: RegExp, ms?: number): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Kill what a test spawned and left running (a failed assertion skips its own cleanup). */
export function reapSpawned(): void {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  running.clear();
}

export function spawnCli(args: string[], cwd: string, env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, [join(REPO, "bin", "flowsmith.js"), ...args], { cwd, env: { ...process.env, NO_COLOR: "1", ...env } });
  running.add(child);
  child.on("exit", () => running.delete(child));
  const s: Spawned = {
    child,
    stdout: "",
    stderr: "",
    done: new Promise((r) => child.on("exit", (code, sig) => r(code ?? (sig ? 128 : -1)))),
    waitFor(re, ms = 15_000) {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out waiting for ${re}; stdout: ${s.stdout}\nstderr: ${s.stderr}`)), ms);
        const check = () => {
          if (re.test(s.stdout + s.stderr)) {
            clearTimeout(t);
            resolve();
          }
        };
        child.stdout!.on("data", check);
        child.stderr!.on("data", check);
        check();
      });
    },
  };
  child.stdout!.on("data", (d) => (s.stdout += d));
  child.stderr!.on("data", (d) => (s.stderr += d));
  return s;
}

/** Running the built CLI as a user would: a child process, its exit code and output. */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO } from "./paths.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function flowsmith(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): CliRun {
  const r = spawnSync(process.execPath, [join(REPO, "bin", "flowsmith.js"), ...args], {
    cwd: opts.cwd ?? REPO,
    // The test retry policy: real retries, millisecond backoff (src/globus/retry.ts).
    env: { ...process.env, NO_COLOR: "1", FLOWSMITH_RETRY_BASE_MS: "1", FLOWSMITH_RETRY_MAX_MS: "20", ...opts.env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

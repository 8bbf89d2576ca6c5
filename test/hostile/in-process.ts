/**
 * The CLI's run() called in this process, from a given directory, with its output captured:
 * thousands of fuzz cases and quick exit-code checks without a subprocess each.
 */
import { run } from "../../src/cli/main.js";
import type { Output } from "../../src/cli/output.js";

export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(args: readonly string[], cwd: string): Promise<InProcessRun> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (t) => void out.push(t), err: (t) => void err.push(t), color: false };
  // Let timers and I/O run between cases: thousands of back-to-back calls that each finish
  // in microtasks would otherwise starve vitest's own worker messages.
  await new Promise((r) => setImmediate(r));
  const before = process.cwd();
  process.chdir(cwd);
  try {
    const code = await run(["node", "flowsmith", ...args], output);
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    process.chdir(before);
    process.exitCode = 0;
  }
}

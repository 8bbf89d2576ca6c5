/** What every command gets: where the project is and how to talk to the user. */
import type { Output } from "./output.js";

export interface CliContext {
  root: string;
  output: Output;
  /**
   * Record the exit code of an outcome that is not a thrown failure (a run that did not
   * succeed, diagnostics with errors). Failures are thrown and mapped in src/cli/failure.ts.
   */
  exit?: (code: number) => void;
}

/** Set the command's exit code (without ctx.exit, e.g. a test registering one command: process.exitCode). */
export function setExitCode(ctx: CliContext, code: number): void {
  if (ctx.exit) ctx.exit(code);
  else process.exitCode = code;
}

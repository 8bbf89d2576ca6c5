/**
 * The one place a failure becomes an exit code and a message: typed errors carry a code
 * of the catalog in src/errors.ts (and a hint); system errors and commander's usage errors
 * are classified here; anything else is INTERNAL. src/cli/main.ts renders the result, as
 * text on stderr or, with --json, as {"error":{"code","message","hint"}} on stdout.
 */
import { CommanderError } from "commander";
import { ERROR_CODES, isCodedError, type ErrorCode, type ExitCode } from "../errors.js";

export interface Failure {
  code: ErrorCode;
  message: string;
  hint: string | null;
  exit: ExitCode;
  /** How the text output labels the hint: "fix" when it is the exact command that fixes it (auth errors). */
  label: "fix" | "hint";
  /** Commander already printed the message (usage errors). */
  printed?: boolean;
  /** For INTERNAL failures, shown with FLOWSMITH_DEBUG=1. */
  stack?: string;
}

const failure = (code: ErrorCode, message: string, hint?: string | null, extra: Partial<Failure> = {}): Failure => ({ code, message, hint: hint ?? null, exit: ERROR_CODES[code].exit, label: "hint", ...extra });

/** Classify a thrown value; undefined for commander's help/--version (not a failure). */
export function describeFailure(e: unknown): Failure | undefined {
  if (e instanceof CommanderError) {
    if (e.exitCode === 0 || e.code === "commander.helpDisplayed" || e.code === "commander.version") return undefined;
    return failure("USAGE", e.message.replace(/^error: /, ""), "see --help", { printed: true });
  }
  if (isCodedError(e)) return failure(e.errorCode, e.message, e.hint, "fix" in e ? { label: "fix" } : {});
  const sys = e as NodeJS.ErrnoException;
  if (typeof sys?.code === "string" && /^E[A-Z]+$/.test(sys.code) && (sys.syscall || sys.path)) {
    // A file or network problem on this machine: say which, not "unexpected".
    if (sys.code === "EADDRINUSE") return failure("SERVICE_UNAVAILABLE", `the port is already in use (${sys.message})`, "pick another with --port, or stop what uses it");
    if (sys.code === "ECONNREFUSED") return failure("SERVICE_UNAVAILABLE", sys.message);
    return failure("FILE_ERROR", sys.message);
  }
  const err = e instanceof Error ? e : new Error(String(e));
  return failure("INTERNAL", `unexpected failure: ${err.message}`, "set FLOWSMITH_DEBUG=1 for details, and please report it", err.stack ? { stack: err.stack } : {});
}

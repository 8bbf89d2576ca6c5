/**
 * Errors as data: the catalog of error codes library code throws with, and the documented
 * exit codes. Library errors carry `errorCode` (a key of ERROR_CODES) and an optional
 * `hint`; only src/cli/failure.ts turns an error into an exit code and a message (or, with
 * --json, `{"error":{"code","message","hint"}}` on stdout), and only src/cli/main.ts prints it.
 */
export const EXIT = {
  OK: 0,
  /** Invalid input: a bad flag, file, definition, schema or run input. */
  INVALID: 1,
  /** A run ended in a status other than SUCCEEDED. */
  RUN_FAILED: 2,
  /** Authentication or authorization failed. */
  AUTH: 3,
  /** A service or the network failed. */
  SERVICE: 4,
  /** The command stopped following a run (Ctrl-C) that has not ended; `runs show ID --follow` reattaches. */
  DETACHED: 5,
  /** `local status`: no local runtime is running (or it does not answer). */
  NOT_RUNNING: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Every error code flowsmith reports, with the exit code it maps to. Codes are stable API. */
export const ERROR_CODES = {
  /** A bad flag, file, definition, schema, configuration or run input. */
  INVALID_INPUT: { exit: EXIT.INVALID },
  /** The command line itself: unknown option, missing argument. */
  USAGE: { exit: EXIT.INVALID },
  /** A file could not be read or written (ENOENT, EACCES, ...). */
  FILE_ERROR: { exit: EXIT.INVALID },
  /** Another local runtime already serves the data directory. */
  RUNTIME_BUSY: { exit: EXIT.INVALID },
  /** A run ended in a status other than SUCCEEDED. */
  RUN_NOT_SUCCEEDED: { exit: EXIT.RUN_FAILED },
  /** No usable credentials: not logged in, a token expired or was revoked, client not set. */
  AUTH_REQUIRED: { exit: EXIT.AUTH },
  /** Consent or a session policy is missing for a scope. */
  CONSENT_REQUIRED: { exit: EXIT.AUTH },
  /** A service answered with an error. */
  SERVICE_ERROR: { exit: EXIT.SERVICE },
  /** A service could not be reached (connection refused, timeout, port in use). */
  SERVICE_UNAVAILABLE: { exit: EXIT.SERVICE },
  /** Following a run stopped (Ctrl-C) before it ended. */
  DETACHED: { exit: EXIT.DETACHED },
  /** `local status`: no local runtime runs for the data directory. */
  NOT_RUNNING: { exit: EXIT.NOT_RUNNING },
  /** A bug: an error nobody classified. */
  INTERNAL: { exit: EXIT.INVALID },
} as const satisfies Record<string, { exit: ExitCode }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** What an error must carry to be reported as data. */
export interface CodedError extends Error {
  readonly errorCode: ErrorCode;
  readonly hint?: string | undefined;
}

export function isCodedError(e: unknown): e is CodedError {
  return e instanceof Error && typeof (e as Partial<CodedError>).errorCode === "string" && (e as CodedError).errorCode in ERROR_CODES;
}

const CODE_FOR_EXIT: Record<ExitCode, ErrorCode> = { 0: "INTERNAL", 1: "INVALID_INPUT", 2: "RUN_NOT_SUCCEEDED", 3: "AUTH_REQUIRED", 4: "SERVICE_ERROR", 5: "DETACHED", 6: "NOT_RUNNING" };

/**
 * The general-purpose typed error. `new FlowsmithError("INVALID_INPUT", msg, hint)`; the
 * older spelling `new CliError(msg, EXIT.X, hint)` picks the catalog code of that exit code.
 */
export class FlowsmithError extends Error implements CodedError {
  constructor(
    readonly errorCode: ErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "FlowsmithError";
  }

  get exitCode(): ExitCode {
    return ERROR_CODES[this.errorCode].exit;
  }
}

export class CliError extends FlowsmithError {
  constructor(message: string, exitCode: ExitCode = EXIT.INVALID, hint?: string, code: ErrorCode = CODE_FOR_EXIT[exitCode]) {
    super(code, message, hint);
    this.name = "CliError";
  }
}

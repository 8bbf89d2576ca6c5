/**
 * The CLI's documented exit codes and the one error type commands throw to use them.
 * Only src/cli/main.ts prints errors and decides the exit code.
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

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.INVALID,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "CliError";
  }
}

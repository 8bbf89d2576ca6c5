/**
 * Errors raised inside a run. `name` is the Globus error name that Catch `ErrorEquals`
 * matches; `catchable` is false for failures of the flow itself (States.Runtime-style),
 * which end the run whatever its catchers say.
 */
export class FlowRunError extends Error {
  constructor(
    readonly errorName: string,
    message: string,
    readonly payload?: unknown,
    readonly catchable = true,
  ) {
    super(message);
    this.name = errorName;
  }
}

/** A `.$` path, ResultPath or expression failed: the definition does not fit the data. */
export function runtimeError(message: string, payload?: unknown): FlowRunError {
  return new FlowRunError("States.Runtime", message, payload, false);
}

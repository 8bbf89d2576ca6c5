/**
 * What a flow declares about time beyond its own run: follow-up runs of other flows a
 * while after a run SUCCEEDED (ALS: prune ALCF after 2 days, NERSC scratch after 7), and
 * named recurring timers of the flow itself. Globus's answer to "later" and "every hour"
 * is the Timers service; a run no longer waits for days inside a Wait state.
 */

/** A run that SUCCEEDED, as a follow-up's functions see it. */
export interface FinishedRun<I> {
  run_id: string;
  label: string | null;
  input: I;
  /** The run's final state (`details.output`): its input plus every ResultPath. */
  output: Record<string, unknown>;
}

export interface FollowUpDeclaration<I> {
  /** Short name, unique within the flow (e.g. `prune-alcf`); the timer is named after it and the run. */
  name: string;
  /** The flow to run: a flow name in flows/ (deployed on demand locally). */
  flow: string;
  /** Seconds after the run SUCCEEDED; 0, a negative number or undefined means no follow-up for this run. */
  after: (run: FinishedRun<I>) => number | undefined;
  /** The follow-up run's input document. */
  input: (run: FinishedRun<I>) => unknown;
  /** The follow-up run's label (default: `<name> <first 8 of run id>`). */
  label?: (run: FinishedRun<I>) => string;
  tags?: string[];
}

export interface TimerDeclaration {
  /** Unique within the flow; deploy-flow finds the timer by `<project>/<flow>/<name>`. */
  name: string;
  /** Interval, e.g. `1h30m`, `1d`, `45m`. */
  every: string;
  /** First run (ISO 8601); default: when it is first deployed. */
  start?: string;
  stopAfterRuns?: number;
  stopAfterDate?: string;
  /** The run input: a document, or a function of this environment's values (flowsmith.yaml). */
  input: unknown | ((env: Record<string, unknown>) => unknown);
  label?: string;
  tags?: string[];
}

/** Seconds in `n` days (declarations read better as `days(input.prune.alcf_after_days)`). */
export const days = (n: number): number => Math.round(n * 86400);

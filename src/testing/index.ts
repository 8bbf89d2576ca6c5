/**
 * flowsmith/testing: run a project's flows on the local runtime inside the project's own
 * test suite (vitest, jest, node:test). See the README's "Testing your flows".
 */
export { startTestEnvironment, TestEnvironment, RunInputError, type TestEnvironmentOptions, type StartOptions } from "./environment.js";
export { TestRun, RunResult } from "./run.js";
export type { FollowUpResult } from "./follow-ups.js";
export { TestCollection } from "./collection.js";
export { OverrideProvider, type ActionOverride, type ActionOutcome } from "./overrides.js";
export { TimeSkippingClock } from "../engine/time-skipping-clock.js";

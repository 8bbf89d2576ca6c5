/** `defineFlow`: a flow source file's single export. */
import type { InputSchema, RunContext } from "../definition/types.js";
import type { SourceLocation } from "../definition/diagnostics.js";
import { callSite } from "./callsite.js";
import type { BaseState, Chainable } from "./state.js";
import type { PathTo } from "./values.js";
import type { FollowUpDeclaration, TimerDeclaration } from "./timers.js";

export type { RunContext };

/** A run directory handed to a flow's `rundir` mapper. */
export interface RunDirectory {
  /** Absolute path of the directory. */
  path: string;
  /** Its last path component, e.g. `run0123`. */
  name: string;
  /** Relative paths of the regular files under it, sorted. */
  files: string[];
}

/** Per-environment values from flowsmith.yaml (collections, endpoints, paths). */
export type EnvironmentValues = Record<string, unknown>;

export type BuildResult = Chainable | { start: Chainable; /** States not reachable from start (kept, e.g. by import). */ also?: BaseState[] };

export interface FlowOptions<I> {
  /** Identifier: lower-case letters, digits, `_` and `-`; names build/<name>/ and the lock entry. */
  name: string;
  title: string;
  subtitle?: string;
  description?: string;
  keywords?: string[];
  /** Top-level Comment of the definition. */
  comment?: string;
  /** The input schema: a JSON Schema object, or a path relative to the flow file (default ../schemas/<name>.json). */
  inputSchema?: InputSchema | string;
  /** Turns a run directory into this flow's input document (`run-flow --rundir`). */
  rundir?: (dir: RunDirectory, env: EnvironmentValues) => I | Promise<I>;
  /** Runs of other flows to start a given time after a run of this flow SUCCEEDED (once-timers made by run-flow). */
  followUps?: FollowUpDeclaration<I>[];
  /** Named recurring timers of this flow, created or updated by deploy-flow. */
  timers?: TimerDeclaration[];
  /** Builds the states; `$` is the run state, typed by the input. */
  build: ($: PathTo<I & { _context: RunContext }>) => BuildResult;
}

export const FLOW_BRAND = "flowsmith.flow/v1";

export interface FlowSource<I = unknown> extends FlowOptions<I> {
  readonly kind: typeof FLOW_BRAND;
  /** Where defineFlow was called (the flow file). */
  readonly site: SourceLocation | undefined;
}

export function defineFlow<I = Record<string, unknown>>(options: FlowOptions<I>): FlowSource<I> {
  return { ...options, kind: FLOW_BRAND, site: callSite() };
}

/** A flow of any input type (what loaders and the compiler handle). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFlowSource = FlowSource<any>;

export function isFlowSource(v: unknown): v is AnyFlowSource {
  return typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === FLOW_BRAND;
}

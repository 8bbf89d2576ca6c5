/**
 * The shapes the console's API answers with, shared by the server (src/ui/api) and the page
 * (src/ui/app): types only, no imports, so the browser bundle takes nothing else with them.
 */

export interface UiDiagnostic {
  file: string;
  code: string;
  severity: string;
  message: string;
  pointer: string;
  line?: number;
  column?: number;
  hint?: string;
}

export interface EnvironmentStatus {
  environment: string;
  kind: string;
  deployed: boolean;
  /** The source differs from what the lock says is deployed (flow payload or a function). */
  changed?: boolean;
  id?: string;
  /** Why the state could not be worked out (e.g. a missing value for this environment). */
  problem?: string;
}

export interface FlowSummary {
  name: string;
  file: string;
  title?: string;
  subtitle?: string;
  description?: string;
  keywords: string[];
  ok: boolean;
  diagnostics: UiDiagnostic[];
  environments: EnvironmentStatus[];
  rundir: boolean;
}

/** What a feature-detected call returns: the body, or why the panel is hidden. */
export type Maybe<T> = { available: true; body: T } | { available: false; reason: string };

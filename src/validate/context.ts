/** What every check receives: the definition being checked and a sink for diagnostics. */
import { diag, pointerOf, type Diagnostic, type DiagnosticCode, type Severity } from "../definition/diagnostics.js";

export interface ValidateOptions {
  /** The flow's input schema; enables the `$.input…` read checks. */
  inputSchema?: unknown;
  /**
   * Accept `http://127.0.0.1|localhost` ActionUrls (a custom provider under development, run
   * by the local runtime). Globus only calls https URLs; the CLI never sets this.
   */
  allowLoopbackHttp?: boolean;
}

export interface StateEntry {
  name: string;
  /** The state object (already known to be a non-null object). */
  state: Record<string, unknown>;
  type: string;
  pointer: string;
}

export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];
  /** States whose shape is sound enough for graph/semantic checks. */
  readonly states: StateEntry[] = [];
  readonly stateNames = new Set<string>();

  constructor(
    readonly definition: Record<string, unknown>,
    readonly options: ValidateOptions,
  ) {}

  report(code: DiagnosticCode, pointer: string, message: string, extra: { severity?: Severity; hint?: string } = {}): void {
    this.diagnostics.push(diag(code, pointer, message, extra));
  }

  statePointer(name: string, ...rest: (string | number)[]): string {
    return pointerOf("States", name, ...rest);
  }
}

export type Check = (ctx: CheckContext) => void;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Levenshtein distance, for "did you mean" hints on misspelled field names. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

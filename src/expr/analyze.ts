/**
 * Static analysis of expressions for the validator: which run-state names and paths an
 * expression reads, so that reads can be checked against the flow's input schema.
 *
 * Path format: keys joined by '.', list positions as `[N]`, "any element" as `[*]`; a key
 * containing '.', '[', ']', quotes or whitespace is written `['key']`.
 * e.g. `source.path`, `ls.details.DATA[*].name`, `file_manager_settings.DATA[0].source_path`.
 * `_context` is reported like any other name (it is the virtual `$._context` object).
 */
import type { Expr } from "./ast.js";
import { childrenOf } from "./ast.js";

export interface ReadAccess {
  path: string;
  /**
   * True for reads that may legitimately be absent: the dotted-name argument of
   * is_present()/getattr() and the key of dict.get('key').
   */
  optional: boolean;
  /** Span of the reading sub-expression in the source. */
  start: number;
  end: number;
}

type PathSeg = { key: string } | { index: number } | "*";

interface StaticPath {
  segs: PathSeg[];
  /** The value is exactly a comprehension variable (its iterable was already recorded). */
  bare: boolean;
}

/** Comprehension variables: the path of the element they range over, or null if unknown. */
type Env = ReadonlyMap<string, PathSeg[] | null>;

const PLAIN_KEY_RE = /^[^.[\]\s'"]+$/;

function formatReadPath(segs: readonly PathSeg[]): string {
  let out = "";
  for (const s of segs) {
    if (s === "*") out += "[*]";
    else if ("index" in s) out += `[${s.index}]`;
    else if (PLAIN_KEY_RE.test(s.key)) out += out === "" ? s.key : `.${s.key}`;
    else out += `['${s.key.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}']`;
  }
  return out;
}

function literalIndex(e: Expr): PathSeg {
  if (e.type === "Literal") {
    if (typeof e.value === "string") return { key: e.value };
    if (typeof e.value === "number" && !e.float) return { index: e.value };
  }
  if (e.type === "Unary" && e.op === "-" && e.operand.type === "Literal" && typeof e.operand.value === "number" && !e.operand.float) {
    return { index: -e.operand.value };
  }
  return "*";
}

class Analyzer {
  readonly names: string[] = [];
  readonly reads: ReadAccess[] = [];

  private addName(name: string): void {
    if (!this.names.includes(name)) this.names.push(name);
  }

  private record(p: StaticPath | null, e: Expr, optional = false): void {
    if (p === null || p.bare || p.segs.length === 0) return;
    this.reads.push({ path: formatReadPath(p.segs), optional, start: e.start, end: e.end });
  }

  /** Analyse `e` as a value that is consumed whole: its own path is a read. */
  use(e: Expr | null, env: Env): void {
    if (e === null) return;
    this.record(this.value(e, env), e);
  }

  /** Analyse `e`, recording the reads inside it, and return the path its value comes from. */
  private value(e: Expr, env: Env): StaticPath | null {
    switch (e.type) {
      case "Name": {
        if (env.has(e.name)) {
          const bound = env.get(e.name);
          return bound ? { segs: bound, bare: true } : null;
        }
        this.addName(e.name);
        return { segs: [{ key: e.name }], bare: false };
      }
      case "Path": {
        const segs: PathSeg[] = [];
        for (const s of e.path.segments) {
          if (s.kind === "key") segs.push({ key: s.name });
          else if (s.kind === "index") segs.push({ index: s.index });
          else if (s.kind === "wildcard") segs.push("*");
          else if (s.kind === "union" || s.kind === "filter") segs.push("*");
          else if (s.kind === "descent") break;
          // A slice selects elements of the same list: no segment of its own.
        }
        const first = segs[0];
        if (first !== undefined && first !== "*" && "key" in first) this.addName(first.key);
        return { segs, bare: false };
      }
      case "Attribute": {
        const p = this.value(e.object, env);
        return p && { segs: [...p.segs, { key: e.name }], bare: false };
      }
      case "Index": {
        const p = this.value(e.object, env);
        this.use(e.index, env);
        return p && { segs: [...p.segs, literalIndex(e.index)], bare: false };
      }
      case "Slice": {
        const p = this.value(e.object, env);
        this.use(e.lower, env);
        this.use(e.upper, env);
        this.use(e.step, env);
        return p;
      }
      case "Call":
        this.call(e, env);
        return null;
      case "ListComp":
      case "SetComp":
      case "DictComp":
        this.comprehension(e, env);
        return null;
      default:
        for (const c of childrenOf(e)) this.use(c, env);
        return null;
    }
  }

  private call(e: Expr & { type: "Call" }, env: Env): void {
    const first = e.args[0];
    const firstString = first?.type === "Literal" && typeof first.value === "string" ? first.value : null;
    if (e.callee.type === "Name") {
      if ((e.callee.name === "is_present" || e.callee.name === "getattr") && firstString !== null && first) {
        this.record({ segs: firstString.split(".").map((key) => ({ key })), bare: false }, first, true);
      }
    } else if (e.callee.type === "Attribute") {
      const recv = this.value(e.callee.object, env);
      this.record(recv, e.callee.object);
      if (e.callee.name === "get" && recv && firstString !== null && first) {
        this.record({ segs: [...recv.segs, { key: firstString }], bare: false }, e, true);
      }
    } else {
      this.use(e.callee, env);
    }
    for (const a of e.args) this.use(a, env);
    for (const k of e.kwargs) this.use(k.value, env);
  }

  private comprehension(e: Expr & { type: "ListComp" | "SetComp" | "DictComp" }, env: Env): void {
    const inner = new Map(env);
    e.clauses.forEach((clause, i) => {
      // The first iterable is evaluated outside the comprehension's own variables.
      const p = this.value(clause.iter, i === 0 ? env : inner);
      this.record(p, clause.iter);
      const element: PathSeg[] | null = p ? [...p.segs, "*"] : null;
      // Only a plain name is the element itself; unpacked names are parts of it.
      const whole = clause.target === undefined ? clause.targets.length === 1 : clause.target.kind === "name";
      for (const t of clause.targets) inner.set(t, whole ? element : null);
      for (const c of clause.conditions) this.use(c, inner);
    });
    if (e.type === "ListComp" || e.type === "SetComp") this.use(e.element, inner);
    else {
      this.use(e.key, inner);
      this.use(e.value, inner);
    }
  }
}

function analyze(expr: Expr): Analyzer {
  const a = new Analyzer();
  a.use(expr, new Map());
  return a;
}

/**
 * Top-level run-state names the expression reads: bare names not bound by a
 * comprehension, plus the first key of backtick paths. Called function names are not
 * reads; a builtin's name used as a value (`len` without a call) is, since it then
 * resolves in the run state.
 */
export function freeNames(expr: Expr): string[] {
  return analyze(expr).names;
}

/** Every statically known read, with its span and whether it is optional. */
export function readAccesses(expr: Expr): ReadAccess[] {
  return analyze(expr).reads;
}

/**
 * Distinct dotted paths the expression reads (optional reads included; use
 * readAccesses() to tell them apart), in order of first appearance.
 */
export function readPaths(expr: Expr): string[] {
  return [...new Set(readAccesses(expr).map((r) => r.path))];
}

/**
 * Tree-walking evaluator. The scope is the run state (top-level keys are bare names);
 * `_context` is the run context. Nothing outside the evaluation is mutated, and inputs are
 * never copied: values read from the run state are returned by reference.
 */
import type { ComprehensionClause, Expr, FStringNode, RootExpr, Target } from "./ast.js";
import { ExpressionError, Raised, raise } from "./errors.js";
import { applySpec, callBuiltin, callMethod, hasMethod, isBuiltin, sliceValue, type CallEnv } from "./functions.js";
import { readPath } from "./jsonpath.js";
import { binary, compare, unary } from "./operators.js";
import {
  codePoints,
  cpLength,
  hasOwn,
  isDict,
  isInt,
  iterate,
  mkFloat,
  pyAscii,
  pyRepr,
  pyStr,
  PyFloat,
  setKey,
  toJson,
  toNum,
  truthy,
  typeName,
} from "./values.js";

export interface EvaluateOptions {
  /** What `_context` (and `` `$._context...` ``) resolves to: flow_id, run_id, username, ... */
  context?: object;
  /** Node evaluations allowed before LimitExceeded (default 1,000,000). */
  maxSteps?: number;
}

export const DEFAULT_MAX_STEPS = 1_000_000;

interface Frame {
  readonly vars: Map<string, unknown>;
  readonly parent: Frame | null;
}

class Evaluation implements CallEnv {
  private steps = 0;
  floats = false;
  private frame: Frame | null = null;
  private rootDoc: unknown = undefined;

  constructor(
    private readonly source: string,
    private readonly scope: Record<string, unknown>,
    private readonly context: object | undefined,
    private readonly maxSteps: number,
  ) {}

  charge(n: number): void {
    this.steps += n;
    if (this.steps > this.maxSteps) raise("LimitExceeded", `evaluation exceeded the budget of ${this.maxSteps} steps`);
  }

  noteFloat(): void {
    this.floats = true;
  }

  root(): unknown {
    if (this.rootDoc === undefined) {
      this.rootDoc = this.context === undefined || !isDict(this.scope) ? this.scope : { ...this.scope, _context: this.context };
    }
    return this.rootDoc;
  }

  /** Source text of a sub-expression, for messages. */
  private text(e: Expr): string {
    return this.source ? this.source.slice(e.start, e.end) : `<${e.type}>`;
  }

  ev(e: Expr): unknown {
    this.charge(1);
    try {
      return this.dispatch(e);
    } catch (err) {
      // The innermost node sees the error first; that is the span worth reporting.
      if (err instanceof Raised && err.span === undefined) err.span = { start: e.start, end: e.end };
      throw err;
    }
  }

  private dispatch(e: Expr): unknown {
    switch (e.type) {
      case "Literal":
        return e.float && typeof e.value === "number" ? mkFloat(e.value, this) : e.value;
      case "Name":
        return this.lookup(e.name);
      case "Path": {
        const r = readPath(this.root(), e.path);
        if (!r.found) return raise("KeyError", `${r.missingAt} not found (reading \`${e.path.text}\`)`);
        return r.value;
      }
      case "List":
        return this.elements(e.elements);
      case "Set": {
        const out = new SetBuilder();
        for (const v of this.elements(e.elements)) out.add(v);
        return out.items;
      }
      case "Starred":
        return raise("TypeError", "can't use starred expression here");
      case "FString":
        return this.fstring(e);
      case "Dict": {
        const out: Record<string, unknown> = {};
        for (const { key, value } of e.entries) {
          if (key === null) {
            const m = this.ev(value);
            if (!isDict(m)) return raise("TypeError", `'${typeName(m)}' object is not a mapping`);
            this.charge(Object.keys(m).length);
            for (const k of Object.keys(m)) setKey(out, k, m[k]);
          } else {
            setKey(out, this.dictKey(this.ev(key)), this.ev(value));
          }
        }
        return out;
      }
      case "Unary": {
        const v = this.ev(e.operand);
        return e.op === "not" ? !truthy(v) : unary(e.op, v, this);
      }
      case "Binary":
        return binary(e.op, this.ev(e.left), this.ev(e.right), this);
      case "BoolOp": {
        let v: unknown = null;
        for (const x of e.values) {
          v = this.ev(x);
          if (truthy(v) === (e.op === "or")) return v;
        }
        return v;
      }
      case "Compare": {
        let left = this.ev(e.left);
        for (let i = 0; i < e.ops.length; i++) {
          const right = this.ev(e.comparators[i]!);
          if (!compare(e.ops[i]!, left, right)) return false;
          left = right;
        }
        return true;
      }
      case "Conditional":
        return truthy(this.ev(e.test)) ? this.ev(e.body) : this.ev(e.orelse);
      case "Attribute":
        return this.attribute(this.ev(e.object), e.name, e.object);
      case "Call":
        return this.call(e.callee, e.args, e.kwargs);
      case "Index":
        return this.index(this.ev(e.object), this.ev(e.index), e.object);
      case "Slice": {
        const obj = this.ev(e.object);
        const bound = (x: Expr | null): number | null => {
          if (x === null) return null;
          const v = this.ev(x);
          if (v === null) return null;
          if (!isInt(v)) return raise("TypeError", "slice indices must be integers or None");
          return toNum(v);
        };
        return sliceValue(obj, bound(e.lower), bound(e.upper), bound(e.step));
      }
      case "ListComp": {
        const out: unknown[] = [];
        this.comprehension(e.clauses, () => out.push(this.ev(e.element)));
        return out;
      }
      case "DictComp": {
        const out: Record<string, unknown> = {};
        this.comprehension(e.clauses, () => setKey(out, this.dictKey(this.ev(e.key)), this.ev(e.value)));
        return out;
      }
      case "SetComp": {
        const out = new SetBuilder();
        this.comprehension(e.clauses, () => out.add(this.ev(e.element)));
        return out.items;
      }
    }
  }

  /** Display elements and positional arguments, with `*iterable` spliced in. */
  private elements(exprs: readonly Expr[]): unknown[] {
    const out: unknown[] = [];
    for (const x of exprs) {
      if (x.type !== "Starred") {
        out.push(this.ev(x));
        continue;
      }
      this.charge(1);
      const v = this.ev(x.value);
      if (!Array.isArray(v) && typeof v !== "string" && !isDict(v)) {
        this.withSpan(x, () => raise("TypeError", `Value after * must be an iterable, not ${typeName(v)}`));
      }
      const items = iterate(v);
      this.charge(items.length);
      for (const item of items) out.push(item);
    }
    return out;
  }

  /** Run `fn`, attributing an error it raises (not one from a sub-expression) to `e`. */
  private withSpan<T>(e: Expr, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof Raised && err.span === undefined) err.span = { start: e.start, end: e.end };
      throw err;
    }
  }

  private fstring(e: FStringNode): string {
    let out = "";
    for (const p of e.parts) {
      if (typeof p === "string") {
        out += p;
        continue;
      }
      let v = this.ev(p.value);
      if (p.conversion === "r") v = pyRepr(v);
      else if (p.conversion === "s") v = pyStr(v);
      else if (p.conversion === "a") v = pyAscii(v);
      const spec = p.spec === null ? "" : this.fstring(p.spec);
      if (spec !== "" && !(typeof v === "string" || typeof v === "number" || typeof v === "boolean" || v instanceof PyFloat)) {
        raise("TypeError", `unsupported format string passed to ${typeName(v)}.__format__`);
      }
      out += applySpec(v, spec);
      this.charge(1);
    }
    return out;
  }

  private kwargs(fname: string, kwExprs: readonly { name: string | null; value: Expr }[]): Map<string, unknown> {
    const out = new Map<string, unknown>();
    const put = (k: string, v: unknown): void => {
      if (out.has(k)) raise("TypeError", `${fname}() got multiple values for keyword argument '${k}'`);
      out.set(k, v);
    };
    for (const k of kwExprs) {
      const v = this.ev(k.value);
      if (k.name !== null) {
        put(k.name, v);
        continue;
      }
      if (!isDict(v)) this.withSpan(k.value, () => raise("TypeError", `${fname}() argument after ** must be a mapping, not ${typeName(v)}`));
      this.charge(Object.keys(v as object).length);
      for (const [key, x] of Object.entries(v as Record<string, unknown>)) put(key, x);
    }
    return out;
  }

  private lookup(name: string): unknown {
    for (let f = this.frame; f !== null; f = f.parent) {
      if (f.vars.has(name)) return f.vars.get(name);
    }
    if (name === "_context" && this.context !== undefined) return this.context;
    // The run state can be any JSON value (a ResultPath of `$` may have replaced it).
    if (isDict(this.scope) && hasOwn(this.scope, name) && this.scope[name] !== undefined) return this.scope[name];
    if (isBuiltin(name)) return raise("NameError", `'${name}' is a function and must be called: ${name}(...)`);
    return raise("NameError", `name '${name}' is not defined`);
  }

  private dictKey(k: unknown): string {
    if (typeof k !== "string") return raise("TypeError", `dict keys must be strings (JSON object keys), not '${typeName(k)}'`);
    return k;
  }

  private attribute(obj: unknown, name: string, objExpr: Expr): unknown {
    // Attribute access on a dict reads the key (`a.b` is `a['b']`), as Globus documents.
    if (isDict(obj)) {
      if (hasOwn(obj, name) && obj[name] !== undefined) return obj[name];
      return raise("KeyError", `'${name}' not found in ${this.text(objExpr)}`);
    }
    if (hasMethod(obj, name)) return raise("TypeError", `method '${name}' of '${typeName(obj)}' must be called: ${name}(...)`);
    return raise("AttributeError", `'${typeName(obj)}' object has no attribute '${name}'`);
  }

  private call(callee: Expr, argExprs: readonly Expr[], kwExprs: readonly { name: string | null; value: Expr }[]): unknown {
    if (callee.type === "Name") {
      const args = this.elements(argExprs);
      const kwargs = this.kwargs(callee.name, kwExprs);
      return callBuiltin(callee.name, args, kwargs, this);
    }
    if (callee.type === "Attribute") {
      const recv = this.ev(callee.object);
      const args = this.elements(argExprs);
      const kwargs = this.kwargs(callee.name, kwExprs);
      if (isDict(recv) && !hasMethod(recv, callee.name) && hasOwn(recv, callee.name)) {
        return raise("TypeError", `'${typeName(recv[callee.name])}' object is not callable`);
      }
      return callMethod(recv, callee.name, args, kwargs, this);
    }
    return raise("TypeError", `'${typeName(this.ev(callee))}' object is not callable`);
  }

  private index(obj: unknown, idx: unknown, objExpr: Expr): unknown {
    if (Array.isArray(obj) || typeof obj === "string") {
      const kind = Array.isArray(obj) ? "list" : "string";
      if (!isInt(idx)) return raise("TypeError", `${kind} indices must be integers or slices, not ${typeName(idx)}`);
      const n = Array.isArray(obj) ? obj.length : cpLength(obj);
      const raw = toNum(idx);
      const i = raw < 0 ? raw + n : raw;
      if (i < 0 || i >= n) return raise("IndexError", `${kind} index out of range (index ${raw}, length ${n}, in ${this.text(objExpr)})`);
      if (Array.isArray(obj)) return obj[i];
      return n === obj.length ? obj[i] : codePoints(obj)[i];
    }
    if (isDict(obj)) {
      if (Array.isArray(idx) || isDict(idx)) return raise("TypeError", `unhashable type: '${typeName(idx)}'`);
      if (typeof idx === "string" && hasOwn(obj, idx) && obj[idx] !== undefined) return obj[idx];
      return raise("KeyError", `${pyRepr(idx)} not found in ${this.text(objExpr)}`);
    }
    return raise("TypeError", `'${typeName(obj)}' object is not subscriptable`);
  }

  private comprehension(clauses: readonly ComprehensionClause[], body: () => void): void {
    // Python evaluates the first iterable in the enclosing scope, the rest inside.
    const first = this.ev(clauses[0]!.iter);
    const saved = this.frame;
    const frame: Frame = { vars: new Map(), parent: saved };
    this.frame = frame;
    try {
      this.runClause(clauses, 0, first, frame.vars, body);
    } finally {
      this.frame = saved;
    }
  }

  private runClause(
    clauses: readonly ComprehensionClause[],
    i: number,
    iterValue: unknown,
    vars: Map<string, unknown>,
    body: () => void,
  ): void {
    const clause = clauses[i]!;
    for (const item of iterate(iterValue)) {
      this.charge(1);
      if (clause.target === undefined) bindTargets(clause.targets, item, vars);
      else bindTarget(clause.target, item, vars);
      if (!clause.conditions.every((c) => truthy(this.ev(c)))) continue;
      if (i + 1 < clauses.length) this.runClause(clauses, i + 1, this.ev(clauses[i + 1]!.iter), vars, body);
      else body();
    }
  }
}

function bindTargets(targets: readonly string[], item: unknown, vars: Map<string, unknown>): void {
  if (targets.length === 1) {
    vars.set(targets[0]!, item);
    return;
  }
  if (!Array.isArray(item) && typeof item !== "string" && !isDict(item)) raise("TypeError", `cannot unpack non-iterable ${typeName(item)} object`);
  const parts = iterate(item);
  if (parts.length < targets.length) raise("ValueError", `not enough values to unpack (expected ${targets.length}, got ${parts.length})`);
  if (parts.length > targets.length) raise("ValueError", `too many values to unpack (expected ${targets.length})`);
  targets.forEach((t, i) => vars.set(t, parts[i]));
}

/** Python's unpacking assignment of `item` to a (nested, possibly starred) target. */
function bindTarget(target: Target, item: unknown, vars: Map<string, unknown>): void {
  if (target.kind === "name") {
    vars.set(target.name, item);
    return;
  }
  if (target.kind === "starred") {
    bindTarget(target.target, [...iterate(item)], vars);
    return;
  }
  if (!Array.isArray(item) && typeof item !== "string" && !isDict(item)) raise("TypeError", `cannot unpack non-iterable ${typeName(item)} object`);
  const parts = iterate(item);
  const els = target.elements;
  const star = els.findIndex((t) => t.kind === "starred");
  if (star < 0) {
    if (parts.length < els.length) raise("ValueError", `not enough values to unpack (expected ${els.length}, got ${parts.length})`);
    if (parts.length > els.length) raise("ValueError", `too many values to unpack (expected ${els.length})`);
    els.forEach((t, i) => bindTarget(t, parts[i], vars));
    return;
  }
  const after = els.length - star - 1;
  if (parts.length < els.length - 1) raise("ValueError", `not enough values to unpack (expected at least ${els.length - 1}, got ${parts.length})`);
  for (let i = 0; i < star; i++) bindTarget(els[i]!, parts[i], vars);
  bindTarget((els[star] as Target & { kind: "starred" }).target, parts.slice(star, parts.length - after), vars);
  for (let i = 0; i < after; i++) bindTarget(els[star + 1 + i]!, parts[parts.length - after + i], vars);
}

/**
 * A set built from JSON values: a list without duplicates under Python equality (so
 * 1, 1.0 and True are one element), in first-occurrence order; lists and dicts are
 * unhashable, as in Python.
 */
class SetBuilder {
  readonly items: unknown[] = [];
  private readonly seen = new Set<string>();

  add(v: unknown): void {
    let key: string;
    if (v === null || v === undefined) key = "N";
    else if (typeof v === "string") key = "s" + v;
    else if (typeof v === "number" || typeof v === "boolean" || v instanceof PyFloat) key = "n" + String(toNum(v));
    else return raise("TypeError", `unhashable type: '${typeName(v)}'`);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(v);
  }
}

/**
 * Evaluate a parsed expression against the run state. Returns plain JSON values (integral
 * floats come back as JS numbers). Throws ExpressionError.
 */
export function evaluateExpression(expr: Expr, scope: Record<string, unknown>, ctx: EvaluateOptions = {}): unknown {
  const source = (expr as RootExpr).source ?? "";
  const run = new Evaluation(source, scope, ctx.context, ctx.maxSteps ?? DEFAULT_MAX_STEPS);
  try {
    const v = run.ev(expr);
    return run.floats ? toJson(v) : v;
  } catch (err) {
    if (err instanceof Raised) throw new ExpressionError(err.kind, err.detail, source, err.span);
    if (err instanceof RangeError && /call stack/i.test(err.message)) {
      throw new ExpressionError("LimitExceeded", "expression nests too deeply to evaluate", source);
    }
    throw err;
  }
}

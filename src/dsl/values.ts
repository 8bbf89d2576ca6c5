/**
 * Typed values inside Parameters: JSONPath references (rendered as `key.$`), Globus
 * expressions (`key.=`), environment placeholders and private values. They are objects,
 * not string tokens, so a path cannot be concatenated into a string by accident and the
 * renderer knows which suffix to add.
 */
import { compileJsonPath } from "../expr/jsonpath.js";
import { compileExpression } from "../expr/index.js";
import { callSite, FlowSourceError } from "./callsite.js";

const PATH = Symbol.for("flowsmith.path");
const EXPR = Symbol.for("flowsmith.expr");
const SECRET = Symbol.for("flowsmith.private");

/** A reference to a location in the run state, typed by what is found there. */
export interface PathRef<T = unknown> {
  readonly [PATH]: string;
  /** Phantom: the type of the value at this path. */
  readonly __valueType?: T;
}

type Elem<T> = T extends readonly (infer E)[] ? E : never;

/**
 * A typed path: property access extends the path, so `$.input.source.path` is checked by
 * TypeScript against the input type generated from the flow's JSON schema.
 */
export type PathTo<T> = PathRef<T> &
  (NonNullable<T> extends readonly unknown[]
    ? { readonly [index: number]: PathTo<Elem<NonNullable<T>>> }
    : NonNullable<T> extends object
      ? { readonly [K in keyof NonNullable<T> & string]-?: PathTo<NonNullable<T>[K]> }
      : unknown);

/** A Globus expression (`.=` value), parsed when it is built. */
export interface ExprRef {
  readonly [EXPR]: string;
}

/** A value hidden from run status and logs through `__Private_Parameters`. */
export interface PrivateValue {
  readonly [SECRET]: unknown;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function makePath(text: string): PathRef {
  const target = Object.create(null) as Record<PropertyKey, unknown>;
  return new Proxy(target, {
    get(_t, key) {
      if (key === PATH) return text;
      if (typeof key === "symbol") return undefined;
      // Keep the proxy from looking like a promise or a serialisable value.
      if (key === "then" || key === "toJSON") return undefined;
      if (/^(0|[1-9]\d*)$/.test(key)) return makePath(`${text}[${key}]`);
      return makePath(IDENT.test(key) ? `${text}.${key}` : `${text}[${JSON.stringify(key)}]`);
    },
    has(_t, key) {
      return key === PATH;
    },
    ownKeys() {
      return [];
    },
  }) as unknown as PathRef;
}

/** The root of the run state, typed by the flow input. */
export function rootPath<T>(): PathTo<T> {
  return makePath("$") as PathTo<T>;
}

/**
 * An explicitly written path, for places the input type does not describe (results of
 * earlier states). Checked for syntax now, so a typo fails the build at this line.
 */
export function path<T = unknown>(text: string): PathTo<T> {
  const parsed = compileJsonPath(text);
  if (!parsed.ok) throw new FlowSourceError(`invalid JSONPath ${JSON.stringify(text)}: ${parsed.error.message} at offset ${parsed.error.offset}`, callSite());
  return makePath(text) as PathTo<T>;
}

export function isPathRef(v: unknown): v is PathRef {
  return (typeof v === "object" || typeof v === "function") && v !== null && PATH in (v as object);
}

export function pathText(v: PathRef): string {
  return v[PATH];
}

export function isExprRef(v: unknown): v is ExprRef {
  return typeof v === "object" && v !== null && EXPR in v;
}

export function exprText(v: ExprRef): string {
  return v[EXPR];
}

export function isPrivate(v: unknown): v is PrivateValue {
  return typeof v === "object" && v !== null && SECRET in v;
}

export function privateInner(v: PrivateValue): unknown {
  return v[SECRET];
}

/** Mark a parameter value as private: it is listed in `__Private_Parameters`. */
export function secret<T>(value: T): PrivateValue & { readonly __valueType?: T } {
  return { [SECRET]: value } as PrivateValue;
}

function pythonLiteral(v: unknown): string {
  if (isPathRef(v)) return "`" + pathText(v) + "`";
  if (isExprRef(v)) return `(${exprText(v)})`;
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(pythonLiteral).join(", ")}]`;
  if (typeof v === "object") return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${pythonLiteral(x)}`).join(", ")}}`;
  throw new FlowSourceError(`cannot put a ${typeof v} into an expression`, callSite());
}

/**
 * A Globus expression. As a tagged template, interpolated paths become backtick JSONPaths
 * and constants become Python literals:  expr`${$.input.name} + '!'`.
 */
export function expr(strings: TemplateStringsArray | string, ...values: unknown[]): ExprRef {
  const src = typeof strings === "string" ? strings : strings.reduce((acc, s, i) => acc + s + (i < values.length ? pythonLiteral(values[i]) : ""), "");
  const parsed = compileExpression(src);
  if (!parsed.ok) {
    throw new FlowSourceError(`invalid expression: ${parsed.error.message}\n    ${src}\n    ${" ".repeat(parsed.error.offset)}^`, callSite());
  }
  return { [EXPR]: src } as ExprRef;
}

/** Placeholder for a per-environment value (a collection id, an endpoint id…), filled in at deploy time. */
export function env(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) throw new FlowSourceError(`invalid environment value name ${JSON.stringify(name)}`, callSite());
  return `\${env:${name}}`;
}

/** Placeholder for the UUID of a Compute function in functions/, filled in at deploy time. */
export function functionRef(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new FlowSourceError(`invalid function name ${JSON.stringify(name)}: use the Python function's name`, callSite());
  return `\${function:${name}}`;
}

export const PLACEHOLDER = /\$\{(env|function):([A-Za-z_][A-Za-z0-9_.-]*)\}/g;

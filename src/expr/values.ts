/**
 * Python semantics over JSON values: type names, truthiness, equality, ordering, str/repr.
 *
 * Values are plain JSON (null, boolean, number, string, array, object) plus one box:
 * a float whose value is integral (`1.0`) is a PyFloat, because a JS number cannot remember
 * that it was a float and `str(1.0)` must print "1.0". Non-integral numbers are floats by
 * construction; integral plain numbers are ints. JSON input is read as-is, so an input value
 * written `1.0` is an int here (JSON.parse erased the difference) — a documented simplification.
 * Ints are JS doubles: exact up to 2^53, unlike Python's unbounded ints.
 */
import { raise } from "./errors.js";

export class PyFloat {
  constructor(readonly value: number) {}
}

/** Hooks the evaluation supplies to helpers: budget accounting and float tracking. */
export interface Runtime {
  /** Account for `n` units of work; throws LimitExceeded past the budget. */
  charge(n: number): void;
  /** Called whenever a PyFloat is created, so the result knows it must be unboxed. */
  noteFloat(): void;
}

export function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof PyFloat);
}

export const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Own key lookup that treats `undefined` (never valid JSON) as absent. */
export function getKey(o: Record<string, unknown>, k: string): unknown {
  return hasOwn(o, k) ? o[k] : undefined;
}

/** Assignment that cannot be hijacked by a "__proto__" key. */
export function setKey(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === "__proto__") Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

export function typeName(v: unknown): string {
  if (v === null || v === undefined) return "NoneType";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "float";
  if (v instanceof PyFloat) return "float";
  if (typeof v === "string") return "str";
  if (Array.isArray(v)) return "list";
  if (typeof v === "object") return "dict";
  return typeof v;
}

export function isNumeric(v: unknown): v is number | boolean | PyFloat {
  return typeof v === "number" || typeof v === "boolean" || v instanceof PyFloat;
}

export function isFloat(v: unknown): boolean {
  return v instanceof PyFloat || (typeof v === "number" && !Number.isInteger(v));
}

/** An int in Python's sense (bool included, as bool subclasses int). */
export function isInt(v: unknown): v is number | boolean {
  return typeof v === "boolean" || (typeof v === "number" && Number.isInteger(v));
}

export function toNum(v: number | boolean | PyFloat): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  return v.value;
}

export function mkFloat(x: number, rt: Runtime): number | PyFloat {
  if (!Number.isInteger(x)) return x;
  rt.noteFloat();
  return new PyFloat(x);
}

export function mkInt(x: number): number {
  if (!Number.isFinite(x)) raise("OverflowError", "integer result is too large");
  return x === 0 ? 0 : x; // no -0 for ints
}

/** Unwrap PyFloats for the caller (copy-on-write, so untouched input is shared). */
export function toJson(v: unknown): unknown {
  if (v instanceof PyFloat) return v.value;
  if (Array.isArray(v)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const c = toJson(v[i]);
      if (c !== v[i]) (out ??= v.slice())[i] = c;
    }
    return out ?? v;
  }
  if (isDict(v)) {
    let out: Record<string, unknown> | null = null;
    for (const k of Object.keys(v)) {
      const c = toJson(v[k]);
      if (c !== v[k]) setKey((out ??= { ...v }), k, c);
    }
    return out ?? v;
  }
  return v;
}

export function truthy(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0; // NaN is truthy in Python too
  if (typeof v === "string") return v.length > 0;
  if (v instanceof PyFloat) return v.value !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v).length > 0;
  return true;
}

// ---- strings as code-point sequences ---------------------------------------------------

const SURROGATE_RE = /[\uD800-\uDFFF]/;

export function hasSurrogates(s: string): boolean {
  return SURROGATE_RE.test(s);
}

/** Python indexes strings by code point; JS by UTF-16 unit. Only astral text differs. */
export function codePoints(s: string): string[] {
  return hasSurrogates(s) ? Array.from(s) : s.split("");
}

export function cpLength(s: string): number {
  if (!hasSurrogates(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function compareStrings(a: string, b: string): number {
  if (!hasSurrogates(a) && !hasSurrogates(b)) return a < b ? -1 : a > b ? 1 : 0;
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

// ---- equality and ordering -------------------------------------------------------------

export function pyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (isNumeric(a) && isNumeric(b)) return toNum(a) === toNum(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!pyEquals(a[i], b[i])) return false;
    return true;
  }
  if (isDict(a)) {
    if (!isDict(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => hasOwn(b, k) && pyEquals(a[k], b[k]));
  }
  return a === b;
}

export type OrderOp = "<" | "<=" | ">" | ">=";

function applyOrder(op: OrderOp, c: number): boolean {
  switch (op) {
    case "<":
      return c < 0;
    case "<=":
      return c <= 0;
    case ">":
      return c > 0;
    case ">=":
      return c >= 0;
  }
}

/** Python rich comparison for the ordering operators; mixed types are a TypeError. */
export function pyOrder(op: OrderOp, a: unknown, b: unknown): boolean {
  if (isNumeric(a) && isNumeric(b)) {
    const x = toNum(a);
    const y = toNum(b);
    // Direct comparisons keep NaN semantics (every ordering with NaN is false).
    return op === "<" ? x < y : op === "<=" ? x <= y : op === ">" ? x > y : x >= y;
  }
  if (typeof a === "string" && typeof b === "string") return applyOrder(op, compareStrings(a, b));
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (!pyEquals(a[i], b[i])) return pyOrder(op, a[i], b[i]);
    }
    return applyOrder(op, a.length - b.length);
  }
  return raise("TypeError", `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

/** Python `is`: identity for containers, value for the interned singletons and scalars. */
export function pyIs(a: unknown, b: unknown): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (isNumeric(a) && isNumeric(b)) {
    return typeof a === typeof b && isFloat(a) === isFloat(b) && toNum(a) === toNum(b);
  }
  return a === b;
}

// ---- str() and repr() ------------------------------------------------------------------

export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  // toExponential() without an argument gives the shortest round-tripping digits, the same
  // digits Python's repr uses; only the layout rules differ.
  const [mant, expText] = x.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  const sign = mant.startsWith("-") ? "-" : "";
  const digits = mant.replace("-", "").replace(".", "");
  if (exp >= -4 && exp < 16) {
    if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
    const intPart = digits.length <= exp + 1 ? digits + "0".repeat(exp + 1 - digits.length) : digits.slice(0, exp + 1);
    const frac = digits.length <= exp + 1 ? "0" : digits.slice(exp + 1);
    return `${sign}${intPart}.${frac}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp).toString().padStart(2, "0");
  return `${sign}${m}e${exp < 0 ? "-" : "+"}${e}`;
}

export function intRepr(x: number): string {
  if (x === 0) return "0";
  return Math.abs(x) < 1e21 ? String(x) : BigInt(x).toString();
}

const NON_PRINTABLE_RE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch !== " " && NON_PRINTABLE_RE.test(ch)) {
      const cp = ch.codePointAt(0)!;
      const hex = cp.toString(16);
      out += cp <= 0xff ? `\\x${hex.padStart(2, "0")}` : cp <= 0xffff ? `\\u${hex.padStart(4, "0")}` : `\\U${hex.padStart(8, "0")}`;
    } else out += ch;
  }
  return out + quote;
}

export function pyRepr(v: unknown): string {
  if (v === null || v === undefined) return "None";
  if (v === true) return "True";
  if (v === false) return "False";
  if (typeof v === "number") return Number.isInteger(v) ? intRepr(v) : floatRepr(v);
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (typeof v === "string") return strRepr(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(", ")}]`;
  if (typeof v === "object") {
    return `{${Object.entries(v).map(([k, x]) => `${strRepr(k)}: ${pyRepr(x)}`).join(", ")}}`;
  }
  return String(v);
}

/** Python's ascii(): repr() with every non-ASCII character escaped. */
export function pyAscii(v: unknown): string {
  // The range is "every ASCII character", NUL included, on purpose.
  // eslint-disable-next-line no-control-regex
  return pyRepr(v).replace(/[^\x00-\x7f]/gu, (ch) => {
    const cp = ch.codePointAt(0)!;
    const hex = cp.toString(16);
    return cp <= 0xff ? `\\x${hex.padStart(2, "0")}` : cp <= 0xffff ? `\\u${hex.padStart(4, "0")}` : `\\U${hex.padStart(8, "0")}`;
  });
}

export function pyStr(v: unknown): string {
  return typeof v === "string" ? v : pyRepr(v);
}

// ---- iteration -------------------------------------------------------------------------

/** What `for x in v` iterates: list items, string characters, dict keys. */
export function iterate(v: unknown): readonly unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === "string") return codePoints(v);
  if (isDict(v)) return Object.keys(v);
  return raise("TypeError", `'${typeName(v)}' object is not iterable`);
}

/**
 * Builtin functions and the str/list/dict methods of the expression language, with
 * Python's semantics and (close to) Python's error messages. Only side-effect-free
 * operations exist: list.append and friends would mutate the run state.
 */
import { raise } from "./errors.js";
import { sliceIndices } from "./jsonpath.js";
import { binary, MAX_SEQUENCE } from "./operators.js";
import {
  codePoints,
  cpLength,
  getKey,
  hasOwn,
  hasSurrogates,
  isDict,
  isFloat,
  isInt,
  isNumeric,
  iterate,
  mkFloat,
  mkInt,
  pyAscii,
  pyEquals,
  pyOrder,
  pyRepr,
  pyStr,
  strRepr,
  toNum,
  truthy,
  typeName,
  type Runtime,
} from "./values.js";

export interface CallEnv extends Runtime {
  /** The run state as expressions see it (with `_context`), for is_present/getattr. */
  root(): unknown;
}

export type Kwargs = ReadonlyMap<string, unknown>;
type Builtin = (args: readonly unknown[], kwargs: Kwargs, env: CallEnv) => unknown;
type Method<T> = (self: T, args: readonly unknown[], kwargs: Kwargs, env: CallEnv) => unknown;

/** Largest list range() may build. */
export const MAX_RANGE = 100_000;

// ---- argument helpers ------------------------------------------------------------------

/** Map positional and keyword arguments onto parameter names; `undefined` = not given. */
function bind(fname: string, args: readonly unknown[], kwargs: Kwargs, params: readonly string[], required = 0): unknown[] {
  if (args.length > params.length) {
    raise("TypeError", `${fname}() takes at most ${params.length} argument${params.length === 1 ? "" : "s"} (${args.length} given)`);
  }
  const out: unknown[] = params.map((_, i) => args[i]);
  for (const [k, v] of kwargs) {
    const i = params.indexOf(k);
    if (i < 0) raise("TypeError", `${fname}() got an unexpected keyword argument '${k}'`);
    if (i < args.length) raise("TypeError", `${fname}() got multiple values for argument '${k}'`);
    out[i] = v;
  }
  for (let i = 0; i < required; i++) {
    if (out[i] === undefined) raise("TypeError", `${fname}() missing required argument '${params[i]}' (pos ${i + 1})`);
  }
  return out;
}

function noKwargs(fname: string, kwargs: Kwargs): void {
  for (const k of kwargs.keys()) raise("TypeError", `${fname}() got an unexpected keyword argument '${k}'`);
}

function strArg(fname: string, v: unknown): string {
  if (typeof v !== "string") return raise("TypeError", `${fname}() argument must be str, not ${typeName(v)}`);
  return v;
}

function optStr(fname: string, v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") return raise("TypeError", `${fname}() argument must be str or None, not ${typeName(v)}`);
  return v;
}

function intArg(v: unknown): number {
  if (!isInt(v)) return raise("TypeError", `'${typeName(v)}' object cannot be interpreted as an integer`);
  return toNum(v);
}

function optInt(v: unknown, dflt: number): number {
  return v === undefined || v === null ? dflt : intArg(v);
}

// ---- numbers ---------------------------------------------------------------------------

function parseIntText(text: string, base: number): number {
  const bad = (): never => raise("ValueError", `invalid literal for int() with base ${base}: ${strRepr(text)}`);
  let s = text.trim();
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    if (s[0] === "-") sign = -1;
    s = s.slice(1);
  }
  const prefix = /^0([xob])/i.exec(s)?.[1]?.toLowerCase();
  const prefixBase = prefix === "x" ? 16 : prefix === "o" ? 8 : prefix === "b" ? 2 : 0;
  if (base === 0) {
    base = prefixBase || 10;
    if (base === 10 && /^0+[1-9]/.test(s.replace(/_/g, ""))) bad();
  }
  if (prefixBase !== 0 && prefixBase === base) s = s.slice(2).replace(/^_/, "");
  if (base < 2 || base > 36) raise("ValueError", "int() base must be >= 2 and <= 36, or 0");
  const digit = `[${"0123456789abcdefghijklmnopqrstuvwxyz".slice(0, base)}]`;
  if (!new RegExp(`^${digit}(?:_?${digit})*$`, "i").test(s)) bad();
  return mkInt(sign * parseInt(s.replace(/_/g, ""), base));
}

const FLOAT_TEXT_RE = /^[+-]?(?:(?:\d(?:_?\d)*)?\.?\d(?:_?\d)*(?:[eE][+-]?\d(?:_?\d)*)?|\d(?:_?\d)*\.(?:[eE][+-]?\d(?:_?\d)*)?|inf(?:inity)?|nan)$/i;

function parseFloatText(text: string): number {
  const s = text.trim();
  if (!FLOAT_TEXT_RE.test(s)) raise("ValueError", `could not convert string to float: ${strRepr(text)}`);
  const lower = s.toLowerCase().replace(/_/g, "");
  if (lower.endsWith("nan")) return NaN;
  if (lower.endsWith("inf") || lower.endsWith("infinity")) return lower.startsWith("-") ? -Infinity : Infinity;
  return Number(lower);
}

/** Python's round(): half-to-even on the exact binary value. */
export function pyRound(x: number, ndigits: number | null): number {
  if (ndigits === null) {
    if (Number.isNaN(x)) raise("ValueError", "cannot convert float NaN to integer");
    if (!Number.isFinite(x)) raise("OverflowError", "cannot convert float infinity to integer");
    const f = Math.floor(x);
    const d = x - f;
    return mkInt(d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f);
  }
  if (!Number.isFinite(x) || x === 0) return x;
  // Doubles this large have no fractional digits; toFixed would also switch to exponent form.
  if (ndigits >= 0 && Math.abs(x) >= 2 ** 52) return x;
  if (ndigits > 100) return x;
  if (ndigits < 0) {
    const m = 10 ** -ndigits;
    const q = Math.floor(x / m);
    const r = x - q * m;
    const up = 2 * r > m || (2 * r === m && q % 2 !== 0);
    return (up ? q + 1 : q) * m;
  }
  const neg = x < 0;
  const ax = Math.abs(x);
  // toFixed(100) is the exact decimal expansion for any double whose ties could matter
  // (an exact tie at digit n needs at most n+1 fractional bits).
  const exact = ax.toFixed(100);
  const dot = exact.indexOf(".");
  const rest = exact.slice(dot + 1 + ndigits);
  let r = Number(ax.toFixed(ndigits));
  if (/^50*$/.test(rest)) {
    const lastDigit = Number(exact[dot + ndigits] === "." ? exact[dot - 1] : exact[dot + ndigits]);
    const down = Number(exact.slice(0, dot + 1 + ndigits));
    r = lastDigit % 2 === 0 ? down : r;
  }
  return neg ? -r : r;
}

// ---- paths -----------------------------------------------------------------------------

/** os.path.split, except that `/~/` (the collection's home) is an unsplittable root. */
export function pathsplit(p: string): [string, string] {
  if (p.startsWith("/~/")) {
    const [head, tail] = posixSplit(p.slice(3));
    return [head === "" ? "/~/" : "/~/" + head.replace(/^\/+/, ""), tail];
  }
  return posixSplit(p);
}

function posixSplit(p: string): [string, string] {
  const i = p.lastIndexOf("/") + 1;
  let head = p.slice(0, i);
  const tail = p.slice(i);
  if (head && !/^\/+$/.test(head)) head = head.replace(/\/+$/, "");
  return [head, tail];
}

/** Resolve a dotted name (`a.b.0.c`) against the run state; numeric parts index lists. */
export function lookupDotted(root: unknown, name: string): { found: boolean; value: unknown } {
  let node = root;
  for (const part of name.split(".")) {
    if (isDict(node) && part !== "" && hasOwn(node, part) && node[part] !== undefined) {
      node = node[part];
    } else if (Array.isArray(node) && /^-?\d+$/.test(part)) {
      const n = Number(part);
      const i = n < 0 ? node.length + n : n;
      if (i < 0 || i >= node.length) return { found: false, value: undefined };
      node = node[i];
    } else {
      return { found: false, value: undefined };
    }
  }
  return { found: true, value: node };
}

// ---- builtins --------------------------------------------------------------------------

function extreme(fname: "min" | "max", args: readonly unknown[], kwargs: Kwargs, env: CallEnv): unknown {
  let dflt: unknown = undefined;
  for (const [k, v] of kwargs) {
    if (k === "default") dflt = v;
    else if (k === "key") raise("TypeError", `${fname}(): key functions are not supported in flow expressions`);
    else raise("TypeError", `${fname}() got an unexpected keyword argument '${k}'`);
  }
  if (args.length === 0) raise("TypeError", `${fname} expected at least 1 argument, got 0`);
  const items = args.length === 1 ? iterate(args[0]) : args;
  env.charge(items.length);
  if (items.length === 0) {
    if (dflt !== undefined) return dflt;
    raise("ValueError", `${fname}() iterable argument is empty`);
  }
  let best = items[0];
  for (let i = 1; i < items.length; i++) {
    if (pyOrder(fname === "max" ? ">" : "<", items[i], best)) best = items[i];
  }
  return best;
}

function sortValues(items: readonly unknown[], reverse: boolean): unknown[] {
  const cmp = (a: unknown, b: unknown): number => (pyOrder("<", a, b) ? -1 : pyOrder("<", b, a) ? 1 : 0);
  // Array#sort is stable; sorting by the reversed comparator keeps equal items in input
  // order, which is what Python's reverse=True does.
  return [...items].sort(reverse ? (a, b) => cmp(b, a) : cmp);
}

const BUILTINS = new Map<string, Builtin>([
  ["str", (a, k) => {
    const [x] = bind("str", a, k, ["object"]);
    return x === undefined ? "" : pyStr(x);
  }],
  ["repr", (a, k) => pyRepr(bind("repr", a, k, ["object"], 1)[0])],
  ["int", (a, k) => {
    const [x, base] = bind("int", a, k, ["x", "base"]);
    if (x === undefined) return 0;
    if (base !== undefined) {
      if (typeof x !== "string") raise("TypeError", "int() can't convert non-string with explicit base");
      return parseIntText(x, intArg(base));
    }
    if (typeof x === "string") return parseIntText(x, 10);
    if (isNumeric(x)) {
      const n = toNum(x);
      if (Number.isNaN(n)) raise("ValueError", "cannot convert float NaN to integer");
      if (!Number.isFinite(n)) raise("OverflowError", "cannot convert float infinity to integer");
      return mkInt(Math.trunc(n));
    }
    return raise("TypeError", `int() argument must be a string or a real number, not '${typeName(x)}'`);
  }],
  ["float", (a, k, env) => {
    const [x] = bind("float", a, k, ["x"]);
    if (x === undefined) return mkFloat(0, env);
    if (typeof x === "string") return mkFloat(parseFloatText(x), env);
    if (isNumeric(x)) return mkFloat(toNum(x), env);
    return raise("TypeError", `float() argument must be a string or a real number, not '${typeName(x)}'`);
  }],
  ["bool", (a, k) => {
    const [x] = bind("bool", a, k, ["x"]);
    return x === undefined ? false : truthy(x);
  }],
  ["len", (a, k) => {
    noKwargs("len", k);
    if (a.length !== 1) raise("TypeError", `len() takes exactly one argument (${a.length} given)`);
    const x = a[0];
    if (typeof x === "string") return cpLength(x);
    if (Array.isArray(x)) return x.length;
    if (isDict(x)) return Object.keys(x).length;
    return raise("TypeError", `object of type '${typeName(x)}' has no len()`);
  }],
  ["abs", (a, k, env) => {
    const [x] = bind("abs", a, k, ["x"], 1);
    if (!isNumeric(x)) return raise("TypeError", `bad operand type for abs(): '${typeName(x)}'`);
    const r = Math.abs(toNum(x));
    return isFloat(x) ? mkFloat(r, env) : r;
  }],
  ["min", (a, k, env) => extreme("min", a, k, env)],
  ["max", (a, k, env) => extreme("max", a, k, env)],
  ["sum", (a, k, env) => {
    const [it, start] = bind("sum", a, k, ["iterable", "start"], 1);
    if (typeof start === "string") raise("TypeError", "sum() can't sum strings [use ''.join(seq) instead]");
    let acc: unknown = start === undefined ? 0 : start;
    const items = iterate(it);
    env.charge(items.length);
    for (const x of items) acc = binary("+", acc, x, env);
    return acc;
  }],
  ["round", (a, k, env) => {
    const [x, nd] = bind("round", a, k, ["number", "ndigits"], 1);
    if (!isNumeric(x)) return raise("TypeError", `type ${typeName(x)} doesn't define __round__ method`);
    const ndigits = nd === undefined || nd === null ? null : intArg(nd);
    const r = pyRound(toNum(x), ndigits);
    if (ndigits === null) return r;
    return isFloat(x) ? mkFloat(r, env) : mkInt(r);
  }],
  ["sorted", (a, k, env) => {
    if (k.has("key")) raise("TypeError", "sorted(): key functions are not supported in flow expressions");
    const [it, reverse] = bind("sorted", a, k, ["iterable", "reverse"], 1);
    if (a.length > 1) raise("TypeError", "sorted expected 1 argument, got " + a.length);
    const items = iterate(it);
    env.charge(items.length);
    return sortValues(items, truthy(reverse ?? false));
  }],
  ["reversed", (a, k, env) => {
    const [it] = bind("reversed", a, k, ["sequence"], 1);
    const items = iterate(it);
    env.charge(items.length);
    return [...items].reverse();
  }],
  ["list", (a, k, env) => {
    const [it] = bind("list", a, k, ["iterable"]);
    if (it === undefined) return [];
    const items = iterate(it);
    env.charge(items.length);
    return [...items];
  }],
  ["range", (a, k, env) => {
    noKwargs("range", k);
    if (a.length < 1 || a.length > 3) raise("TypeError", `range expected 1 to 3 arguments, got ${a.length}`);
    const [start, stop, step] = a.length === 1 ? [0, intArg(a[0]), 1] : [intArg(a[0]), intArg(a[1]), a.length === 3 ? intArg(a[2]) : 1];
    if (step === 0) raise("ValueError", "range() arg 3 must not be zero");
    const count = Math.max(0, Math.ceil((stop - start) / step));
    if (count > MAX_RANGE) raise("LimitExceeded", `range() of ${count} elements exceeds the limit of ${MAX_RANGE}`);
    env.charge(count);
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(start + i * step);
    return out;
  }],
  ["any", (a, k) => {
    const [it] = bind("any", a, k, ["iterable"], 1);
    return iterate(it).some(truthy);
  }],
  ["all", (a, k) => {
    const [it] = bind("all", a, k, ["iterable"], 1);
    return iterate(it).every(truthy);
  }],
  ["enumerate", (a, k, env) => {
    const [it, start] = bind("enumerate", a, k, ["iterable", "start"], 1);
    const s = optInt(start, 0);
    const items = iterate(it);
    env.charge(items.length);
    return items.map((x, i) => [s + i, x]);
  }],
  ["zip", (a, k, env) => {
    noKwargs("zip", k);
    const lists = a.map(iterate);
    const n = lists.length === 0 ? 0 : Math.min(...lists.map((l) => l.length));
    env.charge(n * lists.length);
    return Array.from({ length: n }, (_, i) => lists.map((l) => l[i]));
  }],
  ["pathsplit", (a, k) => {
    const [p] = bind("pathsplit", a, k, ["path"], 1);
    return pathsplit(strArg("pathsplit", p));
  }],
  ["is_present", (a, k, env) => {
    const [name] = bind("is_present", a, k, ["name"], 1);
    return lookupDotted(env.root(), strArg("is_present", name)).found;
  }],
  ["getattr", (a, k, env) => {
    const [target, second, third] = a;
    if (typeof target === "string" || target === undefined) {
      const [name, dflt] = bind("getattr", a, k, ["name", "default"], 1);
      const r = lookupDotted(env.root(), strArg("getattr", name));
      return r.found ? r.value : dflt === undefined ? null : dflt;
    }
    // Python's own form, getattr(obj, 'key'[, default]), on a dict value.
    noKwargs("getattr", k);
    const key = strArg("getattr", second);
    if (isDict(target) && hasOwn(target, key)) return target[key];
    if (third !== undefined) return third;
    return raise("AttributeError", `'${typeName(target)}' object has no attribute '${key}'`);
  }],
]);

/** Names callable as functions (also the names freeNames() does not report when called). */
export const BUILTIN_NAMES: readonly string[] = Object.freeze([...BUILTINS.keys()]);

export function callBuiltin(name: string, args: readonly unknown[], kwargs: Kwargs, env: CallEnv): unknown {
  const fn = BUILTINS.get(name);
  if (!fn) return raise("NameError", `name '${name}' is not defined (not a supported function)`);
  return fn(args, kwargs, env);
}

export function isBuiltin(name: string): boolean {
  return BUILTINS.has(name);
}

// ---- str methods -----------------------------------------------------------------------

const WS_CHARS = "\t\n\v\f\r \x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";
const isWs = (c: string): boolean => WS_CHARS.includes(c);

function cpSlice(s: string, a: number, b: number): string {
  return hasSurrogates(s) ? Array.from(s).slice(a, b).join("") : s.slice(a, b);
}

/** Python's [start:end] clamping for the optional range arguments of find/count/startswith. */
function region(s: string, start: unknown, end: unknown): { text: string; offset: number; past: boolean } {
  const n = cpLength(s);
  const norm = (v: unknown, dflt: number): number => {
    if (v === undefined || v === null) return dflt;
    const x = intArg(v);
    return x < 0 ? Math.max(0, x + n) : Math.min(x, n);
  };
  const rawStart = start === undefined || start === null ? 0 : intArg(start);
  const a = norm(start, 0);
  const b = norm(end, n);
  return { text: a < b ? cpSlice(s, a, b) : "", offset: a, past: (rawStart < 0 ? rawStart + n : rawStart) > n };
}

function cpIndex(text: string, jsIndex: number): number {
  return hasSurrogates(text) ? cpLength(text.slice(0, jsIndex)) : jsIndex;
}

function find(s: string, args: readonly unknown[], kwargs: Kwargs, fname: string, fromRight: boolean): number {
  const [sub, start, end] = bind(fname, args, kwargs, ["sub", "start", "end"], 1);
  const needle = strArg(fname, sub);
  const r = region(s, start, end);
  if (r.past) return -1;
  const i = fromRight ? r.text.lastIndexOf(needle) : r.text.indexOf(needle);
  return i < 0 ? -1 : r.offset + cpIndex(r.text, i);
}

function stripChars(s: string, chars: string | null, left: boolean, right: boolean): string {
  const strip = chars === null ? isWs : (c: string): boolean => chars.includes(c);
  const cps = codePoints(s);
  let a = 0;
  let b = cps.length;
  if (left) while (a < b && strip(cps[a]!)) a++;
  if (right) while (b > a && strip(cps[b - 1]!)) b--;
  return cps.slice(a, b).join("");
}

function splitWs(s: string, maxsplit: number, fromRight: boolean): string[] {
  const cps = codePoints(s);
  const out: string[] = [];
  if (!fromRight) {
    let i = 0;
    for (;;) {
      while (i < cps.length && isWs(cps[i]!)) i++;
      if (i >= cps.length) break;
      if (maxsplit >= 0 && out.length === maxsplit) {
        out.push(cps.slice(i).join(""));
        break;
      }
      let j = i;
      while (j < cps.length && !isWs(cps[j]!)) j++;
      out.push(cps.slice(i, j).join(""));
      i = j;
    }
    return out;
  }
  let j = cps.length;
  for (;;) {
    while (j > 0 && isWs(cps[j - 1]!)) j--;
    if (j <= 0) break;
    if (maxsplit >= 0 && out.length === maxsplit) {
      out.push(cps.slice(0, j).join(""));
      break;
    }
    let i = j;
    while (i > 0 && !isWs(cps[i - 1]!)) i--;
    out.push(cps.slice(i, j).join(""));
    j = i;
  }
  return out.reverse();
}

function split(s: string, args: readonly unknown[], kwargs: Kwargs, fname: string, fromRight: boolean): string[] {
  const [sepArg, maxArg] = bind(fname, args, kwargs, ["sep", "maxsplit"]);
  const sep = optStr(fname, sepArg);
  const maxsplit = maxArg === undefined ? -1 : intArg(maxArg);
  if (sep === null) return splitWs(s, maxsplit, fromRight);
  if (sep === "") raise("ValueError", "empty separator");
  if (!fromRight) {
    const parts = s.split(sep);
    if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
    return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(sep)];
  }
  const out: string[] = [];
  let end = s.length;
  while (maxsplit < 0 || out.length < maxsplit) {
    if (end < sep.length) break;
    const i = s.lastIndexOf(sep, end - sep.length);
    if (i < 0) break;
    out.push(s.slice(i + sep.length, end));
    end = i;
  }
  out.push(s.slice(0, end));
  return out.reverse();
}

function affix(s: string, args: readonly unknown[], kwargs: Kwargs, fname: "startswith" | "endswith"): boolean {
  const [prefix, start, end] = bind(fname, args, kwargs, ["prefix", "start", "end"], 1);
  const r = region(s, start, end);
  if (r.past) return false;
  const candidates = typeof prefix === "string" ? [prefix] : Array.isArray(prefix) ? prefix : null;
  if (candidates === null) return raise("TypeError", `${fname} first arg must be str or a tuple of str, not ${typeName(prefix)}`);
  return candidates.some((p) => {
    if (typeof p !== "string") return raise("TypeError", `tuple for ${fname} must only contain str, not ${typeName(p)}`);
    return fname === "startswith" ? r.text.startsWith(p) : r.text.endsWith(p);
  });
}

function partition(s: string, args: readonly unknown[], kwargs: Kwargs, fromRight: boolean): string[] {
  const fname = fromRight ? "rpartition" : "partition";
  const [sepArg] = bind(fname, args, kwargs, ["sep"], 1);
  const sep = strArg(fname, sepArg);
  if (sep === "") raise("ValueError", "empty separator");
  const i = fromRight ? s.lastIndexOf(sep) : s.indexOf(sep);
  if (i < 0) return fromRight ? ["", "", s] : [s, "", ""];
  return [s.slice(0, i), sep, s.slice(i + sep.length)];
}

function replace(s: string, args: readonly unknown[], kwargs: Kwargs): string {
  const [oldArg, newArg, countArg] = bind("replace", args, kwargs, ["old", "new", "count"], 2);
  const old = strArg("replace", oldArg);
  const neu = strArg("replace", newArg);
  const count = countArg === undefined ? -1 : intArg(countArg);
  const parts = old === "" ? ["", ...codePoints(s), ""] : s.split(old);
  if (count < 0 || parts.length - 1 <= count) {
    const out = parts.join(neu);
    if (out.length > MAX_SEQUENCE) raise("LimitExceeded", `replace() result exceeds ${MAX_SEQUENCE} characters`);
    return out;
  }
  if (old === "") return parts.slice(0, count + 1).join(neu) + parts.slice(count + 1).join("");
  return parts.slice(0, count + 1).join(neu) + old + parts.slice(count + 1).join(old);
}

function titleCase(s: string): string {
  let out = "";
  let prevCased = false;
  for (const c of s) {
    const cased = c.toLowerCase() !== c.toUpperCase();
    out += cased ? (prevCased ? c.toLowerCase() : c.toUpperCase()) : c;
    prevCased = cased;
  }
  return out;
}

function pad(s: string, args: readonly unknown[], kwargs: Kwargs, fname: "ljust" | "rjust" | "center"): string {
  const [w, f] = bind(fname, args, kwargs, ["width", "fillchar"], 1);
  const width = intArg(w);
  const fill = f === undefined ? " " : strArg(fname, f);
  if (cpLength(fill) !== 1) raise("TypeError", "The fill character must be exactly one character long");
  const n = cpLength(s);
  if (width <= n) return s;
  if (width > MAX_SEQUENCE) raise("LimitExceeded", `${fname}() width exceeds ${MAX_SEQUENCE}`);
  const total = width - n;
  if (fname === "ljust") return s + fill.repeat(total);
  if (fname === "rjust") return fill.repeat(total) + s;
  // CPython's centering puts the extra character on the left when both are odd.
  const left = Math.floor(total / 2) + (total & width & 1);
  return fill.repeat(left) + s + fill.repeat(total - left);
}

const FORMAT_SPEC_RE = /^(?:(.)?([<>^=]))?([+\- ])?(0)?(\d+)?([,_])?(?:\.(\d+))?([sdfFeE%gGxXob])?$/su;

/** The format-spec mini-language of str.format and f-strings, for the common cases. */
export function applySpec(v: unknown, spec: string): string {
  if (spec === "") return pyStr(v);
  const m = FORMAT_SPEC_RE.exec(spec);
  if (!m) return raise("ValueError", `unsupported format specifier '${spec}'`);
  const [, fillArg, alignArg, sign = "-", zero, widthText, group, precText, type] = m;
  const prec = precText === undefined ? undefined : Number(precText);
  let body: string;
  const numeric = isNumeric(v);
  if (type === "s" || (type === undefined && !numeric)) {
    if (type === "s" && typeof v !== "string") raise("ValueError", `Unknown format code 's' for object of type '${typeName(v)}'`);
    body = pyStr(v);
    if (prec !== undefined) body = cpSlice(body, 0, prec);
  } else {
    if (!numeric) return raise("ValueError", `Unknown format code '${type}' for object of type '${typeName(v)}'`);
    const x = toNum(v);
    const abs = Math.abs(x);
    switch (type) {
      case "d":
        if (!isInt(v)) raise("ValueError", `Unknown format code 'd' for object of type 'float'`);
        body = String(abs);
        break;
      case "f":
      case "F":
        body = abs.toFixed(prec ?? 6);
        break;
      case "%":
        body = (abs * 100).toFixed(prec ?? 6) + "%";
        break;
      case "e":
      case "E":
        body = abs.toExponential(prec ?? 6).replace(/e([+-])(\d)$/, "e$10$2");
        if (type === "E") body = body.toUpperCase();
        break;
      case "x":
      case "X":
      case "o":
      case "b":
        if (!isInt(v)) raise("ValueError", `Unknown format code '${type}' for object of type 'float'`);
        body = abs.toString(type === "o" ? 8 : type === "b" ? 2 : 16);
        if (type === "X") body = body.toUpperCase();
        break;
      default: // g, G or none
        body = prec === undefined && type === undefined ? pyStr(isFloat(v) ? v : abs).replace(/^-/, "") : String(Number(abs.toPrecision(prec ?? 6)));
    }
    if (group) {
      const [ip, fp] = body.split(".") as [string, string | undefined];
      body = ip.replace(/\B(?=(\d{3})+(?!\d))/g, group) + (fp === undefined ? "" : "." + fp);
    }
    const signText = x < 0 || Object.is(x, -0) ? "-" : sign === "+" ? "+" : sign === " " ? " " : "";
    body = signText + body;
  }
  const width = widthText === undefined ? 0 : Number(widthText);
  const fill = fillArg ?? (zero && alignArg === undefined ? "0" : " ");
  const align = alignArg ?? (zero ? "=" : numeric && type !== "s" ? ">" : "<");
  const n = cpLength(body);
  if (n >= width) return body;
  const padding = width - n;
  switch (align) {
    case "<":
      return body + fill.repeat(padding);
    case ">":
      return fill.repeat(padding) + body;
    case "^":
      return fill.repeat(Math.floor(padding / 2)) + body + fill.repeat(padding - Math.floor(padding / 2));
    default: {
      const s = /^[-+ ]/.test(body) ? body[0]! : "";
      return s + fill.repeat(padding) + body.slice(s.length);
    }
  }
}

function formatMethod(s: string, args: readonly unknown[], kwargs: Kwargs): string {
  let out = "";
  let auto = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === "}") {
      if (s[i + 1] !== "}") raise("ValueError", "Single '}' encountered in format string");
      out += "}";
      i += 1;
      continue;
    }
    if (c !== "{") {
      out += c;
      continue;
    }
    if (s[i + 1] === "{") {
      out += "{";
      i += 1;
      continue;
    }
    const close = s.indexOf("}", i);
    if (close < 0) raise("ValueError", "Single '{' encountered in format string");
    const field = s.slice(i + 1, close);
    i = close;
    const m = /^([^.[!:]*)((?:\.[^.[!:]+|\[[^\]]*\])*)(?:!([rsa]))?(?::(.*))?$/s.exec(field);
    if (!m) return raise("ValueError", `invalid format field '{${field}}'`);
    const [, name = "", accessors = "", conv, spec = ""] = m;
    let v: unknown;
    if (name === "") {
      if (auto >= args.length) raise("IndexError", `Replacement index ${auto} out of range for positional args tuple`);
      v = args[auto++];
    } else if (/^\d+$/.test(name)) {
      const n = Number(name);
      if (n >= args.length) raise("IndexError", `Replacement index ${n} out of range for positional args tuple`);
      v = args[n];
    } else {
      if (!kwargs.has(name)) raise("KeyError", `'${name}'`);
      v = kwargs.get(name);
    }
    for (const acc of accessors.match(/\.[^.[]+|\[[^\]]*\]/g) ?? []) {
      const key = acc.startsWith(".") ? acc.slice(1) : acc.slice(1, -1);
      if (Array.isArray(v) && /^\d+$/.test(key)) v = v[Number(key)];
      else if (isDict(v) && hasOwn(v, key)) v = v[key];
      else raise("KeyError", `'${key}'`);
    }
    if (conv === "r") v = pyRepr(v);
    else if (conv === "a") v = pyAscii(v);
    else if (conv === "s") v = pyStr(v);
    out += applySpec(v, spec);
  }
  return out;
}

const unicodeTest = (re: RegExp) => (s: string) => s.length > 0 && re.test(s);

const STR_METHODS = new Map<string, Method<string>>([
  ["split", (s, a, k) => split(s, a, k, "split", false)],
  ["rsplit", (s, a, k) => split(s, a, k, "rsplit", true)],
  ["partition", (s, a, k) => partition(s, a, k, false)],
  ["rpartition", (s, a, k) => partition(s, a, k, true)],
  ["strip", (s, a, k) => stripChars(s, optStr("strip", bind("strip", a, k, ["chars"])[0]), true, true)],
  ["lstrip", (s, a, k) => stripChars(s, optStr("lstrip", bind("lstrip", a, k, ["chars"])[0]), true, false)],
  ["rstrip", (s, a, k) => stripChars(s, optStr("rstrip", bind("rstrip", a, k, ["chars"])[0]), false, true)],
  ["startswith", (s, a, k) => affix(s, a, k, "startswith")],
  ["endswith", (s, a, k) => affix(s, a, k, "endswith")],
  ["removeprefix", (s, a, k) => {
    const p = strArg("removeprefix", bind("removeprefix", a, k, ["prefix"], 1)[0]);
    return p && s.startsWith(p) ? s.slice(p.length) : s;
  }],
  ["removesuffix", (s, a, k) => {
    const p = strArg("removesuffix", bind("removesuffix", a, k, ["suffix"], 1)[0]);
    return p && s.endsWith(p) ? s.slice(0, s.length - p.length) : s;
  }],
  ["lower", (s, a, k) => (bind("lower", a, k, []), s.toLowerCase())],
  ["upper", (s, a, k) => (bind("upper", a, k, []), s.toUpperCase())],
  ["title", (s, a, k) => (bind("title", a, k, []), titleCase(s))],
  ["capitalize", (s, a, k) => {
    bind("capitalize", a, k, []);
    const cps = codePoints(s);
    return cps.length === 0 ? "" : cps[0]!.toUpperCase() + cps.slice(1).join("").toLowerCase();
  }],
  ["swapcase", (s, a, k) => {
    bind("swapcase", a, k, []);
    return Array.from(s, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join("");
  }],
  ["replace", (s, a, k) => replace(s, a, k)],
  ["join", (s, a, k, env) => {
    const [it] = bind("join", a, k, ["iterable"], 1);
    const items = iterate(it);
    env.charge(items.length);
    items.forEach((x, i) => {
      if (typeof x !== "string") raise("TypeError", `sequence item ${i}: expected str instance, ${typeName(x)} found`);
    });
    const out = (items as string[]).join(s);
    if (out.length > MAX_SEQUENCE) raise("LimitExceeded", `join() result exceeds ${MAX_SEQUENCE} characters`);
    return out;
  }],
  ["find", (s, a, k) => find(s, a, k, "find", false)],
  ["rfind", (s, a, k) => find(s, a, k, "rfind", true)],
  ["index", (s, a, k) => {
    const i = find(s, a, k, "index", false);
    return i < 0 ? raise("ValueError", "substring not found") : i;
  }],
  ["rindex", (s, a, k) => {
    const i = find(s, a, k, "rindex", true);
    return i < 0 ? raise("ValueError", "substring not found") : i;
  }],
  ["count", (s, a, k) => {
    const [sub, start, end] = bind("count", a, k, ["sub", "start", "end"], 1);
    const needle = strArg("count", sub);
    const r = region(s, start, end);
    if (r.past) return 0;
    return needle === "" ? cpLength(r.text) + 1 : r.text.split(needle).length - 1;
  }],
  ["zfill", (s, a, k) => {
    const width = intArg(bind("zfill", a, k, ["width"], 1)[0]);
    const n = cpLength(s);
    if (width <= n) return s;
    if (width > MAX_SEQUENCE) raise("LimitExceeded", `zfill() width exceeds ${MAX_SEQUENCE}`);
    const sign = s.startsWith("-") || s.startsWith("+") ? s[0]! : "";
    return sign + "0".repeat(width - n) + s.slice(sign.length);
  }],
  ["ljust", (s, a, k) => pad(s, a, k, "ljust")],
  ["rjust", (s, a, k) => pad(s, a, k, "rjust")],
  ["center", (s, a, k) => pad(s, a, k, "center")],
  ["format", (s, a, k) => formatMethod(s, a, k)],
  ["isdigit", (s, a, k) => (bind("isdigit", a, k, []), unicodeTest(/^[\p{Nd}\u00b2\u00b3\u00b9\u2070\u2074-\u2079\u2080-\u2089]+$/u)(s))],
  ["isdecimal", (s, a, k) => (bind("isdecimal", a, k, []), unicodeTest(/^\p{Nd}+$/u)(s))],
  ["isnumeric", (s, a, k) => (bind("isnumeric", a, k, []), unicodeTest(/^\p{N}+$/u)(s))],
  ["isalpha", (s, a, k) => (bind("isalpha", a, k, []), unicodeTest(/^\p{L}+$/u)(s))],
  ["isalnum", (s, a, k) => (bind("isalnum", a, k, []), unicodeTest(/^[\p{L}\p{N}]+$/u)(s))],
  ["isspace", (s, a, k) => (bind("isspace", a, k, []), s.length > 0 && Array.from(s).every(isWs))],
  ["islower", (s, a, k) => (bind("islower", a, k, []), s === s.toLowerCase() && s !== s.toUpperCase())],
  ["isupper", (s, a, k) => (bind("isupper", a, k, []), s === s.toUpperCase() && s !== s.toLowerCase())],
]);

// ---- list and dict methods -------------------------------------------------------------

const LIST_METHODS = new Map<string, Method<unknown[]>>([
  ["index", (l, a, k) => {
    const [x, start, end] = bind("index", a, k, ["value", "start", "stop"], 1);
    const n = l.length;
    const norm = (v: unknown, d: number): number => {
      const i = optInt(v, d);
      return i < 0 ? Math.max(0, i + n) : Math.min(i, n);
    };
    for (let i = norm(start, 0); i < norm(end, n); i++) if (pyEquals(l[i], x)) return i;
    return raise("ValueError", `${pyRepr(x)} is not in list`);
  }],
  ["count", (l, a, k) => {
    const [x] = bind("count", a, k, ["value"], 1);
    return l.filter((y) => pyEquals(y, x)).length;
  }],
]);

const DICT_METHODS = new Map<string, Method<Record<string, unknown>>>([
  ["get", (d, a, k) => {
    const [key, dflt] = bind("get", a, k, ["key", "default"], 1);
    if (Array.isArray(key) || isDict(key)) raise("TypeError", `unhashable type: '${typeName(key)}'`);
    const v = typeof key === "string" ? getKey(d, key) : undefined;
    return v !== undefined ? v : dflt === undefined ? null : dflt;
  }],
  ["keys", (d, a, k) => (bind("keys", a, k, []), Object.keys(d))],
  ["values", (d, a, k) => (bind("values", a, k, []), Object.values(d))],
  ["items", (d, a, k) => (bind("items", a, k, []), Object.entries(d).map(([key, v]) => [key, v]))],
]);

function methodTable(receiver: unknown): Map<string, Method<never>> | null {
  if (typeof receiver === "string") return STR_METHODS as Map<string, Method<never>>;
  if (Array.isArray(receiver)) return LIST_METHODS as Map<string, Method<never>>;
  if (isDict(receiver)) return DICT_METHODS as Map<string, Method<never>>;
  return null;
}

export function hasMethod(receiver: unknown, name: string): boolean {
  return methodTable(receiver)?.has(name) ?? false;
}

export function callMethod(receiver: unknown, name: string, args: readonly unknown[], kwargs: Kwargs, env: CallEnv): unknown {
  const m = methodTable(receiver)?.get(name);
  if (!m) return raise("AttributeError", `'${typeName(receiver)}' object has no attribute '${name}'`);
  return (m as Method<unknown>)(receiver, args, kwargs, env);
}

/** Slice a list or string with Python semantics (shared by the evaluator). */
export function sliceValue(v: unknown, start: number | null, end: number | null, step: number | null): unknown {
  if (step === 0) raise("ValueError", "slice step cannot be zero");
  if (Array.isArray(v)) return sliceIndices(v.length, start, end, step).map((i) => v[i]);
  if (typeof v === "string") {
    if (!hasSurrogates(v) && (step === null || step === 1)) return v.slice(...bounds(v.length, start, end));
    const cps = codePoints(v);
    return sliceIndices(cps.length, start, end, step).map((i) => cps[i]).join("");
  }
  if (isDict(v)) return raise("TypeError", "unhashable type: 'slice'");
  return raise("TypeError", `'${typeName(v)}' object is not subscriptable`);
}

function bounds(n: number, start: number | null, end: number | null): [number, number] {
  const clamp = (x: number): number => Math.min(n, Math.max(0, x < 0 ? x + n : x));
  return [start === null ? 0 : clamp(start), end === null ? n : clamp(end)];
}

/**
 * The JSONPath subset Globus Flows use for InputPath, ResultPath, `.$` parameters and the
 * backtick paths inside expressions. Globus documents no formal grammar beyond "starts with
 * `$`"; this accepts what real flows write (dotted keys, quoted keys, indices, wildcards,
 * slices, recursive descent, unions `[0,1]` / `['a','b']`, filters `[?(@.size > 10)]`, blanks
 * inside brackets) and rejects the typos that would otherwise fail only at run time.
 *
 * Filters follow RFC 9535: `@` is the element being tested, `$` the document root; a bare
 * path tests existence; `==`, `!=`, `<`, `<=`, `>`, `>=` compare a path with a literal
 * (number, string, true, false, null) or another path; `&&`, `||`, `!` and parentheses
 * combine tests. A missing value equals only another missing value and is never ordered;
 * `<` and friends compare numbers with numbers and strings with strings, anything else is
 * false; booleans are not numbers. A filter selects among the elements of a list and the
 * member values of an object.
 */
import { BoundedCache, parseFail, parseOk, type ParseResult } from "./parse-result.js";

export type { ParseResult } from "./parse-result.js";

/** A single selector: what one bracket (or one entry of a union) selects. */
export type Selector =
  /** `.name` or `['name']` */
  | { kind: "key"; name: string }
  /** `[N]`; negative counts from the end as in Python */
  | { kind: "index"; index: number }
  /** `.*` or `[*]` */
  | { kind: "wildcard" }
  /** `[start:end:step]`, each part optional */
  | { kind: "slice"; start: number | null; end: number | null; step: number | null }
  /** `[?(...)]`: the elements (or member values) for which the filter holds */
  | { kind: "filter"; filter: FilterExpr; text: string };

export type Segment =
  | Selector
  /** `[a, b, ...]`: several selectors, results concatenated in order */
  | { kind: "union"; selectors: Selector[] }
  /** `..name`, or `..*` (name null) for every descendant */
  | { kind: "descent"; name: string | null };

/** A path inside a filter: relative to the tested element (`@`) or to the document (`$`). */
export interface FilterPath {
  kind: "path";
  root: "@" | "$";
  segments: ({ kind: "key"; name: string } | { kind: "index"; index: number })[];
}

export type FilterOperand = FilterPath | { kind: "literal"; value: string | number | boolean | null };

export type FilterCompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=";

export type FilterExpr =
  | { kind: "or" | "and"; operands: FilterExpr[] }
  | { kind: "not"; operand: FilterExpr }
  /** A bare path: true when it exists (even with a null value). */
  | { kind: "exists"; path: FilterPath }
  | { kind: "compare"; op: FilterCompareOp; left: FilterOperand; right: FilterOperand };

export interface JsonPath {
  /** The source text, kept for messages. */
  text: string;
  /** Shared through the cache and frozen: never mutate. */
  segments: Segment[];
}

export type ReadResult = { found: true; value: unknown } | { found: false; missingAt: string };

export type PathErrorCode = "ResultPathMatchFailure";

/** A write or delete that cannot be applied; Globus reports these as ResultPathMatchFailure. */
export class PathError extends Error {
  readonly code: PathErrorCode = "ResultPathMatchFailure";

  constructor(
    message: string,
    /** The full path being written. */
    readonly path: string,
    /** The prefix of the path at which the write failed. */
    readonly at: string,
  ) {
    super(message);
    this.name = "PathError";
  }
}

// ---------------------------------------------------------------------------------------
// Parsing

function isNameChar(c: string): boolean {
  // `]` is excluded too so that `$.a]` is reported instead of becoming a key "a]".
  return c !== "." && c !== "[" && c !== "]" && !/\s/.test(c);
}

function describe(text: string, i: number): string {
  if (i >= text.length) return "end of path";
  return /\s/.test(text[i]!) ? "whitespace" : `'${text[i]}'`;
}

const INT_RE = /^-?\d+/;
const NAME_ESCAPES = new Map([["n", "\n"], ["t", "\t"], ["r", "\r"], ["b", "\b"], ["f", "\f"]]);

export function parseJsonPath(text: string): ParseResult<JsonPath> {
  if (!text.startsWith("$")) {
    return parseFail(`expected '$' at 0: a JSONPath starts with '$' (found ${describe(text, 0)})`, 0);
  }
  const segments: Segment[] = [];
  let i = 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ".") {
      if (text[i + 1] === ".") {
        i += 2;
        if (text[i] === "*") {
          segments.push({ kind: "descent", name: null });
          i += 1;
          continue;
        }
        const start = i;
        while (i < text.length && isNameChar(text[i]!)) i++;
        if (i === start) return parseFail(`expected a name or '*' after '..' at ${start}, found ${describe(text, start)}`, start);
        segments.push({ kind: "descent", name: text.slice(start, i) });
        continue;
      }
      i += 1;
      const start = i;
      while (i < text.length && isNameChar(text[i]!)) i++;
      if (i === start) return parseFail(`expected a name or '*' after '.' at ${start}, found ${describe(text, start)}`, start);
      const name = text.slice(start, i);
      segments.push(name === "*" ? { kind: "wildcard" } : { kind: "key", name });
      continue;
    }
    if (c === "[") {
      const r = parseBracket(text, i);
      if (!r.ok) return r;
      segments.push(r.value.segment);
      i = r.value.next;
      continue;
    }
    const what = /\s/.test(c) ? "whitespace (names cannot contain whitespace)" : `'${c}'`;
    return parseFail(`expected '.' or '[' at ${i}, found ${what}`, i);
  }
  return parseOk(Object.freeze({ text, segments: Object.freeze(segments) as Segment[] }));
}

type Parsed<T> = ParseResult<{ value: T; next: number }>;

function skipBlanks(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

/** `[...]`: one selector, or a comma-separated union of them; blanks allowed inside. */
function parseBracket(text: string, open: number): ParseResult<{ segment: Segment; next: number }> {
  const selectors: Selector[] = [];
  let i = skipBlanks(text, open + 1);
  for (;;) {
    const r = parseSelector(text, i, open, selectors.length > 0);
    if (!r.ok) return r;
    selectors.push(r.value.value);
    i = skipBlanks(text, r.value.next);
    if (text[i] === ",") {
      i = skipBlanks(text, i + 1);
      continue;
    }
    if (text[i] !== "]") return parseFail(`expected ']' at ${i} to close '[' at ${open}, found ${describe(text, i)}`, i);
    const segment: Segment = selectors.length === 1 ? selectors[0]! : { kind: "union", selectors: Object.freeze(selectors) as Selector[] };
    return parseOk({ segment, next: i + 1 });
  }
}

function parseQuoted(text: string, at: number): Parsed<string> {
  const q = text[at]!;
  let name = "";
  let i = at + 1;
  for (;;) {
    if (i >= text.length) return parseFail(`unterminated quoted name: expected ${q} to close the quote at ${at}`, i);
    const ch = text[i]!;
    if (ch === q) return parseOk({ value: name, next: i + 1 });
    if (ch === "\\") {
      const esc = text[i + 1];
      if (esc === undefined) return parseFail(`unterminated quoted name: expected ${q} to close the quote at ${at}`, i + 1);
      if (esc === "u") {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) return parseFail(`expected 4 hex digits after '\\u' at ${i + 2}`, i + 2);
        name += String.fromCharCode(parseInt(hex, 16));
        i += 6;
        continue;
      }
      name += NAME_ESCAPES.get(esc) ?? esc;
      i += 2;
      continue;
    }
    name += ch;
    i += 1;
  }
}

function parseSelector(text: string, i: number, open: number, afterComma: boolean): Parsed<Selector> {
  const c = text[i];
  if (c === "'" || c === '"') {
    const r = parseQuoted(text, i);
    if (!r.ok) return r;
    return parseOk({ value: { kind: "key", name: r.value.value }, next: r.value.next });
  }
  if (c === "*") return parseOk({ value: { kind: "wildcard" }, next: i + 1 });
  if (c === "?") {
    const r = parseFilter(text, i + 1);
    if (!r.ok) return r;
    const filterText = text.slice(i + 1, r.value.next).trim();
    return parseOk({ value: { kind: "filter", filter: r.value.value, text: filterText }, next: r.value.next });
  }

  // Index or slice: up to three optional integers separated by ':' (blanks allowed around them).
  const parts: (number | null)[] = [];
  let colons = 0;
  for (;;) {
    i = skipBlanks(text, i);
    const m = INT_RE.exec(text.slice(i));
    if (m) {
      parts.push(Number(m[0]));
      i = skipBlanks(text, i + m[0].length);
    } else {
      parts.push(null);
    }
    if (text[i] === ":" && colons < 2) {
      colons += 1;
      i += 1;
      continue;
    }
    break;
  }
  if (colons === 0) {
    const index = parts[0];
    if (index === null || index === undefined) {
      const what = afterComma ? "after ',' " : "";
      return parseFail(`expected an index, slice, '*' or quoted name ${what}at ${i} (or a filter '?(...)'), found ${describe(text, i)}`, i);
    }
    return parseOk({ value: { kind: "index", index }, next: i });
  }
  const [start = null, end = null, step = null] = parts;
  if (step === 0) return parseFail(`slice step cannot be zero (at ${open})`, open);
  return parseOk({ value: { kind: "slice", start, end, step }, next: i });
}

// ---- filters ---------------------------------------------------------------------------

const FILTER_NAME_RE = /[\p{L}\p{N}_$-]+/uy;
const NUMBER_RE = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const COMPARE_OPS: FilterCompareOp[] = ["==", "!=", "<=", ">=", "<", ">"];
/** Parentheses and '!' a filter may nest (a guard against stack exhaustion). */
const MAX_FILTER_NESTING = 50;

/** A filter after '?': `logical-or`, usually parenthesised. Offsets are absolute. */
function parseFilter(text: string, i: number): Parsed<FilterExpr> {
  let depth = 0;
  const fail = <T>(message: string, at: number): ParseResult<T> => parseFail(message, at);

  const or = (i: number): Parsed<FilterExpr> => {
    const operands: FilterExpr[] = [];
    for (;;) {
      const r = and(i);
      if (!r.ok) return r;
      operands.push(r.value.value);
      i = skipBlanks(text, r.value.next);
      if (!text.startsWith("||", i)) break;
      i += 2;
    }
    return parseOk({ value: operands.length === 1 ? operands[0]! : { kind: "or", operands }, next: i });
  };

  const and = (i: number): Parsed<FilterExpr> => {
    const operands: FilterExpr[] = [];
    for (;;) {
      const r = unary(i);
      if (!r.ok) return r;
      operands.push(r.value.value);
      i = skipBlanks(text, r.value.next);
      if (!text.startsWith("&&", i)) break;
      i += 2;
    }
    return parseOk({ value: operands.length === 1 ? operands[0]! : { kind: "and", operands }, next: i });
  };

  const unary = (i: number): Parsed<FilterExpr> => {
    i = skipBlanks(text, i);
    if (text[i] === "!" && text[i + 1] !== "=") {
      if (++depth > MAX_FILTER_NESTING) return fail(`filter nested too deeply at ${i}`, i);
      const r = unary(i + 1);
      depth -= 1;
      if (!r.ok) return r;
      return parseOk({ value: { kind: "not", operand: r.value.value }, next: r.value.next });
    }
    if (text[i] === "(") {
      if (++depth > MAX_FILTER_NESTING) return fail(`filter nested too deeply at ${i}`, i);
      const r = or(i + 1);
      depth -= 1;
      if (!r.ok) return r;
      const j = skipBlanks(text, r.value.next);
      if (text[j] !== ")") return fail(`expected ')' at ${j} to close '(' at ${i} in the filter, found ${describe(text, j)}`, j);
      return parseOk({ value: r.value.value, next: j + 1 });
    }
    return comparison(i);
  };

  const comparison = (i: number): Parsed<FilterExpr> => {
    const left = operand(i);
    if (!left.ok) return left;
    const j = skipBlanks(text, left.value.next);
    if (text[j] === "=" && text[j + 1] !== "=") return fail(`'=' at ${j}: use '==' to compare in a filter`, j);
    const op = COMPARE_OPS.find((o) => text.startsWith(o, j));
    if (op === undefined) {
      const l = left.value.value;
      if (l.kind !== "path") {
        return fail(`expected a comparison operator (==, !=, <, <=, >, >=) at ${j} after the literal at ${i}, found ${describe(text, j)}`, j);
      }
      return parseOk({ value: { kind: "exists", path: l }, next: left.value.next });
    }
    const right = operand(j + op.length);
    if (!right.ok) return right;
    return parseOk({ value: { kind: "compare", op, left: left.value.value, right: right.value.value }, next: right.value.next });
  };

  const operand = (i: number): Parsed<FilterOperand> => {
    i = skipBlanks(text, i);
    const c = text[i];
    if (c === "@" || c === "$") return filterPath(i);
    if (c === "'" || c === '"') {
      const r = parseQuoted(text, i);
      if (!r.ok) return r;
      return parseOk({ value: { kind: "literal", value: r.value.value }, next: r.value.next });
    }
    NUMBER_RE.lastIndex = i;
    const num = NUMBER_RE.exec(text);
    if (num) return parseOk({ value: { kind: "literal", value: Number(num[0]) }, next: i + num[0].length });
    for (const [word, value] of [["true", true], ["false", false], ["null", null]] as const) {
      if (text.startsWith(word, i) && !/[\p{L}\p{N}_]/u.test(text[i + word.length] ?? "")) {
        return parseOk({ value: { kind: "literal", value }, next: i + word.length });
      }
    }
    return fail(`expected '@', '$', a number, a quoted string, true, false or null at ${i} in the filter, found ${describe(text, i)}`, i);
  };

  const filterPath = (i: number): Parsed<FilterPath> => {
    const root = text[i] as "@" | "$";
    const segments: FilterPath["segments"] = [];
    i += 1;
    for (;;) {
      if (text[i] === "." && text[i + 1] !== ".") {
        FILTER_NAME_RE.lastIndex = i + 1;
        const m = FILTER_NAME_RE.exec(text);
        if (!m) return fail(`expected a name after '.' at ${i + 1} in the filter, found ${describe(text, i + 1)}`, i + 1);
        segments.push({ kind: "key", name: m[0] });
        i += 1 + m[0].length;
      } else if (text[i] === "[") {
        const j = skipBlanks(text, i + 1);
        let seg: FilterPath["segments"][number];
        let next: number;
        if (text[j] === "'" || text[j] === '"') {
          const r = parseQuoted(text, j);
          if (!r.ok) return r;
          seg = { kind: "key", name: r.value.value };
          next = r.value.next;
        } else {
          const m = INT_RE.exec(text.slice(j));
          if (!m) return fail(`expected an index or a quoted name at ${j} in the filter path, found ${describe(text, j)}`, j);
          seg = { kind: "index", index: Number(m[0]) };
          next = j + m[0].length;
        }
        const k = skipBlanks(text, next);
        if (text[k] !== "]") return fail(`expected ']' at ${k} to close '[' at ${i} in the filter path, found ${describe(text, k)}`, k);
        segments.push(seg);
        i = k + 1;
      } else {
        return parseOk({ value: { kind: "path", root, segments }, next: i });
      }
    }
  };

  const r = or(i);
  if (!r.ok) return r;
  return parseOk({ value: deepFreeze(r.value.value), next: r.value.next });
}

function deepFreeze<T>(v: T): T {
  if (typeof v === "object" && v !== null && !Object.isFrozen(v)) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

const pathCache = new BoundedCache<ParseResult<JsonPath>>(2048);

/** parseJsonPath with a bounded cache: the same paths are parsed on every state visit. */
export function compileJsonPath(text: string): ParseResult<JsonPath> {
  let r = pathCache.get(text);
  if (r === undefined) {
    r = parseJsonPath(text);
    pathCache.set(text, r);
  }
  return r;
}

/** True when the path selects at most one node: the only kind ResultPath accepts. */
const definite = new WeakMap<JsonPath, boolean>();

export function isDefinitePath(p: JsonPath): boolean {
  // Asked on every write of a cached path: remember the answer per parsed path.
  let d = definite.get(p);
  if (d === undefined) {
    d = p.segments.every((s) => s.kind === "key" || s.kind === "index");
    definite.set(p, d);
  }
  return d;
}

const PLAIN_NAME_RE = /^[^.[\]\s'"`*]+$/;

/** A selector as written inside brackets (`'key'`, `0`, `*`, `1:2`, `?(...)`). */
function formatSelector(s: Selector): string {
  switch (s.kind) {
    case "key":
      return quoteName(s.name);
    case "index":
      return String(s.index);
    case "wildcard":
      return "*";
    case "slice":
      return `${s.start ?? ""}:${s.end ?? ""}${s.step === null ? "" : `:${s.step}`}`;
    case "filter":
      return `?${s.text}`;
  }
}

export function formatSegment(s: Segment): string {
  switch (s.kind) {
    case "union":
      return `[${s.selectors.map(formatSelector).join(",")}]`;
    case "filter":
      return `[${formatSelector(s)}]`;
    case "key":
      return PLAIN_NAME_RE.test(s.name) ? `.${s.name}` : `[${quoteName(s.name)}]`;
    case "index":
      return `[${s.index}]`;
    case "wildcard":
      return "[*]";
    case "slice":
      return `[${s.start ?? ""}:${s.end ?? ""}${s.step === null ? "" : `:${s.step}`}]`;
    case "descent":
      return `..${s.name ?? "*"}`;
  }
}

function quoteName(name: string): string {
  return `'${name.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** Canonical text for a segment list (what messages show as "missing at"). */
export function formatJsonPath(segments: readonly Segment[]): string {
  let out = "$";
  for (const s of segments) out += formatSegment(s);
  return out;
}

// ---------------------------------------------------------------------------------------
// Reading

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Python-style index normalisation; -1 when out of range. */
function normIndex(index: number, length: number): number {
  const i = index < 0 ? length + index : index;
  return i >= 0 && i < length ? i : -1;
}

/** The child selected by a key or index segment; `undefined` when absent. */
function child(node: unknown, s: Segment & { kind: "key" | "index" }): unknown {
  if (s.kind === "key") return isObject(node) && hasOwn(node, s.name) ? node[s.name] : undefined;
  if (!Array.isArray(node)) return undefined;
  const i = normIndex(s.index, node.length);
  return i < 0 ? undefined : node[i];
}

/** Python slice bounds; shared with the expression evaluator so both agree. */
export function sliceIndices(length: number, start: number | null, end: number | null, step: number | null): number[] {
  const st = step ?? 1;
  const clamp = (v: number | null, dflt: number, lo: number, hi: number): number => {
    if (v === null) return dflt;
    const x = v < 0 ? v + length : v;
    return x < lo ? lo : x > hi ? hi : x;
  };
  const out: number[] = [];
  if (st > 0) {
    const a = clamp(start, 0, 0, length);
    const b = clamp(end, length, 0, length);
    for (let i = a; i < b; i += st) out.push(i);
  } else {
    const a = clamp(start, length - 1, -1, length - 1);
    const b = clamp(end, -1, -1, length - 1);
    for (let i = a; i > b; i += st) out.push(i);
  }
  return out;
}

/** `..name`: every `name` key at or below `node`, in document order; `..*`: every descendant. */
function descend(node: unknown, name: string | null, out: unknown[]): void {
  if (name !== null && isObject(node) && hasOwn(node, name)) out.push(node[name]);
  const children = Array.isArray(node) ? node : isObject(node) ? Object.values(node) : [];
  for (const c of children) {
    if (name === null) out.push(c);
    descend(c, name, out);
  }
}

// ---- filters ----

/** The value a filter path designates, or undefined when it does not exist. */
function filterValue(root: unknown, current: unknown, o: FilterOperand): unknown {
  if (o.kind === "literal") return o.value;
  let node = o.root === "@" ? current : root;
  for (const s of o.segments) {
    node = child(node, s);
    if (node === undefined) return undefined;
  }
  return node;
}

/** Equality of JSON values (booleans are not numbers); undefined is "Nothing". */
function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEquals(x, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => hasOwn(b, k) && jsonEquals(a[k], b[k]));
  }
  return false;
}

function jsonLess(a: unknown, b: unknown): boolean {
  if (typeof a === "number" && typeof b === "number") return a < b;
  if (typeof a === "string" && typeof b === "string") {
    // Code point order, as RFC 9535 asks (JS compares UTF-16 units).
    const x = Array.from(a, (c) => c.codePointAt(0)!);
    const y = Array.from(b, (c) => c.codePointAt(0)!);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]!;
    return x.length < y.length;
  }
  return false;
}

function filterHolds(f: FilterExpr, root: unknown, current: unknown): boolean {
  switch (f.kind) {
    case "or":
      return f.operands.some((x) => filterHolds(x, root, current));
    case "and":
      return f.operands.every((x) => filterHolds(x, root, current));
    case "not":
      return !filterHolds(f.operand, root, current);
    case "exists":
      return filterValue(root, current, f.path) !== undefined;
    case "compare": {
      const a = filterValue(root, current, f.left);
      const b = filterValue(root, current, f.right);
      switch (f.op) {
        case "==":
          return jsonEquals(a, b);
        case "!=":
          return !jsonEquals(a, b);
        case "<":
          return jsonLess(a, b);
        case ">":
          return jsonLess(b, a);
        case "<=":
          return jsonLess(a, b) || jsonEquals(a, b);
        case ">=":
          return jsonLess(b, a) || jsonEquals(a, b);
      }
    }
  }
}

/** Apply one selector to `node`, appending the selected values to `out`. */
function select(root: unknown, node: unknown, s: Selector, out: unknown[]): void {
  switch (s.kind) {
    case "key":
    case "index": {
      const v = child(node, s);
      if (v !== undefined) out.push(v);
      break;
    }
    case "wildcard":
      if (Array.isArray(node)) out.push(...node);
      else if (isObject(node)) out.push(...Object.values(node));
      break;
    case "slice":
      if (Array.isArray(node)) for (const i of sliceIndices(node.length, s.start, s.end, s.step)) out.push(node[i]);
      break;
    case "filter": {
      const children = Array.isArray(node) ? node : isObject(node) ? Object.values(node) : [];
      for (const c of children) if (filterHolds(s.filter, root, c)) out.push(c);
      break;
    }
  }
}

/**
 * Read a path. Definite paths yield the single value (or where the lookup failed);
 * indefinite paths yield the array of matches, possibly empty. Filters' `$` paths refer
 * to `doc`.
 */
export function readPath(doc: unknown, p: JsonPath): ReadResult {
  const segs = p.segments;
  if (isDefinitePath(p)) {
    let node = doc;
    for (let i = 0; i < segs.length; i++) {
      node = child(node, segs[i] as Segment & { kind: "key" | "index" });
      if (node === undefined) return { found: false, missingAt: formatJsonPath(segs.slice(0, i + 1)) };
    }
    return { found: true, value: node };
  }
  let nodes: unknown[] = [doc];
  for (const s of segs) {
    const next: unknown[] = [];
    for (const node of nodes) {
      if (s.kind === "descent") descend(node, s.name, next);
      else if (s.kind === "union") for (const sel of s.selectors) select(doc, node, sel, next);
      else select(doc, node, s, next);
    }
    nodes = next;
  }
  return { found: true, value: nodes };
}

// ---------------------------------------------------------------------------------------
// Writing (structural sharing: only the containers along the path are copied)

function requireDefinite(p: JsonPath, verb: string): void {
  if (!isDefinitePath(p)) {
    throw new PathError(`cannot ${verb} ${p.text}: the path is not definite (wildcards, slices, unions, filters and '..' select many nodes)`, p.text, p.text);
  }
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

/**
 * Return a new document with `value` at `p`. Missing intermediate objects are created;
 * an intermediate scalar (or a key on an array) is a ResultPathMatchFailure.
 */
export function writePath(doc: unknown, p: JsonPath, value: unknown): unknown {
  requireDefinite(p, "write to");
  const segs = p.segments;
  const set = (node: unknown, depth: number): unknown => {
    if (depth === segs.length) return value;
    const s = segs[depth]!;
    const fail = (why: string): never => {
      const at = formatJsonPath(segs.slice(0, depth));
      throw new PathError(`cannot write ${p.text}: ${at} is ${why}`, p.text, at);
    };
    if (s.kind === "key") {
      if (node === undefined) return { [s.name]: set(undefined, depth + 1) };
      if (!isObject(node)) return fail(`${typeName(node)}, not an object`);
      return { ...node, [s.name]: set(hasOwn(node, s.name) ? node[s.name] : undefined, depth + 1) };
    }
    if (s.kind !== "index") return fail("not definite");
    if (node === undefined) {
      if (s.index !== 0) return fail(`missing, and only index 0 can create a list`);
      return [set(undefined, depth + 1)];
    }
    if (!Array.isArray(node)) return fail(`${typeName(node)}, not an array`);
    const i = normIndex(s.index, node.length);
    if (i < 0 && s.index !== node.length) return fail(`an array of length ${node.length} (index ${s.index} out of range)`);
    const copy = node.slice();
    copy[i < 0 ? node.length : i] = set(i < 0 ? undefined : node[i], depth + 1);
    return copy;
  };
  return set(doc, 0);
}

/**
 * Return a new document without the node at `p` (Pass InputPath+ResultPath "moves" data).
 * A path that does not exist leaves the document as it is (same reference).
 */
export function deletePath(doc: unknown, p: JsonPath): unknown {
  requireDefinite(p, "delete");
  const segs = p.segments;
  if (segs.length === 0) throw new PathError(`cannot delete the whole document '$'`, p.text, "$");
  const del = (node: unknown, depth: number): unknown => {
    const s = segs[depth] as Segment & { kind: "key" | "index" };
    const last = depth === segs.length - 1;
    if (s.kind === "key") {
      if (!isObject(node) || !hasOwn(node, s.name)) return node;
      if (last) {
        const copy = { ...node };
        delete copy[s.name];
        return copy;
      }
      const inner = del(node[s.name], depth + 1);
      return inner === node[s.name] ? node : { ...node, [s.name]: inner };
    }
    if (!Array.isArray(node)) return node;
    const i = normIndex(s.index, node.length);
    if (i < 0) return node;
    if (last) return [...node.slice(0, i), ...node.slice(i + 1)];
    const inner = del(node[i], depth + 1);
    if (inner === node[i]) return node;
    const copy = node.slice();
    copy[i] = inner;
    return copy;
  };
  return del(doc, 0);
}

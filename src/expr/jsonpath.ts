/**
 * The JSONPath subset Globus Flows use for InputPath, ResultPath, `.$` parameters and the
 * backtick paths inside expressions. Globus documents no formal grammar beyond "starts with
 * `$`"; this accepts what real flows write (dotted keys, quoted keys, indices, wildcards,
 * slices, recursive descent) and rejects the typos that would otherwise fail only at run time.
 */
import { BoundedCache, parseFail, parseOk, type ParseResult } from "./parse-result.js";

export type { ParseResult } from "./parse-result.js";

export type Segment =
  /** `.name` or `['name']` */
  | { kind: "key"; name: string }
  /** `[N]`; negative counts from the end as in Python */
  | { kind: "index"; index: number }
  /** `.*` or `[*]` */
  | { kind: "wildcard" }
  /** `[start:end:step]`, each part optional */
  | { kind: "slice"; start: number | null; end: number | null; step: number | null }
  /** `..name`, or `..*` (name null) for every descendant */
  | { kind: "descent"; name: string | null };

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

function parseBracket(text: string, open: number): ParseResult<{ segment: Segment; next: number }> {
  let i = open + 1;
  const c = text[i];
  const closeAt = (j: number, segment: Segment): ParseResult<{ segment: Segment; next: number }> =>
    text[j] === "]"
      ? parseOk({ segment, next: j + 1 })
      : parseFail(`expected ']' at ${j} to close '[' at ${open}, found ${describe(text, j)}`, j);

  if (c === "'" || c === '"') {
    let name = "";
    i += 1;
    for (;;) {
      if (i >= text.length) return parseFail(`unterminated quoted name: expected ${c} to close the quote at ${open + 1}`, i);
      const ch = text[i]!;
      if (ch === c) break;
      if (ch === "\\") {
        const esc = text[i + 1];
        if (esc === undefined) return parseFail(`unterminated quoted name: expected ${c} to close the quote at ${open + 1}`, i + 1);
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
    return closeAt(i + 1, { kind: "key", name });
  }
  if (c === "*") return closeAt(i + 1, { kind: "wildcard" });

  // Index or slice: up to three optional integers separated by ':'.
  const parts: (number | null)[] = [];
  let colons = 0;
  for (;;) {
    const m = INT_RE.exec(text.slice(i));
    if (m) {
      parts.push(Number(m[0]));
      i += m[0].length;
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
      const found = text[i] === "?" ? "a filter expression (not supported)" : describe(text, i);
      return parseFail(`expected an index, slice, '*' or quoted name at ${i}, found ${found}`, i);
    }
    return closeAt(i, { kind: "index", index });
  }
  const [start = null, end = null, step = null] = parts;
  if (step === 0) return parseFail(`slice step cannot be zero (at ${open})`, open);
  return closeAt(i, { kind: "slice", start, end, step });
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
export function isDefinitePath(p: JsonPath): boolean {
  return p.segments.every((s) => s.kind === "key" || s.kind === "index");
}

const PLAIN_NAME_RE = /^[^.[\]\s'"`*]+$/;

export function formatSegment(s: Segment): string {
  switch (s.kind) {
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

/**
 * Read a path. Definite paths yield the single value (or where the lookup failed);
 * indefinite paths yield the array of matches, possibly empty.
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
      switch (s.kind) {
        case "key":
        case "index": {
          const v = child(node, s);
          if (v !== undefined) next.push(v);
          break;
        }
        case "wildcard":
          if (Array.isArray(node)) next.push(...node);
          else if (isObject(node)) next.push(...Object.values(node));
          break;
        case "slice":
          if (Array.isArray(node)) for (const i of sliceIndices(node.length, s.start, s.end, s.step)) next.push(node[i]);
          break;
        case "descent":
          descend(node, s.name, next);
          break;
      }
    }
    nodes = next;
  }
  return { found: true, value: nodes };
}

// ---------------------------------------------------------------------------------------
// Writing (structural sharing: only the containers along the path are copied)

function requireDefinite(p: JsonPath, verb: string): void {
  if (!isDefinitePath(p)) {
    throw new PathError(`cannot ${verb} ${p.text}: the path is not definite (wildcards, slices and '..' select many nodes)`, p.text, p.text);
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

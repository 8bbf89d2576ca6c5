/**
 * A JSON parser that remembers where every value starts, so diagnostics about a
 * definition file can name the line of a JSON pointer, and that reports duplicate
 * keys (JSON.parse silently keeps the last one).
 */
import { pointerOf } from "../definition/diagnostics.js";

export interface Position {
  line: number;
  column: number;
}

export interface LocatedDocument {
  value: unknown;
  /** Pointer -> position of the value (for object members, of the key); empty when not asked for. */
  positions: Map<string, Position>;
  duplicateKeys: { pointer: string; position: Position }[];
}

/** Deeper documents are refused when read: the validators and the engine recurse. */
export const MAX_NESTING = 256;

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: Position,
  ) {
    super(`${message} at line ${position.line}, column ${position.column}`);
  }
}

/**
 * `positions: false` skips the pointer map (a string and a position per value: ~170 MB
 * for a 60,000-state definition, where the parse itself needs a tenth of it); callers
 * that need a location parse again with positions (the same text gives the same value).
 */
export function parseLocatedJson(text: string, opts: { positions?: boolean } = {}): LocatedDocument {
  const located = opts.positions !== false;
  // Without positions, the pointer of a duplicate key is made from the path of keys above it.
  const path: (string | number)[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const positions = new Map<string, Position>();
  const duplicateKeys: { pointer: string; position: Position }[] = [];
  const pos = (): Position => ({ line, column: i - lineStart + 1 });
  const fail = (msg: string): never => {
    throw new JsonSyntaxError(msg, pos());
  };

  const ws = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        i++;
        line++;
        lineStart = i;
      } else if (c === 32 || c === 9 || c === 13) i++;
      else break;
    }
  };

  // One copy of each short string: a definition repeats its keys, types, URLs and paths in
  // every state (a 60,000-state definition's value is a third smaller).
  const interned = new Map<string, string>();
  const intern = (s: string): string => {
    const known = interned.get(s);
    if (known !== undefined) return known;
    interned.set(s, s);
    return s;
  };
  const str = (): string => {
    const start = ++i;
    let out = "";
    let chunk = start;
    for (;;) {
      if (i >= text.length) fail("unterminated string");
      const c = text.charCodeAt(i);
      if (c === 34) {
        out += text.slice(chunk, i);
        i++;
        return out.length > 64 ? out : intern(out);
      }
      if (c === 10) fail("unterminated string (newline inside a string)");
      if (c < 0x20) fail(`control character U+${c.toString(16).padStart(4, "0")} inside a string; write it as an escape (\\t, \\u00XX)`);
      if (c === 92) {
        out += text.slice(chunk, i);
        const e = text[i + 1];
        const map: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e === "u") {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape");
          out += String.fromCharCode(parseInt(hex, 16));
          i += 6;
        } else if (e !== undefined && e in map) {
          out += map[e];
          i += 2;
        } else fail(`bad escape \\${e ?? ""}`);
        chunk = i;
        continue;
      }
      i++;
    }
  };

  let depth = 0;
  const value = (pointer: string | undefined): unknown => {
    ws();
    if (++depth > MAX_NESTING) fail(`the document is nested too deeply (more than ${MAX_NESTING} levels)`);
    try {
      return valueAt(pointer);
    } finally {
      depth--;
    }
  };
  const valueAt = (pointer: string | undefined): unknown => {
    if (pointer !== undefined && !positions.has(pointer)) positions.set(pointer, pos());
    const c = text[i];
    if (c === "{") {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === "}") {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(text[i] === "}" ? "trailing comma before '}'" : "expected a string key");
        const keyPos = pos();
        const key = str();
        const child = pointer === undefined ? undefined : pointer + pointerOf(key);
        if (Object.prototype.hasOwnProperty.call(obj, key)) duplicateKeys.push({ pointer: child ?? pointerOf(...path, key), position: keyPos });
        if (child !== undefined) positions.set(child, keyPos);
        ws();
        if (text[i] !== ":") fail("expected ':' after key");
        i++;
        if (!located) path.push(key);
        const v = value(child);
        if (!located) path.pop();
        if (child !== undefined) positions.set(child, keyPos);
        Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === "[") {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === "]") {
        i++;
        return arr;
      }
      for (;;) {
        if (!located) path.push(arr.length);
        arr.push(value(pointer === undefined ? undefined : pointer + pointerOf(arr.length)));
        if (!located) path.pop();
        ws();
        if (text[i] === ",") {
          i++;
          ws();
          if (text[i] === "]") fail("trailing comma before ']'");
          continue;
        }
        if (text[i] === "]") {
          i++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (m) {
      i += m[0].length;
      return Number(m[0]);
    }
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return fail(i >= text.length ? "unexpected end of file" : `unexpected character '${c}'`);
  };

  if (text.charCodeAt(0) === 0xfeff) i = 1;
  let v: unknown;
  try {
    v = value(located ? "" : undefined);
  } catch (e) {
    if (e instanceof RangeError) throw new JsonSyntaxError("the document is nested too deeply to read", pos());
    throw e;
  }
  ws();
  if (i < text.length) fail("unexpected content after the JSON value");
  return { value: v, positions, duplicateKeys };
}

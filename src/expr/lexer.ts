/**
 * Tokenizer for the Globus expression language: Python's expression tokens plus
 * backtick-quoted JSONPaths. Newlines count as whitespace everywhere (a `.=` value is one
 * JSON string; nobody relies on Python's implicit line joining rules), and a backslash
 * before a newline is a line continuation, as in Python.
 *
 * f-strings are lexed into one token holding their literal text and, per replacement
 * field, the field's own tokens. The fields are lexed as Python 3.12 does (PEP 701): a
 * field may contain any expression, including strings that reuse the f-string's quote,
 * so everything Python 3.11 accepts is accepted too.
 */
import { compileJsonPath, type JsonPath } from "./jsonpath.js";
import { parseFail, parseOk, type ParseResult } from "./parse-result.js";

/** One `{expr!c:spec}` field of an f-string token. */
export interface FStringField {
  /** The expression's tokens, ending with an eof token at `exprEnd`. */
  readonly tokens: readonly Token[];
  readonly exprEnd: number;
  /** For the self-documenting `{x=}`: the text to print before the value (`x=`). */
  readonly debug: string | null;
  readonly conversion: "r" | "s" | "a" | null;
  /** The parts of the format spec after ':'; null without ':'. */
  readonly spec: readonly FStringPart[] | null;
  /** Offset of the spec text (after ':'); -1 without spec. */
  readonly specStart: number;
  /** Offsets of the braces: `start` at '{', `end` after '}'. */
  readonly start: number;
  readonly end: number;
}

/** Literal text (escapes decoded, `{{` and `}}` undoubled) or a replacement field. */
export type FStringPart = string | FStringField;

interface TokenBase {
  readonly start: number;
  readonly end: number;
}

export type Token =
  | (TokenBase & { readonly kind: "number"; readonly value: number; readonly float: boolean })
  | (TokenBase & { readonly kind: "string"; readonly value: string })
  | (TokenBase & { readonly kind: "name"; readonly value: string })
  | (TokenBase & { readonly kind: "op"; readonly value: string })
  | (TokenBase & { readonly kind: "path"; readonly value: JsonPath })
  | (TokenBase & { readonly kind: "fstring"; readonly parts: readonly FStringPart[] })
  | (TokenBase & { readonly kind: "eof" });

// Longest first. Operators the language does not support (bitwise, augmented assignment,
// walrus, Ellipsis) are still tokenized so that the parser can say why they are rejected.
const OPERATORS = [
  "**=", "//=", ">>=", "<<=", "...",
  "**", "//", "@=", "==", "!=", "<=", ">=", "<<", ">>", ":=", "+=", "-=", "*=", "/=", "%=", "|=", "&=", "^=", "->",
  "+", "-", "*", "/", "%", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ":", ".", "|", "&", "^", "~", "@", ";",
];

const NAME_RE = /[\p{ID_Start}_][\p{ID_Continue}]*/uy;
const WS_RE = /[ \t\r\n\f\v]+/y;
const RADIX_RE = /0(?:[xX](?:_?[0-9a-fA-F])+|[oO](?:_?[0-7])+|[bB](?:_?[01])+)/y;
const DIGITS = String.raw`\d(?:_?\d)*`;
const FLOAT_RE = new RegExp(
  String.raw`(?:(?:${DIGITS})?\.${DIGITS}|${DIGITS}\.)(?:[eE][+-]?${DIGITS})?|${DIGITS}[eE][+-]?${DIGITS}`,
  "y",
);
const INT_RE = new RegExp(DIGITS, "y");

function matchAt(re: RegExp, src: string, i: number): string | null {
  re.lastIndex = i;
  const m = re.exec(src);
  return m ? m[0] : null;
}

const SIMPLE_ESCAPES = new Map<string, string>([
  ["\\", "\\"], ["'", "'"], ['"', '"'], ["a", "\x07"], ["b", "\b"], ["f", "\f"], ["n", "\n"], ["r", "\r"], ["t", "\t"], ["v", "\v"],
]);

/** Python string-literal body decoding; returns an error offset on a malformed escape. */
export function decodeEscapes(body: string, bodyStart: number): ParseResult<string> {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[i + 1]!;
    const at = bodyStart + i;
    if (e === "\n") {
      i += 1;
    } else if (SIMPLE_ESCAPES.has(e)) {
      out += SIMPLE_ESCAPES.get(e);
      i += 1;
    } else if (e >= "0" && e <= "7") {
      const m = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
      out += String.fromCodePoint(parseInt(m, 8));
      i += m.length;
    } else if (e === "x" || e === "u" || e === "U") {
      const n = e === "x" ? 2 : e === "u" ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) {
        return parseFail(`truncated \\${e} escape at ${at}: expected ${n} hex digits`, at);
      }
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) return parseFail(`illegal Unicode character in \\U escape at ${at}`, at);
      out += String.fromCodePoint(cp);
      i += 1 + n;
    } else if (e === "N") {
      return parseFail(`\\N{...} escapes (named Unicode characters) at ${at} are not supported in Globus expressions; write the character itself or use \\u`, at, true);
    } else {
      // Python keeps unknown escapes verbatim (with a warning).
      out += "\\" + e;
      i += 1;
    }
  }
  return parseOk(out);
}

/** How deeply replacement fields (nested f-strings, fields in format specs) may nest. */
const MAX_FSTRING_NESTING = 20;

class LexFailure {
  constructor(
    readonly message: string,
    readonly offset: number,
    readonly unsupported = false,
  ) {}
}

function unwrap<T>(r: ParseResult<T>): T {
  if (!r.ok) throw new LexFailure(r.error.message, r.error.offset, r.error.unsupported === true);
  return r.value;
}

const CONVERSIONS = new Set(["r", "s", "a"]);

class Lexer {
  private fdepth = 0;

  constructor(private readonly src: string) {}

  private fail(message: string, offset: number, unsupported = false): never {
    throw new LexFailure(message, offset, unsupported);
  }

  /** Index of the next significant character at or after `i` (skips blanks, comments, `\`+newline). */
  skip(i: number): number {
    const src = this.src;
    for (;;) {
      const ws = matchAt(WS_RE, src, i);
      if (ws) {
        i += ws.length;
      } else if (src[i] === "#") {
        while (i < src.length && src[i] !== "\n") i++;
      } else if (src[i] === "\\" && (src[i + 1] === "\n" || src[i + 1] === "\r")) {
        i += src.startsWith("\r\n", i + 1) ? 3 : 2;
      } else {
        return i;
      }
    }
  }

  all(): Token[] {
    const tokens: Token[] = [];
    for (let i = this.skip(0); i < this.src.length; i = this.skip(i)) {
      const t = this.token(i);
      tokens.push(t);
      i = t.end;
    }
    tokens.push({ kind: "eof", start: this.src.length, end: this.src.length });
    return tokens;
  }

  /** The token starting at the significant character `i`. */
  token(i: number): Token {
    const src = this.src;
    const c = src[i]!;
    const start = i;

    if (c === "`") {
      const close = src.indexOf("`", i + 1);
      if (close < 0) this.fail(`unterminated backtick JSONPath: expected '\`' to close '\`' at ${start}`, src.length);
      const parsed = compileJsonPath(src.slice(i + 1, close));
      if (!parsed.ok) {
        this.fail(`in backtick JSONPath at ${start}: ${parsed.error.message}`, i + 1 + parsed.error.offset);
      }
      return { kind: "path", value: parsed.value, start, end: close + 1 };
    }

    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(src[i + 1] ?? ""))) return unwrap(lexNumber(src, i));

    const name = matchAt(NAME_RE, src, i);
    if (name) {
      const q = src[i + name.length];
      if ((q === "'" || q === '"') && /^(?:[rRuUbBfF]|[rR][bBfF]|[bBfF][rR])$/.test(name)) {
        const lower = name.toLowerCase();
        if (lower.includes("b")) this.fail(`bytes literal at ${start} is not supported in Globus expressions (JSON has no bytes)`, start, true);
        if (lower.includes("f")) return this.fstring(i + name.length, start, lower.includes("r"));
        return unwrap(lexString(src, i + name.length, start, lower.includes("r")));
      }
      return { kind: "name", value: name, start, end: i + name.length };
    }

    if (c === "'" || c === '"') return unwrap(lexString(src, i, start, false));

    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) return { kind: "op", value: op, start, end: i + op.length };

    if (c === "$") {
      this.fail(`unexpected '$' at ${i}: JSONPaths inside expressions must be quoted in backticks, e.g. \`$.a.b\``, i);
    }
    if (c === "!") this.fail(`unexpected '!' at ${i}: use 'not' for negation or '!=' to compare`, i);
    if (c === "\\") this.fail(`unexpected character after line continuation character '\\' at ${i} (a '\\' outside a string must end the line)`, i);
    return this.fail(`unexpected character '${String.fromCodePoint(src.codePointAt(i)!)}' at ${i}`, i);
  }

  private enterFString(at: number): void {
    if (++this.fdepth > MAX_FSTRING_NESTING) this.fail(`f-string: expressions nested too deeply (more than ${MAX_FSTRING_NESTING} levels) at ${at}`, at);
  }

  /** An f-string whose opening quote is at `quoteAt` (the prefix starts at `start`). */
  private fstring(quoteAt: number, start: number, raw: boolean): Token {
    const src = this.src;
    const q = src[quoteAt]!;
    const delim = src.startsWith(q.repeat(3), quoteAt) ? q.repeat(3) : q;
    // Nesting is counted per replacement field (an f-string nests only inside a field).
    const { parts, next } = this.fparts(quoteAt + delim.length, { delim, raw, start, spec: false });
    return { kind: "fstring", parts, start, end: next + delim.length };
  }

  /**
   * Literal text and fields up to the closing quote (returns its index) or, in a format
   * spec, up to the '}' that closes the field (returns its index).
   */
  private fparts(
    i: number,
    ctx: { delim: string; raw: boolean; start: number; spec: boolean },
  ): { parts: FStringPart[]; next: number } {
    const src = this.src;
    const triple = ctx.delim.length === 3;
    const parts: FStringPart[] = [];
    let text = "";
    let chunkStart = i;
    const flush = (to: number, extra = ""): void => {
      const chunk = src.slice(chunkStart, to);
      text += (ctx.raw ? chunk : unwrap(decodeEscapes(chunk, chunkStart))) + extra;
    };
    const pushText = (): void => {
      if (text !== "") parts.push(text);
      text = "";
    };
    for (;;) {
      if (i >= src.length || (!triple && src[i] === "\n")) {
        if (ctx.spec) this.fail(`f-string: expecting '}' to close the field's format spec (f-string at ${ctx.start})`, i);
        this.fail(`unterminated f-string literal: expected ${ctx.delim} to close the string at ${ctx.start}`, i);
      }
      if (src.startsWith(ctx.delim, i)) {
        if (ctx.spec) this.fail(`f-string: expecting '}' to close the field's format spec (f-string at ${ctx.start})`, i);
        flush(i);
        pushText();
        return { parts, next: i };
      }
      const c = src[i]!;
      if (c === "\\") {
        if (src[i + 1] === "{" || src[i + 1] === "}") {
          // A backslash does not protect a brace: f'\{x}' is a backslash and a field.
          flush(i, "\\");
          i += 1;
          chunkStart = i;
        } else {
          i += 2;
        }
        continue;
      }
      if (c === "{") {
        if (!ctx.spec && src[i + 1] === "{") {
          flush(i, "{");
          i += 2;
          chunkStart = i;
          continue;
        }
        flush(i);
        pushText();
        const field = this.field(i, ctx.delim, ctx.raw, ctx.start);
        parts.push(field);
        i = field.end;
        chunkStart = i;
        continue;
      }
      if (c === "}") {
        if (ctx.spec) {
          flush(i);
          pushText();
          return { parts, next: i };
        }
        if (src[i + 1] !== "}") this.fail(`f-string: single '}' at ${i} is not allowed (write '}}' for a literal brace)`, i);
        flush(i, "}");
        i += 2;
        chunkStart = i;
        continue;
      }
      i += 1;
    }
  }

  /** A replacement field whose '{' is at `open`. */
  private field(open: number, delim: string, raw: boolean, fstart: number): FStringField {
    const src = this.src;
    this.enterFString(open);
    try {
      const tokens: Token[] = [];
      const stack: string[] = [];
      let j: number;
      for (let i = open + 1; ; ) {
        j = this.skip(i);
        if (j >= src.length) this.fail(`f-string: expecting '}' to close '{' at ${open}`, j);
        const c = src[j]!;
        if (stack.length === 0 && (c === "}" || c === ":" || (c === "!" && src[j + 1] !== "=") || (c === "=" && src[j + 1] !== "="))) break;
        const t = this.token(j);
        if (t.kind === "op") {
          if (t.value === "(" || t.value === "[" || t.value === "{") stack.push(t.value);
          else if (t.value === ")" || t.value === "]" || t.value === "}") {
            if (stack.length === 0) this.fail(`f-string: unmatched '${t.value}' at ${j}`, j);
            stack.pop();
          }
        }
        tokens.push(t);
        i = t.end;
      }
      if (tokens.length === 0) this.fail(`f-string: empty expression not allowed at ${j}`, j);
      const exprEnd = j;
      let debug: string | null = null;
      if (src[j] === "=") {
        j += 1;
        while (j < src.length && /[ \t\r\n\f\v]/.test(src[j]!)) j++;
        debug = src.slice(open + 1, j);
      }
      let conversion: "r" | "s" | "a" | null = null;
      if (src[j] === "!") {
        const conv = src[j + 1] ?? "";
        if (!CONVERSIONS.has(conv)) this.fail(`f-string: invalid conversion character at ${j + 1}: expected 's', 'r', or 'a'`, j + 1);
        conversion = conv as "r" | "s" | "a";
        j += 2;
      }
      let spec: FStringPart[] | null = null;
      let specStart = -1;
      if (src[j] === ":") {
        specStart = j + 1;
        const r = this.fparts(j + 1, { delim, raw, start: fstart, spec: true });
        spec = r.parts;
        j = r.next;
      }
      if (src[j] !== "}") this.fail(`f-string: expecting '}' to close '{' at ${open}, found ${j >= src.length ? "end of expression" : `'${src[j]}'`} at ${j}`, j);
      tokens.push({ kind: "eof", start: exprEnd, end: exprEnd });
      return { tokens, exprEnd, debug, conversion, spec, specStart, start: open, end: j + 1 };
    } finally {
      this.fdepth -= 1;
    }
  }
}

export function tokenize(src: string): ParseResult<Token[]> {
  try {
    return parseOk(new Lexer(src).all());
  } catch (e) {
    if (e instanceof LexFailure) return parseFail(e.message, e.offset, e.unsupported);
    throw e;
  }
}

function lexNumber(src: string, i: number): ParseResult<Token> {
  const start = i;
  let value: number;
  let float = false;
  let text = matchAt(RADIX_RE, src, i);
  if (text) {
    const digits = text.slice(2).replace(/_/g, "");
    const radix = { x: 16, o: 8, b: 2 }[text[1]!.toLowerCase() as "x" | "o" | "b"];
    value = parseInt(digits, radix);
  } else {
    text = matchAt(FLOAT_RE, src, i);
    if (text) {
      float = true;
    } else {
      text = matchAt(INT_RE, src, i)!;
      if (/^0+[1-9]/.test(text.replace(/_/g, ""))) {
        return parseFail(`leading zeros in decimal integer literals are not permitted (at ${start}); use 0o for octal`, start);
      }
    }
    value = Number(text.replace(/_/g, ""));
  }
  const end = i + text.length;
  const after = src[end] ?? "";
  if (after === "j" || after === "J") return parseFail(`complex numbers (at ${start}) are not supported in Globus expressions (JSON has none)`, start, true);
  if (matchAt(NAME_RE, src, end) || /[0-9]/.test(after)) {
    return parseFail(`invalid number literal at ${start}: unexpected '${after}' at ${end}`, end);
  }
  return parseOk({ kind: "number", value, float, start, end });
}

function lexString(src: string, quoteAt: number, start: number, raw: boolean): ParseResult<Token> {
  const q = src[quoteAt]!;
  const triple = src.startsWith(q.repeat(3), quoteAt);
  const delim = triple ? q.repeat(3) : q;
  const bodyStart = quoteAt + delim.length;
  let i = bodyStart;
  for (;;) {
    if (i >= src.length || (!triple && src[i] === "\n")) {
      return parseFail(`unterminated string literal: expected ${delim} to close the string at ${start}`, i);
    }
    if (src[i] === "\\") {
      i += 2;
      continue;
    }
    if (src.startsWith(delim, i)) break;
    i += 1;
  }
  const body = src.slice(bodyStart, i);
  const end = i + delim.length;
  if (raw) return parseOk({ kind: "string", value: body, start, end });
  const decoded = decodeEscapes(body, bodyStart);
  if (!decoded.ok) return decoded;
  return parseOk({ kind: "string", value: decoded.value, start, end });
}

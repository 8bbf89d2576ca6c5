/**
 * Tokenizer for the Globus expression language: Python's expression tokens plus
 * backtick-quoted JSONPaths. Newlines count as whitespace everywhere (a `.=` value is one
 * JSON string; nobody relies on Python's implicit line joining rules).
 */
import { compileJsonPath, type JsonPath } from "./jsonpath.js";
import { parseFail, parseOk, type ParseResult } from "./parse-result.js";

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
  | (TokenBase & { readonly kind: "eof" });

// Longest first. Operators the language does not support (bitwise, augmented assignment,
// walrus) are still tokenized so that the parser can say why they are rejected.
const OPERATORS = [
  "**=", "//=", ">>=", "<<=",
  "**", "//", "==", "!=", "<=", ">=", "<<", ">>", ":=", "+=", "-=", "*=", "/=", "%=", "|=", "&=", "^=", "->",
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
function decodeEscapes(body: string, bodyStart: number): ParseResult<string> {
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
      return parseFail(`\\N{...} escapes are not supported (at ${at})`, at);
    } else {
      // Python keeps unknown escapes verbatim (with a warning).
      out += "\\" + e;
      i += 1;
    }
  }
  return parseOk(out);
}

export function tokenize(src: string): ParseResult<Token[]> {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ws = matchAt(WS_RE, src, i);
    if (ws) {
      i += ws.length;
      continue;
    }
    const c = src[i]!;
    const start = i;

    if (c === "#") {
      while (i < src.length && src[i] !== "\n") i++;
      continue;
    }

    if (c === "`") {
      const close = src.indexOf("`", i + 1);
      if (close < 0) return parseFail(`unterminated backtick JSONPath: expected '\`' to close '\`' at ${start}`, src.length);
      const parsed = compileJsonPath(src.slice(i + 1, close));
      if (!parsed.ok) {
        return parseFail(`in backtick JSONPath at ${start}: ${parsed.error.message}`, i + 1 + parsed.error.offset);
      }
      tokens.push({ kind: "path", value: parsed.value, start, end: close + 1 });
      i = close + 1;
      continue;
    }

    if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(src[i + 1] ?? ""))) {
      const r = lexNumber(src, i);
      if (!r.ok) return r;
      tokens.push(r.value);
      i = r.value.end;
      continue;
    }

    const name = matchAt(NAME_RE, src, i);
    if (name) {
      const q = src[i + name.length];
      if ((q === "'" || q === '"') && /^(?:[rRuUbBfF]|[rR][bBfF]|[bBfF][rR])$/.test(name)) {
        const lower = name.toLowerCase();
        if (lower.includes("f")) return parseFail(`f-strings are not supported (at ${start}); use '+' and str()`, start);
        if (lower.includes("b")) return parseFail(`bytes literals are not supported (at ${start})`, start);
        const r = lexString(src, i + name.length, start, lower.includes("r"));
        if (!r.ok) return r;
        tokens.push(r.value);
        i = r.value.end;
        continue;
      }
      tokens.push({ kind: "name", value: name, start, end: i + name.length });
      i += name.length;
      continue;
    }

    if (c === "'" || c === '"') {
      const r = lexString(src, i, start, false);
      if (!r.ok) return r;
      tokens.push(r.value);
      i = r.value.end;
      continue;
    }

    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) {
      tokens.push({ kind: "op", value: op, start, end: i + op.length });
      i += op.length;
      continue;
    }

    if (c === "$") {
      return parseFail(`unexpected '$' at ${i}: JSONPaths inside expressions must be quoted in backticks, e.g. \`$.a.b\``, i);
    }
    if (c === "!") return parseFail(`unexpected '!' at ${i}: use 'not' for negation or '!=' to compare`, i);
    return parseFail(`unexpected character '${String.fromCodePoint(src.codePointAt(i)!)}' at ${i}`, i);
  }
  tokens.push({ kind: "eof", start: src.length, end: src.length });
  return parseOk(tokens);
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
  if (after === "j" || after === "J") return parseFail(`complex numbers are not supported (at ${start})`, start);
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

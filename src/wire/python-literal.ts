/**
 * A reader for the subset of Python literal syntax that JSON-ish strings written by Python
 * users contain: the legacy Compute AP documents `"args": "['arg1', 'arg2']"` (single
 * quotes, not JSON), and Python's `json.dumps` emits `NaN`/`Infinity`, which JSON.parse
 * rejects. Accepts: str (' or ", with escapes), int/float, True/False/None, the JSON
 * spellings true/false/null, NaN/Infinity, list, tuple (as an array) and dict with trailing
 * commas. Nothing is evaluated; anything else is a syntax error.
 */

export class LiteralSyntaxError extends Error {
  constructor(message: string, readonly position: number) {
    super(`${message} at offset ${position}`);
    this.name = "LiteralSyntaxError";
  }
}

const KEYWORDS: Record<string, unknown> = {
  True: true,
  False: false,
  None: null,
  true: true,
  false: false,
  null: null,
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
};

/** Parse JSON first (fast, exact), then fall back to the Python literal reader. */
export function parseJsonOrPythonLiteral(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return parsePythonLiteral(text);
  }
}

export function parsePythonLiteral(text: string): unknown {
  const p = new Reader(text);
  p.ws();
  const v = p.value();
  p.ws();
  if (p.i < text.length) throw new LiteralSyntaxError("unexpected trailing text", p.i);
  return v;
}

class Reader {
  i = 0;
  constructor(readonly s: string) {}

  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }

  value(): unknown {
    const c = this.s[this.i];
    if (c === undefined) throw new LiteralSyntaxError("unexpected end of input", this.i);
    if (c === "[") return this.sequence("]");
    if (c === "(") return this.sequence(")");
    if (c === "{") return this.dict();
    if (c === "'" || c === '"') return this.string();
    if (c === "-" || c === "+" || c === "." || (c >= "0" && c <= "9")) return this.number();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i));
    if (m && m[0] in KEYWORDS) {
      this.i += m[0].length;
      return KEYWORDS[m[0]];
    }
    throw new LiteralSyntaxError(`unexpected ${JSON.stringify(c)}`, this.i);
  }

  private sequence(close: string): unknown[] {
    const out: unknown[] = [];
    this.i++;
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        return out;
      }
      out.push(this.value());
      this.ws();
      if (this.s[this.i] === ",") this.i++;
      else if (this.s[this.i] !== close) throw new LiteralSyntaxError(`expected "," or "${close}"`, this.i);
    }
  }

  private dict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.i++;
    for (;;) {
      this.ws();
      if (this.s[this.i] === "}") {
        this.i++;
        return out;
      }
      const at = this.i;
      const key = this.value();
      // JSON can only carry string keys; Python's json.dumps would also stringify int keys.
      if (typeof key !== "string" && typeof key !== "number") throw new LiteralSyntaxError("dict keys must be strings or numbers", at);
      this.ws();
      if (this.s[this.i] !== ":") throw new LiteralSyntaxError('expected ":"', this.i);
      this.i++;
      this.ws();
      Object.defineProperty(out, String(key), { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.ws();
      if (this.s[this.i] === ",") this.i++;
      else if (this.s[this.i] !== "}") throw new LiteralSyntaxError('expected "," or "}"', this.i);
    }
  }

  private number(): number {
    const m = /^[+-]?(?:Infinity|(?:\d[\d_]*)?\.?\d*(?:[eE][+-]?\d+)?)/.exec(this.s.slice(this.i));
    const raw = m ? m[0] : "";
    const n = Number(raw.replace(/_/g, "").replace(/^\+/, ""));
    if (raw === "" || raw === "-" || raw === "+" || raw === "." || Number.isNaN(n)) throw new LiteralSyntaxError("bad number", this.i);
    this.i += raw.length;
    return n;
  }

  private string(): string {
    const q = this.s[this.i];
    let out = "";
    this.i++;
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined || c === "\n") throw new LiteralSyntaxError("unterminated string", this.i);
      this.i++;
      if (c === q) return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      const e = this.s[this.i++];
      switch (e) {
        case "n": out += "\n"; break;
        case "t": out += "\t"; break;
        case "r": out += "\r"; break;
        case "b": out += "\b"; break;
        case "f": out += "\f"; break;
        case "0": out += "\0"; break;
        case "x": out += this.hex(2); break;
        case "u": out += this.hex(4); break;
        case "U": out += this.hex(8); break;
        case "\n": break;
        case undefined: throw new LiteralSyntaxError("unterminated string", this.i);
        // Python keeps unknown escapes verbatim (with the backslash); \\ \' \" / collapse.
        default: out += e === "\\" || e === "'" || e === '"' || e === "/" ? e : "\\" + e;
      }
    }
  }

  private hex(n: number): string {
    const h = this.s.slice(this.i, this.i + n);
    if (!/^[0-9a-fA-F]+$/.test(h) || h.length !== n) throw new LiteralSyntaxError("bad escape", this.i);
    this.i += n;
    return String.fromCodePoint(parseInt(h, 16));
  }
}

/** Python operator semantics on JSON values (arithmetic, sequences, comparisons, `in`). */
import type { BinaryOp, CompareOp } from "./ast.js";
import { raise } from "./errors.js";
import {
  floatRepr,
  hasOwn,
  isDict,
  isFloat,
  isInt,
  isNumeric,
  mkFloat,
  mkInt,
  pyEquals,
  pyIs,
  pyOrder,
  pyRepr,
  pyStr,
  toNum,
  typeName,
  type PyFloat,
  type Runtime,
} from "./values.js";

/** Largest string or list an operator may build; a guard against `'x' * 10**12`. */
export const MAX_SEQUENCE = 10_000_000;

function unsupported(op: string, a: unknown, b: unknown): never {
  return raise("TypeError", `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

function arith(r: number, float: boolean, rt: Runtime): number | PyFloat {
  return float ? mkFloat(r, rt) : mkInt(r);
}

function repeat(seq: string | unknown[], count: unknown, rt: Runtime): unknown {
  if (!isInt(count)) return raise("TypeError", `can't multiply sequence by non-int of type '${typeName(count)}'`);
  const n = Math.max(0, toNum(count));
  if (seq.length * n > MAX_SEQUENCE) raise("LimitExceeded", `sequence repetition would build ${seq.length * n} items (limit ${MAX_SEQUENCE})`);
  if (typeof seq === "string") return seq.repeat(n);
  rt.charge(seq.length * n);
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) for (const x of seq) out.push(x);
  return out;
}

/** Python's float floor division (exact where Math.floor(x / y) is not, e.g. 1 // 0.1 == 9.0). */
function floatFloorDiv(x: number, y: number): number {
  const mod = x % y;
  let div = (x - mod) / y;
  if (mod !== 0 && y < 0 !== mod < 0) div -= 1;
  if (div === 0) return 0 * Math.sign(x / y);
  let floor = Math.floor(div);
  if (div - floor > 0.5) floor += 1;
  return floor;
}

function pyMod(x: number, y: number): number {
  const r = x % y;
  if (r !== 0 && r < 0 !== y < 0) return r + y;
  return r === 0 ? (y < 0 ? -0 : 0) : r;
}

export function binary(op: BinaryOp, a: unknown, b: unknown, rt: Runtime): unknown {
  if (isNumeric(a) && isNumeric(b)) {
    const x = toNum(a);
    const y = toNum(b);
    const float = isFloat(a) || isFloat(b);
    switch (op) {
      case "+":
        return arith(x + y, float, rt);
      case "-":
        return arith(x - y, float, rt);
      case "*":
        return arith(x * y, float, rt);
      case "/":
        if (y === 0) raise("ZeroDivisionError", "division by zero");
        return mkFloat(x / y, rt);
      case "//":
        if (y === 0) raise("ZeroDivisionError", float ? "float floor division by zero" : "integer division or modulo by zero");
        return float ? mkFloat(floatFloorDiv(x, y), rt) : mkInt(Math.floor(x / y));
      case "%":
        if (y === 0) raise("ZeroDivisionError", float ? "float modulo" : "integer modulo by zero");
        return float ? mkFloat(pyMod(x, y), rt) : mkInt(pyMod(x, y));
      case "**": {
        if (x === 0 && y < 0) raise("ZeroDivisionError", "0.0 cannot be raised to a negative power");
        if (x < 0 && !Number.isInteger(y)) {
          raise("ValueError", "a negative number raised to a fractional power is complex (not supported)");
        }
        const r = x ** y;
        if (!float && y >= 0) return mkInt(r);
        if (!Number.isFinite(r) && Number.isFinite(x) && Number.isFinite(y)) raise("OverflowError", "numerical result out of range");
        return mkFloat(r, rt);
      }
    }
  }
  switch (op) {
    case "+":
      if (typeof a === "string" && typeof b === "string") {
        if (a.length + b.length > MAX_SEQUENCE) raise("LimitExceeded", `string concatenation exceeds ${MAX_SEQUENCE} characters`);
        return a + b;
      }
      if (Array.isArray(a) && Array.isArray(b)) {
        rt.charge(a.length + b.length);
        return [...a, ...b];
      }
      return unsupported("+", a, b);
    case "*":
      if (typeof a === "string" || Array.isArray(a)) return repeat(a, b, rt);
      if (typeof b === "string" || Array.isArray(b)) return repeat(b, a, rt);
      return unsupported("*", a, b);
    case "%":
      if (typeof a === "string") return formatPercent(a, b);
      return unsupported("%", a, b);
    case "**":
      return unsupported("** or pow()", a, b);
    default:
      return unsupported(op, a, b);
  }
}

export function unary(op: "-" | "+", v: unknown, rt: Runtime): unknown {
  if (!isNumeric(v)) return raise("TypeError", `bad operand type for unary ${op}: '${typeName(v)}'`);
  const x = toNum(v);
  const r = op === "-" ? -x : x;
  return isFloat(v) ? mkFloat(r, rt) : mkInt(r);
}

/** Python `item in container`. */
export function contains(container: unknown, item: unknown): boolean {
  if (typeof container === "string") {
    if (typeof item !== "string") return raise("TypeError", `'in <string>' requires string as left operand, not ${typeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((x) => pyEquals(x, item));
  if (isDict(container)) {
    if (Array.isArray(item) || isDict(item)) return raise("TypeError", `unhashable type: '${typeName(item)}'`);
    // JSON object keys are strings, so a number or None is never a key.
    return typeof item === "string" && hasOwn(container, item);
  }
  return raise("TypeError", `argument of type '${typeName(container)}' is not iterable`);
}

export function compare(op: CompareOp, a: unknown, b: unknown): boolean {
  switch (op) {
    case "==":
      return pyEquals(a, b);
    case "!=":
      return !pyEquals(a, b);
    case "in":
      return contains(b, a);
    case "not in":
      return !contains(b, a);
    case "is":
      return pyIs(a, b);
    case "is not":
      return !pyIs(a, b);
    default:
      return pyOrder(op, a, b);
  }
}

// ---- printf-style `'%s' % x` -----------------------------------------------------------

const PERCENT_RE = /%(?:\(([^)]*)\))?([-+ 0#]*)(\d+|\*)?(?:\.(\d+))?([sdirfFeEgGxXoc%])/g;

/**
 * The common subset of Python's `%` formatting. A list on the right stands for Python's
 * tuple (JSON has no tuples); a dict supplies `%(name)s` fields.
 */
function formatPercent(fmt: string, arg: unknown): string {
  const args = Array.isArray(arg) ? arg : [arg];
  let next = 0;
  const out = fmt.replace(PERCENT_RE, (_m, key: string | undefined, flags: string, width: string | undefined, prec: string | undefined, conv: string) => {
    if (conv === "%") return "%";
    if (width === "*") raise("ValueError", "'*' widths are not supported");
    let v: unknown;
    if (key !== undefined) {
      if (!isDict(arg)) raise("TypeError", "format requires a mapping");
      if (!hasOwn(arg, key)) raise("KeyError", `'${key}'`);
      v = arg[key];
    } else {
      if (next >= args.length) raise("TypeError", "not enough arguments for format string");
      v = args[next++];
    }
    let s: string;
    const p = prec === undefined ? undefined : Number(prec);
    switch (conv) {
      case "s":
        s = pyStr(v);
        if (p !== undefined) s = s.slice(0, p);
        break;
      case "r":
        s = pyRepr(v);
        break;
      case "d":
      case "i":
        if (!isNumeric(v)) raise("TypeError", `%${conv} format: a real number is required, not ${typeName(v)}`);
        s = String(Math.trunc(toNum(v)));
        break;
      case "f":
      case "F":
        if (!isNumeric(v)) raise("TypeError", `must be real number, not ${typeName(v)}`);
        s = toNum(v).toFixed(p ?? 6);
        break;
      case "e":
      case "E": {
        if (!isNumeric(v)) raise("TypeError", `must be real number, not ${typeName(v)}`);
        s = toNum(v).toExponential(p ?? 6).replace(/e([+-])(\d)$/, "e$10$2");
        if (conv === "E") s = s.toUpperCase();
        break;
      }
      case "g":
      case "G":
        if (!isNumeric(v)) raise("TypeError", `must be real number, not ${typeName(v)}`);
        s = floatRepr(Number(toNum(v).toPrecision(p ?? 6))).replace(/\.0$/, "");
        break;
      case "x":
      case "X":
      case "o":
        if (!isInt(v)) raise("TypeError", `%${conv} format: an integer is required, not ${typeName(v)}`);
        s = toNum(v).toString(conv === "o" ? 8 : 16);
        if (conv === "X") s = s.toUpperCase();
        break;
      default: // "c"
        if (typeof v === "string") s = v;
        else if (isInt(v)) s = String.fromCodePoint(toNum(v));
        else raise("TypeError", `%c requires an int or a char, not ${typeName(v)}`);
    }
    if (flags.includes("+") && /^[0-9]/.test(s) && "dieEfFgG".includes(conv)) s = "+" + s;
    const w = width === undefined ? 0 : Number(width);
    if (s.length < w) {
      if (flags.includes("-")) s = s.padEnd(w);
      else if (flags.includes("0") && "dieEfFgGxXo".includes(conv)) {
        const sign = /^[-+]/.test(s) ? s[0]! : "";
        s = sign + s.slice(sign.length).padStart(w - sign.length, "0");
      } else s = s.padStart(w);
    }
    return s;
  });
  if (!isDict(arg) && next < args.length) raise("TypeError", "not all arguments converted during string formatting");
  return out;
}

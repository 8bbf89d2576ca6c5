/**
 * Fill `${function:name}` and `${env:name}` placeholders of a compiled definition or
 * schema with one environment's function UUIDs and values. A placeholder that is the whole
 * string takes the value's JSON type; inside a longer string it is interpolated.
 */
import { PLACEHOLDER } from "../dsl/values.js";

export interface FillValues {
  functions: Record<string, string>;
  values: Record<string, unknown>;
}

export class MissingValueError extends Error {
  constructor(readonly missing: { kind: "function" | "env"; name: string }[]) {
    super(`no value for ${missing.map((m) => (m.kind === "env" ? `env value "${m.name}"` : `function "${m.name}"`)).join(", ")}`);
  }
}

export function fillPlaceholders<T>(doc: T, fill: FillValues): T {
  const missing: { kind: "function" | "env"; name: string }[] = [];
  const lookup = (kind: string, name: string): unknown => {
    const v = kind === "function" ? fill.functions[name] : fill.values[name];
    if (v === undefined) missing.push({ kind: kind as "function" | "env", name });
    return v;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") {
      const whole = /^\$\{(env|function):([A-Za-z_][A-Za-z0-9_.-]*)\}$/.exec(v);
      if (whole) return lookup(whole[1]!, whole[2]!) ?? v;
      return v.replace(PLACEHOLDER, (m, kind: string, name: string) => {
        const x = lookup(kind, name);
        return x === undefined ? m : String(x);
      });
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const out = walk(doc) as T;
  if (missing.length) throw new MissingValueError(missing.filter((m, i) => missing.findIndex((x) => x.kind === m.kind && x.name === m.name) === i));
  return out;
}

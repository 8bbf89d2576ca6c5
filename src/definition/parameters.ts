/**
 * Walking a Parameters object: each key is a constant, a `.$` JSONPath reference or a
 * `.=` expression (§1.3). Shared by the validator, the engine and import so the three
 * agree on what a key means.
 */
import { pointerOf } from "./diagnostics.js";

export type ParameterKind = "constant" | "path" | "expression";

export interface ParameterVisit {
  /** The key as written (with its suffix). */
  rawKey: string;
  /** The output key (suffix removed). */
  key: string;
  kind: ParameterKind;
  value: unknown;
  pointer: string;
  /** The object holding the key. */
  parent: Record<string, unknown>;
}

export const PRIVATE_PARAMETERS = "__Private_Parameters";

export function splitKey(rawKey: string): { key: string; kind: ParameterKind } {
  if (rawKey.endsWith(".$")) return { key: rawKey.slice(0, -2), kind: "path" };
  if (rawKey.endsWith(".=")) return { key: rawKey.slice(0, -2), kind: "expression" };
  return { key: rawKey, kind: "constant" };
}

/** Visit every key of every object nested in `params` (objects inside arrays too). */
export function walkParameters(params: unknown, pointer: string, visit: (v: ParameterVisit) => void): void {
  if (Array.isArray(params)) {
    params.forEach((item, i) => walkParameters(item, pointer + pointerOf(i), visit));
    return;
  }
  if (typeof params !== "object" || params === null) return;
  const obj = params as Record<string, unknown>;
  for (const [rawKey, value] of Object.entries(obj)) {
    const { key, kind } = splitKey(rawKey);
    const ptr = pointer + pointerOf(rawKey);
    visit({ rawKey, key, kind, value, pointer: ptr, parent: obj });
    if (kind === "constant" && rawKey !== PRIVATE_PARAMETERS) walkParameters(value, ptr, visit);
  }
}

/**
 * Render builder values into a Parameters object: paths become `key.$`, expressions
 * `key.=`, private values are listed in `__Private_Parameters`, undefined is dropped.
 */
import type { JsonValue, Parameters } from "../definition/types.js";
import { callSite, FlowSourceError } from "./callsite.js";
import { exprText, isExprRef, isPathRef, isPrivate, pathText, privateInner } from "./values.js";

export function renderParameters(input: Record<string, unknown>, where: string): Parameters {
  return renderObject(input, where) as Parameters;
}

function renderObject(obj: Record<string, unknown>, where: string): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  const privateKeys: string[] = [];
  for (const [key, raw] of Object.entries(obj)) {
    if (raw === undefined) continue;
    let value: unknown = raw;
    if (isPrivate(value)) {
      privateKeys.push(key);
      value = privateInner(value);
    }
    if (isPathRef(value)) out[`${key}.$`] = pathText(value);
    else if (isExprRef(value)) out[`${key}.=`] = exprText(value);
    else out[key] = renderValue(value, `${where}.${key}`);
  }
  if (privateKeys.length) out.__Private_Parameters = privateKeys;
  return out;
}

export function renderValue(value: unknown, where: string): JsonValue {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new FlowSourceError(`${where} is ${value}, which JSON cannot represent`, callSite());
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item, i) => {
      if (isPathRef(item) || isExprRef(item)) {
        throw new FlowSourceError(
          `${where}[${i}] is a ${isPathRef(item) ? "path" : "expression"}; Globus can only substitute object values, not array elements`,
          callSite(),
        );
      }
      return renderValue(item, `${where}[${i}]`);
    });
  }
  if (isPathRef(value) || isExprRef(value)) throw new FlowSourceError(`${where}: a path or expression must be the value of an object key`, callSite());
  if (typeof value === "object") return renderObject(value as Record<string, unknown>, where);
  throw new FlowSourceError(`${where} is a ${typeof value}, which is not JSON`, callSite());
}

/**
 * Action targets and the parameters of the providers flowsmith knows: required and
 * documented keys, literal types, and a migration hint for retired URLs.
 */
import { actionUrlOf, lookupProvider, type ParamSpec } from "../../definition/providers.js";
import { splitKey } from "../../definition/parameters.js";
import { pointerOf } from "../../definition/diagnostics.js";
import { closest, isObject, type Check, type CheckContext } from "../context.js";

export const checkActions: Check = (ctx) => {
  for (const { name, state, type } of ctx.states) {
    if (type !== "Action") continue;
    if (typeof state.ActionUrl === "string" && !isHttpsUrl(state.ActionUrl) && !(ctx.options.allowLoopbackHttp && isLoopbackHttp(state.ActionUrl))) {
      ctx.report("ACTION_URL_INVALID", ctx.statePointer(name, "ActionUrl"), `ActionUrl of "${name}" is not an https:// URL: ${JSON.stringify(state.ActionUrl)}`);
    }
    if (typeof state.Resource === "string") {
      ctx.report("ACTION_RESOURCE_LEGACY", ctx.statePointer(name, "Resource"), `"${name}" names its provider with the retired "Resource" key`, { hint: 'use "ActionUrl"' });
    }
    const url = actionUrlOf(state);
    if (!url) continue;
    const provider = lookupProvider(url);
    if (!provider) continue;
    const urlField = typeof state.ActionUrl === "string" ? "ActionUrl" : state.Handler !== undefined ? "Handler" : "Resource";
    if (provider.retired) {
      ctx.report("ACTION_URL_RETIRED", ctx.statePointer(name, urlField), `"${name}" uses the retired action provider ${url}`, {
        hint: `migrate to ${provider.retired.replacement} (${provider.retired.note})`,
      });
    }
    // No Parameters and no InputPath sends an empty body: the provider's required keys are missing.
    const params = isObject(state.Parameters) ? state.Parameters : state.InputPath === undefined && state.Parameters === undefined ? {} : undefined;
    if (provider.params && params) checkParams(ctx, name, provider.params, params, ctx.statePointer(name, "Parameters"), url);
  }
};

function checkParams(ctx: CheckContext, state: string, spec: ParamSpec, params: Record<string, unknown>, ptr: string, url: string): void {
  const present = new Map<string, string>();
  for (const raw of Object.keys(params)) present.set(splitKey(raw).key, raw);
  for (const alternatives of spec.required) {
    if (!alternatives.some((a) => present.has(a))) {
      ctx.report("PROVIDER_PARAMETER_MISSING", ptr, `"${state}" does not pass "${alternatives.join('" or "')}", which ${url} requires`);
    }
  }
  for (const [key, raw] of present) {
    if (key === "__Private_Parameters") continue;
    if (!spec.known.includes(key)) {
      const guess = closest(key, spec.known);
      ctx.report("PROVIDER_PARAMETER_UNKNOWN", ptr + pointerOf(raw), `${url} does not document the parameter "${key}" (in "${state}")`, {
        hint: guess ? `did you mean "${guess}"?` : `documented: ${spec.known.slice(0, 12).join(", ")}`,
      });
    }
    const want = spec.types?.[key];
    const value = params[raw];
    if (!want || raw !== key) continue; // `.$`/`.=` values are only known at run time
    if (!literalMatches(want, value)) {
      ctx.report("PROVIDER_PARAMETER_TYPE", ptr + pointerOf(raw), `"${key}" of "${state}" must be ${describe(want)}, got ${JSON.stringify(value)}`);
    }
    const itemSpec = spec.items?.[key];
    if (itemSpec && Array.isArray(value)) {
      value.forEach((item, i) => {
        if (isObject(item)) checkParams(ctx, state, { required: itemSpec.required, known: itemSpec.known }, item, ptr + pointerOf(raw, i), `${url} ${key}[]`);
        else ctx.report("PROVIDER_PARAMETER_TYPE", ptr + pointerOf(raw, i), `${key}[${i}] of "${state}" must be an object`);
      });
    }
  }
}

function literalMatches(want: string, v: unknown): boolean {
  switch (want) {
    case "array": return Array.isArray(v);
    case "object": return isObject(v);
    case "string": return typeof v === "string";
    case "boolean": return typeof v === "boolean";
    case "integer": return Number.isInteger(v);
    case "sync_level": return (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 3) || ["exists", "size", "mtime", "checksum"].includes(v as string);
    default: return true;
  }
}

function describe(want: string): string {
  return want === "sync_level" ? 'an integer 0-3 or one of "exists", "size", "mtime", "checksum"' : `a${want === "array" || want === "object" || want === "integer" ? "n" : ""} ${want}`;
}

function isLoopbackHttp(u: string): boolean {
  try {
    const p = new URL(u);
    return p.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(p.hostname);
  } catch {
    return false;
  }
}

function isHttpsUrl(u: string): boolean {
  if (/\s/.test(u)) return false;
  try {
    const parsed = new URL(u);
    return parsed.protocol === "https:" && parsed.hostname.length > 0;
  } catch {
    return false;
  }
}

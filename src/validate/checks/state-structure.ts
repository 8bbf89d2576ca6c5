/**
 * The shape of every state: known Type, known fields of the right JSON types
 * (Ajv, one compiled validator per state type), plus the exactly-one-of pairs
 * Next/End, ActionUrl/Handler and Parameters/InputPath.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import { TRANSITIONING_TYPES } from "../../definition/types.js";
import { ASL_ONLY_TYPES, LEGACY_STATE_TYPES, MODERN_STATE_TYPES, STATE_SCHEMAS } from "../../definition/state-schemas.js";
import { cachedValidators } from "../compiled-cache.js";
import { closest, isObject, type Check, type CheckContext } from "../context.js";

let validators: Map<string, ValidateFunction> | undefined;
function validatorFor(type: string): ValidateFunction | undefined {
  validators ??= cachedValidators("state-schemas", STATE_SCHEMAS as Record<string, object>);
  return validators.get(type);
}

export const checkStateStructure: Check = (ctx) => {
  const states = ctx.definition.States;
  if (!isObject(states)) return;
  for (const [name, state] of Object.entries(states)) {
    const ptr = ctx.statePointer(name);
    ctx.stateNames.add(name);
    if (name.length === 0 || name.length > 128) {
      ctx.report("STATE_NAME_INVALID", ptr, `state name ${JSON.stringify(name.slice(0, 40))} is ${name.length} characters long`, {
        hint: "use a name of 1-128 characters",
      });
    }
    if (!isObject(state)) {
      ctx.report("STATE_NOT_OBJECT", ptr, `state "${name}" is not an object`);
      continue;
    }
    const type = state.Type;
    if (type === undefined) {
      ctx.report("STATE_TYPE_MISSING", ptr, `state "${name}" has no Type`, { hint: `add "Type": one of ${MODERN_STATE_TYPES.slice(0, 6).join(", ")}` });
      continue;
    }
    if (typeof type !== "string" || !Object.hasOwn(STATE_SCHEMAS, type)) {
      const t = String(type);
      const hint = ASL_ONLY_TYPES[t] ?? (closest(t, MODERN_STATE_TYPES) ? `did you mean "${closest(t, MODERN_STATE_TYPES)}"?` : `use one of ${MODERN_STATE_TYPES.join(", ")}`);
      ctx.report("STATE_TYPE_UNKNOWN", ctx.statePointer(name, "Type"), `state "${name}" has Type "${t}", which Globus Flows does not accept`, { hint });
      continue;
    }
    if (LEGACY_STATE_TYPES.includes(type)) {
      ctx.report("STATE_TYPE_LEGACY", ctx.statePointer(name, "Type"), `state "${name}" uses the retired globus-automate type "${type}"`, {
        hint: "current Action states wait for their action themselves; remove the ActionWait state and point Next past it",
      });
    }
    ctx.states.push({ name, state, type, pointer: ptr });
    const validate = validatorFor(type)!;
    if (!validate(state)) for (const err of validate.errors ?? []) reportAjvError(ctx, name, type, err);
    checkExactlyOne(ctx, name, type, state);
  }
};

function reportAjvError(ctx: CheckContext, name: string, type: string, err: ErrorObject): void {
  const at = err.instancePath; // e.g. "/Catch/0/Next"
  const ptr = ctx.statePointer(name) + at;
  const field = at.split("/")[1] ?? "";
  switch (err.keyword) {
    case "additionalProperties": {
      const extra = String((err.params as { additionalProperty: string }).additionalProperty);
      const fieldPtr = ptr + "/" + extra.replace(/~/g, "~0").replace(/\//g, "~1");
      if (at === "" && extra === "OutputPath") {
        ctx.report("OUTPUT_PATH_NOT_ALLOWED", fieldPtr, `state "${name}" has OutputPath, which Globus Flows does not support`, {
          hint: "remove OutputPath; place results with ResultPath and read them with a later state's Parameters",
        });
      } else if (at === "" && extra === "Retry") {
        ctx.report("RETRY_NOT_SUPPORTED", fieldPtr, `state "${name}" has Retry, which Globus Flows does not support`, {
          hint: "use Catch to a Wait state that loops back to the Action",
        });
      } else if (at === "" && extra === "Catch") {
        ctx.report("CATCH_NOT_ALLOWED", fieldPtr, `state "${name}" of type ${type} cannot have Catch`, { hint: "only Action states may catch errors" });
      } else {
        const props = Object.keys((STATE_SCHEMAS[type]!.properties as object) ?? {});
        const guess = at === "" ? closest(extra, props) : undefined;
        ctx.report("STATE_FIELD_UNKNOWN", fieldPtr, `state "${name}" (${type}) has unknown field "${extra}"${at ? ` in ${at.slice(1)}` : ""}`, {
          hint: guess ? `did you mean "${guess}"?` : `${type} accepts: ${props.join(", ")}`,
        });
      }
      return;
    }
    case "required": {
      const missing = String((err.params as { missingProperty: string }).missingProperty);
      ctx.report("STATE_FIELD_MISSING", ptr, `state "${name}" (${type}) is missing required field "${missing}"${at ? ` in ${at.slice(1)}` : ""}`);
      return;
    }
    case "minItems":
      if (field === "Choices") ctx.report("CHOICES_EMPTY", ptr, `Choice state "${name}" has no rules`, { hint: "add at least one rule with Next" });
      else if (at.endsWith("/ErrorEquals")) ctx.report("CATCH_ERROR_EQUALS_EMPTY", ptr, `a catcher of "${name}" has an empty ErrorEquals`, { hint: 'list error names, e.g. ["ActionFailedException"]' });
      else ctx.report("STATE_FIELD_TYPE", ptr, `${at.slice(1)} of "${name}" must not be empty`);
      return;
    case "type":
    case "minimum":
    case "maximum":
      if (field === "WaitTime") {
        ctx.report("WAIT_TIME_NOT_INTEGER", ptr, `WaitTime of "${name}" must be a positive integer number of seconds`, { hint: "e.g. 3600" });
        return;
      }
      ctx.report("STATE_FIELD_TYPE", ptr, `${at.slice(1) || "state"} of "${name}" ${err.message ?? "has the wrong type"}`);
      return;
    case "anyOf":
    case "const":
      if (field === "Handler") {
        if (err.keyword === "anyOf")
          ctx.report("STATE_FIELD_TYPE", ptr, `Handler of "${name}" must be a handler URN string, {"Type": "ActionProvider", "Url"} or {"Type": "RegisteredAPI", "Id"}`);
        return;
      }
      ctx.report("STATE_FIELD_TYPE", ptr, `${at.slice(1)} of "${name}" ${err.message ?? "is invalid"}`);
      return;
    default:
      // Errors nested under a Handler alternative are summarised by its anyOf error.
      if (field === "Handler") return;
      ctx.report("STATE_FIELD_TYPE", ptr, `${at.slice(1) || "state"} of "${name}" ${err.message ?? "is invalid"}`);
  }
}

function checkExactlyOne(ctx: CheckContext, name: string, type: string, s: Record<string, unknown>): void {
  if (TRANSITIONING_TYPES.has(type)) {
    const hasNext = s.Next !== undefined;
    const isEnd = s.End === true;
    if (hasNext && s.End === true) {
      ctx.report("NEXT_END_CONFLICT", ctx.statePointer(name), `state "${name}" has both Next and End`, { hint: "keep one: Next to continue, End: true to finish" });
    } else if (!hasNext && !isEnd) {
      ctx.report("NEXT_END_MISSING", ctx.statePointer(name), `A state of type '${type}' must be defined as either terminal ("End": true) or transitional ("Next": "NextStateId"): "${name}" has neither`, {
        hint: s.End === false ? 'End: false is not a transition; add "Next"' : 'add "Next": "<state>" or "End": true',
      });
    }
  }
  if (type === "Action") {
    const targets = ["ActionUrl", "Handler", "Resource"].filter((k) => s[k] !== undefined);
    if (targets.length === 0) {
      ctx.report("ACTION_TARGET_MISSING", ctx.statePointer(name), `Action "${name}" has neither ActionUrl nor Handler`, { hint: 'add "ActionUrl": "https://transfer.actions.globus.org/transfer" (or the provider you mean)' });
    } else if (targets.length > 1) {
      ctx.report("ACTION_TARGET_CONFLICT", ctx.statePointer(name), `Action "${name}" has ${targets.join(" and ")}; use exactly one`);
    }
    const inputs = ["Parameters", "InputPath"].filter((k) => s[k] !== undefined);
    if (inputs.length === 0) {
      ctx.report("ACTION_INPUT_MISSING", ctx.statePointer(name), `Action "${name}" has neither Parameters nor InputPath`, { hint: 'add "Parameters": {...} (or "InputPath": "$.x" to send part of the run state)' });
    } else if (inputs.length > 1) {
      ctx.report("ACTION_INPUT_CONFLICT", ctx.statePointer(name), `Action "${name}" has both Parameters and InputPath; use exactly one`);
    }
  }
  if (type === "Wait") {
    const durations = ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"].filter((k) => s[k] !== undefined);
    if (durations.length !== 1) {
      ctx.report("WAIT_DURATION", ctx.statePointer(name), `Wait "${name}" has ${durations.length === 0 ? "no duration" : durations.join(" and ")}; it needs exactly one of Seconds, Timestamp, SecondsPath, TimestampPath`);
    }
    if (typeof s.Timestamp === "string" && !isRfc3339(s.Timestamp)) {
      ctx.report("WAIT_TIMESTAMP_INVALID", ctx.statePointer(name, "Timestamp"), `Timestamp of "${name}" is not an RFC 3339 date-time: "${s.Timestamp}"`, { hint: 'e.g. "2026-01-31T12:00:00Z"' });
    }
  }
  if (type === "Fail") {
    for (const [a, b] of [["Error", "ErrorPath"], ["Cause", "CausePath"]] as const) {
      if (s[a] !== undefined && s[b] !== undefined) ctx.report("FAIL_FIELD_CONFLICT", ctx.statePointer(name, b), `Fail "${name}" has both ${a} and ${b}; use one`);
    }
  }
  if (type === "Action" && s.RunAs !== undefined && (typeof s.RunAs !== "string" || s.RunAs.trim() === "")) {
    ctx.report("RUN_AS_INVALID", ctx.statePointer(name, "RunAs"), `RunAs of "${name}" must be "User", "Flow" or a role name`);
  }
}

export function isRfc3339(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  // Date.parse rolls 2026-02-30 over to March; check the calendar ourselves.
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth && h < 24 && mi < 60 && se < 61 && (m[9] === undefined || (Number(m[9]) < 24 && Number(m[10]) < 60));
}

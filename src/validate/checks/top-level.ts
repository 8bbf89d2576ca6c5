/** The definition object itself: StartAt, States, Comment and nothing else (§1.1). */
import { pointerOf } from "../../definition/diagnostics.js";
import { isObject, type Check } from "../context.js";

const ALLOWED = new Set(["Comment", "StartAt", "States"]);

export const checkTopLevel: Check = (ctx) => {
  const def = ctx.definition;
  for (const key of Object.keys(def)) {
    if (!ALLOWED.has(key)) {
      const hint =
        key === "definition"
          ? "this looks like a flow document; validate its `definition` member instead"
          : key === "TimeoutSeconds" || key === "Version"
            ? "Globus Flows does not support this ASL field; remove it"
            : "remove it, or move it into a state";
      ctx.report("TOP_LEVEL_FIELD_UNKNOWN", pointerOf(key), `unknown top-level field "${key}"`, { hint });
    }
  }
  if (!("StartAt" in def)) ctx.report("TOP_LEVEL_FIELD_MISSING", "", 'the definition has no "StartAt"', { hint: 'add "StartAt": "<first state name>"' });
  else if (typeof def.StartAt !== "string") ctx.report("FIELD_TYPE", "/StartAt", "StartAt must be a string naming a state");
  if (!("States" in def)) ctx.report("TOP_LEVEL_FIELD_MISSING", "", 'the definition has no "States"', { hint: 'add "States": { ... }' });
  else if (!isObject(def.States)) ctx.report("FIELD_TYPE", "/States", "States must be an object mapping state names to states");
  else if (Object.keys(def.States).length === 0) ctx.report("STATES_EMPTY", "/States", "States is empty");
  if ("Comment" in def && typeof def.Comment !== "string" && def.Comment !== null) ctx.report("FIELD_TYPE", "/Comment", "Comment must be a string");
  if (typeof def.StartAt === "string" && isObject(def.States) && !Object.hasOwn(def.States, def.StartAt)) {
    ctx.report("START_AT_UNDEFINED", "/StartAt", `StartAt names "${def.StartAt}", which is not a state`, {
      hint: `defined states: ${Object.keys(def.States).slice(0, 8).join(", ")}`,
    });
  }
};

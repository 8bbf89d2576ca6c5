/** Catchers: States.ALL alone and last (ASL rule, kept as advice since Globus does not document it). */
import { isObject, type Check } from "../context.js";

export const checkCatch: Check = (ctx) => {
  for (const { name, state } of ctx.states) {
    if (!Array.isArray(state.Catch)) continue;
    state.Catch.forEach((c, i) => {
      if (!isObject(c) || !Array.isArray(c.ErrorEquals)) return;
      const hasAll = c.ErrorEquals.includes("States.ALL");
      if (hasAll && (c.ErrorEquals.length > 1 || i !== (state.Catch as unknown[]).length - 1)) {
        ctx.report("CATCH_ALL_NOT_LAST", ctx.statePointer(name, "Catch", i, "ErrorEquals"), `States.ALL in "${name}" should be alone, in the last catcher`, {
          hint: "catchers are tried in order; anything after States.ALL never matches",
        });
      }
    });
  }
};

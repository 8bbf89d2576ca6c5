/**
 * Forms the service accepts that the published schemas do not describe: `"Comment": null`
 * (generators such as Gladier's emit it on every state) and Handler forms outside the two
 * documented ones (a `urn:globus:flows:handle:` URN, a registered API by UUID; flows-ide's
 * schema types a string handler as any string and the Id as `format: uuid`). Warnings, so
 * generated definitions pass while the author learns what is only tolerated.
 */
import { pointerOf } from "../../definition/diagnostics.js";
import { isObject, type Check } from "../context.js";

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const checkTolerated: Check = (ctx) => {
  if (ctx.definition.Comment === null) ctx.report("COMMENT_NULL", "/Comment", "the definition's Comment is null", { hint: "drop it or make it a string" });
  const nulls = ctx.states.filter((s) => s.state.Comment === null).map((s) => s.name);
  if (nulls.length) {
    ctx.report("COMMENT_NULL", ctx.statePointer(nulls[0]!, "Comment"), `${nulls.length === 1 ? `state "${nulls[0]}" has` : `${nulls.length} states (${nulls.slice(0, 3).join(", ")}${nulls.length > 3 ? ", …" : ""}) have`} "Comment": null`, {
      hint: "Globus accepts it; drop the key or make it a string to match the published schemas",
    });
  }
  for (const { name, state, type } of ctx.states) {
    if (type !== "Action") continue;
    const h = state.Handler;
    if (typeof h === "string" && !/^urn:globus:flows:handle:\S+$/.test(h)) {
      ctx.report("HANDLER_FORM", ctx.statePointer(name, "Handler"), `Handler of "${name}" is the string ${JSON.stringify(h)}, not a urn:globus:flows:handle:… URN`, { hint: 'use {"Type": "ActionProvider", "Url": "https://…"} for an action provider' });
    }
    if (isObject(h) && h.Type === "RegisteredAPI" && typeof h.Id === "string" && !UUID.test(h.Id)) {
      ctx.report("HANDLER_FORM", ctx.statePointer(name, "Handler") + pointerOf("Id"), `registered API Id of "${name}" is not a UUID: ${JSON.stringify(h.Id)}`, { hint: "use the id `globus-registered-api list` (or GET /registered_apis) shows" });
    }
  }
};

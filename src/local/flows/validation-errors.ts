/**
 * flowsmith's located diagnostics rendered the way the Flows service reports a bad
 * definition (422 UNPROCESSABLE_ENTITY; fixtures/flows/sdk-validate_flow.definition_error.json,
 * cli-validate_flow.missing_type.422.json, cli-validate_flow.multiple_errors.422.json):
 * `detail: [{loc, msg, type, ctx?}]` with loc from the body (`["definition", "States", "P"]`)
 * and the message `N validation error(s) in body. $.definition.States.P: <msg> ; …`.
 * Where the service's wording is known it is used; otherwise flowsmith's message, which is
 * what the CLI shows with file:line anyway.
 */
import type { Diagnostic } from "../../definition/diagnostics.js";
import { parsePointer } from "../../definition/diagnostics.js";

export interface GlobusErrorDetail {
  loc: (string | number)[];
  msg: string;
  type: string;
  ctx?: Record<string, unknown>;
}

function wording(d: Diagnostic, state: Record<string, unknown> | undefined): { msg: string; type: string; ctx?: Record<string, unknown>; loc?: string[] } {
  switch (d.code) {
    case "NEXT_END_MISSING":
      return { msg: `A state of type '${String(state?.Type ?? "Action")}' must be defined as either terminal ("End": true) or transitional ("Next": "NextStateId")`, type: "value_error" };
    case "STATE_TYPE_MISSING":
      return { msg: "Discriminator 'type' is missing in value", type: "value_error.discriminated_union.missing_discriminator", ctx: { discriminator_key: "type" } };
    case "TOP_LEVEL_FIELD_MISSING": {
      const field = /"(StartAt|States)"/.exec(d.message)?.[1] ?? "StartAt";
      return { msg: "field required", type: "value_error.missing", loc: [field] };
    }
    case "TOP_LEVEL_FIELD_UNKNOWN":
      return { msg: "extra fields not permitted", type: "value_error.extra" };
    default:
      return { msg: d.message, type: "value_error" };
  }
}

export function globusValidationError(diags: Diagnostic[], body: { definition?: unknown }, root = "definition"): { detail: GlobusErrorDetail[]; message: string } {
  const states = ((body.definition as { States?: Record<string, Record<string, unknown>> } | undefined)?.States ?? {}) as Record<string, Record<string, unknown>>;
  const detail = diags.map((d) => {
    const segs = d.pointer.startsWith("/input_schema") ? parsePointer(d.pointer) : [root, ...parsePointer(d.pointer)];
    const state = segs[1] === "States" ? states[String(segs[2])] : undefined;
    const w = wording(d, state);
    return { loc: w.loc ? [root, ...w.loc] : segs, msg: w.msg, type: w.type, ...(w.ctx ? { ctx: w.ctx } : {}) };
  });
  const where = (loc: (string | number)[]) => "$." + loc.map(String).join(".");
  const message = `${detail.length} validation error${detail.length === 1 ? "" : "s"} in body. ${detail.map((x) => `${where(x.loc)}: ${x.msg}`).join(" ; ")}`;
  return { detail, message };
}

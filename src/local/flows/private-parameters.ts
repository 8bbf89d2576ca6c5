/**
 * Protecting Secrets (docs.globus.org/api/flows/authoring-flows/secrets): a Parameters
 * object's `__Private_Parameters` lists keys whose values are secret. Anyone who is not the
 * flow's owner or an administrator gets the definition (GET /flows/{id},
 * GET /runs/{id}/definition) with those keys — in any of their `x`, `x.$`, `x.=` forms —
 * removed; the list itself stays, so the reader sees that something was withheld.
 */
import { PRIVATE_PARAMETERS, splitKey } from "../../definition/parameters.js";
import type { FlowDefinition } from "../../definition/types.js";

function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (!v || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  const hidden = Array.isArray(o[PRIVATE_PARAMETERS]) ? new Set((o[PRIVATE_PARAMETERS] as unknown[]).map(String)) : undefined;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) {
    if (hidden && k !== PRIVATE_PARAMETERS && hidden.has(splitKey(k).key)) continue;
    out[k] = k === PRIVATE_PARAMETERS ? x : strip(x);
  }
  return out;
}

export function withoutPrivateParameters(def: FlowDefinition): FlowDefinition {
  if (!JSON.stringify(def).includes(PRIVATE_PARAMETERS)) return def;
  const states: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(def.States ?? {})) {
    const st = s as unknown as Record<string, unknown>;
    states[name] = st && typeof st === "object" && "Parameters" in st ? { ...st, Parameters: strip(st.Parameters) } : st;
  }
  return { ...def, States: states } as FlowDefinition;
}

/**
 * What the Flows service works out about a definition on validate/create
 * (globus-flows.md §2.2 "Validate flow"): the scopes each RunAs identity needs
 * (`{"scopes": {"User": […], "Flow": […], "<role>": […]}}`, fixtures/flows/cli-validate_flow.*)
 * and the number of possible state traversals (`analysis.number_of_possibilities`).
 *
 * A provider's scope comes from the known hosted providers, the registered-API registry,
 * an ActionScope / Handler.Scope written in the state, or the provider's introspection
 * document (`GET {url}/` -> globus_auth_scope); an unreachable custom provider is the 409
 * SCOPE_RESOLUTION_FAILED the service answers (fixtures/flows/cli-validate_flow.scope_resolution_failed.409.json).
 */
import type { FlowDefinition } from "../../definition/types.js";
import { actionTargetOf, lookupProvider, REGISTERED_API_TARGET, type ProviderKind } from "../../definition/providers.js";
import { COMPUTE_SCOPE_ID } from "../auth/scopes.js";
import { HttpError } from "../http.js";

/** Scopes of the Globus-hosted providers (their introspection documents' globus_auth_scope). */
const HOSTED_SCOPES: Partial<Record<ProviderKind, string>> = {
  transfer: "urn:globus:auth:scope:transfer.api.globus.org:all",
  delete: "urn:globus:auth:scope:transfer.api.globus.org:all",
  ls: "urn:globus:auth:scope:transfer.api.globus.org:all",
  mkdir: "urn:globus:auth:scope:transfer.api.globus.org:all",
  stat: "urn:globus:auth:scope:transfer.api.globus.org:all",
  collection_info: "urn:globus:auth:scope:transfer.api.globus.org:all",
  manage_permission: "urn:globus:auth:scope:transfer.api.globus.org:all",
  compute: `https://auth.globus.org/scopes/${COMPUTE_SCOPE_ID}/all`,
  hello_world: "https://auth.globus.org/scopes/actions.globus.org/hello_world",
  expression_eval: "https://auth.globus.org/scopes/5fac2e64-c734-4e6b-90ea-ff12ddbf9653/expression_eval",
  search_ingest: "urn:globus:auth:scope:search.api.globus.org:all",
  search_delete: "urn:globus:auth:scope:search.api.globus.org:all",
  notify: "https://auth.globus.org/scopes/5fac2e64-c734-4e6b-90ea-ff12ddbf9653/notification_notify",
  weboption: "https://auth.globus.org/scopes/5fac2e64-c734-4e6b-90ea-ff12ddbf9653/weboption_wait_for_option",
};

export interface ScopeSources {
  /** A registered API's scope by target (`registered_api:<id>` or handle URN), or undefined if unknown. */
  registeredApiScope(target: string): string | undefined;
  /** The globus_auth_scope a custom provider's introspection document names (throws if unreachable). */
  introspect(url: string): Promise<string>;
}

type Obj = Record<string, unknown>;

/** The scope one Action state needs. */
async function scopeOf(state: Obj, src: ScopeSources): Promise<string | undefined> {
  if (typeof state.ActionScope === "string") return state.ActionScope;
  const h = state.Handler as Obj | undefined;
  if (h && typeof h === "object" && typeof h.Scope === "string") return h.Scope;
  const target = actionTargetOf(state);
  if (!target) return undefined;
  if (target.startsWith(REGISTERED_API_TARGET) || target.startsWith("urn:")) return src.registeredApiScope(target);
  const known = lookupProvider(target);
  if (known) return HOSTED_SCOPES[known.kind];
  try {
    return await src.introspect(target);
  } catch (e) {
    throw new HttpError(409, "SCOPE_RESOLUTION_FAILED", `Failed to resolve scope for Action Provider at '${target}': ${(e as Error).message || "upstream did not respond"}`);
  }
}

export async function scopesByRunAs(def: FlowDefinition, src: ScopeSources): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const state of Object.values(def.States ?? {}) as unknown as Obj[]) {
    if (!state || state.Type !== "Action") continue;
    const runAs = typeof state.RunAs === "string" && state.RunAs ? state.RunAs : "User";
    const scope = await scopeOf(state, src);
    const list = (out[runAs] ??= []);
    if (scope && !list.includes(scope)) list.push(scope);
  }
  return out;
}

/** Role names a run must bring tokens for (`_tokens.<Role>`): every RunAs but User and Flow. */
export function roleNames(def: FlowDefinition): string[] {
  const roles = new Set<string>();
  for (const state of Object.values(def.States ?? {}) as unknown as Obj[]) {
    const r = state?.RunAs;
    if (typeof r === "string" && r && r !== "User" && r !== "Flow") roles.add(r);
  }
  return [...roles];
}

const TRAVERSAL_CAP = 1_000_000;

/**
 * Distinct paths from StartAt to an end (End, Fail, or a state with no way on), following
 * Next, Choice rules and Default, and Catch edges; an edge back into a state already on the
 * path is not followed (a loop counts once), and the count stops at 1,000,000.
 */
export function countTraversals(def: FlowDefinition): number {
  const states = (def.States ?? {}) as unknown as Record<string, Obj>;
  const onPath = new Set<string>();
  // Subtrees that never reached back into the path count the same from anywhere: memoised.
  const memo = new Map<string, number>();
  const walk = (name: string): { n: number; cyclic: boolean } => {
    const s = states[name];
    if (!s) return { n: 1, cyclic: false };
    if (onPath.has(name)) return { n: 0, cyclic: true };
    const m = memo.get(name);
    if (m !== undefined) return { n: m, cyclic: false };
    onPath.add(name);
    const next = new Set<string>();
    if (typeof s.Next === "string") next.add(s.Next);
    if (typeof s.Default === "string") next.add(s.Default);
    if (Array.isArray(s.Choices)) for (const c of s.Choices as Obj[]) if (typeof c?.Next === "string") next.add(c.Next);
    if (Array.isArray(s.Catch)) for (const c of s.Catch as Obj[]) if (typeof c?.Next === "string") next.add(c.Next);
    let n = next.size === 0 ? 1 : 0;
    let cyclic = false;
    for (const t of next) {
      const r = walk(t);
      n = Math.min(TRAVERSAL_CAP, n + r.n);
      cyclic ||= r.cyclic;
    }
    onPath.delete(name);
    // A state whose every way on loops back still is one traversal (the loop ends at run time).
    if (n === 0) n = 1;
    if (!cyclic) memo.set(name, n);
    return { n, cyclic };
  };
  return typeof def.StartAt === "string" ? walk(def.StartAt).n : 0;
}

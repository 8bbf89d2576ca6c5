/**
 * Which provider runs an Action state: every Globus provider URL flowsmith knows (all
 * generations of the transfer, delete, ls, mkdir, stat URLs; compute v2, fxap, v3;
 * expression_eval; hello_world) maps to a local provider, so definitions stay byte-identical
 * between local and production. Any other URL is called over HTTP.
 */
import type { ActionState } from "../definition/types.js";
import { lookupProvider, type ProviderKind } from "../definition/providers.js";
import type { ProviderResolver } from "../engine/interpreter.js";
import { createHttpActionProvider } from "./http-client.js";
import type { ActionProvider } from "./types.js";

/** A local provider for every known provider kind, with compute split by its API version. */
export type LocalProviderName = Exclude<ProviderKind, "compute" | "other"> | "compute_v2" | "compute_v3";

/**
 * `handlers` resolves the targets that are not URLs (`registered_api:<id>` and
 * `urn:globus:flows:handle:…`, see actionTargetOf); it throws when it knows none.
 */
export function createProviderResolver(
  local: Partial<Record<LocalProviderName, ActionProvider>>,
  remote: (url: string) => ActionProvider = createHttpActionProvider,
  handlers?: (target: string) => ActionProvider,
): ProviderResolver {
  const remotes = new Map<string, ActionProvider>();
  return (url: string, _state: ActionState) => {
    if (!/^[a-z]+:\/\//i.test(url)) {
      if (!handlers) throw new Error(`${url} is a registered-API handler, and this runtime has no registered APIs`);
      return handlers(url);
    }
    const info = lookupProvider(url);
    if (info) {
      const name: string = info.kind === "compute" ? `compute_${info.computeVersion ?? "v3"}` : info.kind;
      const p = local[name as LocalProviderName];
      if (p) return p;
      throw new Error(`the local runtime has no ${info.kind} provider (${url} is a Globus-hosted service it does not emulate)`);
    }
    let p = remotes.get(url);
    if (!p) {
      p = remote(url);
      remotes.set(url, p);
    }
    return p;
  };
}

/**
 * Globus scope strings and resource servers (globus-flows.md §2.8, §3.2): service scopes,
 * the flow-specific scope with its dependencies (`scope[dep *optional_dep]`), and whether a
 * granted scope covers a requested one. Wire facts: the production clients ask for these
 * and the local Auth issues them, so both import this module.
 */

export const FLOWS_CLIENT_ID = "eec9b274-0c81-4334-bdc2-54e90e689b9a";
export const COMPUTE_SCOPE_ID = "facd7ccc-c5f4-42aa-916b-a0e270e2c2a9";

export const RESOURCE_SERVERS = {
  auth: "auth.globus.org",
  flows: "flows.globus.org",
  transfer: "transfer.api.globus.org",
  compute: "funcx_service",
} as const;

export const SCOPES = {
  openid: "openid",
  profile: "profile",
  email: "email",
  viewIdentitySet: "urn:globus:auth:scope:auth.globus.org:view_identity_set",
  flowsAll: `https://auth.globus.org/scopes/${FLOWS_CLIENT_ID}/all`,
  flows: (name: "all" | "manage_flows" | "view_flows" | "run" | "run_status" | "run_manage") => `https://auth.globus.org/scopes/${FLOWS_CLIENT_ID}/${name}`,
  transferAll: "urn:globus:auth:scope:transfer.api.globus.org:all",
  computeAll: `https://auth.globus.org/scopes/${COMPUTE_SCOPE_ID}/all`,
  /** The flow-specific scope without dependencies (see flowScope for the bracketed form). */
  flow: (flowId: string) => flowScope(flowId),
  collectionDataAccess: (collectionId: string) => dataAccessScope(collectionId),
} as const;

/** `scope[dep1 *dep2]` -> `scope` (the dependencies are consent detail, not a separate token). */
export function baseScope(scope: string): string {
  const i = scope.indexOf("[");
  return (i < 0 ? scope : scope.slice(0, i)).trim();
}

/** Split a space-separated scope string, keeping bracketed dependency lists together. */
export function splitScopes(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of s.trim()) {
    if (ch === "[") depth++;
    if (ch === "]") depth--;
    if (/\s/.test(ch) && depth === 0) {
      if (cur) out.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (cur) out.push(cur);
  return out;
}

/** `https://auth.globus.org/scopes/<collection>/data_access` (a GCS mapped collection). */
export function dataAccessScope(collectionId: string): string {
  return `https://auth.globus.org/scopes/${collectionId}/data_access`;
}

/** The Transfer scope with optional data_access dependencies for `collections` (duplicates dropped). */
export function transferScope(collections: readonly string[] = []): string {
  const deps = [...new Set(collections)].map((c) => `*${dataAccessScope(c)}`);
  return deps.length ? `${SCOPES.transferAll}[${deps.join(" ")}]` : SCOPES.transferAll;
}

/**
 * The flow-specific scope `https://auth.globus.org/scopes/<id>/flow_<id_underscored>_user`,
 * with `dependencies` in brackets, e.g. `flowScope(id, [transferScope([c1, c2])])`.
 */
export function flowScope(flowId: string, dependencies: readonly string[] = []): string {
  const s = `https://auth.globus.org/scopes/${flowId}/flow_${flowId.replace(/-/g, "_")}_user`;
  const deps = dependencies.map((d) => d.trim()).filter(Boolean);
  return deps.length ? `${s}[${deps.join(" ")}]` : s;
}

export interface ScopeTree {
  scope: string;
  optional: boolean;
  dependencies: ScopeTree[];
}

/** Parse `a[b[*c] d]` into a tree; throws on unbalanced brackets. */
export function parseScope(text: string): ScopeTree {
  let i = 0;
  const s = text.trim();
  const parseList = (): ScopeTree[] => {
    const out: ScopeTree[] = [];
    for (;;) {
      while (i < s.length && /\s/.test(s[i]!)) i++;
      if (i >= s.length || s[i] === "]") return out;
      out.push(parseOne());
    }
  };
  const parseOne = (): ScopeTree => {
    let optional = false;
    if (s[i] === "*") {
      optional = true;
      i++;
    }
    let name = "";
    while (i < s.length && !/[\s[\]]/.test(s[i]!)) name += s[i++];
    if (!name) throw new Error(`malformed scope string: ${JSON.stringify(text)}`);
    let dependencies: ScopeTree[] = [];
    if (s[i] === "[") {
      i++;
      dependencies = parseList();
      if (s[i] !== "]") throw new Error(`malformed scope string (unclosed "["): ${JSON.stringify(text)}`);
      i++;
    }
    return { scope: name, optional, dependencies };
  };
  const tree = parseOne();
  while (i < s.length && /\s/.test(s[i]!)) i++;
  if (i < s.length) throw new Error(`malformed scope string: ${JSON.stringify(text)}`);
  return tree;
}

/** Does consent to `granted` include everything `requested` asks for (same scope, every dependency covered)? */
export function scopeCovers(granted: string | ScopeTree, requested: string | ScopeTree): boolean {
  try {
    const g = typeof granted === "string" ? parseScope(granted) : granted;
    const r = typeof requested === "string" ? parseScope(requested) : requested;
    return g.scope === r.scope && r.dependencies.every((rd) => g.dependencies.some((gd) => scopeCovers(gd, rd)));
  } catch {
    return false;
  }
}

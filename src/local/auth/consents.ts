/**
 * `GET /v2/api/identities/{id}/consents` (globus-cli `flows run resume` reads it to see
 * whether a run's required scope has been consented): the consent tree of an identity,
 * built from the scopes the local Auth has issued tokens for. A scope string with a
 * dependency list (`flow_scope[transfer[*data_access]]`) is a root consent with child
 * consents; `dependency_path` lists the consent ids from the root down (Auth API docs,
 * "Get Consents").
 */
import { splitScopes } from "./scopes.js";

export interface Consent {
  id: number;
  client: string;
  scope: string;
  scope_name: string;
  effective_identity: string;
  dependency_path: number[];
  created: string;
  updated: string;
  last_used: string;
  status: "approved";
  allows_refresh: boolean;
  auto_approved: boolean;
  atomically_revocable: boolean;
}

/** `a[b[c] d]` -> {name: a, children: [{b, [c]}, {d}]}; a leading `*` marks an optional dependency. */
function parse(scope: string): { name: string; children: string[] } {
  const i = scope.indexOf("[");
  if (i < 0 || !scope.endsWith("]")) return { name: scope.replace(/^\*/, ""), children: [] };
  return { name: scope.slice(0, i).replace(/^\*/, ""), children: splitScopes(scope.slice(i + 1, -1)) };
}

/** A stable UUID-shaped id for a scope string (the consent document's `scope` is the scope's id). */
function scopeId(name: string): string {
  let h = 2166136261;
  const hex: string[] = [];
  for (let round = 0; round < 4; round++) {
    for (const ch of name + round) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    hex.push(h.toString(16).padStart(8, "0"));
  }
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-8${s.slice(17, 20)}-${s.slice(20, 32)}`;
}

export function consentsOf(grants: { client_id: string; identity: string; scopes: string[]; issued_at: string }[]): { consents: Consent[] } {
  const out: Consent[] = [];
  const seen = new Map<string, number>();
  const add = (scope: string, grant: (typeof grants)[number], path: number[]): void => {
    const { name, children } = parse(scope);
    const key = `${grant.client_id} ${path.join(".")} ${name}`;
    let id = seen.get(key);
    if (id === undefined) {
      id = out.length + 1;
      seen.set(key, id);
      out.push({
        id,
        client: grant.client_id,
        scope: scopeId(name),
        scope_name: name,
        effective_identity: grant.identity.replace(/^urn:globus:auth:identity:/, ""),
        dependency_path: [...path, id],
        created: grant.issued_at,
        updated: grant.issued_at,
        last_used: grant.issued_at,
        status: "approved",
        allows_refresh: true,
        auto_approved: false,
        atomically_revocable: false,
      });
    }
    for (const c of children) add(c, grant, [...path, id]);
  };
  for (const g of grants) for (const s of g.scopes) add(s, g, []);
  return { consents: out };
}

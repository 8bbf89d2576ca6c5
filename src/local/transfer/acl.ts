/**
 * Access rules on local collections, as Transfer keeps them for guest collections
 * (docs.globus.org/api/transfer/acl: `access` documents with principal_type identity | group
 * | all_authenticated_users | anonymous, a path ending in "/", permissions "r" or "rw").
 *
 * A collection whose flowsmith.yaml entry names an `owner` is enforced: anyone else may read
 * or write only under a rule that grants it (the manage_permission action provider and the
 * Transfer `/endpoint/{id}/access` routes create them). A collection without an owner is the
 * local user's own, as before: everyone the runtime authenticates owns it.
 */
import { randomUUID } from "node:crypto";
import type { DocStore } from "../store.js";
import { TransferApiError } from "./errors.js";

export type PrincipalType = "identity" | "group" | "all_authenticated_users" | "anonymous";

export interface AccessRule {
  DATA_TYPE: "access";
  id: string;
  collection_id: string;
  principal_type: PrincipalType;
  principal: string;
  path: string;
  permissions: "r" | "rw";
  role_id: null;
  role_type: null;
  create_time: string;
  expiration_date: null;
}

const PRINCIPAL_TYPES: PrincipalType[] = ["identity", "group", "all_authenticated_users", "anonymous"];
const bare = (urn: string) => urn.replace(/^urn:globus:(auth:identity|groups?:id):/, "");

/** "/a/b" or "/~/a/b/" -> "/a/b/": rules and checks compare directory prefixes. */
export function aclPath(p: string): string {
  let s = p.replace(/^\/?~\//, "/");
  if (!s.startsWith("/")) s = "/" + s;
  s = s.replace(/\/+/g, "/");
  return s.endsWith("/") ? s : s + "/";
}

export class AccessRules {
  constructor(
    private readonly store: DocStore,
    /** Group id -> member identity URNs. */
    private readonly groups: Record<string, string[]> = {},
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(collectionId: string): AccessRule[] {
    return this.store.find<AccessRule>("acl", "collection", collectionId);
  }

  get(collectionId: string, id: string): AccessRule {
    const r = this.store.get<AccessRule>("acl", id);
    if (!r || r.collection_id !== collectionId) throw new TransferApiError(404, "AccessRuleNotFound", `Access rule '${id}' not found`, `/endpoint/${collectionId}/access/${id}`);
    return r;
  }

  create(collectionId: string, input: { principal_type?: unknown; principal?: unknown; path?: unknown; permissions?: unknown }): AccessRule {
    const resource = `/endpoint/${collectionId}/access`;
    const type = input.principal_type as PrincipalType;
    if (!PRINCIPAL_TYPES.includes(type)) throw new TransferApiError(400, "InvalidPrincipalType", `principal_type must be one of ${PRINCIPAL_TYPES.join(", ")}`, resource);
    const principal = type === "identity" || type === "group" ? String(input.principal ?? "") : "";
    if ((type === "identity" || type === "group") && !/^[0-9a-fA-F-]{36}$/.test(bare(principal))) throw new TransferApiError(400, "InvalidPrincipal", `principal must be the ${type} UUID`, resource);
    if (input.permissions !== "r" && input.permissions !== "rw") throw new TransferApiError(400, "InvalidPermissions", 'permissions must be "r" or "rw"', resource);
    if (typeof input.path !== "string" || !input.path) throw new TransferApiError(400, "InvalidPath", "path must be a non-empty string", resource);
    const path = aclPath(input.path);
    const dup = this.list(collectionId).find((r) => r.path === path && r.principal_type === type && r.principal === bare(principal));
    if (dup) throw new TransferApiError(409, "Exists", `Access rule already exists (id ${dup.id})`, resource);
    const rule: AccessRule = {
      DATA_TYPE: "access",
      id: randomUUID(),
      collection_id: collectionId,
      principal_type: type,
      principal: bare(principal),
      path,
      permissions: input.permissions,
      role_id: null,
      role_type: null,
      create_time: this.now().toISOString().replace("Z", "+00:00"),
      expiration_date: null,
    };
    this.store.transaction(() => {
      this.store.put("acl", rule.id, rule);
      this.store.index("acl", rule.id, "collection", collectionId);
    });
    return rule;
  }

  update(collectionId: string, id: string, permissions: unknown): AccessRule {
    const r = this.get(collectionId, id);
    if (permissions !== "r" && permissions !== "rw") throw new TransferApiError(400, "InvalidPermissions", 'permissions must be "r" or "rw"', `/endpoint/${collectionId}/access/${id}`);
    const next: AccessRule = { ...r, permissions: permissions as "r" | "rw" };
    this.store.put("acl", id, next);
    return next;
  }

  delete(collectionId: string, id: string): AccessRule {
    const r = this.get(collectionId, id);
    this.store.delete("acl", id);
    return r;
  }

  /** Whether `identity` (a URN) may read (r) or write (w) `path` on the collection. */
  allows(collectionId: string, path: string, identity: string, need: "r" | "w"): boolean {
    const p = aclPath(path);
    const who = bare(identity);
    return this.list(collectionId).some((r) => {
      if (!p.startsWith(r.path)) return false;
      if (need === "w" && r.permissions !== "rw") return false;
      switch (r.principal_type) {
        case "identity":
          return r.principal === who;
        case "group":
          return (this.groups[r.principal.toLowerCase()] ?? []).some((m) => bare(m) === who);
        default:
          return true;
      }
    });
  }
}

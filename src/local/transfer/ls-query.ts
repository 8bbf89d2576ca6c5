/**
 * The `filter` and `orderby` query parameters of Transfer's directory listing.
 * filter: `field:spec` clauses joined by "/" that must all hold, e.g. "type:dir" (as the
 * FRIB flow sends), "name:~*.txt", "name:!~.*", "size:>=1024/type:file". Fields: name
 * (`~glob`, `!~glob`, `=x`, `!=x`, or bare x), type/permissions/user/group (comma lists,
 * `!=` negates), size and last_modified (`<`, `<=`, `>`, `>=`, `=`, `!=`).
 * orderby: "field [ASC|DESC]" comma-separated over the same fields; default "name ASC".
 */
import { badRequest } from "./errors.js";
import { globToRegExp } from "./glob.js";
import type { FileEntry } from "./types.js";

export type EntryPredicate = (entry: FileEntry) => boolean;
export type EntryComparator = (a: FileEntry, b: FileEntry) => number;

const FIELDS = ["name", "type", "size", "last_modified", "permissions", "user", "group"] as const;
type Field = (typeof FIELDS)[number];

export function parseFilter(filter: string | undefined, resource: string): EntryPredicate {
  if (!filter) return () => true;
  const clauses = filter.split("/").filter((c) => c !== "").map((c) => clause(c, resource));
  return (e) => clauses.every((p) => p(e));
}

export function parseOrderBy(orderby: string | undefined, resource: string): EntryComparator {
  const keys = (orderby || "name ASC").split(",").map((part) => {
    const [field, dir = "ASC", ...rest] = part.trim().split(/\s+/);
    if (!isField(field) || rest.length || !/^(ASC|DESC)$/i.test(dir)) throw badRequest(resource, `Invalid orderby '${orderby}'`);
    return { field, sign: dir.toUpperCase() === "DESC" ? -1 : 1 };
  });
  return (a, b) => {
    for (const { field, sign } of keys) {
      const x = a[field] ?? "";
      const y = b[field] ?? "";
      if (x < y) return -sign;
      if (x > y) return sign;
    }
    return 0;
  };
}

function clause(text: string, resource: string): EntryPredicate {
  const colon = text.indexOf(":");
  const field = text.slice(0, colon);
  const spec = text.slice(colon + 1);
  if (colon < 0 || !isField(field)) throw badRequest(resource, `Invalid filter '${text}'`);
  if (field === "name") return nameClause(spec);
  if (field === "size" || field === "last_modified") return compareClause(field, spec, text, resource);
  const negate = spec.startsWith("!=");
  const values = new Set((negate ? spec.slice(2) : spec.replace(/^=/, "")).split(","));
  return (e) => values.has(String(e[field])) !== negate;
}

function nameClause(spec: string): EntryPredicate {
  if (spec.startsWith("!~")) {
    const re = globToRegExp(spec.slice(2));
    return (e) => !re.test(e.name);
  }
  if (spec.startsWith("~")) {
    const re = globToRegExp(spec.slice(1));
    return (e) => re.test(e.name);
  }
  if (spec.startsWith("!=")) return (e) => e.name !== spec.slice(2);
  const name = spec.replace(/^=/, "");
  return (e) => e.name === name;
}

function compareClause(field: "size" | "last_modified", spec: string, text: string, resource: string): EntryPredicate {
  const m = /^(<=|>=|!=|<|>|=)?(.+)$/.exec(spec);
  if (!m) throw badRequest(resource, `Invalid filter '${text}'`);
  const op = m[1] ?? "=";
  const value = field === "size" ? Number(m[2]) : Date.parse(m[2].replace(" ", "T").replace(/(\d{2}:\d{2}(:\d{2})?)$/, "$1Z"));
  if (Number.isNaN(value)) throw badRequest(resource, `Invalid filter '${text}'`);
  const get = field === "size" ? (e: FileEntry) => e.size : (e: FileEntry) => Date.parse(e.last_modified.replace(" ", "T"));
  return (e) => {
    const v = get(e);
    switch (op) {
      case "<":
        return v < value;
      case "<=":
        return v <= value;
      case ">":
        return v > value;
      case ">=":
        return v >= value;
      case "!=":
        return v !== value;
      default:
        return v === value;
    }
  };
}

function isField(s: string): s is Field {
  return (FIELDS as readonly string[]).includes(s);
}

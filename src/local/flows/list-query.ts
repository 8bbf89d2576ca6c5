/**
 * List filters and ordering of the Flows API as the OpenAPI describes them (@globus/sdk
 * open-api/types/flows.d.ts, GET /flows and GET /runs): string filters are case-insensitive
 * substring matches, several values (comma-separated or repeated) match any; time ranges
 * are `"FROM,TO"` ISO datetimes, half-open, either side optional; `orderby` is a
 * comma-separated list of `FIELD ASC|DESC` criteria, later ones breaking ties.
 */
import { HttpError } from "../http.js";

export function values(q: URLSearchParams, key: string): string[] {
  return q.getAll(key).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
}

/** Whether `text` contains any of `needles` (case-insensitive); no needles: true. */
export function containsAny(text: string | null | undefined, needles: string[]): boolean {
  if (needles.length === 0) return true;
  const t = (text ?? "").toLowerCase();
  return needles.some((n) => t.includes(n.toLowerCase()));
}

/** A parsed `FROM,TO` range; undefined when the filter is absent. */
export function timeRange(q: URLSearchParams, key: string): { from?: number; to?: number } | undefined {
  const raw = q.get(key);
  if (raw === null || raw.trim() === "") return undefined;
  const [a, b] = raw.includes(",") ? raw.split(",", 2) : [raw, ""];
  const parse = (s: string | undefined) => {
    if (!s || !s.trim()) return undefined;
    const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(s.trim()) ? s.trim() : `${s.trim()}Z`);
    if (Number.isNaN(t)) throw new HttpError(422, "UNPROCESSABLE_ENTITY", `${key}: "${s}" is not an ISO 8601 datetime`);
    return t;
  };
  return { ...(parse(a) !== undefined ? { from: parse(a)! } : {}), ...(parse(b) !== undefined ? { to: parse(b)! } : {}) };
}

export function inRange(iso: string | null | undefined, range: { from?: number; to?: number } | undefined): boolean {
  if (!range) return true;
  if (!iso) return false;
  const t = Date.parse(iso);
  return (range.from === undefined || t >= range.from) && (range.to === undefined || t < range.to);
}

/** Sort by `orderby` (fields limited to `allowed`), falling back to `fallback` ("" keeps the order given). */
export function ordered<T extends Record<string, unknown>>(docs: T[], q: URLSearchParams, allowed: readonly string[], fallback: string, key: (doc: T, field: string) => unknown = (d, f) => d[f]): T[] {
  const spec = values(q, "orderby");
  if (spec.length === 0 && !fallback) return docs;
  const criteria = (spec.length ? spec : [fallback]).map((c) => {
    const [field, dir = "ASC"] = c.split(/\s+/);
    if (!field || !allowed.includes(field) || !["ASC", "DESC"].includes(dir.toUpperCase())) {
      throw new HttpError(422, "UNPROCESSABLE_ENTITY", `orderby "${c}": use FIELD ASC|DESC with FIELD one of ${allowed.join(", ")}`);
    }
    return { field, sign: dir.toUpperCase() === "DESC" ? -1 : 1 };
  });
  const text = (v: unknown) => (v === null || v === undefined ? "" : Array.isArray(v) ? v.join(",") : String(v));
  return [...docs].sort((a, b) => {
    for (const c of criteria) {
      const x = text(key(a, c.field));
      const y = text(key(b, c.field));
      if (x !== y) return (x < y ? -1 : 1) * c.sign;
    }
    return 0;
  });
}

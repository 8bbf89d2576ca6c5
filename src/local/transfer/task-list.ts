/**
 * task_list's `filter` parameter: "/"-separated `field:value` clauses that must all hold.
 * Supported: task_id, status, type (comma lists), label ("~text" substring match or exact),
 * owner_id, request_time and completion_time ("start,end" ranges, either end may be empty).
 * Tasks are listed newest first.
 */
import { badRequest } from "./errors.js";
import type { TaskDocument } from "./types.js";

export type TaskPredicate = (doc: TaskDocument) => boolean;

export function parseTaskFilter(filter: string | undefined, resource: string): TaskPredicate {
  if (!filter) return () => true;
  const clauses = filter.split("/").filter(Boolean).map((c): TaskPredicate => {
    const colon = c.indexOf(":");
    if (colon < 0) throw badRequest(resource, `Invalid filter '${c}'`);
    const field = c.slice(0, colon);
    const value = c.slice(colon + 1);
    switch (field) {
      case "task_id":
      case "status":
      case "type":
      case "owner_id": {
        const values = new Set(value.split(","));
        return (d) => values.has(String(d[field]));
      }
      case "label":
        return value.startsWith("~") ? (d) => (d.label ?? "").toLowerCase().includes(value.slice(1).toLowerCase()) : (d) => d.label === value;
      case "request_time":
      case "completion_time": {
        const [from, to] = value.split(",").map((s) => (s ? Date.parse(s) : NaN));
        return (d) => {
          const t = d[field] ? Date.parse(d[field]!) : NaN;
          if (Number.isNaN(t)) return false;
          return (Number.isNaN(from) || t >= from) && (Number.isNaN(to) || t <= to);
        };
      }
      default:
        throw badRequest(resource, `Unsupported task_list filter field '${field}'`);
    }
  });
  return (d) => clauses.every((p) => p(d));
}

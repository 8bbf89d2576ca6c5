/**
 * A synchronous local action provider: `run` does the work and answers SUCCEEDED (or FAILED
 * with {code, description}) at once; the result is kept by request_id so a re-issued run
 * (after a restart) answers the same action instead of doing the work twice.
 */
import { ActionTable } from "../../providers/in-memory.js";
import { ActionProviderError, apTimestamp, type ActionCaller, type ActionProvider, type ActionRequest, type ActionStatus } from "../../providers/types.js";
import type { DocStore } from "../store.js";

/** Thrown by a sync operation for a request that was valid but failed (-> FAILED, not ActionUnableToRun). */
export class ActionFailed extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function syncProvider(store: DocStore, kind: string, now: () => Date, op: (body: Record<string, unknown>, caller: ActionCaller, req: ActionRequest) => unknown): ActionProvider {
  const table = new ActionTable(store, kind);
  return {
    async run(req, caller) {
      const prior = table.byRequest(req.request_id);
      if (prior) return prior;
      if (!req.body || typeof req.body !== "object" || Array.isArray(req.body)) throw new ActionProviderError("BadRequest", "The action body must be an object");
      let status: ActionStatus["status"] = "SUCCEEDED";
      let details: unknown;
      try {
        details = await op(req.body, caller, req);
      } catch (e) {
        if (!(e instanceof ActionFailed)) throw e;
        status = "FAILED";
        details = { code: e.code, description: e.message };
      }
      const t = now();
      return table.create(req.request_id, caller, { status, display_status: status, details, start_time: apTimestamp(t), completion_time: apTimestamp(t), label: req.label ?? null, manage_by: req.manage_by ?? [], monitor_by: req.monitor_by ?? [] }, t);
    },
    async status(id) {
      return table.require(id);
    },
    async cancel(id) {
      return table.require(id);
    },
    async release(id) {
      return table.release(id);
    },
  };
}

export function requireString(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== "string" || !v) throw new ActionProviderError("BadRequest", `${key} is required and must be a non-empty string`);
  return v;
}

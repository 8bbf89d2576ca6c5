/**
 * Shared plumbing for local providers that keep their actions in the store: idempotent
 * run by request_id, status lookup, release only when final.
 */
import { randomUUID } from "node:crypto";
import type { DocStore } from "./doc-store.js";
import { ActionProviderError, type ActionCaller, type ActionStatus } from "./types.js";

export class ActionTable {
  constructor(
    private readonly store: DocStore,
    private readonly kind: string,
  ) {}

  byRequest(requestId: string): ActionStatus | undefined {
    const id = this.store.get<{ id: string }>(`${this.kind}_request`, requestId)?.id;
    return id ? this.get(id) : undefined;
  }

  get(id: string): ActionStatus | undefined {
    return this.store.get<ActionStatus>(this.kind, id);
  }

  require(id: string): ActionStatus {
    const a = this.get(id);
    if (!a) throw new ActionProviderError("NotFound", `no action ${id}`, 404);
    return a;
  }

  create(requestId: string, caller: ActionCaller, fields: Partial<ActionStatus>, now: Date): ActionStatus {
    const id = randomUUID();
    const a: ActionStatus = {
      action_id: id,
      status: "ACTIVE",
      details: {},
      creator_id: caller.identity,
      start_time: now.toISOString().replace("Z", "+00:00"),
      completion_time: null,
      label: null,
      manage_by: [],
      monitor_by: [],
      release_after: "P30D",
      ...fields,
    };
    this.store.transaction(() => {
      this.store.put(this.kind, id, a);
      this.store.put(`${this.kind}_request`, requestId, { id });
    });
    return a;
  }

  save(a: ActionStatus): ActionStatus {
    this.store.put(this.kind, a.action_id, a);
    return a;
  }

  release(id: string): ActionStatus {
    const a = this.require(id);
    if (a.status !== "SUCCEEDED" && a.status !== "FAILED") throw new ActionProviderError("Conflict", `action ${id} is ${a.status}; only finished actions can be released`, 409);
    this.store.delete(this.kind, id);
    return a;
  }
}

/** An in-memory action provider whose actions follow a script: statuses returned poll by poll. */
import type { ActionProvider, ActionStatus, ActionStatusValue } from "../../src/providers/types.js";
import { ActionProviderError } from "../../src/providers/types.js";

export interface Script {
  /** Statuses returned by run, then by each poll (the last one repeats). */
  statuses: ActionStatusValue[];
  details?: unknown;
  failRun?: string;
}

export class FakeProvider implements ActionProvider {
  readonly runs: { request_id: string; body: Record<string, unknown> }[] = [];
  readonly cancels: string[] = [];
  readonly resumes: string[] = [];
  private actions = new Map<string, { script: Script; polls: number; request_id: string; canceled?: boolean }>();

  constructor(private readonly script: (body: Record<string, unknown>) => Script = () => ({ statuses: ["SUCCEEDED"] })) {}

  private doc(id: string): ActionStatus {
    const a = this.actions.get(id)!;
    const s = a.canceled ? "FAILED" : a.script.statuses[Math.min(a.polls, a.script.statuses.length - 1)]!;
    return {
      action_id: id,
      status: s,
      details: a.canceled ? { code: "Canceled" } : (a.script.details ?? { echo: this.runs.find((r) => r.request_id === a.request_id)?.body }),
      creator_id: "urn:globus:auth:identity:00000000-0000-0000-0000-000000000001",
      start_time: "2026-01-01T00:00:00+00:00",
      completion_time: s === "SUCCEEDED" || s === "FAILED" ? "2026-01-01T00:00:01+00:00" : null,
      manage_by: [],
      monitor_by: [],
      release_after: "P30D",
    };
  }

  async run(req: { request_id: string; body: Record<string, unknown> }): Promise<ActionStatus> {
    const existing = [...this.actions.entries()].find(([, a]) => a.request_id === req.request_id);
    if (existing) return this.doc(existing[0]);
    const script = this.script(req.body);
    if (script.failRun) throw new ActionProviderError("BadRequest", script.failRun);
    this.runs.push({ request_id: req.request_id, body: req.body });
    const id = `act-${this.runs.length}`;
    this.actions.set(id, { script, polls: 0, request_id: req.request_id });
    return this.doc(id);
  }

  async status(id: string): Promise<ActionStatus> {
    const a = this.actions.get(id);
    if (!a) throw new ActionProviderError("NotFound", `no action ${id}`, 404);
    a.polls++;
    return this.doc(id);
  }

  async cancel(id: string): Promise<ActionStatus> {
    this.cancels.push(id);
    this.actions.get(id)!.canceled = true;
    return this.doc(id);
  }

  async release(id: string): Promise<ActionStatus> {
    return this.doc(id);
  }

  async resume(id: string): Promise<ActionStatus> {
    this.resumes.push(id);
    const a = this.actions.get(id)!;
    a.script = { ...a.script, statuses: ["SUCCEEDED"] };
    a.polls = 0;
    return this.doc(id);
  }
}

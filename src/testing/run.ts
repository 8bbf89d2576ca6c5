/**
 * A run started in a test environment, and what it ended as: the run document and its log
 * as the Flows API returns them, with helpers for the questions tests ask (which states ran,
 * what an action returned, why the run failed).
 */
import type { LogEntryDoc, RunDoc } from "../run/follow.js";
import { FlowsClient } from "../globus/flows.js";
import type { TestEnvironment } from "./environment.js";

const FINAL = new Set(["SUCCEEDED", "FAILED", "ENDED", "INACTIVE"]);

export class RunResult {
  constructor(
    /** The run document (GET /runs/{id}). */
    readonly run: RunDoc & Record<string, unknown>,
    /** Every log entry (GET /runs/{id}/log), oldest first. */
    readonly log: LogEntryDoc[],
  ) {}

  get runId(): string {
    return this.run.run_id;
  }

  get status(): string {
    return this.run.status;
  }

  /** The run's final state document (details.output). */
  get output(): Record<string, unknown> {
    return ((this.run.details as { output?: Record<string, unknown> } | undefined)?.output ?? {}) as Record<string, unknown>;
  }

  /** Names of the states that started, in order (a state entered twice appears twice). */
  get states(): string[] {
    return this.log.filter((e) => e.code.endsWith("Started") && e.code !== "FlowStarted" && typeof e.details?.state_name === "string").map((e) => e.details!.state_name as string);
  }

  /** The action status an Action state completed with (its last visit), or undefined when it did not complete. */
  actionResult<T = Record<string, unknown>>(state: string): (T & { status: string; details: unknown }) | undefined {
    const e = [...this.log].reverse().find((x) => x.code === "ActionCompleted" && x.details?.state_name === state);
    return e?.details?.output as (T & { status: string; details: unknown }) | undefined;
  }

  /** Errors caught by Catch clauses, in order. */
  get caught(): { state: string; error: string; cause: string; next: string }[] {
    return this.log.filter((e) => e.code === "ActionCaught").map((e) => ({ state: String(e.details?.state_name ?? ""), error: String(e.details?.error ?? ""), cause: String(e.details?.cause ?? ""), next: String(e.details?.next_state ?? "") }));
  }

  /** For a FAILED run: its error code and cause (a Fail state's Error and Cause). */
  get failure(): { error?: string; cause?: string } | undefined {
    if (this.status !== "FAILED") return undefined;
    const d = (this.run.details ?? {}) as { details?: { error?: string; cause?: string }; code?: string; description?: string };
    return { ...(d.details?.error ?? d.code ? { error: d.details?.error ?? d.code } : {}), ...(d.details?.cause ?? d.description ? { cause: d.details?.cause ?? d.description } : {}) };
  }
}

export class TestRun {
  constructor(
    private readonly env: TestEnvironment,
    readonly runId: string,
    readonly flow: string,
  ) {}

  /** The run document now. */
  async get(): Promise<RunDoc & Record<string, unknown>> {
    return (await new FlowsClient(this.env.session.api).getRun(this.runId)) as RunDoc & Record<string, unknown>;
  }

  /** The whole log now. */
  async log(): Promise<LogEntryDoc[]> {
    return (await new FlowsClient(this.env.session.api).fullRunLog(this.runId)) as unknown as LogEntryDoc[];
  }

  /**
   * Wait for the run to end (or to stop at INACTIVE) and read it back. `timeoutMs` is real
   * time (default 60 s): with time skipping, virtual days pass in milliseconds.
   */
  async result(o: { timeoutMs?: number } = {}): Promise<RunResult> {
    const timeoutMs = o.timeoutMs ?? 60_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), timeoutMs)));
    try {
      for (;;) {
        const settled = await Promise.race([this.env.runtime.driver.settle(this.runId), timeout]);
        if (settled === "timeout") {
          const now = await this.get();
          throw new Error(`run ${this.runId} of ${this.flow} did not end within ${timeoutMs} ms of real time: it is ${now.status}${now.status === "ACTIVE" ? " (a step still waits: look at its log)" : ""}`);
        }
        if (settled && FINAL.has(settled.status)) break;
        // Not driven right now but not final (a resume is on its way): look again shortly.
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      clearTimeout(timer);
    }
    const [run, log] = await Promise.all([this.get(), this.log()]);
    return new RunResult(run, log);
  }

  /** Cancel the run. */
  async cancel(): Promise<void> {
    await new FlowsClient(this.env.session.api).cancelRun(this.runId);
  }
}

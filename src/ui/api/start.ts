/**
 * Starting a run from the page, through the path `run-flow` takes: the flow's rundir
 * mapper (when a run directory is picked), the form's document merged over it, schema
 * defaults, the offline Ajv check with the messages of `run-flow --dry-run`, then deploy if
 * needed and start with label and tags. Starts are serialised: two quick clicks never
 * deploy twice at once. A flow with follow-ups (timers of other flows after it SUCCEEDED)
 * has them checked before the start and scheduled when the run succeeds, as run-flow does;
 * scheduling is idempotent by timer name, so a page and a CLI never make two.
 */
import { isAbsolute, resolve } from "node:path";
import type { CompiledFlow } from "../../compile/compile.js";
import type { AnyFlowSource } from "../../dsl/flow.js";
import { environmentValues } from "../../deploy/values.js";
import type { Session } from "../../globus/session.js";
import { applyDefaults } from "../../run/defaults.js";
import { buildInput, merge } from "../../run/input.js";
import { checkInput, ensureDeployed, environmentSchema, lockedFlow, startRun } from "../../run/start.js";
import type { RunDoc } from "../../run/follow.js";
import { checkFollowUps, scheduleFollowUps } from "../../run/follow-ups.js";
import { getRun } from "./globus.js";

export interface StartRequest {
  /** A run directory on this machine (relative to the project root, or absolute). */
  rundir?: string;
  input?: unknown;
  label?: string;
  tags?: string[];
}

export interface Problem {
  pointer: string;
  message: string;
  code: string;
  hint?: string;
}

const problems = (d: ReturnType<typeof checkInput>): Problem[] => d.map((x) => ({ pointer: x.pointer, message: x.message, code: x.code, ...(x.hint ? { hint: x.hint } : {}) }));

export interface StarterOptions {
  /** How often a started run with follow-ups is looked at until it ends. */
  followPollMs?: number;
  log?: (l: string) => void;
}

export class Starter {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly watching = new Set<ReturnType<typeof setTimeout>>();
  private closed = false;

  constructor(
    private readonly session: Session,
    private readonly opts: StarterOptions = {},
  ) {}

  /** Stop following runs for their follow-ups (what is left can be scheduled with `flowsmith timers follow-up`). */
  close(): void {
    this.closed = true;
    for (const t of this.watching) clearTimeout(t);
    this.watching.clear();
  }

  private followUpsAfter(source: AnyFlowSource, run: RunDoc): void {
    const log = this.opts.log ?? (() => {});
    const tick = async () => {
      if (this.closed) return;
      try {
        const now = await getRun(this.session, run.run_id);
        if (now.status === "ACTIVE" || now.status === "INACTIVE") return schedule();
        if (now.status !== "SUCCEEDED") return;
        for (const f of await scheduleFollowUps(this.session, this.session.config.root, source, now, log)) {
          log(f.skipped ? `follow-up ${f.name} of run ${run.run_id}: ${f.skipped}` : `follow-up ${f.name} of run ${run.run_id}: ${f.created ? "scheduled" : "already scheduled"} (${f.flow} at ${f.due ?? "?"})`);
        }
      } catch (e) {
        log(`follow-ups of run ${run.run_id} not scheduled: ${(e as Error).message} (schedule them with: flowsmith timers follow-up ${source.name} ${run.run_id})`);
      }
    };
    const schedule = () => {
      if (this.closed) return;
      const t = setTimeout(() => {
        this.watching.delete(t);
        void tick();
      }, this.opts.followPollMs ?? 2000);
      this.watching.add(t);
    };
    schedule();
  }

  /** What the rundir mapper makes of a directory, with --input semantics for `input` over it. */
  async build(source: AnyFlowSource, req: StartRequest): Promise<unknown> {
    const s = this.session;
    const rundir = req.rundir ? (isAbsolute(req.rundir) ? req.rundir : resolve(s.config.root, req.rundir)) : undefined;
    const built = await buildInput(source, { ...(rundir ? { rundir } : {}), values: environmentValues(s.config, s.env) });
    return req.input === undefined ? built : merge(built, req.input);
  }

  /** The dry run: defaults filled, checked offline against the schema this environment gets. */
  async validate(source: AnyFlowSource, flow: CompiledFlow, req: StartRequest): Promise<{ input: unknown; problems: Problem[] }> {
    const s = this.session;
    const schema = lockedFlow(s.config, s.env, flow)?.schema ?? environmentSchema(s.config, s.env, flow);
    const input = applyDefaults(schema, await this.build(source, req));
    return { input, problems: problems(checkInput(schema, input)) };
  }

  async start(source: AnyFlowSource, flow: CompiledFlow, req: StartRequest, log: (l: string) => void): Promise<{ run?: RunDoc; input: unknown; problems: Problem[] }> {
    const next = this.queue.then(async () => {
      const built = await this.build(source, req);
      await checkFollowUps(this.session, this.session.config.root, source);
      const deployed = await ensureDeployed(this.session, flow, log);
      const input = applyDefaults(deployed.schema, built);
      const found = problems(checkInput(deployed.schema, input));
      if (found.length) return { input, problems: found };
      const run = await startRun(this.session, deployed, input, { ...(req.label ? { label: req.label } : {}), tags: req.tags ?? [] });
      if (source.followUps?.length) this.followUpsAfter(source, run);
      return { run, input, problems: [] };
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}

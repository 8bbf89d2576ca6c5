/** Action states: the generic `action()` builder that every provider helper specialises. */
import type { ActionState, Catcher, RunAs } from "../definition/types.js";
import { callSite, FlowSourceError } from "./callsite.js";
import { renderParameters } from "./render-parameters.js";
import { BaseState, startOf, type CatchEdge, type Chainable } from "./state.js";
import { isPathRef, pathText, type PathRef } from "./values.js";

/** Errors an Action can raise (globus-flows.md §1.7). */
export type ActionError = "ActionUnableToRun" | "ActionFailedException" | "ActionTimeout" | "States.ALL" | (string & {});

export interface ActionOptions {
  comment?: string;
  /**
   * Where the action status is written; default `$.<state name>`. `null` leaves ResultPath
   * unset, so Globus's default `$` replaces the whole run state with the status.
   */
  resultPath?: string | PathRef | null;
  /** Seconds to wait before ActionTimeout (integer). */
  waitTime?: number;
  /**
   * Raise ActionFailedException when the action FAILS. Always emitted, because the docs
   * (true) and the OpenAPI (false) disagree on the default. Default here: true. `null`
   * leaves it unset (only for reproducing imported definitions exactly).
   */
  exceptionOnActionFailure?: boolean | null;
  runAs?: RunAs;
  actionScope?: string;
}

export interface GenericActionOptions extends ActionOptions {
  /** The provider's base URL (or use `handler`). */
  url?: string;
  handler?: ActionState["Handler"];
  parameters?: Record<string, unknown>;
  /** Send part of the run state as the action body instead of Parameters. */
  inputPath?: string | PathRef;
}

export function refText(p: string | PathRef | undefined | null): string | undefined {
  return p === undefined || p === null ? undefined : isPathRef(p) ? pathText(p) : p;
}

export class ActionBuilder extends BaseState {
  readonly transitions = true;
  private readonly catches: CatchEdge[] = [];

  constructor(
    name: string,
    private readonly opts: GenericActionOptions,
  ) {
    super(name, opts.comment);
    if (!opts.url === !opts.handler) throw new FlowSourceError(`action "${name}" needs exactly one of url and handler`, this.site);
    if (opts.waitTime !== undefined && (!Number.isInteger(opts.waitTime) || opts.waitTime < 1)) {
      throw new FlowSourceError(`waitTime of "${name}" must be a positive integer number of seconds, got ${opts.waitTime}`, this.site);
    }
    if ((opts.parameters === undefined) === (opts.inputPath === undefined)) {
      throw new FlowSourceError(`action "${name}" needs exactly one of parameters and inputPath`, this.site);
    }
  }

  /**
   * Route errors to `handler`. `resultPath` keeps the run state and writes the error
   * there (recommended: without it the error replaces the whole run state).
   */
  catch(errors: ActionError[] | ActionError, handler: Chainable, options: { resultPath?: string | PathRef } = {}): this {
    const list = Array.isArray(errors) ? errors : [errors];
    if (list.length === 0) throw new FlowSourceError(`catch on "${this.name}" needs at least one error name`, callSite());
    const edge: CatchEdge = { errors: list, handler: startOf(handler), site: callSite() };
    const rp = refText(options.resultPath);
    if (rp !== undefined) edge.resultPath = rp;
    this.catches.push(edge);
    return this;
  }

  get catchEdges(): readonly CatchEdge[] {
    return this.catches;
  }

  override branches(): BaseState[] {
    return this.catches.map((c) => c.handler);
  }

  /** The ResultPath this action writes to, or undefined when it replaces the run state. */
  get resultPath(): string | undefined {
    if (this.opts.resultPath === null) return undefined;
    return refText(this.opts.resultPath) ?? `$.${this.name.replace(/[^A-Za-z0-9_]/g, "_")}`;
  }

  render(): ActionState {
    const o = this.opts;
    const s: ActionState = { Type: "Action" };
    if (this.comment) s.Comment = this.comment;
    if (o.url) s.ActionUrl = o.url;
    if (o.handler) s.Handler = o.handler;
    if (o.actionScope) s.ActionScope = o.actionScope;
    if (o.parameters) s.Parameters = renderParameters(o.parameters, `${this.name}.parameters`);
    const ip = refText(o.inputPath);
    if (ip !== undefined) s.InputPath = ip;
    if (this.resultPath !== undefined) s.ResultPath = this.resultPath;
    if (o.waitTime !== undefined) s.WaitTime = o.waitTime;
    if (o.exceptionOnActionFailure !== null) s.ExceptionOnActionFailure = o.exceptionOnActionFailure ?? true;
    if (o.runAs) s.RunAs = o.runAs;
    if (this.catches.length) {
      s.Catch = this.catches.map((c): Catcher => {
        const out: Catcher = { ErrorEquals: c.errors, Next: c.handler.name };
        if (c.resultPath) out.ResultPath = c.resultPath;
        return out;
      });
    }
    Object.assign(s, this.renderTransition());
    return s;
  }
}

/** Any action provider, by URL or Handler. */
export function action(name: string, options: GenericActionOptions): ActionBuilder {
  return new ActionBuilder(name, options);
}

/**
 * The builder model (after the AWS CDK's, style-anchors.md §1): states are objects, edges
 * are object references, names are checked when the graph is compiled. Unlike CDK, any
 * number of states may lead into one state; only a state's own outgoing `next` is single.
 */
import type { SourceLocation } from "../definition/diagnostics.js";
import type { State as StateJson } from "../definition/types.js";
import { callSite, FlowSourceError, formatLocation } from "./callsite.js";

export interface CatchEdge {
  errors: string[];
  handler: BaseState;
  resultPath?: string;
  site: SourceLocation | undefined;
}

/** Anything that can follow a state: a state or a chain of states. */
export type Chainable = BaseState | Chain;

// Brands instead of instanceof: a flow file may load its own copy of flowsmith (dist vs
// src, or a user's node_modules), and its states must still be recognised.
const STATE_BRAND = Symbol.for("flowsmith.state/v1");
const CHAIN_BRAND = Symbol.for("flowsmith.chain/v1");

export function isState(v: unknown): v is BaseState {
  return typeof v === "object" && v !== null && (v as Record<symbol, unknown>)[STATE_BRAND] === true;
}

export function isChain(v: unknown): v is Chain {
  return typeof v === "object" && v !== null && (v as Record<symbol, unknown>)[CHAIN_BRAND] === true;
}

export function startOf(c: Chainable): BaseState {
  return isChain(c) ? c.start : c;
}

export abstract class BaseState {
  readonly [STATE_BRAND] = true;
  readonly site: SourceLocation | undefined;
  protected nextState?: BaseState;
  private nextSite: SourceLocation | undefined;
  /** Explicitly terminal: never an open end of a chain. */
  protected ended = false;

  constructor(
    readonly name: string,
    readonly comment?: string,
  ) {
    this.site = callSite();
    if (typeof name !== "string" || name.length === 0 || name.length > 128) {
      throw new FlowSourceError(`state name must be 1-128 characters, got ${JSON.stringify(name)}`, this.site);
    }
  }

  /** Whether this state type continues with Next/End (Choice and Fail do not). */
  abstract readonly transitions: boolean;

  /** Render this state as Globus JSON; `nameOf` gives the name of a target state. */
  abstract render(): StateJson;

  /** Outgoing edges other than `next` (Choice rules, Default, Catch handlers). */
  branches(): BaseState[] {
    return [];
  }

  get next_(): BaseState | undefined {
    return this.nextState;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Continue with `target`; returns a chain that can be continued further. */
  next(target: Chainable): Chain {
    this.setNext(startOf(target));
    return new Chain(this);
  }

  /** Mark this state as the end of the run (`"End": true`). */
  end(): this {
    if (this.nextState) throw new FlowSourceError(`state "${this.name}" already continues with "${this.nextState.name}"`, callSite(), [this.nextSite]);
    this.ended = true;
    return this;
  }

  setNext(target: BaseState): void {
    const site = callSite();
    if (!this.transitions) throw new FlowSourceError(`state "${this.name}" cannot have a next state`, site, [this.site]);
    if (this.ended) throw new FlowSourceError(`state "${this.name}" was marked end() and cannot continue`, site, [this.site]);
    if (this.nextState && this.nextState !== target) {
      throw new FlowSourceError(
        `state "${this.name}" already continues with "${this.nextState.name}" (set at ${formatLocation(this.nextSite)}); a state has one next state — to join branches, call next() on each branch's last state`,
        site,
        [this.nextSite],
      );
    }
    this.nextState = target;
    this.nextSite = site;
  }

  /** Next/End fields for states that transition. */
  protected renderTransition(): { Next: string } | { End: true } {
    return this.nextState ? { Next: this.nextState.name } : { End: true };
  }

  /** States reachable without a next yet: where a chain continues. */
  openEnds(): BaseState[] {
    return openEndsFrom(this);
  }
}

export function openEndsFrom(start: BaseState): BaseState[] {
  const seen = new Set<BaseState>();
  const ends: BaseState[] = [];
  const stack = [start];
  while (stack.length) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    if (s.next_) stack.push(s.next_);
    else if (s.transitions && !s.isEnded) ends.push(s);
    // Choice branches and defaults continue the chain; catch handlers do not (CDK's default).
    if (!s.transitions) stack.push(...s.branches());
  }
  return ends;
}

/** A sequence of states: its start, and its open ends computed by walking from it. */
export class Chain {
  readonly [CHAIN_BRAND] = true;
  constructor(readonly start: BaseState) {}

  next(target: Chainable): Chain {
    const ends = this.start.openEnds();
    if (ends.length === 0) throw new FlowSourceError(`the chain starting at "${this.start.name}" has no open end to continue from`, callSite(), [this.start.site]);
    const t = startOf(target);
    for (const end of ends) end.setNext(t);
    return this;
  }
}

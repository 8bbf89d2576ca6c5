/**
 * A state given as Globus JSON, for what the typed builders do not model (retired
 * globus-automate states, web-input states, unusual fields). Its transitions are still
 * object references, so targets are checked like any other.
 */
import type { Catcher, State } from "../definition/types.js";
import { callSite, FlowSourceError } from "./callsite.js";
import { BaseState, startOf, type CatchEdge, type Chainable } from "./state.js";

export class RawStateBuilder extends BaseState {
  readonly transitions: boolean;
  private readonly catches: CatchEdge[] = [];

  constructor(
    name: string,
    private readonly json: Record<string, unknown>,
  ) {
    super(name, typeof json.Comment === "string" ? json.Comment : undefined);
    for (const k of ["Next", "End", "Catch", "Choices", "Default"]) {
      if (k in json) throw new FlowSourceError(`raw state "${name}": give ${k} through next()/catch(), not in the JSON`, this.site);
    }
    this.transitions = json.Type !== "Fail";
  }

  catch(errors: string[], handler: Chainable, options: { resultPath?: string } = {}): this {
    const edge: CatchEdge = { errors, handler: startOf(handler), site: callSite() };
    if (options.resultPath !== undefined) edge.resultPath = options.resultPath;
    this.catches.push(edge);
    return this;
  }

  override branches(): BaseState[] {
    return this.catches.map((c) => c.handler);
  }

  get catchEdges(): readonly CatchEdge[] {
    return this.catches;
  }

  render(): State {
    const out: Record<string, unknown> = { ...this.json };
    if (this.catches.length) {
      out.Catch = this.catches.map((c): Catcher => ({ ErrorEquals: c.errors, Next: c.handler.name, ...(c.resultPath !== undefined ? { ResultPath: c.resultPath } : {}) }));
    }
    if (this.transitions) Object.assign(out, this.renderTransition());
    return out as unknown as State;
  }
}

export function rawState(name: string, json: Record<string, unknown>): RawStateBuilder {
  return new RawStateBuilder(name, json);
}

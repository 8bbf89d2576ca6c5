/**
 * Choice states with a typed rule builder and a first-class join: `afterwards()` returns a
 * chain whose open ends are the ends of every branch, so `choice.afterwards().next(x)`
 * brings the branches back together (the CDK pain point, style-anchors.md §1.3).
 */
import { COMPARISON_OPERATORS, type ChoiceRule, type ChoiceState, type ComparisonOperator, type JsonPrimitive } from "../definition/types.js";
import { callSite, FlowSourceError } from "./callsite.js";
import { BaseState, Chain, openEndsFrom, startOf, type Chainable } from "./state.js";
import { isPathRef, pathText, type PathRef } from "./values.js";
import type { SourceLocation } from "../definition/diagnostics.js";

const RULE = Symbol.for("flowsmith.rule");

/** A Choice condition; build with `rule.*`. */
export interface Rule {
  readonly [RULE]: ChoiceRule;
}

function mk(json: ChoiceRule): Rule {
  return { [RULE]: json } as Rule;
}

function variable(p: PathRef | string): string {
  if (isPathRef(p)) return pathText(p);
  if (typeof p === "string" && p.startsWith("$")) return p;
  throw new FlowSourceError(`a Choice variable must be a path, got ${JSON.stringify(p)}`, callSite());
}

function compare<T extends JsonPrimitive>(op: string) {
  return (v: PathRef<unknown> | string, operand: T | PathRef<unknown>): Rule => {
    const json: Record<string, unknown> = { Variable: variable(v) };
    if (isPathRef(operand)) json[`${op}Path`] = pathText(operand);
    else json[op] = operand;
    return mk(json as ChoiceRule);
  };
}

function typeTest(op: string) {
  return (v: PathRef<unknown> | string, expected = true): Rule => mk({ Variable: variable(v), [op]: expected } as ChoiceRule);
}

type Timestamp = string;

export const rule = {
  stringEquals: compare<string>("StringEquals"),
  stringLessThan: compare<string>("StringLessThan"),
  stringGreaterThan: compare<string>("StringGreaterThan"),
  stringLessThanEquals: compare<string>("StringLessThanEquals"),
  stringGreaterThanEquals: compare<string>("StringGreaterThanEquals"),
  /** Glob match with `*` (no Path form). */
  stringMatches: (v: PathRef<unknown> | string, pattern: string): Rule => mk({ Variable: variable(v), StringMatches: pattern } as ChoiceRule),
  numericEquals: compare<number>("NumericEquals"),
  numericLessThan: compare<number>("NumericLessThan"),
  numericGreaterThan: compare<number>("NumericGreaterThan"),
  numericLessThanEquals: compare<number>("NumericLessThanEquals"),
  numericGreaterThanEquals: compare<number>("NumericGreaterThanEquals"),
  booleanEquals: compare<boolean>("BooleanEquals"),
  timestampEquals: compare<Timestamp>("TimestampEquals"),
  timestampLessThan: compare<Timestamp>("TimestampLessThan"),
  timestampGreaterThan: compare<Timestamp>("TimestampGreaterThan"),
  timestampLessThanEquals: compare<Timestamp>("TimestampLessThanEquals"),
  timestampGreaterThanEquals: compare<Timestamp>("TimestampGreaterThanEquals"),
  isNull: typeTest("IsNull"),
  isPresent: typeTest("IsPresent"),
  isNumeric: typeTest("IsNumeric"),
  isString: typeTest("IsString"),
  isBoolean: typeTest("IsBoolean"),
  isTimestamp: typeTest("IsTimestamp"),
  and: (...rules: Rule[]): Rule => {
    if (rules.length === 0) throw new FlowSourceError("rule.and() needs at least one rule", callSite());
    return mk({ And: rules.map((r) => r[RULE]) });
  },
  or: (...rules: Rule[]): Rule => {
    if (rules.length === 0) throw new FlowSourceError("rule.or() needs at least one rule", callSite());
    return mk({ Or: rules.map((r) => r[RULE]) });
  },
  not: (r: Rule): Rule => mk({ Not: r[RULE] }),
  /** A rule written as Globus JSON (without Next), for operators used in imported flows. */
  json: (json: ChoiceRule): Rule => mk(json),
};

/** Operator name -> rule builder name, e.g. StringEquals -> stringEquals (used by import). */
export function ruleBuilderName(op: ComparisonOperator): string {
  const base = op.endsWith("Path") && op !== "StringMatches" ? op.slice(0, -4) : op;
  return base[0]!.toLowerCase() + base.slice(1);
}
export const OPERATOR_NAMES = Object.keys(COMPARISON_OPERATORS) as ComparisonOperator[];

interface Branch {
  rule: Rule;
  target: BaseState;
  site: SourceLocation | undefined;
}

export class ChoiceBuilder extends BaseState {
  readonly transitions = false;
  private readonly rules: Branch[] = [];
  private defaultState?: BaseState;

  constructor(name: string, comment?: string) {
    super(name, comment);
  }

  /** Go to `target` when `condition` holds (first matching rule wins). */
  when(condition: Rule, target: Chainable): this {
    if (!condition || typeof condition !== "object" || !(RULE in condition)) throw new FlowSourceError(`when() on "${this.name}" needs a rule built with rule.*`, callSite());
    this.rules.push({ rule: condition, target: startOf(target), site: callSite() });
    return this;
  }

  /** Where to go when no rule matches (without it, such a run fails). */
  otherwise(target: Chainable): this {
    if (this.defaultState) throw new FlowSourceError(`choice "${this.name}" already has otherwise("${this.defaultState.name}")`, callSite(), [this.site]);
    this.defaultState = startOf(target);
    return this;
  }

  /**
   * Join: a chain whose open ends are the ends of all branches. With
   * `{ includeOtherwise: true }` and no otherwise() yet, the next state also becomes the Default.
   */
  afterwards(options: { includeOtherwise?: boolean } = {}): Chain {
    if (this.rules.length === 0) throw new FlowSourceError(`choice "${this.name}" has no when() branches to join`, callSite());
    if (options.includeOtherwise && !this.defaultState) return new JoinChain(this);
    return new Chain(this);
  }

  override branches(): BaseState[] {
    return [...this.rules.map((r) => r.target), ...(this.defaultState ? [this.defaultState] : [])];
  }

  get ruleSites(): (SourceLocation | undefined)[] {
    return this.rules.map((r) => r.site);
  }

  setDefault(target: BaseState): void {
    this.defaultState = target;
  }

  render(): ChoiceState {
    if (this.rules.length === 0) throw new FlowSourceError(`choice "${this.name}" has no when() rules`, this.site);
    const s: ChoiceState = { Type: "Choice", Choices: this.rules.map((r) => ({ ...r.rule[RULE], Next: r.target.name }) as ChoiceState["Choices"][number]) };
    if (this.comment) s.Comment = this.comment;
    if (this.defaultState) s.Default = this.defaultState.name;
    return s;
  }
}

/** A join that also routes "no rule matched" to the next state. */
class JoinChain extends Chain {
  constructor(private readonly choiceState: ChoiceBuilder) {
    super(choiceState);
  }
  override next(target: Chainable): Chain {
    const t = startOf(target);
    const ends = openEndsFrom(this.choiceState);
    for (const end of ends) end.setNext(t);
    this.choiceState.setDefault(t);
    return new Chain(this.choiceState);
  }
}

export function choice(name: string, options: { comment?: string } = {}): ChoiceBuilder {
  return new ChoiceBuilder(name, options.comment);
}

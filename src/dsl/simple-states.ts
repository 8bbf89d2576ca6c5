/** Pass, Wait, Fail and ExpressionEval builders. */
import type { ExpressionEvalState, FailState, JsonValue, PassState, WaitState } from "../definition/types.js";
import { refText } from "./action.js";
import { callSite, FlowSourceError } from "./callsite.js";
import { renderParameters, renderValue } from "./render-parameters.js";
import { BaseState } from "./state.js";
import type { PathRef } from "./values.js";

export interface PassOptions {
  comment?: string;
  inputPath?: string | PathRef;
  parameters?: Record<string, unknown>;
  result?: unknown;
  /** Where the output goes; absent = replaces the whole run state (Globus default `$`). */
  resultPath?: string | PathRef;
}

export class PassBuilder extends BaseState {
  readonly transitions = true;
  constructor(name: string, private readonly o: PassOptions = {}) {
    super(name, o.comment);
    if (o.parameters !== undefined && o.result !== undefined) throw new FlowSourceError(`pass "${name}" takes parameters or result, not both`, this.site);
  }
  render(): PassState {
    const s: PassState = { Type: "Pass" };
    if (this.comment) s.Comment = this.comment;
    const ip = refText(this.o.inputPath);
    if (ip !== undefined) s.InputPath = ip;
    if (this.o.parameters) s.Parameters = renderParameters(this.o.parameters, `${this.name}.parameters`);
    if (this.o.result !== undefined) s.Result = renderValue(this.o.result, `${this.name}.result`) as JsonValue;
    const rp = refText(this.o.resultPath);
    if (rp !== undefined) s.ResultPath = rp;
    return Object.assign(s, this.renderTransition());
  }
}

export function pass(name: string, options?: PassOptions): PassBuilder {
  return new PassBuilder(name, options);
}

export type WaitOptions = { comment?: string } & (
  | { seconds: number }
  | { timestamp: string }
  | { secondsPath: string | PathRef<number> }
  | { timestampPath: string | PathRef<string> }
);

export class WaitBuilder extends BaseState {
  readonly transitions = true;
  constructor(name: string, private readonly o: WaitOptions) {
    super(name, o.comment);
    const n = ["seconds", "timestamp", "secondsPath", "timestampPath"].filter((k) => k in o).length;
    if (n !== 1) throw new FlowSourceError(`wait "${name}" needs exactly one of seconds, timestamp, secondsPath, timestampPath`, this.site);
    const secs = (o as { seconds?: number }).seconds;
    if (secs !== undefined && (!Number.isInteger(secs) || secs < 0)) throw new FlowSourceError(`seconds of wait "${name}" must be a non-negative integer, got ${secs}`, this.site);
  }
  render(): WaitState {
    const s: WaitState = { Type: "Wait" };
    if (this.comment) s.Comment = this.comment;
    const o = this.o as Record<string, unknown>;
    if ("seconds" in o) s.Seconds = o.seconds as number;
    if ("timestamp" in o) s.Timestamp = o.timestamp as string;
    if ("secondsPath" in o) s.SecondsPath = refText(o.secondsPath as string);
    if ("timestampPath" in o) s.TimestampPath = refText(o.timestampPath as string);
    return Object.assign(s, this.renderTransition());
  }
}

export function wait(name: string, options: WaitOptions): WaitBuilder {
  return new WaitBuilder(name, options);
}

export interface FailOptions {
  comment?: string;
  error?: string;
  cause?: string;
  errorPath?: string | PathRef<string>;
  causePath?: string | PathRef<string>;
}

export class FailBuilder extends BaseState {
  readonly transitions = false;
  constructor(name: string, private readonly o: FailOptions = {}) {
    super(name, o.comment);
    if (o.error !== undefined && o.errorPath !== undefined) throw new FlowSourceError(`fail "${name}" takes error or errorPath, not both`, callSite());
    if (o.cause !== undefined && o.causePath !== undefined) throw new FlowSourceError(`fail "${name}" takes cause or causePath, not both`, callSite());
  }
  render(): FailState {
    const s: FailState = { Type: "Fail" };
    if (this.comment) s.Comment = this.comment;
    if (this.o.error !== undefined) s.Error = this.o.error;
    const ep = refText(this.o.errorPath);
    if (ep !== undefined) s.ErrorPath = ep;
    if (this.o.cause !== undefined) s.Cause = this.o.cause;
    const cp = refText(this.o.causePath);
    if (cp !== undefined) s.CausePath = cp;
    return s;
  }
}

export function fail(name: string, options?: FailOptions): FailBuilder {
  return new FailBuilder(name, options);
}

export interface ExpressionEvalOptions {
  comment?: string;
  parameters: Record<string, unknown>;
  resultPath: string | PathRef;
}

export class ExpressionEvalBuilder extends BaseState {
  readonly transitions = true;
  constructor(name: string, private readonly o: ExpressionEvalOptions) {
    super(name, o.comment);
  }
  render(): ExpressionEvalState {
    const s: ExpressionEvalState = { Type: "ExpressionEval", Parameters: renderParameters(this.o.parameters, `${this.name}.parameters`), ResultPath: refText(this.o.resultPath)! };
    if (this.comment) s.Comment = this.comment;
    return Object.assign({ Type: s.Type, ...(s.Comment ? { Comment: s.Comment } : {}), Parameters: s.Parameters, ResultPath: s.ResultPath }, this.renderTransition());
  }
}

export function expressionEval(name: string, options: ExpressionEvalOptions): ExpressionEvalBuilder {
  return new ExpressionEvalBuilder(name, options);
}

/**
 * The interpreter: one call to `step` makes one transition of one run and returns the new
 * run, the log entries it produced and when to call again. It is pure apart from the
 * injected clock and action providers, so the caller decides how to persist each
 * transition (the local service commits each one in one SQLite transaction).
 */
import type { ActionState, Catcher, ExpressionEvalState, FailState, PassState, State, WaitState, ChoiceState, WebInputState } from "../definition/types.js";
import { actionTargetOf } from "../definition/providers.js";
import { ActionProviderError, type ActionCaller, type ActionProvider, type ActionStatus } from "../providers/types.js";
import type { Clock } from "./clock.js";
import { chooseNext } from "./choice.js";
import { evaluate, evaluateParameters, place, privateKeys, readRef, redact, remove } from "./data.js";
import { FlowRunError, runtimeError } from "./errors.js";
import { entry, stateCompleted, stateStarted } from "./log.js";
import type { EngineRun, LogEntry, Position, RunStatus } from "./types.js";
import { awaitedId, webInputExpired, webInputSpec, type WebInputHost } from "./web-input.js";

/** The provider of an Action state; the state's name lets a test replace one step's provider. */
export type ProviderResolver = (url: string, state: ActionState, stateName: string) => ActionProvider;

export interface EngineOptions {
  /**
   * ExceptionOnActionFailure when a definition leaves it unset. Sources conflict
   * (globus-flows.md §1.6.1): the docs prose and the flows-ide schema description say
   * true; the Flows OpenAPI (`@default false`) and the globus-automate-client flow schema
   * (`"default": false`) say false. The service's own examples decide it: globus-flows-
   * examples `transfer_examples/two_hop` and `move` stat a destination that does not exist
   * yet and branch on `DestinationStat.details.code != 'NotFound'`, which only works if a
   * FAILED stat does not raise. So false; `emulation.exception_on_action_failure_default`
   * in flowsmith.yaml switches it per environment.
   */
  exceptionOnActionFailureDefault: boolean;
  /** WaitTime when unset, seconds (docs: 300). */
  defaultWaitTime: number;
  /** First poll delay; doubles up to pollMaxMs (Globus: up to 10 minutes). */
  pollInitialMs: number;
  pollMaxMs: number;
  /**
   * Status of a canceled run. The captured service response (globus-sdk-python
   * `testing/data/flows/cancel_run.py`, fixtures/flows/sdk-cancel_run.default.json) is
   * FAILED with details.code FlowCanceled, so that is the default; the OpenAPI's status
   * enum also has ENDED, kept as `emulation.canceled_status: ENDED`.
   */
  canceledStatus: "ENDED" | "FAILED";
  /**
   * How long a web input stays open without a response before AwaitWebInput raises
   * Flows.WebInputExpired. Globus does not publish its expiry; flowsmith uses 7 days and
   * `emulation.web_input_expires_in` (seconds) changes it.
   */
  webInputExpiresInSeconds: number;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  exceptionOnActionFailureDefault: false,
  defaultWaitTime: 300,
  pollInitialMs: 50,
  pollMaxMs: 2000,
  canceledStatus: "FAILED",
  webInputExpiresInSeconds: 7 * 86400,
};

export interface EngineEnv {
  clock: Clock;
  providers: ProviderResolver;
  options?: Partial<EngineOptions>;
  /** Stores web inputs for CreateWebInput/AwaitWebInput (absent: those states fail the run). */
  webInputs?: WebInputHost;
}

export interface StepResult {
  run: EngineRun;
  events: LogEntry[];
  /** Epoch ms before which stepping again does nothing useful (a Wait or a poll). */
  wakeAt?: number;
  /** The run reached SUCCEEDED, FAILED or ENDED. */
  done: boolean;
}

export function isFinal(status: RunStatus): boolean {
  return status === "SUCCEEDED" || status === "FAILED" || status === "ENDED";
}

/**
 * One transition. Synchronous for every state but Action, so a loop of Pass, Choice and
 * ExpressionEval states does not pay a promise per transition; callers may always `await`.
 */
export function step(run: EngineRun, env: EngineEnv): StepResult | Promise<StepResult> {
  const opts = { ...DEFAULT_ENGINE_OPTIONS, ...env.options };
  const now = env.clock.now();
  const events: LogEntry[] = [];
  if (isFinal(run.status)) return { run, events, done: true };
  if (run.cancel_requested) return cancel(run, env, opts, events);
  const pos = run.position;
  if (!pos) return finish(run, now, events);
  if (run.status === "INACTIVE") return { run, events, done: false };
  const st = run.definition.States[pos.state];
  if (!st) return fail(run, now, events, { code: "States.Runtime", cause: `state ${pos.state} is not in the definition` });
  try {
    switch (st.Type) {
      case "Pass":
        return transition(run, pos, st, runPass(st as PassState, run), now, events, "Pass");
      case "ExpressionEval": {
        const s = st as ExpressionEvalState;
        events.push(stateStarted(now, pos.state, "ExpressionEval", redact(run.state)));
        const value = evaluateParameters(s.Parameters, run.state, run.context);
        return transition(run, pos, st, place(run.state, s.ResultPath, value), now, events, "ExpressionEval", true);
      }
      case "Choice": {
        events.push(stateStarted(now, pos.state, "Choice", redact(run.state)));
        const next = chooseNext(st as ChoiceState, run.state, run.context);
        if (!next) throw new FlowRunError("States.NoChoiceMatched", `no rule of Choice ${pos.state} matched and it has no Default`, undefined, false);
        events.push(stateCompleted(now, pos.state, "Choice", { next_state: next }));
        return { run: { ...run, position: { state: next, visit: pos.visit + 1, phase: "enter" } }, events, done: false };
      }
      case "Wait":
        return runWait(run, pos, st as WaitState, now, events);
      case "Fail": {
        const s = st as FailState;
        events.push(stateStarted(now, pos.state, "Fail", redact(run.state)));
        const code = s.ErrorPath ? String(readRef(run.state, s.ErrorPath, run.context)) : (s.Error ?? "FlowFailed");
        const cause = s.CausePath ? String(readRef(run.state, s.CausePath, run.context)) : (s.Cause ?? `the flow reached Fail state ${pos.state}`);
        return fail(run, now, events, { code, cause, state_name: pos.state });
      }
      case "CreateWebInput":
        return runCreateWebInput(run, pos, st as WebInputState, env, opts, now, events);
      case "AwaitWebInput":
        return runAwaitWebInput(run, pos, st as WebInputState, env, now, events);
      case "Action":
        return runAction(run, pos, st as ActionState, env, opts, now, events).catch((e: unknown) => {
          if (e instanceof FlowRunError) return raise(run, pos, st, e, now, events);
          throw e;
        });
      default:
        throw runtimeError(`state type ${st.Type} cannot run locally`);
    }
  } catch (e) {
    if (e instanceof FlowRunError) return raise(run, pos, st, e, now, events);
    throw e;
  }
}

function runPass(s: PassState, run: EngineRun): unknown {
  const input = s.InputPath ? readRef(run.state, s.InputPath, run.context) : run.state;
  const output = s.Parameters ? evaluateParameters(s.Parameters, input, run.context) : s.Result !== undefined ? s.Result : input;
  if (s.ResultPath === undefined) return output;
  // Globus documents Pass with InputPath + ResultPath as a move: the source key goes away.
  const base = s.InputPath && s.InputPath !== "$" && !s.Parameters && s.Result === undefined ? remove(run.state, s.InputPath) : run.state;
  return place(base, s.ResultPath, output);
}

function transition(run: EngineRun, pos: Position, st: State, newState: unknown, now: number, events: LogEntry[], type: string, startedLogged = false): StepResult {
  if (!startedLogged) events.push(stateStarted(now, pos.state, type, redact(run.state)));
  events.push(stateCompleted(now, pos.state, type, redact(newState)));
  return advance({ ...run, state: newState }, pos, st, now, events);
}

/** Continue with Next, or succeed at End. */
function advance(run: EngineRun, pos: Position, st: State, now: number, events: LogEntry[]): StepResult {
  const next = (st as { Next?: string }).Next;
  if (next) return { run: { ...run, position: { state: next, visit: pos.visit + 1, phase: "enter" } }, events, done: false };
  return finish({ ...run, position: null }, now, events);
}

function finish(run: EngineRun, now: number, events: LogEntry[]): StepResult {
  events.push(entry(now, "FlowSucceeded", "The Flow Instance completed successfully", { output: redact(run.state) }));
  return { run: { ...run, status: "SUCCEEDED", position: null, completed_at: now }, events, done: true };
}

function fail(run: EngineRun, now: number, events: LogEntry[], error: NonNullable<EngineRun["error"]>): StepResult {
  events.push(entry(now, "FlowFailed", "The Flow Instance failed", { code: error.code, cause: error.cause, ...(error.state_name ? { state_name: error.state_name } : {}) }));
  return { run: { ...run, status: "FAILED", position: null, error, completed_at: now }, events, done: true };
}

/** Route an error to the first matching catcher of the state, or fail the run. */
function raise(run: EngineRun, pos: Position, st: State, e: FlowRunError, now: number, events: LogEntry[]): StepResult {
  const catchers = (st as { Catch?: Catcher[] }).Catch ?? [];
  const hit = e.catchable ? catchers.find((c) => c.ErrorEquals.includes(e.errorName) || c.ErrorEquals.includes("States.ALL")) : undefined;
  if (!hit) return fail(run, now, events, { code: e.errorName, cause: e.message, state_name: pos.state, ...(e.payload !== undefined ? { details: redact(e.payload) } : {}) });
  // Globus leaves the error object's shape undocumented; flowsmith writes ASL's
  // {Error, Cause} plus the payload (the action status or the provider's error).
  const errorDoc = { Error: e.errorName, Cause: e.message, ...(e.payload !== undefined ? { details: e.payload } : {}) };
  let state: unknown;
  try {
    state = place(run.state, hit.ResultPath, errorDoc);
  } catch (err) {
    return fail(run, now, events, { code: "States.Runtime", cause: (err as Error).message, state_name: pos.state });
  }
  events.push(entry(now, "ActionCaught", `State ${pos.state} caught ${e.errorName}; continuing at ${hit.Next}`, { state_name: pos.state, error: e.errorName, cause: e.message, next_state: hit.Next }));
  return { run: { ...run, state, position: { state: hit.Next, visit: pos.visit + 1, phase: "enter" } }, events, done: false };
}

function runWait(run: EngineRun, pos: Position, s: WaitState, now: number, events: LogEntry[]): StepResult {
  if (pos.phase === "enter") {
    let until: number;
    if (s.Seconds !== undefined) until = now + s.Seconds * 1000;
    else if (s.SecondsPath) {
      const v = readRef(run.state, s.SecondsPath, run.context);
      if (typeof v !== "number" || v < 0) throw runtimeError(`SecondsPath ${s.SecondsPath} must hold a non-negative number, got ${JSON.stringify(v)}`);
      until = now + v * 1000;
    } else {
      const ts = s.Timestamp ?? readRef(run.state, s.TimestampPath!, run.context);
      const t = typeof ts === "string" ? Date.parse(ts) : NaN;
      if (Number.isNaN(t)) throw runtimeError(`Wait ${pos.state} needs a date-time, got ${JSON.stringify(ts)}`);
      until = t;
    }
    events.push(stateStarted(now, pos.state, "Wait", { wait_until: new Date(until).toISOString() }));
    return { run: { ...run, position: { ...pos, phase: "waiting", wait_until: until } }, events, wakeAt: until, done: false };
  }
  if (now < (pos.wait_until ?? 0)) return { run, events, wakeAt: pos.wait_until!, done: false };
  events.push(stateCompleted(now, pos.state, "Wait", redact(run.state)));
  return advance(run, pos, s, now, events);
}

function webInputHost(env: EngineEnv, state: string): WebInputHost {
  if (!env.webInputs) throw runtimeError(`${state}: this runtime does not serve web inputs`);
  return env.webInputs;
}

function webInputParams(s: WebInputState, run: EngineRun): unknown {
  const input = s.InputPath ? readRef(run.state, s.InputPath, run.context) : run.state;
  return s.Parameters ? evaluateParameters(s.Parameters, input, run.context) : input;
}

function runCreateWebInput(run: EngineRun, pos: Position, s: WebInputState, env: EngineEnv, opts: EngineOptions, now: number, events: LogEntry[]): StepResult {
  const host = webInputHost(env, pos.state);
  events.push(stateStarted(now, pos.state, "CreateWebInput", redact(run.state)));
  const spec = webInputSpec(webInputParams(s, run), {
    key: `${run.run_id}-${pos.visit}`,
    run_id: run.run_id,
    flow_id: run.flow_id,
    state_name: pos.state,
    creator_urn: run.caller.identity,
    expires_at: now + opts.webInputExpiresInSeconds * 1000,
  });
  const { id } = host.create(spec);
  return transition(run, pos, s, place(run.state, s.ResultPath, { web_input_id: id, status: "open" }), now, events, "CreateWebInput", true);
}

/** Wait (ACTIVE, woken by a response or the expiry) until the web input is answered. */
function runAwaitWebInput(run: EngineRun, pos: Position, s: WebInputState, env: EngineEnv, now: number, events: LogEntry[]): StepResult {
  const host = webInputHost(env, pos.state);
  let id = pos.web_input_id;
  if (pos.phase === "enter" || !id) {
    id = awaitedId(webInputParams(s, run), pos.state);
    events.push(stateStarted(now, pos.state, "AwaitWebInput", { web_input_id: id }));
  }
  const w = host.get(id);
  if (!w) throw new FlowRunError("ActionUnableToRun", `AwaitWebInput ${pos.state}: no web input with id ${id}`, { code: "NotFound", web_input_id: id });
  if (w.response) {
    const result = { web_input_id: id, response: w.response.value, respondent: w.response.respondent, response_time: w.response.time };
    events.push(stateCompleted(now, pos.state, "AwaitWebInput", redact(result)));
    const { web_input_id: _w, ...rest } = pos;
    return advance({ ...run, state: place(run.state, s.ResultPath, result), position: rest }, pos, s, now, events);
  }
  if (w.status === "closed" || now >= w.expires_at) {
    if (w.status === "open") host.expire(id, now);
    throw webInputExpired(id, pos.state);
  }
  return { run: { ...run, position: { ...pos, phase: "awaiting-input", web_input_id: id } }, events, wakeAt: w.expires_at, done: false };
}

function actionBody(s: ActionState, run: EngineRun): Record<string, unknown> {
  const body = s.Parameters ? evaluateParameters(s.Parameters, run.state, run.context) : readRef(run.state, s.InputPath!, run.context);
  if (!body || typeof body !== "object" || Array.isArray(body)) throw runtimeError(`the body for action ${actionTargetOf(s) ?? ""} must be an object`);
  return body as Record<string, unknown>;
}

/**
 * Who an action runs as (globus-flows.md §1.9): the starting user, the flow's own identity,
 * or the identity behind the `_tokens.<Role>` token the run was started with.
 */
function callerOf(run: EngineRun, s: ActionState, state: string): ActionCaller {
  const as = s.RunAs ?? "User";
  if (as === "User") return run.caller;
  if (as === "Flow") return { identity: `urn:globus:auth:identity:${run.flow_id}` };
  const identity = run.run_as?.[as];
  if (!identity) throw new FlowRunError("ActionUnableToRun", `Action ${state} runs as "${as}", but the run was started without a token for that role`, { code: "MissingRoleToken", description: `start the run with {"_tokens": {"${as}": "<access token>"}} in its input` });
  return { identity };
}

async function runAction(run: EngineRun, pos: Position, s: ActionState, env: EngineEnv, opts: EngineOptions, now: number, events: LogEntry[]): Promise<StepResult> {
  const url = actionTargetOf(s);
  if (!url) throw runtimeError(`Action ${pos.state} has no ActionUrl or Handler`);
  const caller = callerOf(run, s, pos.state);
  if (pos.phase === "enter") {
    const body = actionBody(s, run);
    events.push(stateStarted(now, pos.state, "Action", redact(body, privateKeys(s.Parameters))));
    const waitTime = (s.WaitTime ?? opts.defaultWaitTime) * 1000;
    const action = { url, request_id: `${run.run_id}-${pos.visit}`, started_at: now, deadline: now + waitTime, next_poll_at: now, poll_interval_ms: opts.pollInitialMs };
    // Persisted before the provider is called: a restart re-issues the same request_id.
    return { run: { ...run, position: { ...pos, phase: "action-start", action } }, events, done: false };
  }
  const action = pos.action!;
  let provider: ActionProvider;
  try {
    provider = env.providers(url, s, pos.state);
  } catch (e) {
    throw new FlowRunError("ActionUnableToRun", `no action provider for ${url}: ${(e as Error).message}`, { code: "ProviderNotFound", description: (e as Error).message });
  }
  let status: ActionStatus;
  if (pos.phase === "action-start") {
    try {
      // The run's label (Flows passes it on), else one naming the state; and the run's managers/monitors.
      const label = (run.label ?? `${pos.state} of run ${run.run_id}`).slice(0, 64);
      status = await provider.run({ request_id: action.request_id, body: actionBody(s, run), label, manage_by: run.manage_by ?? [], monitor_by: run.monitor_by ?? [] }, caller);
    } catch (e) {
      if (e instanceof FlowRunError) throw e;
      const pe = e instanceof ActionProviderError ? e : undefined;
      throw new FlowRunError("ActionUnableToRun", `${url}/run failed: ${(e as Error).message}`, { code: pe?.code ?? "ActionUnableToRun", description: (e as Error).message, ...(pe?.details !== undefined ? { details: pe.details } : {}) });
    }
  } else {
    if (now < action.next_poll_at) return { run, events, wakeAt: action.next_poll_at, done: false };
    try {
      status = await provider.status(action.action_id!, caller);
    } catch (e) {
      // A failed poll is retried until WaitTime runs out, as Flows keeps polling.
      if (now >= action.deadline) return timeout(run, pos, s, action.last_status, provider, now, events);
      const next = { ...action, next_poll_at: now + action.poll_interval_ms, poll_interval_ms: Math.min(action.poll_interval_ms * 2, opts.pollMaxMs) };
      events.push(entry(now, "ActionPollFailed", `Polling ${pos.state} failed: ${(e as Error).message}`, { state_name: pos.state }));
      return { run: { ...run, position: { ...pos, phase: "action-poll", action: next } }, events, wakeAt: next.next_poll_at, done: false };
    }
  }
  const withId = { ...action, action_id: status.action_id, last_status: status };
  if (status.status === "SUCCEEDED" || status.status === "FAILED") {
    const result = { ...status, state_name: pos.state };
    const raiseOnFailure = s.ExceptionOnActionFailure ?? opts.exceptionOnActionFailureDefault;
    if (status.status === "FAILED" && raiseOnFailure) {
      throw new FlowRunError("ActionFailedException", `Action ${pos.state} failed: ${describeFailure(status)}`, result);
    }
    events.push(stateCompleted(now, pos.state, "Action", redact(result)));
    return advance({ ...run, state: place(run.state, s.ResultPath, result), position: { ...pos, action: withId } }, pos, s, now, events);
  }
  if (now >= action.deadline) return timeout(run, { ...pos, action: withId }, s, status, provider, now, events);
  if (status.status === "INACTIVE") {
    const d = (status.details ?? {}) as { code?: string; description?: string };
    events.push(entry(now, "ActionInactive", `State ${pos.state} is waiting: ${d.description ?? d.code ?? "the action is INACTIVE"}`, { state_name: pos.state, details: status.details }));
    return {
      run: { ...run, status: "INACTIVE", inactive: { code: d.code ?? "ActionInactive", description: d.description ?? "The action is inactive", state_name: pos.state, action_status: status }, position: { ...pos, phase: "action-poll", action: withId } },
      events,
      done: false,
    };
  }
  const next = { ...withId, next_poll_at: Math.min(now + action.poll_interval_ms, action.deadline), poll_interval_ms: Math.min(action.poll_interval_ms * 2, opts.pollMaxMs) };
  return { run: { ...run, position: { ...pos, phase: "action-poll", action: next } }, events, wakeAt: next.next_poll_at, done: false };
}

function describeFailure(status: ActionStatus): string {
  const d = status.details as { code?: string; description?: string; fatal_error?: { description?: string } } | undefined;
  return d?.description ?? d?.fatal_error?.description ?? d?.code ?? status.display_status ?? "FAILED";
}

async function timeout(run: EngineRun, pos: Position, s: ActionState, last: ActionStatus | undefined, provider: ActionProvider, _now: number, _events: LogEntry[]): Promise<StepResult> {
  if (pos.action?.action_id) await provider.cancel(pos.action.action_id, run.caller).catch(() => undefined);
  throw new FlowRunError("ActionTimeout", `Action ${pos.state} did not finish within ${s.WaitTime ?? DEFAULT_ENGINE_OPTIONS.defaultWaitTime} s`, last ? { ...last, state_name: pos.state } : undefined);
}

async function cancel(run: EngineRun, env: EngineEnv, opts: EngineOptions, events: LogEntry[]): Promise<StepResult> {
  const now = env.clock.now();
  const pos = run.position;
  // A canceled run's open web input closes with it (nobody can answer it any more).
  if (pos?.web_input_id && env.webInputs) env.webInputs.expire(pos.web_input_id, now);
  if (pos?.action?.action_id) {
    const st = run.definition.States[pos.state] as ActionState | undefined;
    try {
      if (st) await env.providers(pos.action.url, st, pos.state).cancel(pos.action.action_id, run.caller);
    } catch {
      // The run ends either way; a provider that cannot cancel finishes on its own.
    }
  }
  events.push(entry(now, "FlowCanceled", "The Flow Instance was canceled by the user", { state_name: pos?.state }));
  return { run: { ...run, status: opts.canceledStatus, position: null, completed_at: now, error: { code: "FlowCanceled", cause: "canceled by the user", ...(pos ? { state_name: pos.state } : {}) } }, events, done: true };
}

/** Resume an INACTIVE run: ask the provider to resume (if it can) and poll again. */
export async function resumeRun(run: EngineRun, env: EngineEnv): Promise<EngineRun> {
  if (run.status !== "INACTIVE" || !run.position?.action) return run;
  const { action } = run.position;
  const st = run.definition.States[run.position.state] as ActionState;
  const provider = env.providers(action.url, st, run.position.state);
  if (provider.resume && action.action_id) await provider.resume(action.action_id, run.caller).catch(() => undefined);
  const { inactive: _i, ...rest } = run;
  return { ...rest, status: "ACTIVE", position: { ...run.position, phase: "action-poll", action: { ...action, next_poll_at: env.clock.now() } } };
}

/** Convenience for tests and benchmarks: step until the run ends, collecting events. */
export async function runToEnd(run: EngineRun, env: EngineEnv, onStep?: (r: StepResult) => void): Promise<{ run: EngineRun; events: LogEntry[] }> {
  const all: LogEntry[] = [];
  let current = run;
  for (;;) {
    const r = await step(current, env);
    onStep?.(r);
    all.push(...r.events);
    current = r.run;
    if (r.done || current.status === "INACTIVE") return { run: current, events: all };
    if (r.wakeAt !== undefined && r.wakeAt > env.clock.now()) await env.clock.sleep(r.wakeAt - env.clock.now());
  }
}

export function evaluateExpressionIn(run: EngineRun, src: string): unknown {
  return evaluate(src, run.state, run.context);
}

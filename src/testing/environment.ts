/**
 * `flowsmith/testing`: the local Globus-compatible runtime inside a user's own test suite,
 * in the spirit of Temporal's TestWorkflowEnvironment, aws-local-stepfunctions and
 * globus_sdk.testing. One environment per test file: a temporary data directory, the
 * project's local collections on temporary directories, its compute endpoints running
 * functions/ with python3 (a PATH prefix puts stand-in programs first), the project's flows
 * and functions deployed through the same code as `deploy-flow`, runs started through the
 * same input path as `run-flow` (rundir mapper, --set, schema defaults, offline check) and
 * read back through the Flows API. Time skips while everything sleeps, so a flow that
 * waits for days ends in a test in seconds.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import type { CompiledFlow } from "../compile/compile.js";
import type { AnyFlowSource } from "../dsl/flow.js";
import { systemClock, type Clock } from "../engine/clock.js";
import { TimeSkippingClock } from "../engine/time-skipping-clock.js";
import { deployFlows, type DeployResult } from "../deploy/deploy.js";
import { environmentValues } from "../deploy/values.js";
import { GlobusApi } from "../globus/api.js";
import { clientCredentials } from "../globus/auth/client-credentials.js";
import type { Session } from "../globus/session.js";
import { startLocalRuntime, type LocalRuntime } from "../local/runtime.js";
import { runtimeConfigFor } from "../local/from-project.js";
import { requireProjectConfig, type EnvironmentConfig, type ProjectConfig } from "../project/config.js";
import { findProjectRoot } from "../project/root.js";
import { FlowDoesNotBuildError, listFlowFiles, loadBuiltFlow } from "../project/load-flow.js";
import { applySet, buildInput, merge } from "../run/input.js";
import { ensureDeployed, startChecked } from "../run/start.js";
import { CliError, EXIT } from "../errors.js";
import { TestCollection } from "./collection.js";
import { OverrideProvider, type ActionOverride } from "./overrides.js";
import { TestRun, type RunResult } from "./run.js";
import { runFollowUps, type FollowUpResult } from "./follow-ups.js";

export interface TestEnvironmentOptions {
  /** The flows project (default: the nearest directory above the working directory with flowsmith.yaml). */
  root?: string;
  /** A `kind: local` environment of flowsmith.yaml (default: `local`, or the first local one). */
  environment?: string;
  /**
   * Skip time while every run sleeps and no transfer or task is running (default true).
   * With false the runtime uses the real clock.
   */
  timeSkipping?: boolean;
  /** Virtual time at the start (ISO string or epoch ms; default: now). */
  startTime?: string | number;
  /** Directories put first on PATH for every compute endpoint (stand-ins for tomopy, sbatch…). */
  pathPrefix?: string[];
  /** Keep the temporary directory after stop() (to look at it after a failure). */
  keep?: boolean;
  /** Progress lines of the runtime and of deploys. */
  log?: (line: string) => void;
}

export interface StartOptions {
  /** Input document (merged over what the rundir mapper made). */
  input?: Record<string, unknown>;
  /** A run directory on this machine (usually `env.collection("source").copyIn(...)`), given to the flow's rundir mapper. */
  rundir?: string;
  /** `key=value` overrides, as `run-flow --set`. */
  set?: string[];
  label?: string;
  tags?: string[];
}

/** The run input does not match the flow's input schema. */
export class RunInputError extends CliError {
  constructor(
    flow: string,
    readonly problems: { pointer: string; message: string }[],
    readonly input: unknown,
  ) {
    super(`the input does not match the input schema of ${flow}: ${problems.map((p) => `${p.pointer || "/"} ${p.message}`).join("; ")}`, EXIT.INVALID);
    this.name = "RunInputError";
  }
}

const SERVICES = ["AUTH", "FLOWS", "TRANSFER", "COMPUTE", "TIMERS"] as const;

export class TestEnvironment {
  private readonly overrides = new Map<string, OverrideProvider>();
  private readonly loaded = new Map<string, { source: AnyFlowSource; compiled: CompiledFlow }>();
  private stopped = false;

  private constructor(
    readonly root: string,
    readonly config: ProjectConfig,
    /** The environment as this test runs it: collections on temporary directories. */
    readonly env: EnvironmentConfig,
    /** The temporary directory holding the data directory and the collections. */
    readonly dir: string,
    readonly clock: Clock,
    private readonly keep: boolean,
    private readonly savedEnv: Record<string, string | undefined>,
    private readonly logLine: (line: string) => void,
    private runtimeRef: { runtime?: LocalRuntime; session?: Session },
  ) {}

  static async start(opts: TestEnvironmentOptions = {}): Promise<TestEnvironment> {
    const root = resolve(opts.root ?? findProjectRoot());
    const config = requireProjectConfig(root);
    const base = pickEnvironment(config, opts.environment);
    const dir = mkdtempSync(join(tmpdir(), "flowsmith-test-"));
    const collections: EnvironmentConfig["collections"] = {};
    for (const [name, c] of Object.entries(base.collections)) {
      collections[name] = { ...c, root: join(dir, "collections", name) };
      mkdirSync(collections[name]!.root!, { recursive: true });
    }
    const env: EnvironmentConfig = { ...base, collections, data_dir: join(dir, "local") };
    const start = typeof opts.startTime === "string" ? Date.parse(opts.startTime) : opts.startTime;
    if (start !== undefined && !Number.isFinite(start)) throw new CliError(`startTime ${String(opts.startTime)} is not a time`, EXIT.INVALID, 'use an ISO time such as "2026-05-01T08:00:00Z"');
    const clock: Clock = opts.timeSkipping === false ? systemClock : new TimeSkippingClock(start !== undefined ? { start } : {});
    const log = opts.log ?? (() => {});
    const savedEnv = Object.fromEntries(SERVICES.map((s) => [`GLOBUS_SDK_SERVICE_URL_${s}`, process.env[`GLOBUS_SDK_SERVICE_URL_${s}`]]));
    const t = new TestEnvironment(root, config, env, dir, clock, !!opts.keep, savedEnv, log, {});
    try {
      await t.boot(opts.pathPrefix ?? []);
    } catch (e) {
      await t.stop();
      throw e;
    }
    return t;
  }

  private async boot(pathPrefix: string[]): Promise<void> {
    const rc = runtimeConfigFor(this.env, this.root, { dataDir: this.env.data_dir!, port: 0 });
    const prefix = pathPrefix.map((p) => (isAbsolute(p) ? p : resolve(this.root, p)));
    for (const ep of Object.values(rc.computeEndpoints)) ep.pathPrefix = [...prefix, ...(ep.pathPrefix ?? [])];
    rc.log = this.logLine;
    const runtime = await startLocalRuntime(rc, {
      clock: this.clock,
      providerOverride: (_url, state) => this.overrides.get(state),
    });
    this.runtimeRef.runtime = runtime;
    // flowsmith's clients reach services through @globus/sdk, which reads these.
    for (const s of SERVICES) process.env[`GLOBUS_SDK_SERVICE_URL_${s}`] = runtime.url;
    // Tokens expire in virtual time (the runtime's Auth uses the same clock), so the client
    // must judge expiry by it too, or a skipped week leaves it holding dead tokens.
    const credentials = clientCredentials({ clientId: runtime.client.client_id, clientSecret: runtime.client.client_secret, authUrl: runtime.url, kind: "local", now: () => this.clock.now() });
    const api = new GlobusApi(credentials, { envName: this.env.name, log: this.logLine, retry: { attempts: 3, baseMs: 20, maxMs: 200 } });
    // A call is real work from its token check until its answer: time must not jump under
    // it, or the token it carries may expire on the way.
    let calls = 0;
    const call = api.call.bind(api);
    api.call = (async (...args: Parameters<typeof call>) => {
      calls++;
      try {
        return await call(...args);
      } finally {
        calls--;
      }
    }) as typeof api.call;
    if (this.clock instanceof TimeSkippingClock) this.clock.addBusySource(() => calls);
    this.runtimeRef.session = { config: this.config, env: this.env, api, credentials, localRuntime: runtime, localUrl: runtime.url, close: async () => {} };
  }

  /** The runtime itself (its store, driver and services), for assertions the helpers do not cover. */
  get runtime(): LocalRuntime {
    if (!this.runtimeRef.runtime) throw new Error("the test environment is stopped");
    return this.runtimeRef.runtime;
  }

  /** A session on the runtime, as a CLI command would hold (api, credentials). */
  get session(): Session {
    if (!this.runtimeRef.session) throw new Error("the test environment is stopped");
    return this.runtimeRef.session;
  }

  get url(): string {
    return this.runtime.url;
  }

  /** Values for `${env:…}` placeholders and rundir mappers, with the temporary collection roots. */
  get values(): Record<string, unknown> {
    return environmentValues(this.config, this.env);
  }

  /** A collection by its logical name in flowsmith.yaml. */
  collection(name: string): TestCollection {
    const c = this.env.collections[name];
    if (!c?.root) throw new CliError(`environment "${this.env.name}" has no collection "${name}"`, EXIT.INVALID, `its collections: ${Object.keys(this.env.collections).join(", ") || "none"}`);
    return new TestCollection(name, c.id, c.root);
  }

  get collections(): Record<string, TestCollection> {
    return Object.fromEntries(Object.keys(this.env.collections).map((n) => [n, this.collection(n)]));
  }

  /** Load and compile flows/<name>.flow.ts (cached); a flow with errors throws them. */
  async flow(name: string): Promise<{ source: AnyFlowSource; compiled: CompiledFlow }> {
    const hit = this.loaded.get(name);
    if (hit) return hit;
    let out: { source: AnyFlowSource; compiled: CompiledFlow };
    try {
      const built = await loadBuiltFlow(this.root, name);
      out = { source: built.source, compiled: built.compiled };
    } catch (e) {
      if (!(e instanceof FlowDoesNotBuildError)) throw e;
      // No output stream in a test: the diagnostics go into the message.
      const errors = e.diagnostics.filter((d) => d.severity === "error");
      throw new CliError(`flow ${name} does not build:\n${errors.map((d) => `  ${d.source ? `${d.source.file}:${d.source.line}:${d.source.column}: ` : ""}${d.code}: ${d.message}${d.pointer ? ` (at ${d.pointer})` : ""}`).join("\n")}`, EXIT.INVALID);
    }
    this.loaded.set(name, out);
    return out;
  }

  /** Deploy flows (default: every flow of the project) with their Compute functions, as `deploy-flow` does. */
  async deploy(names?: string[]): Promise<DeployResult> {
    const all = names ?? listFlowFiles(this.root).map((f) => f.replace(/^.*\//, "").replace(/\.flow\.[mc]?[jt]s$/, ""));
    const flows = await Promise.all(all.map(async (n) => (await this.flow(n)).compiled));
    return deployFlows(this.config, this.env, flows, this.session.api, { log: this.logLine });
  }

  /**
   * Start a run the way `run-flow` does: rundir mapper, then `input`, then `set`, then the
   * schema's defaults, checked offline; the flow is deployed first when it is not (or changed).
   */
  async startRun(name: string, o: StartOptions = {}): Promise<TestRun> {
    const { source, compiled } = await this.flow(name);
    let built = await buildInput(source, { ...(o.rundir ? { rundir: o.rundir } : {}), set: [], values: this.values });
    if (o.input) built = merge(built, o.input);
    for (const a of o.set ?? []) built = applySet(built, a);
    const deployed = await ensureDeployed(this.session, compiled, this.logLine);
    const started = await startChecked(this.session, deployed, built, { ...(o.label ? { label: o.label } : {}), tags: o.tags ?? [] });
    if (!started.run) throw new RunInputError(name, started.problems.map((p) => ({ pointer: p.pointer ?? "", message: p.message })), started.input);
    return new TestRun(this, started.run.run_id, name);
  }

  /** Start a run and wait for its end (SUCCEEDED, FAILED, ENDED, or INACTIVE). */
  async runFlow(name: string, o: StartOptions & { timeoutMs?: number } = {}) {
    const run = await this.startRun(name, o);
    return run.result(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {});
  }

  /**
   * Schedule a SUCCEEDED run's follow-ups (its flow's `followUps`) as run-flow does, and
   * wait for each timer to fire and its run to end; with time skipping the ALS prunes two
   * and seven days later take milliseconds.
   */
  async runFollowUps(result: RunResult, o: { timeoutMs?: number } = {}): Promise<FollowUpResult[]> {
    return runFollowUps(this, result, o);
  }

  /**
   * Replace the result of the Action state `state` in every run until `clearOverrides()`:
   * a fixed `{status, details}` or a function of the state's evaluated parameters. The
   * returned provider records the calls.
   */
  overrideAction(state: string, override: ActionOverride): OverrideProvider {
    const p = new OverrideProvider(state, "", override, () => this.clock.now());
    this.overrides.set(state, p);
    return p;
  }

  clearOverrides(): void {
    this.overrides.clear();
  }

  /** Move virtual time forward by hand (time-skipping environments only). */
  advanceTime(ms: number): void {
    if (!(this.clock instanceof TimeSkippingClock)) throw new Error("advanceTime needs a time-skipping environment (timeSkipping: true)");
    this.clock.advance(ms);
  }

  /** The virtual time now. */
  now(): Date {
    return new Date(this.clock.now());
  }

  /** Stop the runtime and its workers and remove the temporary directory (unless `keep`). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.clock instanceof TimeSkippingClock) this.clock.stop();
    const runtime = this.runtimeRef.runtime;
    this.runtimeRef = {};
    try {
      await runtime?.stop();
    } finally {
      for (const [k, v] of Object.entries(this.savedEnv)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      if (!this.keep) rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

function pickEnvironment(config: ProjectConfig, name: string | undefined): EnvironmentConfig {
  if (name) {
    const env = config.environments[name];
    if (!env) throw new CliError(`flowsmith.yaml has no environment "${name}"`, EXIT.INVALID, `its environments: ${Object.keys(config.environments).join(", ")}`);
    if (env.kind !== "local") throw new CliError(`environment "${name}" is not a local one (kind: ${env.kind})`, EXIT.INVALID, "flowsmith/testing runs flows on the local runtime: name a `kind: local` environment");
    return env;
  }
  const env = config.environments.local ?? Object.values(config.environments).find((e) => e.kind === "local");
  if (!env || env.kind !== "local") throw new CliError("flowsmith.yaml has no local environment", EXIT.INVALID, "add one with `kind: local` (see `flowsmith init`)");
  return env;
}

/** Start a test environment (see TestEnvironmentOptions); `stop()` it in afterAll. */
export function startTestEnvironment(opts: TestEnvironmentOptions = {}): Promise<TestEnvironment> {
  return TestEnvironment.start(opts);
}

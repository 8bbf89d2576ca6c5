/**
 * The local Globus-compatible runtime: Auth, Flows, Transfer and Compute on one port of
 * 127.0.0.1, state in one SQLite file, engine runs driven to completion, everything
 * resumed after a restart. The embedded default for a new user and for every test.
 */
import type { Server } from "node:http";
import type { CodedError, ErrorCode } from "../errors.js";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { ensurePrivateDir, PRIVATE_FILE_MODE, makePrivate } from "./private-files.js";
import type { Clock } from "../engine/clock.js";
import { createProviderResolver } from "../providers/registry.js";
import type { ProviderResolver } from "../engine/interpreter.js";
import { createExpressionEvalProvider, createHelloWorldProvider } from "../providers/builtin.js";
import { createHttpServer, Router } from "./http.js";
import { SqliteStore } from "./store.js";
import { LocalAuth } from "./auth/tokens.js";
import { FlowsService } from "./flows/service.js";
import { RunDriver } from "./run-driver.js";
import { LocalTransferService, createTransferActionProviders } from "./transfer/index.js";
import { LocalComputeService } from "./compute/service.js";
import { createComputeActionProviders } from "./compute/action-provider.js";
import { authRoutes } from "./routes/auth.js";
import { flowsRoutes } from "./routes/flows.js";
import { transferRoutes } from "./routes/transfer.js";
import { computeRoutes } from "./routes/compute.js";
import { actionRoutes } from "./routes/actions.js";
import { webInputRoutes } from "./routes/web-inputs.js";
import { hostedRoutes } from "./routes/hosted.js";
import { transferEndpointRoutes } from "./routes/transfer-endpoints.js";
import { createCollectionInfoProvider } from "./providers/collection-info.js";
import { createManagePermissionProvider } from "./providers/manage-permission.js";
import { createSearchProviders, LocalSearch } from "./providers/search.js";
import { createNotifyProvider } from "./providers/notify.js";
import { createUserSelectionProvider } from "./providers/user-selection.js";
import { RegisteredApis } from "./providers/registered-apis.js";
import { registeredApiRoutes } from "./routes/registered-apis.js";
import { createForwardingProvider, ProviderScopes } from "./providers/remote.js";
import { IdTokens } from "./auth/id-token.js";
import { WebInputService } from "./flows/web-inputs.js";
import { chaosInterceptor, seededRandom } from "./chaos.js";
import { LocalTimersService } from "./timers/service.js";
import { timersRoutes } from "./routes/timers.js";
import { clockRoutes, runtimeClock } from "./timers/runtime-clock.js";
import { ensureLocalClient, processAlive, stateFileOf, type ClientCredentials, type LocalRuntimeConfig, type RuntimeStateFile } from "./config.js";

export interface LocalRuntime {
  /** Base URL of every service, e.g. http://127.0.0.1:8765 */
  url: string;
  port: number;
  /** The runtime's own confidential client (its secret is in <data dir>/client.json, mode 0600). */
  client: ClientCredentials;
  /** Environment that points @globus/sdk (and flowsmith's clients) at this runtime. */
  env: Record<string, string>;
  store: SqliteStore;
  driver: RunDriver;
  auth: LocalAuth;
  transfer: LocalTransferService;
  compute: LocalComputeService;
  flows: FlowsService;
  webInputs: WebInputService;
  search: LocalSearch;
  /** Sent notification emails, one JSON line each (never sent anywhere). */
  outbox: string;
  timers: LocalTimersService;
  /** The clock every service of this runtime reads (skippable: `flowsmith local skip`). */
  clock: Clock;
  /** Runs and tasks picked up again at start; timers that came due while the runtime was down. */
  recovered: { runs: number; transferTasks: number; dueTimers: number };
  /** Write runtime.json again (after unpublish): other commands find and use this runtime. */
  publish(): void;
  /** Remove runtime.json: commands starting now do not attach (the first step of stopping; see lease.ts). */
  unpublish(): void;
  stop(): Promise<void>;
}

/** Another process already runs a runtime on this data directory. */
export class RuntimeBusyError extends Error implements CodedError {
  readonly errorCode: ErrorCode = "RUNTIME_BUSY";
  readonly hint = "use it (commands find it by itself), or stop it with `flowsmith local stop`";
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`a local runtime (pid ${pid}) already serves ${dataDir}`);
    this.name = "RuntimeBusyError";
  }
}


/**
 * Exactly one runtime drives a data directory: two would both pick up the same ACTIVE runs.
 * The lock holds the owner's pid; a lock whose owner died (SIGKILL) is taken over.
 */
function acquireLock(dataDir: string): () => void {
  const lock = join(dataDir, "runtime.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, "wx", PRIVATE_FILE_MODE);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = Number(readFileSync(lock, "utf8").trim());
      if (owner && processAlive(owner)) throw new RuntimeBusyError(dataDir, owner);
      rmSync(lock, { force: true });
    }
  }
  throw new RuntimeBusyError(dataDir, 0);
}

export interface StartRuntimeOptions {
  clock?: Clock & { addBusySource?: (busy: () => number) => void };
  /**
   * Asked first for every Action state's provider; `undefined` falls through to the normal
   * one. Tests use it to replace one step's result (flowsmith/testing's overrideAction).
   */
  providerOverride?: (url: string, stateName: string) => ReturnType<ProviderResolver> | undefined;
}

function normaliseGroups(groups: Record<string, string[]> | undefined): Record<string, string[]> {
  return Object.fromEntries(Object.entries(groups ?? {}).map(([id, members]) => [id.toLowerCase(), members]));
}

export async function startLocalRuntime(config: LocalRuntimeConfig, opts: StartRuntimeOptions = {}): Promise<LocalRuntime> {
  const dataDir = resolve(config.dataDir);
  ensurePrivateDir(dataDir);
  const releaseLock = acquireLock(dataDir);
  const { clock, save: saveClock } = opts.clock ? { clock: opts.clock, save: () => undefined } : runtimeClock(dataDir, config.clockRate);
  const log = config.log ?? (() => {});
  let store: SqliteStore;
  try {
    store = new SqliteStore(join(dataDir, "state.sqlite"));
  } catch (e) {
    releaseLock();
    throw e;
  }
  // A local collection is a directory; make sure each one exists before it is served.
  for (const c of Object.values(config.collections)) mkdirSync(c.root, { recursive: true });
  const client = ensureLocalClient(dataDir);

  const groups = normaliseGroups(config.groups);
  const transfer = new LocalTransferService(store, config.collections, { clock: { now: () => new Date(clock.now()) }, groups });
  const compute = new LocalComputeService(store, new Map(Object.entries(config.computeEndpoints)), { dataDir: join(dataDir, "compute"), clock: () => new Date(clock.now()) });
  opts.clock?.addBusySource?.(() => transfer.activeTaskCount + compute.inflightCount);
  const transferAps = createTransferActionProviders(transfer);
  const computeAps = createComputeActionProviders(compute);
  const now = () => new Date(clock.now());
  const search = new LocalSearch(store, now);
  let origin = "";
  const selection = createUserSelectionProvider(store, () => origin, now);
  const local = {
    ...transferAps,
    collection_info: createCollectionInfoProvider(store, transfer, now),
    manage_permission: createManagePermissionProvider(store, transfer, now),
    ...createSearchProviders(store, search, now),
    notify: createNotifyProvider(store, join(dataDir, "outbox.jsonl"), now),
    weboption: selection.provider,
    compute_v2: computeAps.v2,
    compute_v3: computeAps.v3,
    hello_world: createHelloWorldProvider(store, now),
    expression_eval: createExpressionEvalProvider(store, now),
  };
  // Tokens the runtime sends on a caller's behalf are minted by its Auth, made after the server starts.
  let dependentToken: (identity: string, scope: string, resourceServer: string) => string | undefined = () => undefined;
  const registeredApis = new RegisteredApis(config.registeredApis ?? [], store, now, (caller, api) => dependentToken(caller.identity, api.scope ?? `https://auth.globus.org/scopes/${api.id}/all`, api.id));
  const providerScopes = new ProviderScopes();
  const resolver = createProviderResolver(
    local,
    (u) => createForwardingProvider(u, providerScopes, (id, scope, rs) => dependentToken(id, scope, rs)),
    (target) => registeredApis.provider(target),
  );
  const override = opts.providerOverride;
  const providers: ProviderResolver = override ? (url, state, name) => override(url, name) ?? resolver(url, state, name) : resolver;
  // The web-input service wakes the run a response unblocks; the driver is made after it.
  let wakeRun: (runId: string) => void = () => {};
  const webInputs = new WebInputService(store, () => clock.now(), groups, (id) => wakeRun(id));
  const driver = new RunDriver(store, { clock, providers, webInputs, ...(config.engine ? { options: config.engine } : {}) }, { log });
  wakeRun = (id) => driver.poke(id);

  const router = new Router();
  let requestsInFlight = 0;
  opts.clock?.addBusySource?.(() => requestsInFlight);
  const server: Server = createHttpServer(router, { onRequest: (delta) => (requestsInFlight += delta), log, ...(config.chaos ? { intercept: chaosInterceptor(config.chaos, config.chaosSeed !== undefined ? seededRandom(config.chaosSeed) : Math.random) } : {}) });
  try {
    await new Promise<void>((ok, fail) => {
      server.once("error", fail);
      server.listen(config.port ?? 0, config.host ?? "127.0.0.1", () => ok());
    });
  } catch (e) {
    releaseLock();
    store.close();
    await compute.shutdown().catch(() => undefined);
    throw e;
  }
  // From here on a failure (a missing worker.py, a broken endpoint config) must not leave the
  // server listening or the workers alive: the command would never exit.
  try {
    const port = (server.address() as AddressInfo).port;
    const url = `http://${config.host ?? "127.0.0.1"}:${port}`;
    origin = url;

    // Auth needs to know which flows exist (flow scopes); the service needs Auth for RunAs tokens.
    let authRef: LocalAuth | undefined;
    const flows = new FlowsService(store, driver, url, () => clock.now(), {
      scopes: {
        registeredApiScope: (target) => {
          try {
            const api = registeredApis.resolve(target);
            return api.scope ?? `https://auth.globus.org/scopes/${api.id}/all`;
          } catch {
            return undefined;
          }
        },
        introspect: (u) => providerScopes.introspect(u),
      },
      groupsOf: (identity) => Object.entries(groups).filter(([, members]) => members.includes(identity)).map(([g]) => `urn:globus:groups:id:${g}`),
      identityOfToken: (token) => {
        try {
          return authRef?.authenticate(`Bearer ${token}`).identity;
        } catch {
          return undefined;
        }
      },
    });
    const auth = new LocalAuth(store, flows.flowExists, () => clock.now());
    authRef = auth;
    auth.idTokens = new IdTokens(() => url);
    auth.addClient(client.client_id, client.client_secret, "flowsmith local runtime");
    dependentToken = (identity, scope, rs) => {
      const user = auth.localUser();
      const username = identity === `urn:globus:auth:identity:${user.id}` ? user.username : `${identity.replace(/^urn:globus:auth:identity:/, "")}@clients.auth.globus.org`;
      return auth.dependentToken({ identity, username }, scope, rs);
    };
    authRoutes(router, auth);
    flowsRoutes(router, auth, flows, store);
    transferRoutes(router, auth, transfer);
    computeRoutes(router, auth, compute, store);
    actionRoutes(router, auth, local);
    webInputRoutes(router, auth, webInputs);
    registeredApiRoutes(router, auth, registeredApis);
    transferEndpointRoutes(router, auth, transfer);
    hostedRoutes(router, auth, search, selection, (who) => Object.entries(groups).filter(([, m]) => m.includes(who)).map(([g]) => `urn:globus:groups:id:${g}`));
    const timers = new LocalTimersService(store, flows, transfer, url, clock, { log });
    timersRoutes(router, auth, timers);
    clockRoutes(router, auth, clock, client.client_id, saveClock);
    router.add("GET", "/health", "flows", () => ({ status: 200, body: { status: "ok", url, pid: process.pid } }));

    await compute.start();
    const transferTasks = transfer.resumeActiveTasks().length;
    const runs = driver.recover();
    if (runs || transferTasks) log(`recovered ${runs} active run(s) and ${transferTasks} transfer task(s)`);
    // After the runs: a fire that came due while the runtime was down starts its run now, once.
    const dueTimers = timers.start();
    if (dueTimers) log(`${dueTimers} timer(s) came due while the runtime was down; firing each once`);

    // Other commands find this runtime through runtime.json and talk to it instead of starting a second one.
    const stateFile = stateFileOf(dataDir);
    const state: RuntimeStateFile = { pid: process.pid, url, port, started_at: new Date().toISOString(), data_dir: dataDir, ...(config.standing ? { standing: true } : {}) };
    const publish = () => {
      writeFileSync(stateFile, JSON.stringify(state, null, 2) + "\n", { mode: PRIVATE_FILE_MODE });
      makePrivate(stateFile);
    };
    publish();

    const env = {
      GLOBUS_SDK_SERVICE_URL_AUTH: url,
      GLOBUS_SDK_SERVICE_URL_FLOWS: url,
      GLOBUS_SDK_SERVICE_URL_TRANSFER: url,
      GLOBUS_SDK_SERVICE_URL_COMPUTE: url,
      GLOBUS_SDK_SERVICE_URL_TIMERS: url,
    };
    let stopped = false;
    return {
      url,
      port,
      client,
      env,
      store,
      driver,
      auth,
      transfer,
      compute,
      flows,
      webInputs,
      search,
      outbox: join(dataDir, "outbox.jsonl"),
      timers,
      clock,
      recovered: { runs, transferTasks, dueTimers },
      publish() {
        if (!stopped) publish();
      },
      unpublish() {
        rmSync(stateFile, { force: true });
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await new Promise<void>((ok) => server.close(() => ok()));
        server.closeAllConnections?.();
        await timers.stop();
        await driver.stop();
        await transfer.stop();
        await compute.shutdown();
        store.close();
        saveClock();
        rmSync(stateFile, { force: true });
        releaseLock();
      },
    };
  } catch (e) {
    server.closeAllConnections?.();
    await new Promise<void>((ok) => server.close(() => ok()));
    await driver.stop().catch(() => undefined);
    await transfer.stop().catch(() => undefined);
    await compute.shutdown({ graceMs: 0 }).catch(() => undefined);
    store.close();
    rmSync(stateFileOf(dataDir), { force: true });
    releaseLock();
    throw e;
  }
}

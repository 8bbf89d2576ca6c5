/**
 * How a command gets a local runtime and lets go of it: attach to the one that runs for the
 * data directory (holding a lease, lease.ts), or start one in-process; at the end, an owner
 * keeps serving while other commands hold leases, then stops. After a lost connection
 * (`local start` killed and restarted, or the in-process owner gone) `reattach` finds the
 * runtime again, or takes over from a vanished in-process owner by starting one itself.
 */
import { runtimeConfigFor } from "./from-project.js";
import { runningRuntime, type RuntimeStateFile } from "./config.js";
import { liveLeases, takeLease } from "./lease.js";
import type { LocalRuntime } from "./runtime.js";
import type { EnvironmentConfig, ProjectConfig } from "../project/config.js";

export interface SharedRuntime {
  url: string;
  /** The runtime this command started (it serves until released). */
  owned?: LocalRuntime;
  /** Whether the runtime last attached to was a standing `flowsmith local start`. */
  standing: boolean;
  /** Find the runtime again; the new URL, or undefined when none is there (yet). */
  reattach(): Promise<string | undefined>;
  /** Let go: drop the lease, or (owner) wait for other commands' leases, then stop. */
  release(): Promise<void>;
}

export interface SharedRuntimeOptions {
  log?: (line: string) => void;
  /** How long to wait for a runtime another command is starting or stopping (default 30 s). */
  settleMs?: number;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  purpose?: string;
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function healthy(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

export async function acquireSharedRuntime(config: ProjectConfig, env: EnvironmentConfig, dataDir: string, opts: SharedRuntimeOptions = {}): Promise<SharedRuntime> {
  const sleep = opts.sleep ?? delay;
  // The command and its first argument only: option values (a --set) may be anything, and
  // the owner prints this in its own output.
  const words: string[] = [];
  for (const a of process.argv.slice(2, 4)) {
    if (a.startsWith("-")) break;
    words.push(a);
  }
  const purpose = opts.purpose ?? ["flowsmith", ...words].join(" ");
  let owned: LocalRuntime | undefined;
  let release: (() => void) | undefined;
  let attached: RuntimeStateFile | undefined;

  /** One attempt: attach (with a lease) to a published runtime, or start one. */
  const tryOnce = async (allowStart: boolean): Promise<string | "busy" | undefined> => {
    const running = runningRuntime(dataDir);
    if (running) {
      const drop = takeLease(dataDir, purpose);
      const again = runningRuntime(dataDir);
      if (again && again.pid === running.pid && again.url === running.url) {
        release?.();
        release = drop;
        attached = again;
        return again.url;
      }
      drop(); // it is stopping: try again once it is gone
      return "busy";
    }
    if (!allowStart) return undefined;
    const { startLocalRuntime, RuntimeBusyError } = await import("./runtime.js");
    try {
      owned = await startLocalRuntime({ ...runtimeConfigFor(env, config.root, { dataDir }), port: 0 });
    } catch (e) {
      if (e instanceof RuntimeBusyError) return "busy"; // another command is starting or stopping one
      throw e;
    }
    release?.();
    release = undefined;
    attached = undefined;
    opts.log?.(`started the local runtime in-process at ${owned.url}`);
    return owned.url;
  };

  const settle = async (allowStart: boolean): Promise<string | undefined> => {
    const end = Date.now() + (opts.settleMs ?? 30_000);
    for (;;) {
      const r = await tryOnce(allowStart);
      if (r !== "busy") return r;
      if (Date.now() > end) return undefined;
      await sleep(50);
    }
  };

  const first = await settle(true);
  if (!first) {
    const { RuntimeBusyError } = await import("./runtime.js");
    throw new RuntimeBusyError(dataDir, runningRuntime(dataDir)?.pid ?? 0);
  }
  let url = first;

  return {
    get url() {
      return url;
    },
    get owned() {
      return owned;
    },
    get standing() {
      return !!attached?.standing;
    },
    async reattach() {
      if (owned) return (await healthy(owned.url)) ? owned.url : undefined;
      const s = runningRuntime(dataDir);
      if (s) {
        if (!(await healthy(s.url))) return undefined;
        const r = await settle(false);
        if (r) url = r;
        return r;
      }
      // Nobody serves the data directory. A standing runtime is restarted by its user (wait
      // for it); a command's in-process runtime is gone for good, so take over from it.
      if (attached?.standing) return undefined;
      const r = await settle(true);
      if (r) url = r;
      return r;
    },
    async release() {
      release?.();
      release = undefined;
      const rt = owned;
      if (!rt) return;
      let noted = false;
      let force = false;
      const onSigint = () => (force = true);
      process.once("SIGINT", onSigint);
      try {
        for (;;) {
          let leases = liveLeases(dataDir);
          if (!leases.length) {
            rt.unpublish();
            leases = liveLeases(dataDir);
            if (!leases.length) break;
            rt.publish();
          }
          if (force) break;
          if (!noted) {
            opts.log?.(`keeping the local runtime up for ${leases.length} other command(s) using it (${leases.map((l) => `pid ${l.pid}: ${l.purpose}`).join("; ")}); Ctrl-C stops it now`);
            noted = true;
          }
          await sleep(200);
        }
      } finally {
        process.removeListener("SIGINT", onSigint);
      }
      await rt.stop();
    },
  };
}

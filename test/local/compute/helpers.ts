/** Shared set-up for the local Compute tests: a temporary data dir, a store, a service. */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore } from "../../../src/local/store.js";
import { LocalComputeService, type LocalComputeOptions, type RecoveryReport } from "../../../src/local/compute/service.js";
import { pureSourceRegistration } from "../../../src/wire/compute-serialization.js";
import type { LocalEndpointConfig } from "../../../src/local/compute/types.js";
import { FIXTURES } from "../../support/paths.js";

export const EP = "0c48c27a-0c2d-4028-a71b-d78697abbc4a";
export const EP2 = "116f1b48-0aab-4228-92f0-021c2ab14b5e";

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, "compute", name), "utf8")) as T;
}

export interface Harness {
  dir: string;
  store: SqliteStore;
  service: LocalComputeService;
  /** What start() recovered. */
  recovery: RecoveryReport;
  register(name: string, source: string): string;
  close(): Promise<void>;
}

export function tempDir(prefix = "flowsmith-compute-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function harness(
  endpoints: Record<string, LocalEndpointConfig> = { [EP]: { workers: 2 } },
  opts: Partial<LocalComputeOptions> & { dir?: string; db?: string } = {},
): Promise<Harness> {
  const dir = opts.dir ?? tempDir();
  const store = new SqliteStore(opts.db ?? join(dir, "state.db"));
  const service = new LocalComputeService(store, new Map(Object.entries(endpoints)), { dataDir: dir, shutdownGraceMs: 2000, ...opts });
  const recovery = await service.start();
  return {
    dir,
    store,
    service,
    recovery,
    register: (name, source) => service.registerFunction(pureSourceRegistration(name, source)).function_uuid,
    async close() {
      await service.shutdown();
      store.close();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function until<T>(probe: () => T | undefined | false, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}

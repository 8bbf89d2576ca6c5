/**
 * Shared scaffolding for the local Transfer tests: two collections in a temp directory,
 * a file-backed SqliteStore (so restart tests can reopen it), fixture loading from
 * ../shared, and a field-by-field shape comparison against real Transfer responses.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import { SqliteStore } from "../../../src/local/store.js";
import { LocalTransferService, type LocalTransferOptions } from "../../../src/local/transfer/service.js";
import type { SubmissionResult, TaskDocument } from "../../../src/local/transfer/types.js";

export const FIXTURES = new URL("../../../../shared/reference/fixtures/transfer/", import.meta.url);

export function fixture<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8")) as T;
}

export const SRC = "11111111-1111-4111-8111-111111111111";
export const DST = "22222222-2222-4222-8222-222222222222";
export const OWNER = "ae332d86-d274-11e5-b885-b31714a110e9";
export const CALLER = { identity: `urn:globus:auth:identity:${OWNER}` };

export interface Env {
  dir: string;
  srcRoot: string;
  dstRoot: string;
  dbFile: string;
  store: SqliteStore;
  service: LocalTransferService;
  /** Reopen the same store file with a fresh service, as a restarted process would. */
  restart(opts?: LocalTransferOptions): LocalTransferService;
  cleanup(): Promise<void>;
}

export function makeEnv(opts: LocalTransferOptions = {}): Env {
  const dir = mkdtempSync(join(tmpdir(), "flowsmith-transfer-"));
  const srcRoot = join(dir, "src");
  const dstRoot = join(dir, "dst");
  mkdirSync(srcRoot);
  mkdirSync(dstRoot);
  const dbFile = join(dir, "state", "runtime.db");
  const collections = new Map([
    [SRC, { root: srcRoot, display_name: "Source Collection" }],
    [DST, { root: dstRoot, display_name: "Destination Collection" }],
  ]);
  const env: Env = {
    dir,
    srcRoot,
    dstRoot,
    dbFile,
    store: new SqliteStore(dbFile),
    service: undefined as unknown as LocalTransferService,
    restart(more = {}) {
      env.store.close();
      env.store = new SqliteStore(dbFile);
      env.service = new LocalTransferService(env.store, collections, { ...opts, ...more });
      return env.service;
    },
    async cleanup() {
      await env.service.stop();
      env.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  env.service = new LocalTransferService(env.store, collections, opts);
  return env;
}

export function write(root: string, rel: string, content: string | Buffer): string {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
  return p;
}

export function read(root: string, rel: string): string {
  return readFileSync(join(root, rel), "utf8");
}

let counter = 0;
export function transferBody(items: { source_path: string; destination_path: string; recursive?: boolean; [k: string]: unknown }[], extra: Record<string, unknown> = {}) {
  return {
    DATA_TYPE: "transfer" as const,
    submission_id: `sub-${process.pid}-${++counter}`,
    source_endpoint: SRC,
    destination_endpoint: DST,
    DATA: items.map((it) => ({ DATA_TYPE: "transfer_item" as const, ...it })),
    ...extra,
  };
}

export function deleteBody(paths: string[], extra: Record<string, unknown> = {}) {
  return {
    DATA_TYPE: "delete" as const,
    submission_id: `del-${process.pid}-${++counter}`,
    endpoint: DST,
    DATA: paths.map((path) => ({ DATA_TYPE: "delete_item" as const, path })),
    ...extra,
  };
}

export async function runTransfer(env: Env, body: ReturnType<typeof transferBody>): Promise<TaskDocument> {
  const res: SubmissionResult = await env.service.submitTransfer(body, OWNER);
  return env.service.waitForTask(res.task_id);
}

/**
 * Field-by-field comparison with a real response: the same keys, and for every key whose
 * fixture value is not null, the same JSON type (null in a fixture says nothing about type).
 */
export function expectShape(actual: unknown, expected: unknown, path = "$"): void {
  if (expected === null) return;
  expect(jsonType(actual), `${path} type`).toBe(jsonType(expected));
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length && actual.length) expectShape(actual[0], expected[0], `${path}[0]`);
    return;
  }
  if (jsonType(expected) === "object") {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    expect(Object.keys(a).sort(), `${path} keys`).toEqual(Object.keys(e).sort());
    for (const k of Object.keys(e)) expectShape(a[k], e[k], `${path}.${k}`);
  }
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

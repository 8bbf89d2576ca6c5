/**
 * Leases on a local runtime: a command that attaches to a runtime another command started
 * in-process holds a lease (a file `<dataDir>/leases/<pid>.json`) until it is done, and the
 * owner does not stop its runtime while a live lease exists. Without this, the second of two
 * concurrent `run-flow` commands lost its runtime when the first one ended, and its run
 * stalled ACTIVE until some later command started a runtime.
 *
 * Attach and stop race; both sides write first and read second, so one of them always sees
 * the other: the follower writes its lease, then checks runtime.json is still published; the
 * owner unpublishes runtime.json, then checks for leases (and republishes when one appeared).
 * A lease whose process is gone (SIGKILL) is stale and ignored.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { processAlive } from "./config.js";
import { ensurePrivateDir, PRIVATE_FILE_MODE } from "./private-files.js";

export interface Lease {
  pid: number;
  /** What the holder is doing, for the owner's "keeping the runtime up for …" note. */
  purpose: string;
  since: string;
  file: string;
}

export const leaseDirOf = (dataDir: string) => join(dataDir, "leases");

/** Take a lease; returns its release (idempotent). */
export function takeLease(dataDir: string, purpose: string, pid = process.pid): () => void {
  const dir = leaseDirOf(dataDir);
  ensurePrivateDir(dir);
  const file = join(dir, `${pid}-${randomBytes(4).toString("hex")}.json`);
  writeFileSync(file, JSON.stringify({ pid, purpose, since: new Date().toISOString() }) + "\n", { mode: PRIVATE_FILE_MODE });
  let released = false;
  return () => {
    if (released) return;
    released = true;
    rmSync(file, { force: true });
  };
}

/** Leases held by live processes other than `exceptPid`; stale ones are removed. */
export function liveLeases(dataDir: string, exceptPid = process.pid): Lease[] {
  const dir = leaseDirOf(dataDir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: Lease[] = [];
  for (const name of names) {
    if (!name.endsWith(".json")) continue;
    const file = join(dir, name);
    let lease: Omit<Lease, "file">;
    try {
      lease = JSON.parse(readFileSync(file, "utf8")) as Omit<Lease, "file">;
    } catch {
      continue; // being written right now, or removed: the next look sees it properly
    }
    if (lease.pid === exceptPid) continue;
    if (!Number.isInteger(lease.pid) || !processAlive(lease.pid)) {
      rmSync(file, { force: true });
      continue;
    }
    out.push({ ...lease, file });
  }
  return out;
}

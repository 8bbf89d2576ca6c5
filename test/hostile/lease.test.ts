/** Leases on a local runtime: live holders count, the caller and dead holders do not. */
import { existsSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { leaseDirOf, liveLeases, takeLease } from "../../src/local/lease.js";

describe("leases", () => {
  it("count other live processes, drop stale ones, and are private", () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsmith-lease-"));
    const mine = takeLease(dir, "flowsmith run-flow a");
    expect(liveLeases(dir)).toEqual([]); // the caller's own lease is not another command
    const parent = takeLease(dir, "flowsmith runs show", process.ppid);
    expect(liveLeases(dir).map((l) => l.pid)).toEqual([process.ppid]);
    takeLease(dir, "flowsmith gone", 2 ** 22 + 12345); // no such pid
    expect(liveLeases(dir).map((l) => l.pid)).toEqual([process.ppid]);
    expect(readdirSync(leaseDirOf(dir))).toHaveLength(2); // the stale one was removed
    expect(statSync(leaseDirOf(dir)).mode & 0o777).toBe(0o700);
    parent();
    parent(); // idempotent
    mine();
    expect(readdirSync(leaseDirOf(dir))).toEqual([]);
    expect(existsSync(leaseDirOf(dir))).toBe(true);
  });
});

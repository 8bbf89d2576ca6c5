import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeEnv, read, runTransfer, transferBody, write, type Env } from "./helpers.js";

let env: Env;
beforeEach(() => {
  env = makeEnv({ progressIntervalMs: 0 });
});
afterEach(() => env.cleanup());

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

describe("transfer: copying", () => {
  it("copies one file, creating destination parents, and counts it", async () => {
    write(env.srcRoot, "in/file1.txt", "abcd");
    chmodSync(join(env.srcRoot, "in/file1.txt"), 0o640);
    const task = await runTransfer(env, transferBody([{ source_path: "/~/in/file1.txt", destination_path: "/~/out/deep/copy.txt" }]));
    expect(task.status).toBe("SUCCEEDED");
    expect(read(env.dstRoot, "out/deep/copy.txt")).toBe("abcd");
    expect(statSync(join(env.dstRoot, "out/deep/copy.txt")).mode & 0o777).toBe(0o640);
    expect(task).toMatchObject({ files: 1, directories: 0, files_transferred: 1, files_skipped: 0, bytes_transferred: 4, faults: 0, fatal_error: null });
    expect(task).toMatchObject({ subtasks_total: 1, subtasks_succeeded: 1, subtasks_pending: 0, nice_status: null, is_ok: null });
    expect(task.completion_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    // No temporaries left behind.
    expect(readdirSync(join(env.dstRoot, "out/deep"))).toEqual(["copy.txt"]);
  });

  it("copies a directory tree recursively (recursive omitted = detected, as in the AP docs example)", async () => {
    write(env.srcRoot, "ds/a.txt", "A");
    write(env.srcRoot, "ds/sub/b.txt", "BB");
    write(env.srcRoot, "ds/sub/deeper/c.txt", "CCC");
    write(env.srcRoot, "ds/empty/.keep", "");
    const task = await runTransfer(env, transferBody([{ source_path: "/ds/", destination_path: "/copy/" }]));
    expect(task.status).toBe("SUCCEEDED");
    expect(read(env.dstRoot, "copy/a.txt")).toBe("A");
    expect(read(env.dstRoot, "copy/sub/b.txt")).toBe("BB");
    expect(read(env.dstRoot, "copy/sub/deeper/c.txt")).toBe("CCC");
    expect(existsSync(join(env.dstRoot, "copy/empty/.keep"))).toBe(true);
    expect(task).toMatchObject({ files: 4, directories: 4, files_transferred: 4, bytes_transferred: 6, subtasks_total: 8, subtasks_succeeded: 8 });
  });

  it("copies several items in one task", async () => {
    write(env.srcRoot, "x.txt", "x");
    write(env.srcRoot, "d/y.txt", "y");
    const task = await runTransfer(env, transferBody([
      { source_path: "/x.txt", destination_path: "/x.txt" },
      { source_path: "/d", destination_path: "/d2", recursive: true },
    ]));
    expect(task.status).toBe("SUCCEEDED");
    expect(read(env.dstRoot, "x.txt") + read(env.dstRoot, "d2/y.txt")).toBe("xy");
  });

  it("fails a directory item with recursive: false (IS_A_DIRECTORY)", async () => {
    write(env.srcRoot, "d/y.txt", "y");
    const task = await runTransfer(env, transferBody([{ source_path: "/d", destination_path: "/d", recursive: false }]));
    expect(task.status).toBe("FAILED");
    expect(task.fatal_error).toEqual({ code: "IS_A_DIRECTORY", description: "is a directory" });
    expect(existsSync(join(env.dstRoot, "d"))).toBe(false);
  });

  it("fails a file item with recursive: true (NOT_A_DIRECTORY)", async () => {
    write(env.srcRoot, "f.txt", "f");
    const task = await runTransfer(env, transferBody([{ source_path: "/f.txt", destination_path: "/f.txt", recursive: true }]));
    expect(task.fatal_error).toEqual({ code: "NOT_A_DIRECTORY", description: "not a directory" });
  });

  it("ignores symlinks inside recursive items (recursive_symlinks: ignore)", async () => {
    write(env.srcRoot, "d/real.txt", "r");
    symlinkSync("real.txt", join(env.srcRoot, "d/link.txt"));
    const task = await runTransfer(env, transferBody([{ source_path: "/d", destination_path: "/d" }]));
    expect(task.status).toBe("SUCCEEDED");
    expect(task.recursive_symlinks).toBe("ignore");
    expect(readdirSync(join(env.dstRoot, "d"))).toEqual(["real.txt"]);
  });

  it("replaces a destination symlink instead of writing through it", async () => {
    write(env.srcRoot, "f.txt", "new");
    const victim = write(env.dstRoot, "victim.txt", "keep");
    symlinkSync(victim, join(env.dstRoot, "f.txt"));
    write(env.srcRoot, "d/f.txt", "new");
    write(env.dstRoot, "d/placeholder", "");
    symlinkSync(victim, join(env.dstRoot, "d/f.txt"));
    const task = await runTransfer(env, transferBody([{ source_path: "/d", destination_path: "/d" }]));
    expect(task.status).toBe("SUCCEEDED");
    expect(lstatSync(join(env.dstRoot, "d/f.txt")).isSymbolicLink()).toBe(false);
    expect(read(env.dstRoot, "victim.txt")).toBe("keep");
  });
});

describe("transfer: sync_level", () => {
  // Source: same-size-but-different content in "same", different size in "size", newer in "new".
  async function prepare(): Promise<void> {
    write(env.srcRoot, "d/missing.txt", "m");
    write(env.srcRoot, "d/same-size.txt", "AAAA");
    write(env.srcRoot, "d/diff-size.txt", "longer");
    write(env.srcRoot, "d/identical.txt", "same");
    write(env.dstRoot, "d/same-size.txt", "BBBB");
    write(env.dstRoot, "d/diff-size.txt", "short");
    write(env.dstRoot, "d/identical.txt", "same");
    const old = new Date("2020-01-01T00:00:00Z");
    const newer = new Date("2022-01-01T00:00:00Z");
    for (const f of ["same-size.txt", "diff-size.txt", "identical.txt"]) {
      utimesSync(join(env.srcRoot, "d", f), newer, newer);
      utimesSync(join(env.dstRoot, "d", f), old, old);
    }
    // identical.txt's destination is newer than its source.
    utimesSync(join(env.dstRoot, "d/identical.txt"), new Date("2023-01-01T00:00:00Z"), new Date("2023-01-01T00:00:00Z"));
  }

  const contents = () => ({
    missing: read(env.dstRoot, "d/missing.txt"),
    sameSize: read(env.dstRoot, "d/same-size.txt"),
    diffSize: read(env.dstRoot, "d/diff-size.txt"),
    identical: read(env.dstRoot, "d/identical.txt"),
  });

  it("0 (exists): copies only missing files", async () => {
    await prepare();
    const task = await runTransfer(env, transferBody([{ source_path: "/d", destination_path: "/d" }], { sync_level: 0 }));
    expect(contents()).toEqual({ missing: "m", sameSize: "BBBB", diffSize: "short", identical: "same" });
    expect(task).toMatchObject({ sync_level: 0, files: 4, files_transferred: 1, files_skipped: 3 });
  });

  it("1 (size): copies missing files and files whose size differs", async () => {
    await prepare();
    const task = await runTransfer(env, transferBody([{ source_path: "/d", destination_path: "/d" }], { sync_level: 1 }));
    expect(contents()).toEqual({ missing: "m", sameSize: "BBBB", diffSize: "longer", identical: "same" });
    expect(task).toMatchObject({ files_transferred: 2, files_skipped: 2 });
  });

  it("2 (mtime): copies files whose source is newer than the destination", async () => {
    await prepare();
    const task = await runTransfer(env, transferBody([{ source_path: "/d", destination_path: "/d" }], { sync_level: 2 }));
    expect(contents()).toEqual({ missing: "m", sameSize: "AAAA", diffSize: "longer", identical: "same" });
    expect(task).toMatchObject({ files_transferred: 3, files_skipped: 1 });
  });

  it("3 (checksum): copies files whose content differs, and counts checksummed bytes", async () => {
    await prepare();
    const task = await runTransfer(env, transferBody([{ source_path: "/d", destination_path: "/d" }], { sync_level: 3 }));
    expect(contents()).toEqual({ missing: "m", sameSize: "AAAA", diffSize: "longer", identical: "same" });
    expect(task).toMatchObject({ files_transferred: 3, files_skipped: 1 });
    // same-size.txt and identical.txt were hashed on both sides (4 bytes each).
    expect(task.bytes_checksummed).toBe(16);
  });

  it("a second run with sync_level 1 after a full copy transfers nothing", async () => {
    write(env.srcRoot, "d/a", "1");
    write(env.srcRoot, "d/b", "22");
    await runTransfer(env, transferBody([{ source_path: "/d", destination_path: "/d" }]));
    const again = await runTransfer(env, transferBody([{ source_path: "/d", destination_path: "/d" }], { sync_level: 1 }));
    expect(again).toMatchObject({ files: 2, files_transferred: 0, files_skipped: 2, bytes_transferred: 0 });
  });

  it("without sync_level every file is copied again", async () => {
    await prepare();
    const task = await runTransfer(env, transferBody([{ source_path: "/d", destination_path: "/d" }]));
    expect(contents()).toEqual({ missing: "m", sameSize: "AAAA", diffSize: "longer", identical: "same" });
    expect(task).toMatchObject({ sync_level: null, files_transferred: 4, files_skipped: 0 });
  });
});

describe("transfer: verify_checksum, external_checksum, preserve_timestamp", () => {
  it("verify_checksum hashes source and copy and counts a verify subtask per file (like the real task: 1 file, 2 subtasks)", async () => {
    write(env.srcRoot, "f.txt", "abcd");
    const task = await runTransfer(env, transferBody([{ source_path: "/f.txt", destination_path: "/f.txt" }], { verify_checksum: true }));
    expect(task).toMatchObject({ status: "SUCCEEDED", verify_checksum: true, files: 1, bytes_transferred: 4, bytes_checksummed: 8, subtasks_total: 2, subtasks_succeeded: 2 });
  });

  it("accepts a matching external_checksum and fails a wrong one with VERIFY_CHECKSUM", async () => {
    write(env.srcRoot, "f.txt", "abcd");
    const ok = await runTransfer(env, transferBody([{ source_path: "/f.txt", destination_path: "/ok.txt", external_checksum: md5("abcd"), checksum_algorithm: "MD5" }]));
    expect(ok.status).toBe("SUCCEEDED");
    const bad = await runTransfer(env, transferBody([{ source_path: "/f.txt", destination_path: "/bad.txt", external_checksum: md5("other") }]));
    expect(bad.status).toBe("FAILED");
    expect(bad.fatal_error?.code).toBe("VERIFY_CHECKSUM");
    expect(existsSync(join(env.dstRoot, "bad.txt"))).toBe(false);
    expect(readdirSync(env.dstRoot)).toEqual(["ok.txt"]);
  });

  it("preserve_timestamp copies file and directory mtimes; without it the copy is new", async () => {
    write(env.srcRoot, "d/sub/f.txt", "x");
    const t = new Date("2021-01-15T01:45:50Z");
    utimesSync(join(env.srcRoot, "d/sub/f.txt"), t, t);
    utimesSync(join(env.srcRoot, "d/sub"), t, t);
    await runTransfer(env, transferBody([{ source_path: "/d", destination_path: "/kept" }], { preserve_timestamp: true }));
    expect(statSync(join(env.dstRoot, "kept/sub/f.txt")).mtime.toISOString()).toBe(t.toISOString());
    expect(statSync(join(env.dstRoot, "kept/sub")).mtime.toISOString()).toBe(t.toISOString());
    await runTransfer(env, transferBody([{ source_path: "/d", destination_path: "/fresh" }]));
    expect(statSync(join(env.dstRoot, "fresh/sub/f.txt")).mtime.getTime()).toBeGreaterThan(t.getTime());
  });
});

describe("transfer: filter_rules and delete_destination_extra", () => {
  beforeEach(() => {
    write(env.srcRoot, "d/keep.txt", "k");
    write(env.srcRoot, "d/skip.log", "s");
    write(env.srcRoot, "d/logs/x.txt", "x");
    write(env.srcRoot, "d/data/y.txt", "y");
    write(env.srcRoot, "d/data/z.log", "z");
  });

  const rule = (method: "include" | "exclude", name: string, type?: "file" | "dir") => ({ DATA_TYPE: "filter_rule", method, name, ...(type ? { type } : {}) });

  it("excludes by glob on names, by type, first match wins, excluded directories are not descended", async () => {
    const task = await runTransfer(env, transferBody([{ source_path: "/d", destination_path: "/d" }], {
      filter_rules: [rule("exclude", "*.log", "file"), rule("exclude", "logs", "dir")],
    }));
    expect(task.status).toBe("SUCCEEDED");
    expect(task.filter_rules).toHaveLength(2);
    expect(readdirSync(join(env.dstRoot, "d")).sort()).toEqual(["data", "keep.txt"]);
    expect(readdirSync(join(env.dstRoot, "d/data"))).toEqual(["y.txt"]);
    expect(task).toMatchObject({ files: 2, directories: 2 });
  });

  it("include before a catch-all exclude keeps only the included names", async () => {
    await runTransfer(env, transferBody([{ source_path: "/d", destination_path: "/d" }], {
      filter_rules: [rule("include", "*.txt", "file"), rule("exclude", "*", "file")],
    }));
    expect(readdirSync(join(env.dstRoot, "d")).sort()).toEqual(["data", "keep.txt", "logs"]);
    expect(readdirSync(join(env.dstRoot, "d/data"))).toEqual(["y.txt"]);
  });

  it("delete_destination_extra removes destination entries absent from the source, sparing excluded names", async () => {
    write(env.dstRoot, "d/extra.txt", "e");
    write(env.dstRoot, "d/extra-dir/f", "f");
    write(env.dstRoot, "d/data/old.txt", "o");
    write(env.dstRoot, "d/protected.log", "p");
    const task = await runTransfer(env, transferBody([{ source_path: "/d", destination_path: "/d" }], {
      delete_destination_extra: true,
      filter_rules: [rule("exclude", "*.log", "file")],
    }));
    expect(task.status).toBe("SUCCEEDED");
    expect(readdirSync(join(env.dstRoot, "d")).sort()).toEqual(["data", "keep.txt", "logs", "protected.log"]);
    expect(readdirSync(join(env.dstRoot, "d/data"))).toEqual(["y.txt"]);
  });

  it("delete_destination_extra also replaces entries of the wrong type; without it that is a fault", async () => {
    write(env.dstRoot, "d/keep.txt/inner", "dir where a file should be");
    const failed = await runTransfer(env, transferBody([{ source_path: "/d", destination_path: "/d" }]));
    expect(failed.status).toBe("FAILED");
    const ok = await runTransfer(env, transferBody([{ source_path: "/d", destination_path: "/d" }], { delete_destination_extra: true }));
    expect(ok.status).toBe("SUCCEEDED");
    expect(read(env.dstRoot, "d/keep.txt")).toBe("k");
  });
});

describe("transfer: source errors", () => {
  it("a missing source fails the task with fatal_error FILE_NOT_FOUND and a fault", async () => {
    const task = await runTransfer(env, transferBody([{ source_path: "/nope.txt", destination_path: "/x.txt" }]));
    expect(task.status).toBe("FAILED");
    expect(task.fatal_error).toEqual({ code: "FILE_NOT_FOUND", description: "file not found" });
    expect(task).toMatchObject({ faults: 1, subtasks_failed: 1, subtasks_pending: 0, nice_status: null });
    const events = env.service.eventList(task.task_id).DATA;
    expect(events[0]).toMatchObject({ code: "FILE_NOT_FOUND", is_error: true });
    expect(events[0].details).toContain("/nope.txt");
  });

  it("skip_source_errors skips a missing source and succeeds", async () => {
    write(env.srcRoot, "there.txt", "t");
    const task = await runTransfer(env, transferBody([
      { source_path: "/nope.txt", destination_path: "/nope.txt" },
      { source_path: "/there.txt", destination_path: "/there.txt" },
    ], { skip_source_errors: true }));
    expect(task.status).toBe("SUCCEEDED");
    expect(task).toMatchObject({ faults: 1, subtasks_skipped_errors: 1, files_transferred: 1 });
    expect(read(env.dstRoot, "there.txt")).toBe("t");
  });

  it("skip_source_errors does not skip destination errors", async () => {
    write(env.srcRoot, "f.txt", "f");
    write(env.dstRoot, "f.txt/blocker", "");
    const task = await runTransfer(env, transferBody([{ source_path: "/f.txt", destination_path: "/f.txt" }], { skip_source_errors: true }));
    expect(task.status).toBe("FAILED");
  });

  it("a source symlink leading out of the collection is PERMISSION_DENIED (skippable)", async () => {
    const outside = write(env.dir, "outside/secret.txt", "secret");
    symlinkSync(outside, join(env.srcRoot, "leak.txt"));
    const task = await runTransfer(env, transferBody([{ source_path: "/leak.txt", destination_path: "/leak.txt" }]));
    expect(task.fatal_error?.code).toBe("PERMISSION_DENIED");
    expect(existsSync(join(env.dstRoot, "leak.txt"))).toBe(false);
    const skipped = await runTransfer(env, transferBody([{ source_path: "/leak.txt", destination_path: "/leak.txt" }], { skip_source_errors: true }));
    expect(skipped.status).toBe("SUCCEEDED");
  });

  it("a destination outside the collection (.. or symlink) fails with PERMISSION_DENIED and writes nothing", async () => {
    write(env.srcRoot, "f.txt", "f");
    const t1 = await runTransfer(env, transferBody([{ source_path: "/f.txt", destination_path: "/../escaped.txt" }]));
    expect(t1.fatal_error?.code).toBe("PERMISSION_DENIED");
    symlinkSync(env.srcRoot, join(env.dstRoot, "to-src"));
    const t2 = await runTransfer(env, transferBody([{ source_path: "/f.txt", destination_path: "/to-src/overwritten.txt" }]));
    expect(t2.fatal_error?.code).toBe("PERMISSION_DENIED");
    expect(existsSync(join(env.dir, "escaped.txt"))).toBe(false);
    expect(existsSync(join(env.srcRoot, "overwritten.txt"))).toBe(false);
  });

  it.skipIf(process.getuid?.() === 0)("an unreadable source file is PERMISSION_DENIED", async () => {
    const p = write(env.srcRoot, "locked.txt", "x");
    chmodSync(p, 0);
    const task = await runTransfer(env, transferBody([{ source_path: "/locked.txt", destination_path: "/locked.txt" }]));
    expect(task.fatal_error?.code).toBe("PERMISSION_DENIED");
  });
});

describe("transfer: large files use the kernel copy path", () => {
  it("copies an 8 MiB file byte-exactly", async () => {
    const big = Buffer.alloc(8 << 20);
    for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff;
    writeFileSync(join(env.srcRoot, "big.bin"), big);
    const task = await runTransfer(env, transferBody([{ source_path: "/big.bin", destination_path: "/big.bin" }], { verify_checksum: true }));
    expect(task).toMatchObject({ status: "SUCCEEDED", bytes_transferred: 8 << 20 });
    expect(statSync(join(env.dstRoot, "big.bin")).size).toBe(8 << 20);
  });
});

/**
 * One file's transfer: the sync_level decision, then a kernel-side copy
 * (fs.copyFile: copy_file_range/reflink, never a userspace read/write loop) into a hidden
 * temporary beside the destination, optional checksum verification and timestamp
 * preservation, and an atomic rename. The rename is what makes a restart safe: a process
 * killed mid-copy leaves at most a stray temporary, never a truncated file under the real
 * name that sync_level 0/1 would then wrongly accept.
 */
import { createHash } from "node:crypto";
import { constants, type Stats } from "node:fs";
import { access, copyFile, lstat, rename, rm, utimes } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { checksumAlgorithm, fileChecksum } from "./checksum.js";
import { TaskFault } from "./faults.js";

export interface FileJob {
  src: string;
  dst: string;
  srcStat: Stats;
  external_checksum: string | null;
  checksum_algorithm: string | null;
}

export interface CopyPolicy {
  syncLevel: 0 | 1 | 2 | 3 | null;
  verifyChecksum: boolean;
  preserveTimestamp: boolean;
  /** delete_destination_extra also replaces destination entries of the wrong type. */
  replaceMismatchedType: boolean;
  /** Distinguishes temporaries of concurrent tasks writing the same directory. */
  taskId: string;
}

export interface CopyOutcome {
  copied: boolean;
  bytes: number;
  checksummed: number;
}

/** Errors thrown from here carry which side failed, for skip_source_errors. */
export class CopySideError extends Error {
  constructor(
    readonly side: "source" | "destination",
    override readonly cause: unknown,
  ) {
    super((cause as Error)?.message ?? String(cause));
  }
}

export async function copyOne(job: FileJob, policy: CopyPolicy): Promise<CopyOutcome> {
  let checksummed = 0;
  const existing = await lstatOrNull(job.dst);
  if (existing?.isDirectory()) {
    if (!policy.replaceMismatchedType) throw new CopySideError("destination", Object.assign(new Error("destination is a directory"), { code: "EISDIR" }));
    await rm(job.dst, { recursive: true, force: true });
  } else if (existing && existing.isFile() && policy.syncLevel !== null) {
    const skip = await upToDate(job, existing, policy.syncLevel);
    checksummed += skip.checksummed;
    if (skip.upToDate) return { copied: false, bytes: 0, checksummed };
  }

  const tmp = temporaryName(job.dst, policy.taskId);
  try {
    await copyFile(job.src, tmp, constants.COPYFILE_FICLONE);
  } catch (err) {
    await rm(tmp, { force: true });
    throw new CopySideError((await readable(job.src)) ? "destination" : "source", err);
  }
  try {
    checksummed += await verify(job, tmp, policy);
    if (policy.preserveTimestamp) await utimes(tmp, job.srcStat.atime, job.srcStat.mtime);
    await rename(tmp, job.dst);
  } catch (err) {
    await rm(tmp, { force: true });
    if (err instanceof TaskFault) throw err;
    throw new CopySideError("destination", err);
  }
  return { copied: true, bytes: job.srcStat.size, checksummed };
}

async function upToDate(job: FileJob, dst: Stats, level: 0 | 1 | 2 | 3): Promise<{ upToDate: boolean; checksummed: number }> {
  switch (level) {
    case 0:
      return { upToDate: true, checksummed: 0 };
    case 1:
      return { upToDate: dst.size === job.srcStat.size, checksummed: 0 };
    case 2:
      // Whole seconds: preserved timestamps lose sub-millisecond precision through utimes.
      return { upToDate: Math.floor(dst.mtimeMs / 1000) >= Math.floor(job.srcStat.mtimeMs / 1000), checksummed: 0 };
    case 3: {
      if (dst.size !== job.srcStat.size) return { upToDate: false, checksummed: 0 };
      const [a, b] = await Promise.all([fileChecksum(job.src), fileChecksum(job.dst)]);
      return { upToDate: a === b, checksummed: 2 * dst.size };
    }
  }
}

/** Compares the copy against the source (verify_checksum) and/or the item's external_checksum. */
async function verify(job: FileJob, tmp: string, policy: CopyPolicy): Promise<number> {
  if (!policy.verifyChecksum && !job.external_checksum) return 0;
  const algorithm = checksumAlgorithm(job.checksum_algorithm) ?? "md5";
  const [srcSum, dstSum] = await Promise.all([policy.verifyChecksum ? fileChecksum(job.src, algorithm) : null, fileChecksum(tmp, algorithm)]);
  const expected = job.external_checksum?.toLowerCase() ?? null;
  if ((srcSum !== null && srcSum !== dstSum) || (expected !== null && expected !== dstSum)) {
    throw new TaskFault("VERIFY_CHECKSUM", `Checksum verification failed for ${job.dst}: expected ${expected ?? srcSum}, got ${dstSum} (${algorithm})`);
  }
  return job.srcStat.size * (srcSum !== null ? 2 : 1);
}

function temporaryName(dst: string, taskId: string): string {
  const name = basename(dst);
  const stem = Buffer.byteLength(name) > 180 ? createHash("sha1").update(name).digest("hex") : name;
  return join(dirname(dst), `.${stem}.flowsmith-${taskId.slice(0, 8)}.part`);
}

async function lstatOrNull(p: string): Promise<Stats | null> {
  try {
    return await lstat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new CopySideError("destination", err);
  }
}

async function readable(p: string): Promise<boolean> {
  try {
    await access(p, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Execution of a TRANSFER task: items in order, each file copied by copy.ts through a
 * bounded pool, directories walked breadth-first with filter rules, destination extras
 * removed before any copy into that directory is scheduled (so a temporary being written
 * can never be mistaken for an extra). Symlinks met inside recursive items are skipped
 * (`recursive_symlinks: "ignore"`, the value real task documents show); the destination
 * side never writes through a symlink, it replaces it.
 *
 * Local deviation from Transfer: destination-side errors fail the task at once instead of
 * being retried until the deadline; retrying a local filesystem error does not help.
 */
import type { Dirent, Stats } from "node:fs";
import { lstat, mkdir, readdir, rm, stat, utimes } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { LocalCollections, ResolvedPath } from "./collections.js";
import { copyOne, CopySideError, type CopyPolicy, type FileJob } from "./copy.js";
import { faultDetails, TaskFault, toFault, type FaultContext } from "./faults.js";
import { FilterRules } from "./filter-rules.js";
import { Pool } from "./pool.js";
import type { TaskRecorder } from "./recorder.js";
import type { TransferItemSpec, TransferPlan } from "./types.js";

export interface ExecutorContext {
  collections: LocalCollections;
  recorder: TaskRecorder;
  concurrency: number;
  taskId: string;
}

interface DirWork {
  src: string;
  dst: string;
  gsrc: string;
  gdst: string;
}

const RESOURCE = "/transfer";
const OPERATION = "transfer";

export async function executeTransfer(plan: TransferPlan, ctx: ExecutorContext): Promise<void> {
  await new TransferExecution(plan, ctx).run();
}

class TransferExecution {
  private readonly filters: FilterRules;
  private readonly policy: CopyPolicy;
  private readonly rec: TaskRecorder;
  private readonly srcEndpoint: FaultContext["endpoint"];
  private readonly dstEndpoint: FaultContext["endpoint"];
  /** Subtasks per file: the copy, plus its verification when verify_checksum is on (as real task counts show). */
  private readonly perFile: number;

  constructor(
    private readonly plan: TransferPlan,
    private readonly ctx: ExecutorContext,
  ) {
    this.rec = ctx.recorder;
    this.filters = new FilterRules(plan.filter_rules);
    this.policy = {
      syncLevel: plan.sync_level,
      verifyChecksum: plan.verify_checksum,
      preserveTimestamp: plan.preserve_timestamp,
      replaceMismatchedType: plan.delete_destination_extra,
      taskId: ctx.taskId,
    };
    this.srcEndpoint = { id: plan.source_endpoint, name: ctx.collections.displayName(plan.source_endpoint) };
    this.dstEndpoint = { id: plan.destination_endpoint, name: ctx.collections.displayName(plan.destination_endpoint) };
    this.perFile = plan.verify_checksum ? 2 : 1;
  }

  async run(): Promise<void> {
    for (const item of this.plan.items) {
      this.rec.checkpoint();
      const pool = new Pool(this.ctx.concurrency);
      const dirs: DirWork[] = [];
      try {
        await this.item(item, pool, dirs);
        await pool.drain();
      } catch (err) {
        await pool.settle();
        throw err;
      }
      if (this.plan.preserve_timestamp) await this.preserveDirTimes(dirs);
    }
  }

  private async item(item: TransferItemSpec, pool: Pool, dirs: DirWork[]): Promise<void> {
    let source: ResolvedPath;
    let st: Stats;
    try {
      source = await this.ctx.collections.resolve(this.plan.source_endpoint, item.source_path, { resource: RESOURCE, operation: OPERATION, followFinal: true });
      st = await stat(source.realPath);
    } catch (err) {
      this.rec.addSubtasks(1);
      return this.sourceProblem(toFault(err, this.srcCtx(item.source_path), true), 1);
    }
    const dest = await this.resolveDestination(item.destination_path);
    if (st.isDirectory()) {
      this.rec.addSubtasks(1);
      if (item.recursive === false) {
        throw new TaskFault("IS_A_DIRECTORY", faultDetails(this.srcCtx(source.globusPath), "Source is a directory but the item is not recursive"));
      }
      const root: DirWork = { src: source.realPath, dst: dest.realPath, gsrc: source.globusPath, gdst: dest.globusPath };
      await this.ensureDirectory(root.dst, root.gdst, true);
      this.rec.doc.directories += 1;
      this.rec.subtaskSucceeded();
      await this.walk(root, pool, dirs);
    } else if (st.isFile()) {
      this.rec.addSubtasks(this.perFile);
      if (item.recursive === true) {
        throw new TaskFault("NOT_A_DIRECTORY", faultDetails(this.srcCtx(source.globusPath), "Source is a file but the item is recursive"));
      }
      await this.ensureDirectory(dirname(dest.realPath), dest.globusPath, true);
      this.rec.doc.files += 1;
      const job: FileJob = { src: source.realPath, dst: dest.realPath, srcStat: st, external_checksum: item.external_checksum, checksum_algorithm: item.checksum_algorithm };
      await pool.submit(() => this.copy(job, source.globusPath, dest.globusPath));
    } else {
      this.rec.addSubtasks(1);
      throw new TaskFault("ENDPOINT_ERROR", faultDetails(this.srcCtx(source.globusPath), "Not a regular file or directory"), true);
    }
  }

  private async walk(root: DirWork, pool: Pool, dirs: DirWork[]): Promise<void> {
    const queue: DirWork[] = [root];
    for (let next = 0; next < queue.length; next++) {
      this.rec.checkpoint();
      const dir = queue[next];
      dirs.push(dir);
      let entries: Dirent[];
      try {
        entries = await readdir(dir.src, { withFileTypes: true });
      } catch (err) {
        this.sourceProblem(toFault(err, this.srcCtx(dir.gsrc), true), 0);
        continue;
      }
      if (this.plan.delete_destination_extra) await this.deleteExtras(dir, new Set(entries.map((e) => e.name)));
      for (const entry of entries) {
        const child: DirWork = { src: join(dir.src, entry.name), dst: join(dir.dst, entry.name), gsrc: joinGlobus(dir.gsrc, entry.name), gdst: joinGlobus(dir.gdst, entry.name) };
        if (entry.isDirectory()) {
          if (!this.filters.includes(entry.name, "dir")) continue;
          this.rec.addSubtasks(1);
          await this.ensureDirectory(child.dst, child.gdst, false);
          this.rec.doc.directories += 1;
          this.rec.subtaskSucceeded();
          queue.push(child);
        } else if (entry.isFile()) {
          if (!this.filters.includes(entry.name, "file")) continue;
          this.rec.addSubtasks(this.perFile);
          let st: Stats;
          try {
            st = await lstat(child.src);
          } catch (err) {
            this.sourceProblem(toFault(err, this.srcCtx(child.gsrc), true), this.perFile);
            continue;
          }
          this.rec.doc.files += 1;
          const job: FileJob = { src: child.src, dst: child.dst, srcStat: st, external_checksum: null, checksum_algorithm: null };
          await pool.submit(() => this.copy(job, child.gsrc, child.gdst));
        }
      }
    }
  }

  private async copy(job: FileJob, gsrc: string, gdst: string): Promise<void> {
    let outcome;
    try {
      outcome = await copyOne(job, this.policy);
    } catch (err) {
      if (!(err instanceof CopySideError)) throw err;
      const source = err.side === "source";
      const fault = toFault(err.cause, source ? this.srcCtx(gsrc) : this.dstCtx(gdst), source);
      return this.sourceProblem(fault, this.perFile);
    }
    const doc = this.rec.doc;
    if (outcome.copied) {
      doc.files_transferred += 1;
      doc.bytes_transferred += outcome.bytes;
    } else doc.files_skipped += 1;
    doc.bytes_checksummed += outcome.checksummed;
    this.rec.subtaskSucceeded(this.perFile);
    this.rec.checkpoint();
  }

  /** Entries on the destination with no counterpart in the source; names the filter excludes are left alone. */
  private async deleteExtras(dir: DirWork, sourceNames: Set<string>): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir.dst, { withFileTypes: true });
    } catch (err) {
      throw toFault(err, this.dstCtx(dir.gdst), false);
    }
    for (const entry of entries) {
      if (sourceNames.has(entry.name)) continue;
      if (!this.filters.includes(entry.name, entry.isDirectory() ? "dir" : "file")) continue;
      try {
        await rm(join(dir.dst, entry.name), { recursive: true, force: true });
      } catch (err) {
        throw toFault(err, this.dstCtx(joinGlobus(dir.gdst, entry.name)), false);
      }
    }
  }

  private async ensureDirectory(path: string, gpath: string, parents: boolean): Promise<void> {
    try {
      await mkdir(path, { recursive: parents });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw toFault(err, this.dstCtx(gpath), false);
    }
    const existing = await lstat(path);
    if (existing.isDirectory()) return;
    if (!this.plan.delete_destination_extra) {
      throw new TaskFault("ENDPOINT_ERROR", faultDetails(this.dstCtx(gpath), "Destination exists and is not a directory"));
    }
    await rm(path, { force: true });
    await mkdir(path);
  }

  private async resolveDestination(path: string): Promise<ResolvedPath> {
    try {
      return await this.ctx.collections.resolve(this.plan.destination_endpoint, path, { resource: RESOURCE, operation: OPERATION, followFinal: true });
    } catch (err) {
      throw toFault(err, this.dstCtx(path), false);
    }
  }

  /** Directory mtimes change while their contents are written, so they are set last, deepest first. */
  private async preserveDirTimes(dirs: DirWork[]): Promise<void> {
    for (let i = dirs.length - 1; i >= 0; i--) {
      const st = await stat(dirs[i].src).catch(() => null);
      if (st) await utimes(dirs[i].dst, st.atime, st.mtime).catch((err: unknown) => {
        throw toFault(err, this.dstCtx(dirs[i].gdst), false);
      });
    }
  }

  private sourceProblem(fault: TaskFault, subtasks: number): void {
    if (fault.skippable && this.plan.skip_source_errors) {
      this.rec.skipped(fault, subtasks);
      return;
    }
    throw fault;
  }

  private srcCtx(path: string): FaultContext {
    return { operation: OPERATION, endpoint: this.srcEndpoint, path };
  }

  private dstCtx(path: string): FaultContext {
    return { operation: OPERATION, endpoint: this.dstEndpoint, path };
  }
}

function joinGlobus(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

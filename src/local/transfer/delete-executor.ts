/**
 * Execution of a DELETE task. Each path (or each match of a glob in its last component
 * when interpret_globs is set) is one subtask; directories need `recursive`; a missing path
 * fails the task with FILE_NOT_FOUND unless ignore_missing (cli-submit_delete_failed.1.json
 * shows that failure counted as one file, one fault, one failed subtask). Symlinks are
 * removed themselves, never followed, and the collection root can never be deleted.
 */
import type { Stats } from "node:fs";
import { lstat, readdir, rm } from "node:fs/promises";
import type { LocalCollections, ResolvedPath } from "./collections.js";
import { faultDetails, TaskFault, toFault, type FaultContext } from "./faults.js";
import { globToRegExp, hasGlobMagic } from "./glob.js";
import type { TaskRecorder } from "./recorder.js";
import type { DeletePlan } from "./types.js";

const RESOURCE = "/delete";
const OPERATION = "delete";

export interface DeleteContext {
  collections: LocalCollections;
  recorder: TaskRecorder;
}

export async function executeDelete(plan: DeletePlan, ctx: DeleteContext): Promise<void> {
  const rec = ctx.recorder;
  const endpoint = { id: plan.endpoint, name: ctx.collections.displayName(plan.endpoint) };
  const faultCtx = (path: string): FaultContext => ({ operation: OPERATION, endpoint, path });

  for (const path of plan.paths) {
    rec.checkpoint();
    const targets = plan.interpret_globs ? await expandGlob(ctx.collections, plan.endpoint, path, faultCtx) : [path];
    if (targets.length === 0) {
      rec.addSubtasks(1);
      missing(path);
      continue;
    }
    for (const target of targets) {
      rec.addSubtasks(1);
      let resolved: ResolvedPath;
      let st: Stats;
      try {
        resolved = await ctx.collections.resolve(plan.endpoint, target, { resource: RESOURCE, operation: OPERATION, followFinal: false });
        st = await lstat(resolved.realPath);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") {
          missing(target);
          continue;
        }
        throw toFault(err, faultCtx(target), false);
      }
      if (resolved.globusPath === "/") throw new TaskFault("PERMISSION_DENIED", faultDetails(faultCtx(target), "The collection root cannot be deleted"));
      if (st.isDirectory()) {
        if (!plan.recursive) throw new TaskFault("IS_A_DIRECTORY", faultDetails(faultCtx(resolved.globusPath), "Path is a directory and the delete is not recursive"));
        const counts = await countTree(resolved.realPath).catch((err: unknown) => {
          throw toFault(err, faultCtx(resolved.globusPath), false);
        });
        await remove(resolved.realPath, true, faultCtx(resolved.globusPath));
        rec.doc.files += counts.files;
        rec.doc.directories += counts.directories;
      } else {
        await remove(resolved.realPath, false, faultCtx(resolved.globusPath));
        if (st.isSymbolicLink()) rec.doc.symlinks += 1;
        else rec.doc.files += 1;
      }
      rec.subtaskSucceeded();
    }
  }

  function missing(path: string): void {
    if (plan.ignore_missing) {
      rec.subtaskSucceeded();
      return;
    }
    rec.doc.files += 1;
    throw new TaskFault("FILE_NOT_FOUND", faultDetails(faultCtx(path), "No such file or directory"));
  }
}

async function remove(real: string, recursive: boolean, ctx: FaultContext): Promise<void> {
  try {
    await rm(real, { recursive, force: false });
  } catch (err) {
    throw toFault(err, ctx, false);
  }
}

/** Glob only in the last component, like Transfer's interpret_globs; matches come back as Globus paths. */
async function expandGlob(collections: LocalCollections, endpoint: string, path: string, faultCtx: (p: string) => FaultContext): Promise<string[]> {
  const trimmed = path.replace(/\/+$/, "");
  const slash = trimmed.lastIndexOf("/");
  const parent = slash >= 0 ? trimmed.slice(0, slash + 1) : "";
  const pattern = trimmed.slice(slash + 1);
  if (!hasGlobMagic(pattern)) return [path];
  let names: string[];
  try {
    const dir = await collections.resolve(endpoint, parent || "/~/", { resource: RESOURCE, operation: OPERATION, followFinal: true });
    names = await readdir(dir.realPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw toFault(err, faultCtx(path), false);
  }
  const re = globToRegExp(pattern);
  return names.filter((n) => re.test(n)).sort().map((n) => parent + n);
}

async function countTree(root: string): Promise<{ files: number; directories: number }> {
  let files = 0;
  let directories = 1;
  const stack = [root];
  while (stack.length) {
    const dir = stack.pop()!;
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        directories += 1;
        stack.push(`${dir}/${e.name}`);
      } else files += 1;
    }
  }
  return { files, directories };
}

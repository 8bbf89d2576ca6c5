/**
 * Filesystem entry → Transfer file document with every field present (fixtures list all
 * of them, `link_*` null for non-links). A symlink is described by its target (type, size,
 * times) with the link's own attributes in `link_*`, but only when the target stays inside
 * the collection; a dangling link or one leading out of the collection is an
 * "invalid_symlink" described by the link itself, so nothing outside the jail is revealed.
 */
import type { Stats } from "node:fs";
import { readlink, realpath, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { LocalCollections } from "./collections.js";
import { groupName, userName } from "./owners.js";
import { fileTimestamp } from "./time.js";
import type { FileEntry, FileType } from "./types.js";

export async function fileEntry(collections: LocalCollections, collectionId: string, name: string, path: string, lst: Stats): Promise<FileEntry> {
  if (!lst.isSymbolicLink()) return describe(name, typeOf(lst), lst, null);
  const rawTarget = await readlink(path).catch(() => "");
  try {
    const real = await realpath(path);
    const target = await collections.globusPathOf(collectionId, real);
    if (target !== null) return describe(name, typeOf(await stat(real)), await stat(real), { target, link: lst });
  } catch {
    // dangling or unreadable: reported as invalid_symlink below
  }
  // The raw target is a host path: show it only as a path of this collection (a dangling link
  // inside it); a link leading out of the collection shows no target at all.
  const lexical = rawTarget ? resolve(dirname(path), rawTarget) : "";
  const shown = lexical ? await collections.globusPathOf(collectionId, await realParent(lexical)).catch(() => null) : null;
  return describe(name, "invalid_symlink", lst, { target: shown, link: lst });
}

/** `p` with its existing ancestors resolved (so a dangling target under a symlinked root compares right). */
async function realParent(p: string): Promise<string> {
  const tail: string[] = [];
  let dir = p;
  for (;;) {
    try {
      return join(await realpath(dir), ...tail.reverse());
    } catch {
      const up = dirname(dir);
      if (up === dir) return p;
      tail.push(basename(dir));
      dir = up;
    }
  }
}

function describe(name: string, type: FileType, st: Stats, link: { target: string | null; link: Stats } | null): FileEntry {
  return {
    DATA_TYPE: "file",
    name,
    type,
    size: st.size,
    last_modified: fileTimestamp(st.mtime),
    permissions: (st.mode & 0o7777).toString(8).padStart(4, "0"),
    user: userName(st.uid),
    group: groupName(st.gid),
    link_target: link?.target ?? null,
    link_size: link ? link.link.size : null,
    link_user: link ? userName(link.link.uid) : null,
    link_group: link ? groupName(link.link.gid) : null,
    link_last_modified: link ? fileTimestamp(link.link.mtime) : null,
  };
}

function typeOf(st: Stats): FileType {
  if (st.isDirectory()) return "dir";
  if (st.isFile()) return "file";
  if (st.isCharacterDevice()) return "chr";
  if (st.isBlockDevice()) return "blk";
  if (st.isFIFO()) return "pipe";
  return "other";
}

/**
 * uid/gid → user/group names for file documents (Transfer shows names, e.g. "root",
 * "tutorial"). Read once from /etc/passwd and /etc/group; an unknown id is shown as its
 * number, which is also what `ls -l` does.
 */
import { readFileSync } from "node:fs";

let users: Map<number, string> | undefined;
let groups: Map<number, string> | undefined;

function parse(file: string): Map<number, string> {
  const out = new Map<number, string>();
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return out;
  }
  for (const line of text.split("\n")) {
    const [name, , id] = line.split(":");
    const n = Number(id);
    if (name && Number.isInteger(n) && !out.has(n)) out.set(n, name);
  }
  return out;
}

export function userName(uid: number): string {
  users ??= parse("/etc/passwd");
  return users.get(uid) ?? String(uid);
}

export function groupName(gid: number): string {
  groups ??= parse("/etc/group");
  return groups.get(gid) ?? String(gid);
}

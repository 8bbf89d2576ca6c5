/**
 * Where flowsmith keeps its optional caches (compiled validators, parsed YAML, clean-schema
 * markers), and what every cache shares: keys carry flowsmith's version (a new flowsmith
 * never reads an older one's entries), and a cache file is trusted only when this user owns
 * it and nobody else may write it (a shared FLOWSMITH_CACHE_DIR must not let another user
 * plant a parse or a validator). Sits beside errors.ts: every layer may import it.
 */
import { chmodSync, closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, type Stats } from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { packageVersion } from "./assets.js";

const require = createRequire(import.meta.url);

/** FLOWSMITH_CACHE_DIR, else $XDG_CACHE_HOME/flowsmith, else ~/.cache/flowsmith (created mode 0700). */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLOWSMITH_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "flowsmith");
}

let version: string | undefined;
/** The flowsmith part of every cache key. */
export function cacheVersion(): string {
  if (version === undefined) {
    try {
      version = packageVersion();
    } catch {
      version = "unknown";
    }
  }
  return version;
}

const versions = new Map<string, string>();
/** An installed dependency's version, for the keys of caches of what it computes ("unknown" when unreadable). */
export function dependencyVersion(pkg: string): string {
  let v = versions.get(pkg);
  if (v === undefined) {
    try {
      v = (require(`${pkg}/package.json`) as { version: string }).version;
    } catch {
      v = "unknown";
    }
    versions.set(pkg, v);
  }
  return v;
}

/**
 * Write a cache file whole or not at all, private to this user (directory 0700, file 0600,
 * whatever the umask), so readTrustedCacheFile trusts it; false when it cannot be written
 * (a read-only home): a cache only costs the next command the work it would have saved.
 */
export function writeCacheFile(file: string, text: string): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, text, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
    return true;
  } catch {
    return false;
  }
}

function trusted(st: Stats): boolean {
  const uid = process.getuid?.();
  return st.isFile() && (uid === undefined || st.uid === uid) && (st.mode & 0o022) === 0;
}

/** Whether a cache file exists (not through a symlink) and is this user's alone to write. */
export function trustedCacheFile(file: string): boolean {
  try {
    return trusted(lstatSync(file));
  } catch {
    return false;
  }
}

/**
 * A cache file's text when it is trusted (trustedCacheFile); undefined otherwise. Checked on
 * the open descriptor (no symlink followed), so the file read is the file checked.
 */
export function readTrustedCacheFile(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    return trusted(fstatSync(fd)) ? readFileSync(fd, "utf8") : undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Whether JSON carries a value exactly (finite numbers, plain objects and arrays): only such values are cached or keyed. */
export function jsonExact(v: unknown): boolean {
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(jsonExact);
  if (typeof v === "object") {
    const proto = Object.getPrototypeOf(v);
    return (proto === Object.prototype || proto === null) && Object.values(v as object).every(jsonExact);
  }
  return false;
}

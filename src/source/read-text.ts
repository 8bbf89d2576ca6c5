/**
 * Reading a user's file defensively. Commands are pointed at paths by people and scripts,
 * so `/dev/zero`, a FIFO, a socket or a multi-gigabyte file must be refused before any
 * bytes are read (readFileSync of /dev/zero grows a buffer until the process aborts; a FIFO
 * blocks forever). Text must be valid UTF-8: a stray Latin-1 byte would otherwise become
 * U+FFFD in a path or a function argument without a word.
 */
import { isUtf8 } from "node:buffer";
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";

/** 16 MiB, the local runtime's request body limit; FLOWSMITH_MAX_FILE_BYTES overrides it. */
export const DEFAULT_MAX_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Flow sources may be larger than documents: `flowsmith import` writes ~5 bytes of flow
 * for each byte of definition (a 60,000-state definition of 3.4 MB is a 16 MB flow).
 */
export const FLOW_SOURCE_FACTOR = 8;

export function maxFileBytes(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.FLOWSMITH_MAX_FILE_BYTES);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : DEFAULT_MAX_FILE_BYTES;
}

export type ReadTextResult =
  | { ok: true; text: string }
  | { ok: false; message: string; hint: string; line?: number; column?: number };

function kindOf(st: Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

const MiB = (n: number) => `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;

export function readTextFile(file: string, opts: { maxBytes?: number } = {}): ReadTextResult {
  const read = readUtf8File(file, opts);
  return read.ok ? { ok: true, text: decoder.decode(read.bytes) } : read;
}

export type ReadBytesResult = { ok: true; bytes: Buffer } | Exclude<ReadTextResult, { ok: true }>;

/**
 * The bytes of a file readTextFile would read, checked to be UTF-8 but not decoded (a
 * caller that hashes or hands them on needs no string of a big file).
 */
export function readUtf8File(file: string, opts: { maxBytes?: number; limit?: { of: string; hint: string } } = {}): ReadBytesResult {
  const max = opts.maxBytes ?? maxFileBytes();
  const of = opts.limit?.of ?? "documents";
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer would otherwise block before fstat can refuse it.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : code === "EACCES" ? "permission denied" : (e as Error).message;
    return { ok: false, message: `cannot read (${why})`, hint: "check the path" };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, message: `cannot read: it is ${kindOf(st)}, not a regular file`, hint: "pass a JSON or YAML file" };
    if (st.size > max) return { ok: false, message: `is ${MiB(st.size)}, over the ${MiB(max)} limit for ${of}`, hint: opts.limit?.hint ?? "flowsmith reads definitions, schemas, inputs and flowsmith.yaml up to FLOWSMITH_MAX_FILE_BYTES (default 16 MiB)" };
    // Read at most max+1 bytes: a file that grows while it is read is still bounded.
    const buf = Buffer.alloc(Math.min(st.size, max) + 1);
    let n = 0;
    for (;;) {
      let got: number;
      try {
        got = readSync(fd, buf, n, buf.length - n, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EAGAIN") continue;
        throw e;
      }
      if (got === 0) break;
      n += got;
      if (n === buf.length) break;
    }
    if (n > max) return { ok: false, message: `is over the ${MiB(max)} limit for ${of}`, hint: opts.limit?.hint ?? "flowsmith reads documents up to FLOWSMITH_MAX_FILE_BYTES (default 16 MiB)" };
    const bytes = buf.subarray(0, n);
    if (isUtf8(bytes)) return { ok: true, bytes };
    const bad = decodeUtf8(bytes);
    return bad.ok ? { ok: true, bytes } : bad;
  } catch (e) {
    return { ok: false, message: `cannot read (${(e as Error).message})`, hint: "check the path" };
  } finally {
    closeSync(fd);
  }
}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Strict UTF-8; on failure the line and column (in characters) of the first bad byte. */
export function decodeUtf8(bytes: Uint8Array): ReadTextResult {
  try {
    return { ok: true, text: decoder.decode(bytes) };
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const before = new TextDecoder("utf-8").decode(bytes.subarray(0, bad));
    const lastNl = before.lastIndexOf("\n");
    const line = before.split("\n").length;
    const column = [...before.slice(lastNl + 1)].length + 1;
    return { ok: false, message: `invalid UTF-8 (byte 0x${bytes[bad]!.toString(16).padStart(2, "0")}) at line ${line}, column ${column}`, hint: "save the file as UTF-8", line, column };
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let need: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) [need, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [need, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = c & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return b.length;
}

/**
 * Writing a big JSON document (a built definition of 60,000 states is 17 MB of text)
 * without holding its whole text: byte for byte `JSON.stringify(value, null, 2) + "\n"`,
 * written a member at a time for the first levels of objects.
 */
import { closeSync, openSync, writeSync } from "node:fs";

/** Levels of plain objects written member by member (a definition's States are level 2). */
const STREAMED_LEVELS = 2;

export function writeJsonFile(file: string, value: unknown): void {
  const fd = openSync(file, "w");
  try {
    let pending = "";
    const put = (s: string) => {
      pending += s;
      if (pending.length >= 1 << 16) {
        writeSync(fd, pending);
        pending = "";
      }
    };
    writeValue(value, 0, put);
    put("\n");
    writeSync(fd, pending);
  } finally {
    closeSync(fd);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== "function";
}

/** Members JSON.stringify leaves out of an object. */
const omitted = (v: unknown) => v === undefined || typeof v === "function" || typeof v === "symbol";

function writeValue(value: unknown, level: number, put: (s: string) => void): void {
  const pad = "  ".repeat(level);
  if (level >= STREAMED_LEVELS || !isPlainObject(value)) {
    // A JSON text has no raw line breaks inside strings, so indenting every line is exact.
    const text = JSON.stringify(value, null, 2);
    put(level === 0 ? String(text) : text!.replace(/\n/g, "\n" + pad));
    return;
  }
  const keys = Object.keys(value).filter((k) => !omitted(value[k]));
  if (keys.length === 0) {
    put("{}");
    return;
  }
  put("{");
  keys.forEach((k, i) => {
    put(`${i ? "," : ""}\n${pad}  ${JSON.stringify(k)}: `);
    writeValue(value[k], level + 1, put);
  });
  put(`\n${pad}}`);
}

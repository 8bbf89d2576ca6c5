/**
 * Writing a text given as pieces (joined with "\n") without making the whole text: a flow
 * `flowsmith import` writes for 60,000 states is 15 MB, and each whole copy of it is one
 * more large string until the next full collection.
 */
import { closeSync, openSync, writeSync } from "node:fs";

export function writeLines(file: string, lines: readonly string[]): void {
  const fd = openSync(file, "w");
  try {
    let pending = "";
    lines.forEach((line, i) => {
      pending += i ? "\n" + line : line;
      if (pending.length >= 1 << 16) {
        writeSync(fd, pending);
        pending = "";
      }
    });
    if (pending) writeSync(fd, pending);
  } finally {
    closeSync(fd);
  }
}

/** Finding the project root: the nearest directory with flowsmith.yaml or a flows/ folder. */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export function findProjectRoot(start = process.cwd()): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, "flowsmith.yaml")) || existsSync(join(dir, "flows"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(start);
    dir = parent;
  }
}

/** Point FLOWSMITH_CACHE_DIR at a fresh temporary directory for each test of the file. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";

export function useTempCacheDir(): { readonly dir: string } {
  let saved: string | undefined;
  const state = { dir: "" };
  beforeEach(() => {
    saved = process.env.FLOWSMITH_CACHE_DIR;
    state.dir = mkdtempSync(join(tmpdir(), "flowsmith-cache-"));
    process.env.FLOWSMITH_CACHE_DIR = state.dir;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.FLOWSMITH_CACHE_DIR;
    else process.env.FLOWSMITH_CACHE_DIR = saved;
  });
  return state;
}

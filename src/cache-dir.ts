/**
 * Where flowsmith keeps its optional caches (compiled validators, parsed YAML): shared by
 * every layer, so it sits beside errors.ts. FLOWSMITH_CACHE_DIR, else
 * $XDG_CACHE_HOME/flowsmith, else ~/.cache/flowsmith (created mode 0700).
 */
import { homedir } from "node:os";
import { join } from "node:path";

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLOWSMITH_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "flowsmith");
}

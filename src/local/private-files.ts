/**
 * The local runtime's state is private to the user who runs it: on a shared login node the
 * data directory holds every run's inputs and results, tokens and the runtime's client
 * secret. Directories are 0700 and files 0600 whatever the umask says; chmod after create
 * because mkdir/open modes are filtered by the umask and an existing directory keeps its mode.
 */
import { chmodSync, existsSync, mkdirSync } from "node:fs";

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Create `dir` (and parents) and make `dir` itself 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Make existing files 0600 (missing ones are skipped: SQLite creates -wal/-shm lazily). */
export function makePrivate(...files: string[]): void {
  for (const f of files) {
    try {
      if (existsSync(f)) chmodSync(f, PRIVATE_FILE_MODE);
    } catch {
      // A file removed between the check and the chmod needs no protection.
    }
  }
}

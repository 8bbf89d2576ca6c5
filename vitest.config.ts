import { mkdtempSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two test files per core: much of the suite waits on the CLI processes, runtimes and
    // Python workers it starts, so one file per core (vitest's default is cores - 1: a single
    // worker on a 2-core machine) leaves the CPU idle half the time.
    maxWorkers: Math.max(2, availableParallelism() * 2),
    minWorkers: 1,
    // The test retry policy for every test and every CLI process a test starts: real retries,
    // millisecond backoff (src/globus/retry.ts), so a lost runtime costs milliseconds, not the
    // production policy's seconds of backoff.
    // And a cache directory of its own per run, so no test reads what an earlier run (or the
    // developer's own commands) left in ~/.cache/flowsmith.
    env: { FLOWSMITH_RETRY_BASE_MS: "1", FLOWSMITH_RETRY_MAX_MS: "20", FLOWSMITH_CACHE_DIR: mkdtempSync(join(tmpdir(), "flowsmith-test-cache-")) },
  },
});

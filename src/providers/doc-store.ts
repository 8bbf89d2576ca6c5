/**
 * The durable document store the local action providers and services keep their state in.
 * Declared here, below the local runtime, so providers do not import the emulator; the
 * SQLite implementation is src/local/store.ts (SqliteStore), tests use an in-memory one.
 */
export interface DocStore {
  get<T>(kind: string, id: string): T | undefined;
  put<T>(kind: string, id: string, value: T): void;
  delete(kind: string, id: string): void;
  /** All documents of a kind, oldest first (insertion order). */
  list<T>(kind: string): T[];
  /** Documents of a kind whose indexed `key` equals `value`. */
  find<T>(kind: string, key: string, value: string): T[];
  /**
   * Documents of a kind in the order of a top-level field (`orderBy`), optionally only those
   * whose top-level fields equal one of the given values; lazy, so a caller that needs one
   * page stops after it. Backed by indexes for the fields the services query (run lists).
   */
  scan<T>(kind: string, opts: ScanOptions): Iterable<T>;
  /** Index a document under (key, value) for `find`. */
  index(kind: string, id: string, key: string, value: string): void;
  appendLog(stream: string, entry: unknown): number;
  /** Entries after `after` (an entry number), up to `limit`. */
  readLog<T>(stream: string, after: number, limit: number, reverse?: boolean): { seq: number; entry: T }[];
  countLog(stream: string): number;
  /** Run fn atomically; nested calls join the outer transaction. */
  transaction<R>(fn: () => R): R;
  close(): void;
}

export interface ScanOptions {
  orderBy: string;
  desc?: boolean;
  where?: Record<string, readonly string[]>;
  /** Only documents whose companion of another kind (same id) has `field` containing `text` (case-insensitive). */
  contains?: { kind: string; field: string; text: string };
}

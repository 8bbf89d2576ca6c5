/**
 * Durable state of the local runtime: one SQLite file (better-sqlite3, WAL). Everything is
 * a JSON document keyed by (kind, id); run logs are an append-only table. Every state
 * transition of a run, a transfer task or a compute task is one transaction, so a SIGKILL
 * leaves either the old or the new state, never half of both.
 */
import Database from "better-sqlite3";
import { closeSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { ensurePrivateDir, makePrivate, PRIVATE_FILE_MODE } from "./private-files.js";

import type { DocStore, ScanOptions } from "../providers/doc-store.js";

export type { DocStore, ScanOptions };

export class SqliteStore implements DocStore {
  private readonly db: Database.Database;
  private readonly stmts;
  private checkpointTimer?: NodeJS.Timeout;

  constructor(file: string) {
    if (file !== ":memory:") {
      ensurePrivateDir(dirname(file));
      // SQLite gives the -wal and -shm files the database file's mode, so create it 0600 first.
      closeSync(openSync(file, "a", PRIVATE_FILE_MODE));
      makePrivate(file);
    }
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    if (file !== ":memory:") makePrivate(file, `${file}-wal`, `${file}-shm`);
    // NORMAL is durable against process crashes (SIGKILL) in WAL mode; only power loss can drop the last commits.
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
    // Checkpoint on a timer, not inside commits: an automatic checkpoint forces the file
    // to disk in the middle of whichever transaction crosses the threshold (p99 spikes).
    this.db.pragma("wal_autocheckpoint = 0");
    if (file !== ":memory:") {
      this.checkpointTimer = setInterval(() => {
        try {
          this.db.pragma("wal_checkpoint(PASSIVE)");
        } catch {
          // A busy database skips one checkpoint; the next tick tries again.
        }
      }, 1000);
      this.checkpointTimer.unref();
    }
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS docs (kind TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (kind, id));
      CREATE INDEX IF NOT EXISTS docs_seq ON docs (kind, seq);
      -- Run lists (GET /runs, newest first, by flow or status) and recovery (ACTIVE runs) read
      -- runs through these expression indexes instead of scanning every run (see scan()).
      CREATE INDEX IF NOT EXISTS docs_started ON docs (kind, json_extract(json, '$.started_at'));
      CREATE INDEX IF NOT EXISTS docs_status_started ON docs (kind, json_extract(json, '$.status'), json_extract(json, '$.started_at'));
      CREATE INDEX IF NOT EXISTS docs_flow_started ON docs (kind, json_extract(json, '$.flow_id'), json_extract(json, '$.started_at'));
      CREATE TABLE IF NOT EXISTS doc_index (kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (kind, key, value, id));
      CREATE TABLE IF NOT EXISTS logs (stream TEXT NOT NULL, seq INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (stream, seq));
      CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    `);
    this.stmts = {
      get: this.db.prepare("SELECT json FROM docs WHERE kind = ? AND id = ?"),
      insert: this.db.prepare(
        "INSERT INTO docs (kind, id, seq, json) VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM docs WHERE kind = ?), ?) ON CONFLICT (kind, id) DO UPDATE SET json = excluded.json",
      ),
      del: this.db.prepare("DELETE FROM docs WHERE kind = ? AND id = ?"),
      delIndex: this.db.prepare("DELETE FROM doc_index WHERE kind = ? AND id = ?"),
      list: this.db.prepare("SELECT json FROM docs WHERE kind = ? ORDER BY seq"),
      find: this.db.prepare("SELECT d.json FROM doc_index i JOIN docs d ON d.kind = i.kind AND d.id = i.id WHERE i.kind = ? AND i.key = ? AND i.value = ? ORDER BY d.seq"),
      index: this.db.prepare("INSERT OR IGNORE INTO doc_index (kind, key, value, id) VALUES (?, ?, ?, ?)"),
      append: this.db.prepare("INSERT INTO logs (stream, seq, json) VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM logs WHERE stream = ?), ?) RETURNING seq"),
      readFwd: this.db.prepare("SELECT seq, json FROM logs WHERE stream = ? AND seq > ? ORDER BY seq LIMIT ?"),
      readRev: this.db.prepare("SELECT seq, json FROM logs WHERE stream = ? AND seq < ? ORDER BY seq DESC LIMIT ?"),
      count: this.db.prepare("SELECT COUNT(*) AS n FROM logs WHERE stream = ?"),
    };
  }

  get<T>(kind: string, id: string): T | undefined {
    const row = this.stmts.get.get(kind, id) as { json: string } | undefined;
    return row ? (JSON.parse(row.json) as T) : undefined;
  }

  put<T>(kind: string, id: string, value: T): void {
    this.stmts.insert.run(kind, id, kind, JSON.stringify(value));
  }

  delete(kind: string, id: string): void {
    this.transaction(() => {
      this.stmts.del.run(kind, id);
      this.stmts.delIndex.run(kind, id);
    });
  }

  list<T>(kind: string): T[] {
    return (this.stmts.list.all(kind) as { json: string }[]).map((r) => JSON.parse(r.json) as T);
  }

  private readonly scans = new Map<string, Database.Statement>();

  *scan<T>(kind: string, opts: ScanOptions): Iterable<T> {
    const field = (f: string, table = "docs") => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(f)) throw new Error(`scan: bad field name ${JSON.stringify(f)}`);
      return table === "docs" ? `json_extract(json, '$.${f}')` : `json_extract(${table}.json, '$.${f}')`;
    };
    const where = Object.entries(opts.where ?? {});
    if (where.some(([, vs]) => vs.length === 0)) return;
    const c = opts.contains;
    const contains = c ? ` AND EXISTS (SELECT 1 FROM docs m WHERE m.kind = ? AND m.id = docs.id AND instr(lower(${field(c.field, "m")}), lower(?)) > 0)` : "";
    const sql = `SELECT json FROM docs WHERE kind = ?${where.map(([f, vs]) => ` AND ${field(f)} IN (${vs.map(() => "?").join(", ")})`).join("")}${contains} ORDER BY ${field(opts.orderBy)} ${opts.desc ? "DESC" : "ASC"} LIMIT ? OFFSET ?`;
    let stmt = this.scans.get(sql);
    if (!stmt) this.scans.set(sql, (stmt = this.db.prepare(sql)));
    // In batches, not with iterate(): the caller reads other documents between rows, which an
    // open iterator would forbid on this connection.
    const params = [kind, ...where.flatMap(([, vs]) => vs), ...(c ? [c.kind, c.text] : [])];
    for (let offset = 0, batch = 32; ; offset += batch, batch = Math.min(batch * 2, 512)) {
      const rows = stmt.all(...params, batch, offset) as { json: string }[];
      for (const row of rows) yield JSON.parse(row.json) as T;
      if (rows.length < batch) return;
    }
  }

  find<T>(kind: string, key: string, value: string): T[] {
    return (this.stmts.find.all(kind, key, value) as { json: string }[]).map((r) => JSON.parse(r.json) as T);
  }

  index(kind: string, id: string, key: string, value: string): void {
    this.stmts.index.run(kind, key, value, id);
  }

  appendLog(stream: string, entry: unknown): number {
    return (this.stmts.append.get(stream, stream, JSON.stringify(entry)) as { seq: number }).seq;
  }

  readLog<T>(stream: string, after: number, limit: number, reverse = false): { seq: number; entry: T }[] {
    const rows = (reverse ? this.stmts.readRev.all(stream, after <= 0 ? Number.MAX_SAFE_INTEGER : after, limit) : this.stmts.readFwd.all(stream, after, limit)) as { seq: number; json: string }[];
    return rows.map((r) => ({ seq: r.seq, entry: JSON.parse(r.json) as T }));
  }

  countLog(stream: string): number {
    return (this.stmts.count.get(stream) as { n: number }).n;
  }

  transaction<R>(fn: () => R): R {
    if (this.db.inTransaction) return fn();
    return this.db.transaction(fn)();
  }

  close(): void {
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    if (this.db.open) this.db.pragma("wal_checkpoint(TRUNCATE)");
    this.db.close();
  }
}

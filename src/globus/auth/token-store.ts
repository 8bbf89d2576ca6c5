/**
 * A user's tokens for one environment: a JSON file of mode 0600 (default
 * `<project>/.flowsmith/tokens/<env>.json`), written atomically (a 0600 temp file renamed
 * over the old one), holding the access token per resource server with its expiry, the
 * refresh tokens, the scopes asked for and the identity they belong to.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { AuthError } from "./types.js";
import { loginCommand } from "./errors.js";

export interface StoredToken {
  resource_server: string;
  access_token: string;
  /** Scopes the token carries (as Auth listed them). */
  scopes: string[];
  /** Epoch milliseconds. */
  expires_at: number;
  refresh_token?: string;
}

export interface StoredIdentity {
  /** The identity id (`sub`). */
  id: string;
  username: string;
  name?: string;
  email?: string;
}

export interface StoredLogin {
  version: 1;
  /** flowsmith environment name. */
  environment: string;
  auth_url: string;
  /** The native app client the tokens were issued to (refreshes and revocations use it). */
  client_id: string;
  identity?: StoredIdentity;
  /** Every scope asked for at login, as full strings (dependencies included). */
  requested_scopes: string[];
  tokens: Record<string, StoredToken>;
  created_at: string;
  updated_at: string;
}

/** A login started but not finished: what `flowsmith login --code` needs to finish it. */
export interface PendingLogin {
  auth_url: string;
  client_id: string;
  verifier: string;
  state: string;
  redirect_uri: string;
  scopes: string[];
  created_at: string;
}

/** Write `data` to `file` so that it is either the old or the whole new content, never partial, and never readable by others. */
export function writeFileAtomic(file: string, data: string, mode = 0o600): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, "wx", mode);
    chmodSync(tmp, mode); // the umask can only remove bits; make the mode exact
    writeSync(fd, data);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function tokenDir(root: string): string {
  return join(root, ".flowsmith", "tokens");
}

export class TokenStore {
  constructor(
    readonly file: string,
    /** The environment name the file belongs to (for messages and the fix command). */
    readonly environment: string = basename(file).replace(/\.json$/, ""),
  ) {}

  /** `<root>/.flowsmith/tokens/<env>.json` */
  static forEnvironment(root: string, environment: string): TokenStore {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(environment)) throw new AuthError(`invalid environment name ${JSON.stringify(environment)}`);
    return new TokenStore(join(tokenDir(root), `${environment}.json`), environment);
  }

  get pendingFile(): string {
    return this.file.replace(/\.json$/, "") + ".pending.json";
  }

  exists(): boolean {
    return existsSync(this.file);
  }

  read(): StoredLogin | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new AuthError(`cannot read the token file ${this.file}: ${(e as NodeJS.ErrnoException).code ?? "error"}`, loginCommand(this.environment));
    }
    try {
      const v = JSON.parse(text) as StoredLogin;
      if (v.version !== 1 || typeof v.tokens !== "object" || v.tokens === null) throw new Error("unexpected shape");
      return v;
    } catch {
      throw new AuthError(`the token file ${this.file} is damaged`, loginCommand(this.environment));
    }
  }

  write(login: StoredLogin): void {
    this.ensureIgnored();
    writeFileAtomic(this.file, JSON.stringify({ ...login, updated_at: new Date().toISOString() }, null, 2) + "\n");
  }

  /** Read, change and write back (nothing happens when there is no file). */
  update(fn: (login: StoredLogin) => StoredLogin | void): StoredLogin | undefined {
    const cur = this.read();
    if (!cur) return undefined;
    const next = fn(cur) ?? cur;
    this.write(next);
    return next;
  }

  /** Remove the token file (and any pending login); true if there was one. */
  delete(): boolean {
    const had = existsSync(this.file);
    rmSync(this.file, { force: true });
    rmSync(this.pendingFile, { force: true });
    return had;
  }

  readPending(): PendingLogin | undefined {
    try {
      return JSON.parse(readFileSync(this.pendingFile, "utf8")) as PendingLogin;
    } catch {
      return undefined;
    }
  }

  writePending(p: PendingLogin): void {
    this.ensureIgnored();
    writeFileAtomic(this.pendingFile, JSON.stringify(p, null, 2) + "\n");
  }

  deletePending(): void {
    rmSync(this.pendingFile, { force: true });
  }

  /** A .gitignore of `*` in the token directory so tokens are never committed. */
  private ensureIgnored(): void {
    const dir = dirname(this.file);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const ig = join(dir, ".gitignore");
    if (!existsSync(ig)) writeFileSync(ig, "# flowsmith login tokens: never commit\n*\n");
  }
}

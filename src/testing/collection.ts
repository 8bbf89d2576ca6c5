/**
 * A local collection of a test environment: a temporary directory served by local
 * Transfer under the collection's UUID. Paths are collection paths ("/run001/notes.txt");
 * `hostPath` turns one into the directory on this machine.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

export class TestCollection {
  constructor(
    /** The logical name in flowsmith.yaml. */
    readonly name: string,
    /** The collection UUID flows are given. */
    readonly id: string,
    /** Its root directory on this machine. */
    readonly root: string,
  ) {}

  /** The host path of a collection path; refuses paths that leave the collection. */
  hostPath(path = "/"): string {
    const p = resolve(this.root, "." + (path.startsWith("/") ? path : `/${path}`));
    if (p !== this.root && !p.startsWith(this.root + sep)) throw new Error(`${path} is outside collection ${this.name}`);
    return p;
  }

  exists(path: string): boolean {
    return existsSync(this.hostPath(path));
  }

  read(path: string): string {
    return readFileSync(this.hostPath(path), "utf8");
  }

  readJson<T = unknown>(path: string): T {
    return JSON.parse(this.read(path)) as T;
  }

  write(path: string, content: string | Uint8Array): string {
    const p = this.hostPath(path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
    return p;
  }

  /** Copy a directory of this machine into the collection (e.g. a sample run); returns its host path. */
  copyIn(hostDir: string, path: string): string {
    const p = this.hostPath(path);
    mkdirSync(dirname(p), { recursive: true });
    cpSync(hostDir, p, { recursive: true });
    return p;
  }

  /** Every file under a collection path, as collection-relative paths ("run001/notes.txt"), sorted. */
  list(path = "/"): string[] {
    const start = this.hostPath(path);
    if (!existsSync(start)) return [];
    const out: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else out.push(relative(start, p).split(sep).join("/"));
      }
    };
    if (statSync(start).isDirectory()) walk(start);
    else out.push(relative(dirname(start), start));
    return out.sort();
  }
}

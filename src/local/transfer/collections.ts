/**
 * Local collections: directories declared by configuration, addressed with Globus paths.
 * Every path the service touches goes through `resolve`, which is the jail: a Globus path
 * is always relative to the collection root (`/`, `/~/`, `~` and relative paths all start
 * at the root, which doubles as the home directory), `..` may not climb above the root,
 * and no symlink may lead outside it.
 *
 * Errors, chosen after real Transfer:
 * - unknown collection: 404 "ClientError.NotFound" (SDK-JS DirectoryListingError codes);
 * - a malformed path (NUL, CR/LF, not a string): 400 "ClientError.BadRequest";
 * - `..` above the root or a symlink leaving it: 403 "EndpointPermissionDenied", the code
 *   and "Path not allowed" wording of fixtures/transfer/sdk-operation_stat.permission_denied.json.
 *   Real collections normalise the path and then refuse it as outside the shared/allowed
 *   paths, so this is a permission failure of the endpoint, not a malformed request.
 */
import { realpath } from "node:fs/promises";
import { dirname, join, relative, sep, isAbsolute, resolve as resolvePath } from "node:path";
import { TransferApiError, badRequest, endpointMessage } from "./errors.js";

export { TransferApiError } from "./errors.js";

export interface CollectionSpec {
  root: string;
  display_name?: string;
  /** Transfer entity_type (collection_info, GET /endpoint/{id}); default GCSv5_mapped_collection. */
  entity_type?: string;
  /** Owner identity URN; when set, other identities need an access rule (acl.ts). */
  owner?: string;
}

export type CollectionConfig = ReadonlyMap<string, CollectionSpec>;

export interface ResolvedPath {
  collectionId: string;
  /** Normalised Globus path: "/" or "/a/b" (no trailing slash). */
  globusPath: string;
  /** Absolute filesystem path inside the collection root. */
  realPath: string;
}

export interface ResolveOptions {
  /** Transfer resource named in errors, e.g. "/operation/endpoint/<id>/ls". */
  resource: string;
  /** Transfer's name for the operation in endpoint errors: "list", "mkdir", "transfer"... */
  operation: string;
  /**
   * Resolve a symlink in the last component (true: operate on the target, e.g. copy or
   * list) or keep it (false: operate on the link itself, e.g. delete or stat of an entry).
   */
  followFinal: boolean;
}

const HOME_PREFIXES = ["/~/", "~/"];

export class LocalCollections {
  private readonly specs: Map<string, CollectionSpec>;
  private readonly realRoots = new Map<string, Promise<string>>();

  constructor(config: CollectionConfig | Record<string, CollectionSpec>) {
    this.specs = new Map(config instanceof Map ? config : Object.entries(config));
  }

  has(id: string): boolean {
    return this.specs.has(id);
  }

  spec(id: string): CollectionSpec | undefined {
    return this.specs.get(id);
  }

  ids(): string[] {
    return [...this.specs.keys()];
  }

  displayName(id: string): string {
    return this.specs.get(id)?.display_name ?? id;
  }

  /** Throws the 404 Transfer answers for an unknown endpoint/collection. */
  require(id: unknown, resource: string, code = "ClientError.NotFound"): string {
    if (typeof id !== "string" || !this.specs.has(id)) {
      throw new TransferApiError(404, code, `No such collection '${String(id)}'`, resource);
    }
    return id;
  }

  /** The collection root with its own symlinks resolved, so containment checks compare like with like. */
  async realRoot(id: string): Promise<string> {
    let root = this.realRoots.get(id);
    if (!root) {
      const spec = this.specs.get(id);
      if (!spec) throw new TransferApiError(404, "ClientError.NotFound", `No such collection '${id}'`, "/");
      root = realpath(resolvePath(spec.root));
      this.realRoots.set(id, root);
      // A root created after the first lookup must be found on the next one.
      root.catch(() => this.realRoots.delete(id));
    }
    try {
      return await root;
    } catch {
      throw new TransferApiError(502, "EndpointError", `Collection root of '${id}' is not accessible`, "/");
    }
  }

  /** Map a Globus path to a real path inside the collection, refusing escapes. */
  async resolve(id: string, path: unknown, opts: ResolveOptions): Promise<ResolvedPath> {
    this.require(id, opts.resource);
    const segments = this.segments(id, path, opts);
    const root = await this.realRoot(id);
    const lexical = segments.length ? join(root, ...segments) : root;
    const globusPath = "/" + segments.join("/");
    if (segments.length === 0) return { collectionId: id, globusPath, realPath: root };
    const target = opts.followFinal ? lexical : dirname(lexical);
    const real = await realpathOfDeepestAncestor(target);
    if (!inside(root, real)) throw this.denied(id, globusPath, opts);
    const realPath = opts.followFinal ? real : join(real, segments[segments.length - 1]);
    return { collectionId: id, globusPath, realPath };
  }

  /** Globus path of a real path known to be inside the root (for link targets). */
  async globusPathOf(id: string, real: string): Promise<string | null> {
    const root = await this.realRoot(id);
    if (!inside(root, real)) return null;
    const rel = relative(root, real);
    return rel ? "/" + rel.split(sep).join("/") : "/";
  }

  async contains(id: string, real: string): Promise<boolean> {
    return inside(await this.realRoot(id), real);
  }

  denied(id: string, globusPath: string, opts: Pick<ResolveOptions, "resource" | "operation">): TransferApiError {
    const message = endpointMessage("Denied by endpoint", opts.operation, { id, name: this.displayName(id) }, `Path not allowed: ${globusPath}`);
    return new TransferApiError(403, "EndpointPermissionDenied", message, opts.resource, true);
  }

  private segments(id: string, path: unknown, opts: ResolveOptions): string[] {
    if (path === undefined || path === null) path = "/~/";
    if (typeof path !== "string") throw badRequest(opts.resource, "path must be a string");
    if (path.includes("\0") || path.includes("\r") || path.includes("\n")) {
      throw badRequest(opts.resource, `Invalid path ${JSON.stringify(path)}: NUL, CR and LF are not allowed`);
    }
    let rest = path;
    if (rest === "~" || rest === "/~") rest = "";
    for (const prefix of HOME_PREFIXES) if (rest.startsWith(prefix)) rest = rest.slice(prefix.length);
    const out: string[] = [];
    for (const seg of rest.split("/")) {
      if (seg === "" || seg === ".") continue;
      if (seg === "..") {
        if (out.length === 0) throw this.denied(id, path, opts);
        out.pop();
        continue;
      }
      out.push(seg);
    }
    return out;
  }
}

function inside(root: string, real: string): boolean {
  if (real === root) return true;
  const rel = relative(root, real);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/**
 * realpath of the longest existing prefix, with the missing tail appended: destinations and
 * mkdir targets do not exist yet, but a symlinked ancestor must still be caught.
 */
async function realpathOfDeepestAncestor(p: string): Promise<string> {
  const tail: string[] = [];
  let cur = p;
  for (;;) {
    try {
      const real = await realpath(cur);
      return tail.length ? join(real, ...tail.reverse()) : real;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") throw err;
      const parent = dirname(cur);
      if (parent === cur) throw err;
      tail.push(cur.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
      cur = parent;
    }
  }
}

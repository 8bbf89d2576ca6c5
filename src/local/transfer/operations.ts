/**
 * The synchronous file operations: ls, stat, mkdir. Shapes follow the fixtures
 * (cli-ls_results.*.json, sdk-operation_stat.*.json, sdk-operation_mkdir.default.json);
 * error choices, each with `endpointError` set because the request itself was valid:
 * - missing path (ls, stat): 404 "NotFound", fixture sdk-operation_stat.not_found.json;
 * - permission: 403 "EndpointPermissionDenied", fixture sdk-operation_stat.permission_denied.json;
 * - ls of a file: 502 "ExternalError.DirListingFailed.NotDirectory";
 * - mkdir of an existing path: 502 "ExternalError.MkdirFailed.Exists" (the code clients
 *   such as globus-cli users, parsl/proxystore and others test for, always with 502);
 *   permission: 403 "ExternalError.MkdirFailed.PermissionDenied"; missing parent: 502
 *   "ExternalError.MkdirFailed" (Transfer's mkdir is not recursive).
 * The `resource` omits the /v0.10 prefix, as the real captures do (AP mkdir status,
 * cli-submit_delete_*), unlike the SDK's hand-written fixtures.
 */
import type { Stats } from "node:fs";
import { lstat, mkdir, readdir, stat } from "node:fs/promises";
import { basename } from "node:path";
import type { LocalCollections, ResolvedPath } from "./collections.js";
import { badRequest, endpointMessage, newRequestId, TransferApiError } from "./errors.js";
import { fileEntry } from "./file-entry.js";
import { parseFilter, parseOrderBy } from "./ls-query.js";
import type { FileEntry, FileListDocument, ResultDocument } from "./types.js";

export interface LsOptions {
  /** Defaults to true, as in the Transfer API (the CLI sends show_hidden=0 explicitly). */
  show_hidden?: boolean;
  limit?: number;
  offset?: number;
  orderby?: string;
  filter?: string;
}

/** Transfer's maximum (and default) page size for directory listings. */
const MAX_LS_LIMIT = 100_000;

export class FileOperations {
  constructor(private readonly collections: LocalCollections) {}

  async ls(collectionId: string, path: string | undefined, opts: LsOptions = {}): Promise<FileListDocument> {
    const resource = `/operation/endpoint/${collectionId}/ls`;
    const limit = pageNumber(opts.limit, MAX_LS_LIMIT, resource, "limit");
    const offset = pageNumber(opts.offset, 0, resource, "offset");
    const predicate = parseFilter(opts.filter, resource);
    const compare = parseOrderBy(opts.orderby, resource);
    const dir = await this.collections.resolve(collectionId, path, { resource, operation: "list", followFinal: true });
    const st = await this.statOrThrow(dir, path, resource, "list");
    if (!st.isDirectory()) {
      throw this.endpointError(502, "ExternalError.DirListingFailed.NotDirectory", "Directory listing failed", dir, resource, "list", `Not a directory: ${dir.globusPath}`);
    }
    const names = await readdir(dir.realPath).catch((err: unknown) => {
      throw this.errnoError(err, dir, resource, "list");
    });
    const entries: FileEntry[] = [];
    for (const name of names) {
      if (opts.show_hidden === false && name.startsWith(".")) continue;
      const full = `${dir.realPath}/${name}`;
      const lst = await lstat(full).catch(() => null);
      // An entry removed between readdir and lstat is simply not listed.
      if (!lst) continue;
      const entry = await fileEntry(this.collections, collectionId, name, full, lst);
      if (predicate(entry)) entries.push(entry);
    }
    entries.sort(compare);
    const page = entries.slice(offset, offset + Math.min(limit, MAX_LS_LIMIT));
    return {
      DATA_TYPE: "file_list",
      DATA: page,
      endpoint: collectionId,
      path: echoPath(path, dir),
      absolute_path: null,
      length: page.length,
      total: entries.length,
      // The local service implements neither the rename nor the symlink operation.
      rename_supported: false,
      symlink_supported: false,
    };
  }

  async stat(collectionId: string, path: string | undefined): Promise<FileEntry> {
    const resource = `/operation/endpoint/${collectionId}/stat`;
    const target = await this.collections.resolve(collectionId, path, { resource, operation: "list", followFinal: false });
    const lst = await this.statOrThrow(target, path, resource, "list", lstat);
    const name = target.globusPath === "/" ? "/" : basename(target.globusPath);
    return fileEntry(this.collections, collectionId, name, target.realPath, lst);
  }

  async mkdir(collectionId: string, path: string | undefined): Promise<ResultDocument> {
    const resource = `/operation/endpoint/${collectionId}/mkdir`;
    if (path === undefined || path === null) throw badRequest(resource, "path is required");
    const target = await this.collections.resolve(collectionId, path, { resource, operation: "mkdir", followFinal: false });
    try {
      await mkdir(target.realPath);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EEXIST") {
        throw this.endpointError(502, "ExternalError.MkdirFailed.Exists", "Path already exists", target, resource, "mkdir", `mkdir: ${target.globusPath}: File exists`);
      }
      if (code === "EACCES" || code === "EPERM") {
        throw this.endpointError(403, "ExternalError.MkdirFailed.PermissionDenied", "Permission denied", target, resource, "mkdir", `mkdir: ${target.globusPath}: Permission denied`);
      }
      throw this.endpointError(502, "ExternalError.MkdirFailed", "Directory creation failed", target, resource, "mkdir", `mkdir: ${target.globusPath}: ${code === "ENOENT" ? "No such file or directory" : (err as Error).message}`);
    }
    return { DATA_TYPE: "mkdir_result", code: "DirectoryCreated", message: "The directory was created successfully", request_id: newRequestId(), resource };
  }

  private async statOrThrow(p: ResolvedPath, requested: string | undefined, resource: string, operation: string, fn: (path: string) => Promise<Stats> = stat): Promise<Stats> {
    try {
      return await fn(p.realPath);
    } catch (err) {
      throw this.errnoError(err, p, resource, operation, requested);
    }
  }

  private errnoError(err: unknown, p: ResolvedPath, resource: string, operation: string, requested?: string): TransferApiError {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      return this.endpointError(404, "NotFound", "Path not found", p, resource, operation, `No such file or directory\n---\nDetails: Error: '${requested ?? p.globusPath}' not found`);
    }
    if (code === "EACCES" || code === "EPERM") {
      return this.endpointError(403, "EndpointPermissionDenied", "Denied by endpoint", p, resource, operation, `Permission denied: ${p.globusPath}`);
    }
    return this.endpointError(502, "EndpointError", "Endpoint error", p, resource, operation, (err as Error).message);
  }

  private endpointError(status: number, code: string, headline: string, p: ResolvedPath, resource: string, operation: string, detail: string): TransferApiError {
    const endpoint = { id: p.collectionId, name: this.collections.displayName(p.collectionId) };
    return new TransferApiError(status, code, endpointMessage(headline, operation, endpoint, detail), resource, true);
  }
}

/** The listing's `path` echoes the request, normalised with a trailing slash and keeping a home-relative "/~/" (cli-ls_results.6.json). */
function echoPath(requested: string | undefined, dir: ResolvedPath): string {
  const home = requested === undefined || requested === null || requested === "~" || /^\/?~(\/|$)/.test(requested) || !requested.startsWith("/");
  const rel = dir.globusPath === "/" ? "" : dir.globusPath.slice(1) + "/";
  return (home ? "/~/" : "/") + rel;
}

function pageNumber(v: number | undefined, dflt: number, resource: string, name: string): number {
  if (v === undefined || v === null) return dflt;
  if (!Number.isInteger(v) || v < 0) throw badRequest(resource, `${name} must be a non-negative integer`);
  return v;
}

import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LocalCollections, TransferApiError } from "../../../src/local/transfer/collections.js";
import { fixture } from "./helpers.js";

const ID = "33333333-3333-4333-8333-333333333333";
const opts = { resource: "/operation/endpoint/x/ls", operation: "list", followFinal: true };

let dir: string;
let root: string;
let outside: string;
let collections: LocalCollections;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "flowsmith-coll-"));
  root = join(dir, "root");
  outside = join(dir, "outside");
  mkdirSync(join(root, "a", "b"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, "secret"), "s");
  symlinkSync(outside, join(root, "out"));
  symlinkSync(join(root, "a"), join(root, "in"));
  symlinkSync(join(outside, "secret"), join(root, "a", "secret-link"));
  collections = new LocalCollections(new Map([[ID, { root, display_name: "Jail" }]]));
});

afterEach(() => rm(dir, { recursive: true, force: true }));

async function denied(path: string, o = opts): Promise<TransferApiError> {
  const err = await collections.resolve(ID, path, o).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransferApiError);
  return err as TransferApiError;
}

describe("LocalCollections.resolve", () => {
  it("maps /, /~/, ~ and relative paths onto the root (the root is the home)", async () => {
    for (const p of ["/", "/~/", "~", "~/", "", "."]) expect((await collections.resolve(ID, p, opts)).globusPath).toBe("/");
    expect((await collections.resolve(ID, "/~/a/b/", opts)).globusPath).toBe("/a/b");
    expect((await collections.resolve(ID, "a//./b", opts)).realPath).toBe(join(root, "a", "b"));
    expect((await collections.resolve(ID, "~/a", opts)).realPath).toBe(join(root, "a"));
  });

  it("treats absolute paths as collection-relative, never as host paths", async () => {
    const r = await collections.resolve(ID, "/etc/passwd", { ...opts, followFinal: false });
    expect(r.realPath).toBe(join(root, "etc", "passwd"));
  });

  it("allows .. inside the collection and refuses it above the root with 403 EndpointPermissionDenied", async () => {
    expect((await collections.resolve(ID, "/a/b/../..", opts)).globusPath).toBe("/");
    for (const p of ["/..", "../x", "/a/../../outside", "/~/../"]) {
      const err = await denied(p);
      expect(err.httpStatus).toBe(403);
      expect(err.code).toBe("EndpointPermissionDenied");
      expect(err.message).toContain("Path not allowed");
      expect(err.endpointError).toBe(true);
    }
  });

  it("refuses symlinks whose real target is outside the root, in any component", async () => {
    expect((await denied("/out")).code).toBe("EndpointPermissionDenied");
    expect((await denied("/out/secret")).code).toBe("EndpointPermissionDenied");
    expect((await denied("/out/not-yet-created")).code).toBe("EndpointPermissionDenied");
    expect((await denied("/a/secret-link")).code).toBe("EndpointPermissionDenied");
  });

  it("keeps a final symlink itself when followFinal is false (delete/stat of the link)", async () => {
    const r = await collections.resolve(ID, "/a/secret-link", { ...opts, followFinal: false });
    expect(r.realPath).toBe(join(root, "a", "secret-link"));
    expect((await denied("/out/secret", { ...opts, followFinal: false })).httpStatus).toBe(403);
  });

  it("follows symlinks that stay inside the root", async () => {
    expect((await collections.resolve(ID, "/in/b", opts)).realPath).toBe(join(root, "a", "b"));
  });

  it("rejects malformed paths with 400 ClientError.BadRequest", async () => {
    for (const p of ["a\0b", "a\nb", "a\r\nb", 42]) {
      const err = await collections.resolve(ID, p, opts).catch((e: TransferApiError) => e);
      expect(err).toMatchObject({ httpStatus: 400, code: "ClientError.BadRequest" });
    }
  });

  it("answers an unknown collection with 404 ClientError.NotFound", async () => {
    const err = await collections.resolve("nope", "/", opts).catch((e: TransferApiError) => e);
    expect(err).toMatchObject({ httpStatus: 404, code: "ClientError.NotFound" });
  });
});

describe("TransferApiError", () => {
  it("renders the Transfer error body (same fields as the real 403 response)", () => {
    const err = new TransferApiError(403, "EndpointPermissionDenied", "Denied", "/operation/endpoint/x/stat");
    const body = err.toJSON();
    expect(Object.keys(body).sort()).toEqual(Object.keys(fixture("sdk-operation_stat.permission_denied.json")).sort());
    expect(body.request_id).toMatch(/^[A-Za-z0-9]{9}$/);
    expect(JSON.parse(JSON.stringify(err))).toEqual(body);
  });
});

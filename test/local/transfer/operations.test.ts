import { chmodSync, existsSync, mkdirSync, statSync, symlinkSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TransferApiError } from "../../../src/local/transfer/errors.js";
import type { FileListDocument } from "../../../src/local/transfer/types.js";
import { expectShape, fixture, makeEnv, SRC, write, type Env } from "./helpers.js";

let env: Env;
beforeEach(() => {
  env = makeEnv();
  write(env.srcRoot, "share/godata/file1.txt", "abcd");
  write(env.srcRoot, "share/godata/file2.txt", "efgh");
  write(env.srcRoot, "share/godata/file3.txt", "ijkl");
  write(env.srcRoot, "home/.hidden", "h");
  mkdirSync(join(env.srcRoot, "mnt"));
  chmodSync(join(env.srcRoot, "share/godata/file1.txt"), 0o644);
  const t = new Date("2020-09-23T18:53:12Z");
  utimesSync(join(env.srcRoot, "share/godata/file1.txt"), t, t);
});
afterEach(() => env.cleanup());

async function fails(p: Promise<unknown>): Promise<TransferApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TransferApiError);
  return err as TransferApiError;
}

describe("ls", () => {
  it("matches the real file_list and file documents field by field", async () => {
    const list = await env.service.ls(SRC, "/share/godata/");
    const real = fixture<FileListDocument>("cli-ls_results.2.json");
    expectShape(list, real);
    expect(list).toMatchObject({ DATA_TYPE: "file_list", endpoint: SRC, path: "/share/godata/", absolute_path: null, length: 3, total: 3 });
    expect(list.DATA.map((f) => f.name)).toEqual(["file1.txt", "file2.txt", "file3.txt"]);
    const f1 = list.DATA[0];
    expect(f1).toMatchObject({ DATA_TYPE: "file", type: "file", size: 4, permissions: "0644", last_modified: "2020-09-23 18:53:12+00:00", link_target: null, link_user: null });
    expect(f1.user).toBe("root");
  });

  it("lists directories like the real root listing and echoes /~/ paths", async () => {
    const root = await env.service.ls(SRC, "/");
    expectShape(root, fixture("cli-ls_results.0.json"));
    expect(root.DATA.map((f) => [f.name, f.type])).toEqual([["home", "dir"], ["mnt", "dir"], ["share", "dir"]]);
    expect(root.DATA[0].permissions).toMatch(/^0[0-7]{3}$/);
    expect((await env.service.ls(SRC, "/~/")).path).toBe("/~/");
    expect((await env.service.ls(SRC, "share")).path).toBe("/~/share/");
    expect((await env.service.ls(SRC, "/share")).path).toBe("/share/");
    const empty = await env.service.ls(SRC, "/mnt/");
    expectShape(empty, fixture("cli-ls_results.4.json"));
    expect(empty).toMatchObject({ DATA: [], length: 0, total: 0, path: "/mnt/" });
  });

  it("show_hidden (default true, as in the API), filter, orderby, limit/offset", async () => {
    expect((await env.service.ls(SRC, "/home")).DATA.map((f) => f.name)).toEqual([".hidden"]);
    expect((await env.service.ls(SRC, "/home", { show_hidden: false })).DATA).toEqual([]);
    expect((await env.service.ls(SRC, "/", { filter: "type:dir" })).total).toBe(3);
    expect((await env.service.ls(SRC, "/share/godata", { filter: "type:dir" })).total).toBe(0);
    expect((await env.service.ls(SRC, "/share/godata", { filter: "name:~*2.txt" })).DATA.map((f) => f.name)).toEqual(["file2.txt"]);
    expect((await env.service.ls(SRC, "/share/godata", { filter: "name:!~*2.txt/size:>=4" })).total).toBe(2);
    expect((await env.service.ls(SRC, "/share/godata", { orderby: "name DESC" })).DATA.map((f) => f.name)).toEqual(["file3.txt", "file2.txt", "file1.txt"]);
    const page = await env.service.ls(SRC, "/share/godata", { limit: 1, offset: 1 });
    expect(page).toMatchObject({ length: 1, total: 3, DATA: [{ name: "file2.txt" }] });
    expect((await fails(env.service.ls(SRC, "/", { filter: "colour:red" }))).httpStatus).toBe(400);
    expect((await fails(env.service.ls(SRC, "/", { orderby: "name SIDEWAYS" }))).httpStatus).toBe(400);
  });

  it("a missing path is 404 NotFound with the real error body", async () => {
    const err = await fails(env.service.ls(SRC, "/~/foo"));
    expect(err).toMatchObject({ httpStatus: 404, code: "NotFound", resource: `/operation/endpoint/${SRC}/ls`, endpointError: true });
    expect(err.message).toMatch(/^Path not found, Error \(list\)\nEndpoint: Source Collection/);
    expectShape(err.toJSON(), fixture("sdk-operation_stat.not_found.json"));
  });

  it("ls of a file is a 502 NotDirectory; escapes are 403; unknown collection 404", async () => {
    expect(await fails(env.service.ls(SRC, "/share/godata/file1.txt"))).toMatchObject({ httpStatus: 502, code: "ExternalError.DirListingFailed.NotDirectory" });
    const denied = await fails(env.service.ls(SRC, "/../"));
    expect(denied).toMatchObject({ httpStatus: 403, code: "EndpointPermissionDenied" });
    expectShape(denied.toJSON(), fixture("sdk-operation_stat.permission_denied.json"));
    expect(await fails(env.service.ls("nope", "/"))).toMatchObject({ httpStatus: 404, code: "ClientError.NotFound", endpointError: false });
  });

  it("symlinks: inside the collection shown as their target with link_*; leading outside shown as invalid_symlink", async () => {
    symlinkSync(join(env.srcRoot, "share/godata"), join(env.srcRoot, "godata-link"));
    const outside = write(env.dir, "outside/secret", "s");
    symlinkSync(outside, join(env.srcRoot, "secret-link"));
    symlinkSync(join(env.srcRoot, "gone"), join(env.srcRoot, "dangling"));
    const list = await env.service.ls(SRC, "/");
    const byName = Object.fromEntries(list.DATA.map((f) => [f.name, f]));
    expect(byName["godata-link"]).toMatchObject({ type: "dir", link_target: "/share/godata" });
    expect(byName["godata-link"].link_size).toEqual(expect.any(Number));
    expect(byName["godata-link"].link_last_modified).toMatch(/\+00:00$/);
    expect(byName["secret-link"]).toMatchObject({ type: "invalid_symlink" });
    expect(byName["dangling"]).toMatchObject({ type: "invalid_symlink" });
    // No host path leaks: a link out of the collection shows no target, a dangling one inside its collection path.
    expect(byName["secret-link"]!.link_target).toBeNull();
    expect(byName["dangling"]!.link_target).toBe("/gone");
    expect(JSON.stringify(list)).not.toContain(env.dir);
    expect(await fails(env.service.ls(SRC, "/secret-link"))).toMatchObject({ httpStatus: 403 });
  });
});

describe("stat", () => {
  it("returns one file document shaped like the real stat", async () => {
    const f = await env.service.stat(SRC, "/share/godata/file1.txt");
    expectShape(f, fixture("sdk-operation_stat.default.json"));
    expect(f).toMatchObject({ name: "file1.txt", type: "file", size: 4, permissions: "0644" });
    const d = await env.service.stat(SRC, "/share/godata/");
    expectShape(d, fixture<{ details: unknown }>("docs-ap-stat.status.json").details);
    expect(d).toMatchObject({ name: "godata", type: "dir" });
    expect((await env.service.stat(SRC, "/")).name).toBe("/");
  });

  it("missing path: 404 NotFound like the fixture", async () => {
    const err = await fails(env.service.stat(SRC, "~/foo"));
    expect(err).toMatchObject({ httpStatus: 404, code: "NotFound", resource: `/operation/endpoint/${SRC}/stat` });
    expect(err.message).toContain("'~/foo' not found");
    expectShape(err.toJSON(), fixture("sdk-operation_stat.not_found.json"));
  });
});

describe("mkdir", () => {
  it("creates a directory; result shaped like the real mkdir_result", async () => {
    const res = await env.service.mkdir(SRC, "/~/new_folder");
    expectShape(res, fixture("sdk-operation_mkdir.default.json"));
    expect(res).toMatchObject({ DATA_TYPE: "mkdir_result", code: "DirectoryCreated", message: "The directory was created successfully", resource: `/operation/endpoint/${SRC}/mkdir` });
    expect(statSync(join(env.srcRoot, "new_folder")).isDirectory()).toBe(true);
  });

  it("an existing path is 502 ExternalError.MkdirFailed.Exists; a missing parent is 502; escapes are 403", async () => {
    expect(await fails(env.service.mkdir(SRC, "/share"))).toMatchObject({ httpStatus: 502, code: "ExternalError.MkdirFailed.Exists", endpointError: true });
    expect(await fails(env.service.mkdir(SRC, "/share/godata/file1.txt"))).toMatchObject({ code: "ExternalError.MkdirFailed.Exists" });
    expect(await fails(env.service.mkdir(SRC, "/no/such/parent"))).toMatchObject({ httpStatus: 502, code: "ExternalError.MkdirFailed" });
    expect(await fails(env.service.mkdir(SRC, "/../sibling"))).toMatchObject({ httpStatus: 403 });
    symlinkSync(env.dir, join(env.srcRoot, "up"));
    expect(await fails(env.service.mkdir(SRC, "/up/created-outside"))).toMatchObject({ httpStatus: 403 });
    expect(existsSync(join(env.dir, "created-outside"))).toBe(false);
  });
});

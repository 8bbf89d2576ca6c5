/**
 * Hostile files and values: devices, FIFOs, oversized files, recursive YAML aliases, deep
 * nesting, invalid UTF-8, prototype-reaching --set keys and broken flowsmith.yaml files all
 * end with exit 1 and a located message, before anything is read or sent.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applySet, merge } from "../../src/run/input.js";
import { readTextFile, firstInvalidUtf8 } from "../../src/source/read-text.js";
import { parseDocumentText } from "../../src/source/document.js";
import { loadProjectConfig } from "../../src/project/config.js";
import { cli } from "./in-process.js";
import { REPO } from "../support/paths.js";

const dir = mkdtempSync(join(tmpdir(), "flowsmith-hostile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, data: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
/** A project with one small flow, resolvable `flowsmith` and the given flowsmith.yaml. */
function project(yaml: string | Buffer): string {
  const p = mkdtempSync(join(dir, "proj-"));
  mkdirSync(join(p, "flows"));
  mkdirSync(join(p, "node_modules"));
  symlinkSync(REPO, join(p, "node_modules", "flowsmith"));
  writeFileSync(join(p, "package.json"), JSON.stringify({ name: "hostile", private: true, type: "module" }));
  writeFileSync(join(p, "flows", "hello.flow.ts"), 'import { defineFlow, pass } from "flowsmith";\nexport default defineFlow({ name: "hello", title: "Hello", build: () => pass("Hi", {}) });\n');
  writeFileSync(join(p, "flowsmith.yaml"), yaml);
  return p;
}
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .*:\d+:\d+\)?/);

describe("files that are not documents", () => {
  it("refuses /dev/zero without reading it", async () => {
    const r = await cli(["validate", "/dev/zero"], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\/dev\/zero: cannot read: it is a character device, not a regular file/);
  });

  it("refuses a FIFO without blocking", async () => {
    const fifo = join(dir, "pipe.json");
    execFileSync("mkfifo", [fifo]);
    const r = await cli(["validate", fifo], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FIFO/);
  });

  it("refuses files over the size cap, saying the cap", () => {
    const f = write("big.json", "[" + "0,".repeat(600) + "0]");
    const r = readTextFile(f, { maxBytes: 1000 });
    expect(r).toMatchObject({ ok: false });
    expect(!r.ok && r.message).toMatch(/over the .* limit/);
  });

  it("reports invalid UTF-8 with line and column", async () => {
    const f = write("latin1.json", Buffer.concat([Buffer.from('{\n  "StartAt": "A",\n  "Comment": "caf'), Buffer.from([0xe9]), Buffer.from('"\n}\n')]));
    const r = await cli(["validate", f], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/latin1\.json:3:18: error PARSE_ERROR: .*invalid UTF-8 \(byte 0xe9\) at line 3, column 18/);
  });

  it("finds the first bad byte of overlong, surrogate and truncated sequences", () => {
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xe2, 0x82]))).toBe(2);
    expect(firstInvalidUtf8(Buffer.from("héllo €𝄞"))).toBe(Buffer.from("héllo €𝄞").length);
  });
});

describe("YAML and JSON structure", () => {
  it("rejects a recursive alias with file:line", () => {
    const d = parseDocumentText("values:\n  a: &x [*x]\n", "f.yaml");
    expect(d.ok).toBe(false);
    expect(d.diagnostics[0]).toMatchObject({ code: "PARSE_ERROR", source: { line: 2, column: 10 } });
    expect(d.diagnostics[0]!.message).toMatch(/recursive alias \*x/);
  });

  it("rejects a recursive alias through a mapping", () => {
    const d = parseDocumentText("a: &top\n  b:\n    c: *top\n", "f.yaml");
    expect(d.ok).toBe(false);
    expect(d.diagnostics[0]!.source?.line).toBe(3);
  });

  it("still accepts ordinary aliases and merge keys", () => {
    const d = parseDocumentText("base: &b {x: 1}\nuse: *b\nmerged: {<<: *b, y: 2}\n", "f.yaml");
    expect(d.ok).toBe(true);
    expect(d.value).toEqual({ base: { x: 1 }, use: { x: 1 }, merged: { x: 1, y: 2 } });
  });

  it("rejects over-deep nesting in JSON and YAML", () => {
    const deep = "[".repeat(300) + "]".repeat(300);
    for (const f of ["d.json", "d.yaml"]) {
      const d = parseDocumentText(deep, f);
      expect(d.ok, f).toBe(false);
      expect(d.diagnostics[0]!.message, f).toMatch(/nested too deeply/);
    }
    const veryDeep = "[".repeat(200_000);
    for (const f of ["d.json", "d.yaml"]) expect(parseDocumentText(veryDeep, f).ok).toBe(false);
  });

  it("rejects a flowsmith.yaml whose values: alias itself, in every command", async () => {
    const p = project("environments:\n  local:\n    values:\n      a: &x [*x]\n");
    for (const args of [["validate"], ["deploy-flow", "--dry-run"], ["run-flow", "x"], ["local", "status"], ["runs", "list"]]) {
      const r = await cli(args, p);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stdout + r.stderr, args.join(" ")).toMatch(/flowsmith\.yaml:4:\d+: .*recursive alias \*x/);
      noStack(r.stdout + r.stderr);
    }
  });
});

describe("broken flowsmith.yaml", () => {
  const cases: [string, string | Buffer, RegExp][] = [
    ["empty", "", /flowsmith\.yaml is empty/],
    ["comments only", "# nothing yet\n", /flowsmith\.yaml is empty/],
    ["a list", "- a\n- b\n", /must be a mapping/],
    ["binary", Buffer.from([0x00, 0xff, 0xfe, 0x01]), /invalid UTF-8|flowsmith\.yaml/],
    ["malformed", "environments: [\n", /flowsmith\.yaml:\d+:\d+/],
  ];
  for (const [name, text, want] of cases) {
    it(`is reported the same way by every command (${name})`, async () => {
      const p = project(text);
      expect(loadProjectConfig(p).config).toBeUndefined();
      for (const args of [["validate", "hello"], ["validate"], ["run-flow", "hello", "--dry-run"], ["deploy-flow", "--dry-run"], ["local", "status"], ["runs", "list"], ["whoami"]]) {
        const r = await cli(args, p);
        expect(r.code, `${name}: ${args.join(" ")}`).toBe(1);
        expect(r.stdout + r.stderr, `${name}: ${args.join(" ")}`).toMatch(want);
        expect(r.stdout + r.stderr).not.toMatch(/default_environment "undefined"/);
        noStack(r.stdout + r.stderr);
      }
    });
  }
});

describe("--set", () => {
  for (const key of ["__proto__.x", "input.__proto__.x", "input.constructor.prototype.x", "a.prototype"]) {
    it(`rejects ${key}`, () => {
      expect(() => applySet({}, `${key}=1`)).toThrow(/cannot be a key segment/);
    });
  }

  it("keeps a __proto__ key of an input document as data", () => {
    const over = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const m = merge({ b: 2 }, over) as Record<string, unknown>;
    expect(Object.keys(m).sort()).toEqual(["__proto__", "a", "b"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
  });

  it("exits 1 from run-flow", async () => {
    const p = mkdtempSync(join(dir, "set-"));
    const r = await cli(["run-flow", "nosuch", "--set", "input.__proto__.x=1", "--dry-run"], p);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/"__proto__" cannot be a key segment/);
  });
});

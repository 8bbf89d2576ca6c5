/**
 * init's flowsmith dependency resolves to the flowsmith that runs init: read from the lock
 * (or package.json) of the project it was installed into, made absolute, never a registry
 * range unless it came from a registry; a checkout is a directory dependency.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classifySpec, detectFlowsmithSpec } from "../../src/project/flowsmith-spec.js";
import { flowsmithSpecFor } from "../../src/project/init.js";

function installed(lock: unknown, manifest: unknown = { name: "tools" }): string {
  const project = mkdtempSync(join(tmpdir(), "flowsmith-spec-"));
  const pkg = join(project, "node_modules", "flowsmith");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify({ name: "flowsmith", version: "0.1.0" }));
  writeFileSync(join(project, "package.json"), JSON.stringify(manifest));
  if (lock) writeFileSync(join(project, "package-lock.json"), JSON.stringify(lock));
  return pkg;
}

describe("the flowsmith dependency spec init writes", () => {
  it("a tarball install: the lock's file: path, made absolute", () => {
    const pkg = installed({ packages: { "node_modules/flowsmith": { version: "0.1.0", resolved: "file:../pack/flowsmith-0.1.0.tgz" } } });
    const project = join(pkg, "..", "..");
    expect(detectFlowsmithSpec(pkg, "0.1.0")).toMatchObject({ spec: `file:${join(project, "..", "pack", "flowsmith-0.1.0.tgz")}`, source: "tarball" });
  });

  it("a git install: the resolved URL with its commit", () => {
    const url = "git+ssh://git@github.com/example/flowsmith.git#0123456789abcdef0123456789abcdef01234567";
    expect(detectFlowsmithSpec(installed({ packages: { "node_modules/flowsmith": { resolved: url } } }), "0.1.0")).toMatchObject({ spec: url, source: "git" });
  });

  it("a registry install: a caret range on the installed version", () => {
    const pkg = installed({ packages: { "node_modules/flowsmith": { resolved: "https://registry.npmjs.org/flowsmith/-/flowsmith-0.3.1.tgz" } } });
    expect(detectFlowsmithSpec(pkg, "0.3.1")).toMatchObject({ spec: "^0.3.1", source: "registry" });
  });

  it("no lock: the project's package.json spec", () => {
    const pkg = installed(undefined, { devDependencies: { flowsmith: "file:vendor/flowsmith-0.1.0.tgz" } });
    expect(detectFlowsmithSpec(pkg, "0.1.0").spec).toBe(`file:${join(pkg, "..", "..", "vendor", "flowsmith-0.1.0.tgz")}`);
  });

  it("a checkout: a directory dependency on it", () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsmith-checkout-"));
    expect(detectFlowsmithSpec(dir, "0.1.0")).toMatchObject({ spec: `file:${dir}`, source: "directory" });
  });

  it("--flowsmith-spec is checked, and relative paths are made absolute", () => {
    expect(flowsmithSpecFor("^0.2.0")).toMatchObject({ spec: "^0.2.0", source: "registry" });
    expect(flowsmithSpecFor("./x/flowsmith-0.1.0.tgz").spec).toBe(`file:${join(process.cwd(), "x", "flowsmith-0.1.0.tgz")}`);
    expect(() => flowsmithSpecFor("what is this")).toThrow(/not a dependency spec/);
    expect(classifySpec("https://example.org/builds/flowsmith.tgz", "/", "0.1.0")).toMatchObject({ source: "tarball" });
  });
});

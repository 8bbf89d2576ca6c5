/** flowsmith.yaml's located parse, cached by content hash: same answer, positions included. */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTempCacheDir } from "../support/cache-dir.js";
import { parseLocatedYaml } from "../../src/source/located-yaml.js";
import { parseLocatedYamlCached } from "../../src/source/yaml-cache.js";
import { loadProjectConfig } from "../../src/project/config.js";

const tmp = useTempCacheDir();
const cached = () => (readdirSync(tmp.dir).includes("yaml") ? readdirSync(join(tmp.dir, "yaml")) : []);

const TEXT = "project: p\nenvironments:\n  local:\n    kind: local\n    values: { a: 1, b: [x, y] }\n  prod:\n    kind: globus\n    kind: globus\n";

describe("the cached YAML parse", () => {
  it("answers as the parser does, positions and duplicate keys included, from the second read on", () => {
    const fresh = parseLocatedYaml(TEXT);
    const first = parseLocatedYamlCached(TEXT);
    expect(cached()).toHaveLength(1);
    const second = parseLocatedYamlCached(TEXT);
    for (const r of [first, second]) {
      expect(r.value).toEqual(fresh.value);
      expect([...r.positions]).toEqual([...fresh.positions]);
      expect(r.duplicateKeys).toEqual(fresh.duplicateKeys);
    }
    expect(second.duplicateKeys[0]!.pointer).toBe("/environments/prod/kind");
  });

  it("never caches a value JSON cannot carry, or a syntax error", () => {
    expect(parseLocatedYamlCached("limit: .inf\n").value).toEqual({ limit: Infinity });
    expect(parseLocatedYamlCached("limit: .inf\n").value).toEqual({ limit: Infinity });
    expect(() => parseLocatedYamlCached("a: [1, 2\n")).toThrow();
    expect(cached()).toHaveLength(0);
  });

  it("ignores a damaged cache file and rewrites it", () => {
    parseLocatedYamlCached(TEXT);
    const [f] = cached();
    writeFileSync(join(tmp.dir, "yaml", f!), "{not json");
    expect(parseLocatedYamlCached(TEXT).value).toEqual(parseLocatedYaml(TEXT).value);
    expect(parseLocatedYamlCached(TEXT).positions.get("/environments/local/values/b/1")).toEqual(parseLocatedYaml(TEXT).positions.get("/environments/local/values/b/1"));
  });

  it("trusts only a cache file nobody else may write: a planted parse is ignored", () => {
    parseLocatedYamlCached(TEXT);
    const [f] = cached();
    const file = join(tmp.dir, "yaml", f!);
    const planted = JSON.parse(readFileSync(file, "utf8"));
    planted.value.project = "planted";
    writeFileSync(file, JSON.stringify(planted));
    chmodSync(file, 0o666);
    expect((parseLocatedYamlCached(TEXT).value as { project: string }).project).toBe("p");
    // Rewritten, this user's alone again, and used.
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((parseLocatedYamlCached(TEXT).value as { project: string }).project).toBe("p");
  });

  it("a flowsmith.yaml read from the cache still gets located diagnostics", () => {
    const root = mkdtempSync(join(tmpdir(), "flowsmith-yaml-cache-project-"));
    writeFileSync(join(root, "flowsmith.yaml"), "project: p\nenvironments:\n  local:\n    kind: local\n    collections:\n      raw: { id: 11111111-1111-4111-8111-111111111111 }\n");
    const a = loadProjectConfig(root);
    const b = loadProjectConfig(root);
    expect(cached()).toHaveLength(1);
    for (const r of [a, b]) expect(r.diagnostics.map((d) => [d.message, d.source?.line])).toEqual([['local collection "raw" needs a "root" directory', 6]]);
  });
});

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProjectConfig, selectEnvironment } from "../../src/project/config.js";
import { configProject, expectConfigError } from "../support/config.js";
import { environmentValues } from "../../src/deploy/values.js";
import { readLock, writeLock } from "../../src/deploy/lock.js";
import { REPO } from "../support/paths.js";


describe("flowsmith.yaml", () => {
  it("loads the repository's own configuration", () => {
    const r = loadProjectConfig(REPO);
    expect(r.diagnostics).toEqual([]);
    expect(Object.keys(r.config!.environments)).toEqual(["local", "production"]);
    const local = selectEnvironment(r.config!, "local");
    const values = environmentValues(r.config!, local);
    expect(values["collections.nersc_cfs"]).toBe("5a1b0000-0000-4000-8000-0000000000a1");
    expect(values.polaris_raw_root).toBe(join(REPO, ".flowsmith", "collections", "alcf_eagle") + "/bl832/raw");
    expect(values.als832_recon_script).toBe(join(REPO, "demo", "standins", "globus_reconstruction.py"));
  });

  it.each([
    ["an unknown key, with a suggestion", "environments:\n  local:\n    collectons: {}\n", 3, /unknown key "collectons" \(did you mean "collections"\?\)/],
    ["a collection id that is not a UUID", "environments:\n  prod:\n    kind: globus\n    collections:\n      nersc: { id: not-a-uuid }\n", 5, /must be a UUID/],
    ["a local collection without a root", "environments:\n  local:\n    collections:\n      nersc: { id: 5a1b0000-0000-4000-8000-0000000000a1 }\n", 4, /needs a "root" directory/],
    ["a default environment that does not exist", "default_environment: staging\nenvironments:\n  local: {}\n", 1, /default_environment "staging" is not one of the environments/],
    ["a bad credentials source", "environments:\n  prod:\n    credentials: password\n", 3, /must be one of client, login, auto/],
  ])("reports %s with its line", (_n, yaml, line, message) => expectConfigError(yaml, line, message));

  it("reports YAML syntax errors with the position", () => {
    const r = loadProjectConfig(configProject("environments:\n\tlocal: {}\n"));
    expect(r.diagnostics[0]!.code).toBe("PARSE_ERROR");
    expect(r.diagnostics[0]!.source?.line).toBe(2);
  });

  it("uses one local environment when there is no flowsmith.yaml", () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsmith-cfg-"));
    const r = loadProjectConfig(dir);
    expect(r.config!.default_environment).toBe("local");
    expect(r.config!.environments.local!.kind).toBe("local");
  });
});

describe("flowsmith.lock.json", () => {
  it("is written atomically with stable key order and read back", () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsmith-lock-"));
    const file = join(dir, "flowsmith.lock.json");
    writeLock(file, { version: 1, environments: { prod: { functions: { z: { id: "1", hash: "h" }, a: { id: "2", hash: "h" } }, flows: {} } } });
    expect(readdirSync(dir)).toEqual(["flowsmith.lock.json"]);
    expect(Object.keys(JSON.parse(readFileSync(file, "utf8")).environments.prod.functions)).toEqual(["a", "z"]);
    expect(readLock(file).environments.prod!.functions.z!.id).toBe("1");
    writeFileSync(file, "{ not json");
    expect(() => readLock(file)).toThrow(/not valid JSON/);
  });
});

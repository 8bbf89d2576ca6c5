/** flowsmith.yaml in a fresh directory, and the check that a bad one is reported where it is. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { loadProjectConfig } from "../../src/project/config.js";

export function configProject(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), "flowsmith-cfg-"));
  writeFileSync(join(dir, "flowsmith.yaml"), yaml);
  return dir;
}

/** Loading `yaml` fails with a CONFIG_INVALID diagnostic matching `message` at flowsmith.yaml:`line`. */
export function expectConfigError(yaml: string, line: number, message: RegExp): void {
  const r = loadProjectConfig(configProject(yaml));
  expect(r.config).toBeUndefined();
  const d = r.diagnostics.find((x) => message.test(x.message));
  expect(d, JSON.stringify(r.diagnostics)).toBeDefined();
  expect(d!.code).toBe("CONFIG_INVALID");
  expect(d!.source?.line).toBe(line);
  expect(d!.source?.file).toMatch(/flowsmith\.yaml$/);
}

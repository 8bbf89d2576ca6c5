/** Writing a generated flow source to a scratch directory and loading it back through tsx. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadFlow, type LoadedFlow } from "../../src/index.js";
import { REPO } from "./paths.js";

/** Module specifier a scratch flow file uses to import the DSL (the TypeScript sources). */
export const DSL_MODULE = pathToFileURL(join(REPO, "src", "index.ts")).href;

let scratch: string | undefined;
export function scratchDir(): string {
  scratch ??= mkdtempSync(join(tmpdir(), "flowsmith-test-"));
  return scratch;
}

export async function loadFlowSource(name: string, source: string, schema?: unknown): Promise<LoadedFlow> {
  const dir = scratchDir();
  const file = join(dir, "flows", `${name}.flow.ts`);
  (await import("node:fs")).mkdirSync(join(dir, "flows"), { recursive: true });
  (await import("node:fs")).mkdirSync(join(dir, "schemas"), { recursive: true });
  writeFileSync(file, source);
  writeFileSync(join(dir, "schemas", `${name}.json`), JSON.stringify(schema ?? { type: "object" }));
  return loadFlow(file);
}

/**
 * `flowsmith import`: write flows/<name>.flow.ts and schemas/<name>.json from an existing
 * definition, then build the new source and check it reproduces the definition exactly.
 */
import { existsSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import { basename, join } from "node:path";
import { definitionToSourceLines, type ImportOptions } from "../compile/import.js";
import { hasErrors, type Diagnostic } from "../definition/diagnostics.js";
import type { FlowDefinition } from "../definition/types.js";
import { readDocumentFile, type SourceDocument } from "../source/document.js";
import { validateDefinition, validateInputSchema } from "../validate/index.js";
import { isObject } from "../validate/context.js";
import { CliError, EXIT } from "../errors.js";
import { loadFlow } from "./load-flow.js";
import { cacheJavaScriptFlow } from "./flow-module-cache.js";
import { writeLines } from "./write-lines.js";

export interface ImportResult {
  flowFile: string;
  schemaFile: string;
  diagnostics: Diagnostic[];
}

export async function importDefinition(root: string, file: string, opts: { name: string; schemaFile?: string; force?: boolean; from?: string }): Promise<ImportResult> {
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(opts.name)) throw new CliError(`--name ${JSON.stringify(opts.name)} must be 1-64 lower-case letters, digits, '_' or '-'`, EXIT.INVALID);
  const doc = readDocumentFile(file);
  if (!doc.ok) throw new CliError(doc.diagnostics[0]!.message, EXIT.INVALID);
  let def = doc.value;
  let schema: unknown = undefined;
  let prefix = "";
  if (isObject(def) && !("States" in def) && isObject(def.definition)) {
    schema = def.input_schema;
    def = def.definition;
    prefix = "/definition";
  }
  let schemaDoc: SourceDocument | undefined;
  if (opts.schemaFile) {
    schemaDoc = readDocumentFile(opts.schemaFile);
    if (!schemaDoc.ok) throw new CliError(schemaDoc.diagnostics[0]!.message, EXIT.INVALID);
    schema = schemaDoc.value;
  }
  // Located like `validate` locates them: file:line:col of each pointer.
  const at = (d: Diagnostic, src: SourceDocument, pre: string): Diagnostic => (d.source ? d : { ...d, ...(src.locate(pre + d.pointer) ? { source: src.locate(pre + d.pointer)! } : {}) });
  const diagnostics = [...doc.diagnostics, ...validateDefinition(def, isObject(schema) ? { inputSchema: schema } : {}).map((d) => at(d, doc, prefix))];
  if (schema !== undefined) diagnostics.push(...validateInputSchema(schema).map((d) => at(d, schemaDoc ?? doc, schemaDoc ? "" : "/input_schema")));
  if (hasErrors(diagnostics)) {
    const e = new CliError(`${basename(file)} has errors; fix them before importing`, EXIT.INVALID);
    (e as CliError & { diagnostics?: Diagnostic[] }).diagnostics = diagnostics;
    throw e;
  }
  const flowFile = join(root, "flows", `${opts.name}.flow.ts`);
  const schemaFile = join(root, "schemas", `${opts.name}.json`);
  for (const f of [flowFile, schemaFile]) {
    if (existsSync(f) && !opts.force) throw new CliError(`${f} already exists`, EXIT.INVALID, "pass --force to overwrite it");
  }
  const definition = def as FlowDefinition;
  const backup = existsSync(flowFile);
  writeSources(root, flowFile, schemaFile, definition, schema, { name: opts.name, origin: basename(file), ...(opts.from ? { from: opts.from } : {}) });
  // Prove the round trip before reporting success.
  const loaded = await loadFlow(flowFile);
  if (!loaded.compiled || !isDeepStrictEqual(loaded.compiled.definition, definition)) {
    if (!backup) {
      rmSync(flowFile, { force: true });
      rmSync(schemaFile, { force: true });
    }
    const why = loaded.compiled ? "the generated source builds a different definition" : loaded.diagnostics.map((d) => d.message).join("; ");
    throw new CliError(`import of ${basename(file)} failed its round-trip check: ${why}`, EXIT.INVALID, "please report this with the definition attached");
  }
  return { flowFile, schemaFile, diagnostics };
}

/**
 * Write the flow source and the schema. The source is JavaScript as well as TypeScript, so
 * it is cached as the flow's module as written (the round trip then loads it without a
 * transpile). The source is written from its lines, never as one text, and in a function
 * of its own, so the lines (15 MB for 60,000 states) are garbage before the round trip.
 */
function writeSources(root: string, flowFile: string, schemaFile: string, definition: FlowDefinition, schema: unknown, opts: ImportOptions): void {
  const lines = definitionToSourceLines(definition, opts);
  mkdirSync(join(root, "flows"), { recursive: true });
  mkdirSync(join(root, "schemas"), { recursive: true });
  writeLines(flowFile, lines);
  writeFileSync(schemaFile, JSON.stringify(schema ?? { type: "object" }, null, 2) + "\n");
  cacheJavaScriptFlow(flowFile, lines);
}

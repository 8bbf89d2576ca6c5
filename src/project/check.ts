/**
 * Offline checking of what a user points at: a flow source, or a definition file
 * (JSON/YAML, bare or a Flows API flow document), optionally with an input schema and a
 * run input (the dry run). Returns diagnostics per file, with source lines attached.
 */
import type { Diagnostic } from "../definition/diagnostics.js";
import { readDocumentFile, type SourceDocument } from "../source/document.js";
import { validateDefinition, validateInputSchema, validateRunInput } from "../validate/index.js";
import { isObject } from "../validate/context.js";
import { locate } from "../compile/compile.js";
import { loadFlow, type LoadedFlow } from "./load-flow.js";

export interface FileResult {
  file: string;
  diagnostics: Diagnostic[];
}

export interface CheckOptions {
  /** An input schema file (overrides the flow's own). */
  schemaFile?: string;
  /** A run input file to validate against the schema (the offline dry run). */
  inputFile?: string;
}

const byLine = (a: Diagnostic, b: Diagnostic) => (a.source?.line ?? 0) - (b.source?.line ?? 0);

function withLines(diags: Diagnostic[], doc: SourceDocument): Diagnostic[] {
  return diags.map((d) => (d.source ? d : { ...d, ...(doc.locate(d.pointer) ? { source: doc.locate(d.pointer)! } : {}) })).sort(byLine);
}

function checkSchemaAndInput(schema: unknown, schemaDoc: SourceDocument | undefined, schemaFileLabel: string, opts: CheckOptions, results: FileResult[]): void {
  const schemaDiags = validateInputSchema(schema);
  const located = schemaDoc ? withLines(schemaDiags, schemaDoc) : schemaDiags;
  if (schemaDoc || located.length) results.push({ file: schemaFileLabel, diagnostics: located });
  if (opts.inputFile) {
    const input = readDocumentFile(opts.inputFile);
    const diags = input.ok ? [...input.diagnostics, ...(schemaDiags.some((d) => d.severity === "error") ? [] : validateRunInput(schema, input.value))] : input.diagnostics;
    results.push({ file: opts.inputFile, diagnostics: withLines(diags, input) });
  }
}

/** Check a definition file: bare definition or `{definition, input_schema}` flow document. */
export function checkDefinitionFile(file: string, opts: CheckOptions = {}): FileResult[] {
  const doc = readDocumentFile(file);
  if (!doc.ok) return [{ file, diagnostics: doc.diagnostics }];
  let definition = doc.value;
  let prefix = "";
  let embeddedSchema: unknown;
  if (isObject(doc.value) && !("States" in doc.value) && isObject(doc.value.definition)) {
    definition = doc.value.definition;
    prefix = "/definition";
    embeddedSchema = doc.value.input_schema;
  }
  let schemaDoc: SourceDocument | undefined;
  let schema = embeddedSchema;
  const results: FileResult[] = [];
  if (opts.schemaFile) {
    schemaDoc = readDocumentFile(opts.schemaFile);
    if (!schemaDoc.ok) results.push({ file: opts.schemaFile, diagnostics: schemaDoc.diagnostics });
    schema = schemaDoc.ok ? schemaDoc.value : undefined;
  }
  const defDiags = validateDefinition(definition, isObject(schema) ? { inputSchema: schema } : {}).map((d) => ({ ...d, pointer: prefix + d.pointer }));
  results.unshift({ file, diagnostics: withLines([...doc.diagnostics, ...defDiags], doc) });
  if (schema !== undefined && (!opts.schemaFile || schemaDoc?.ok)) checkSchemaAndInput(schema, schemaDoc, opts.schemaFile ?? file, opts, results);
  else if (opts.inputFile && schema === undefined) {
    results.push({ file: opts.inputFile, diagnostics: [] });
  }
  return results;
}

/** Check a flow source: build it, validate the definition and its schema, and an input if given. */
export async function checkFlowFile(file: string, opts: CheckOptions = {}): Promise<{ results: FileResult[]; loaded: LoadedFlow }> {
  const loaded = await loadFlow(file);
  const results: FileResult[] = [];
  const compiled = loaded.compiled;
  if (!compiled) return { results: [{ file: loaded.file, diagnostics: loaded.diagnostics }], loaded };
  let schema: unknown = compiled.inputSchema;
  let schemaDoc: SourceDocument | undefined;
  const schemaFile = opts.schemaFile ?? compiled.schemaFile;
  if (schemaFile) {
    schemaDoc = readDocumentFile(schemaFile);
    if (schemaDoc.ok) schema = schemaDoc.value;
  }
  const defDiags = validateDefinition(compiled.definition, { inputSchema: schema }).map((d) => locate(d, compiled.sourceMap));
  results.push({ file: loaded.file, diagnostics: [...loaded.diagnostics.filter((d) => !d.message.startsWith("input schema:")), ...defDiags] });
  if (schemaDoc && !schemaDoc.ok) results.push({ file: schemaFile!, diagnostics: schemaDoc.diagnostics });
  else checkSchemaAndInput(schema, schemaDoc, schemaFile ?? loaded.file, opts, results);
  return { results, loaded };
}

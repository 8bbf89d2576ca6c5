import { describe, expect, it } from "vitest";
import { definitionToSource } from "../../src/index.js";
import type { FlowDefinition } from "../../src/index.js";
import { corpusFiles, readJson } from "../support/corpus.js";
import { DSL_MODULE, loadFlowSource } from "../support/flows.js";

const definitions = corpusFiles().filter((f) => f.kind === "definition");

describe("import round-trips every corpus definition exactly", () => {
  it.each(definitions.map((d, i) => [d.name, d, i] as const))("%s", async (_n, def, i) => {
    const original = readJson(def.path) as FlowDefinition;
    const name = `corpus_${i}`;
    const source = definitionToSource(original, { name, origin: def.name, from: DSL_MODULE });
    const loaded = await loadFlowSource(name, source);
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.compiled?.definition).toStrictEqual(original);
  });
});

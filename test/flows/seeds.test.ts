/**
 * The four seed systems: each builds to its golden definition (review a change to a
 * golden file like a diff of the generated JSON; UPDATE_GOLDEN=1 rewrites them), validates
 * clean, and accepts a realistic input (the offline dry run).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadFlow, validateDefinition, validateInputSchema, validateRunInput } from "../../src/index.js";
import { REPO } from "../support/paths.js";

const SEEDS = ["als832_alcf", "cosmic_bl7012", "frib_e21062", "tomocupy_alcf"];

describe.each(SEEDS)("seed flow %s", (name) => {
  const load = () => loadFlow(join(REPO, "flows", `${name}.flow.ts`));

  it("builds to its golden definition and schema", async () => {
    const loaded = await load();
    expect(loaded.diagnostics).toEqual([]);
    const golden = join(REPO, "test", "golden", `${name}.definition.json`);
    const text = JSON.stringify(loaded.compiled!.definition, null, 2) + "\n";
    if (process.env.UPDATE_GOLDEN || !existsSync(golden)) writeFileSync(golden, text);
    expect(text).toBe(readFileSync(golden, "utf8"));
    expect(loaded.compiled!.inputSchema).toEqual(JSON.parse(readFileSync(join(REPO, "schemas", `${name}.json`), "utf8")));
  });

  it("validates with no diagnostics at all", async () => {
    const c = (await load()).compiled!;
    expect(validateDefinition(c.definition, { inputSchema: c.inputSchema })).toEqual([]);
    expect(validateInputSchema(c.inputSchema)).toEqual([]);
  });

  it("accepts a realistic input and rejects a broken one with pointers", async () => {
    const c = (await load()).compiled!;
    const input = JSON.parse(readFileSync(join(REPO, "test", "fixtures", "inputs", `${name}.json`), "utf8"));
    expect(validateRunInput(c.inputSchema, input)).toEqual([]);
    const broken = structuredClone(input);
    broken.input.unexpected = 1;
    const firstUuidKey = Object.keys(broken.input).find((k) => typeof broken.input[k] === "string" && /^[0-9a-f]{8}-/.test(broken.input[k]));
    if (firstUuidKey) broken.input[firstUuidKey] = "not-a-uuid";
    const diags = validateRunInput(c.inputSchema, broken);
    expect(diags.map((d) => d.pointer)).toContain("/input/unexpected");
    if (firstUuidKey) expect(diags.map((d) => d.pointer)).toContain(`/input/${firstUuidKey}`);
    expect(diags.every((d) => d.code === "INPUT_INVALID")).toBe(true);
  });

  it("names only functions that exist in functions/", async () => {
    const c = (await load()).compiled!;
    expect(c.functions.length).toBeGreaterThan(0);
    for (const f of c.functions) expect(existsSync(join(REPO, "functions", `${f}.py`))).toBe(true);
  });
});

describe("rundir mappers", () => {
  const root = mkdtempSync(join(tmpdir(), "flowsmith-rundir-"));
  const dir = (name: string, files: string[]) => {
    const p = join(root, name);
    mkdirSync(p, { recursive: true });
    for (const f of files) writeFileSync(join(p, f), "x");
    return { path: p, name, files };
  };

  it("ALS: the experiment folder and its scan", async () => {
    const src = (await loadFlow(join(REPO, "flows", "als832_alcf.flow.ts"))).source!;
    const input = (await src.rundir!(dir("BLS-00564_dyparkinson", ["20240425_104614_sand.h5", "notes.txt"]), {})) as { input: Record<string, unknown> };
    expect(input.input).toEqual({ folder_path: "BLS-00564_dyparkinson", file_name: "20240425_104614_sand.h5" });
    await expect(async () => src.rundir!(dir("BLS-00565_x", ["readme.txt"]), {})).rejects.toThrow(/no YYYYMMDD_HHMMSS/);
  });

  it("FRIB: a runNNNN directory of run-NNNN-SS.evt segments", async () => {
    const src = (await loadFlow(join(REPO, "flows", "frib_e21062.flow.ts"))).source!;
    const input = (await src.rundir!(dir("run0123", ["run-0123-00.evt", "run-0123-01.evt"]), { frib_run_root: "/mnt/rawdata/e21062" })) as { input: Record<string, unknown> };
    expect(input.input).toMatchObject({ run_name: "run0123", frib_run_path: "/mnt/rawdata/e21062/run0123/" });
    await expect(async () => src.rundir!(dir("stuff", ["a.evt"]), {})).rejects.toThrow(/not a FRIBDAQ run directory/);
  });
});

describe("ALS 8.3.2 pruning as follow-up runs", () => {
  const als = () => loadFlow(join(REPO, "flows", "als832_alcf.flow.ts"));
  const prune = () => loadFlow(join(REPO, "flows", "als832_prune.flow.ts"));

  it("the prune flow builds to its golden definition: one delete with ignore_missing", async () => {
    const loaded = await prune();
    expect(loaded.diagnostics).toEqual([]);
    const golden = join(REPO, "test", "golden", "als832_prune.definition.json");
    const text = JSON.stringify(loaded.compiled!.definition, null, 2) + "\n";
    if (process.env.UPDATE_GOLDEN || !existsSync(golden)) writeFileSync(golden, text);
    expect(text).toBe(readFileSync(golden, "utf8"));
    expect(validateDefinition(loaded.compiled!.definition, { inputSchema: loaded.compiled!.inputSchema })).toEqual([]);
    expect((loaded.compiled!.definition.States.Prune as { Parameters?: unknown }).Parameters).toMatchObject({ ignore_missing: true, recursive: true, "DATA.$": "$.input.items" });
  });

  it("the reconstruction ends after the results are back at NERSC: no Wait, no delete", async () => {
    const def = (await als()).compiled!.definition;
    const types = Object.values(def.States).map((s) => (s as { Type: string; ActionUrl?: string }).ActionUrl ?? s.Type);
    expect(types).not.toContain("Wait");
    expect(types.some((t) => String(t).endsWith("/delete"))).toBe(false);
    expect((def.States.TransferResultsToNERSC as { Next?: string }).Next).toBe("Done");
  });

  it("declares prune-alcf after alcf_after_days and prune-nersc after nersc_after_days, inputs valid for the prune flow; 0 days is never", async () => {
    const src = (await als()).source!;
    const schema = (await prune()).compiled!.inputSchema;
    const input = JSON.parse(readFileSync(join(REPO, "test", "fixtures", "inputs", "als832_alcf.json"), "utf8"));
    input.input.prune = { alcf_after_days: 2, nersc_after_days: 7 };
    const paths = { dataset: "20240425_104614_sand", nersc_raw_file: "/r/F/x.h5", alcf_raw_file: "/a/raw/F/20240425_104614_sand.h5", alcf_scratch_dir: "/a/scratch/F", nersc_scratch_dir: "/n/scratch/F" };
    const run = { run_id: "r1", label: null, input: { ...input, paths }, output: { ...input, paths } };
    const [alcf, nersc] = src.followUps!;
    expect([alcf!.name, nersc!.name]).toEqual(["prune-alcf", "prune-nersc"]);
    expect(alcf!.after(run)).toBe(2 * 86400);
    expect(nersc!.after(run)).toBe(7 * 86400);
    const a = alcf!.input(run) as { input: { collection: string; items: { path: string }[] } };
    expect(a.input.collection).toBe(input.input.alcf_collection);
    expect(a.input.items.map((i) => i.path)).toEqual(["/a/raw/F/20240425_104614_sand.h5", "/a/scratch/F/rec20240425_104614_sand/", "/a/scratch/F/rec20240425_104614_sand.zarr/"]);
    expect((nersc!.input(run) as { input: { items: { path: string }[] } }).input.items.map((i) => i.path)).toEqual(["/n/scratch/F/rec20240425_104614_sand/", "/n/scratch/F/rec20240425_104614_sand.zarr/"]);
    expect(validateRunInput(schema, a)).toEqual([]);
    expect(validateRunInput(schema, nersc!.input(run))).toEqual([]);
    const never = { ...run, input: { ...run.input, input: { ...input.input, prune: { alcf_after_days: 0, nersc_after_days: 0 } } } };
    expect(alcf!.after(never)).toBe(0);
    expect(nersc!.after(never)).toBe(0);
  });
});

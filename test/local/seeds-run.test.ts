// @ts-nocheck -- integration test over HTTP: response bodies are untyped JSON, checked at run time (shapes against the fixtures).
/**
 * Every seed flow, built from flows/*.flow.ts with its real Compute functions, runs to
 * SUCCEEDED on the local runtime with the demo's stand-in programs, and leaves the expected
 * files at the destination.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFlow } from "../../src/index.js";
import { fillPlaceholders } from "../../src/deploy/fill.js";
import { pureSourceRegistration } from "../../src/wire/compute-serialization.js";
import { SCOPES } from "../../src/wire/scopes.js";
import type { LocalRuntime } from "../../src/local/runtime.js";
import { startLocalRuntime } from "../../src/local/runtime.js";
import { REPO } from "../support/paths.js";
import { tokenFor } from "../support/runtime.js";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";

const C = { nersc: "a0000000-0000-4000-8000-000000000001", alcf: "a0000000-0000-4000-8000-000000000002", beamline: "a0000000-0000-4000-8000-000000000003", frib: "a0000000-0000-4000-8000-000000000004" };
const EP = "b0000000-0000-4000-8000-000000000001";
const STANDINS = join(REPO, "demo", "standins");

let rt: LocalRuntime;
let root: string;
const dirOf = (c: keyof typeof C) => join(root, c);
let tokens: Record<string, string>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "flowsmith-seeds-"));
  for (const c of Object.keys(C)) mkdirSync(join(root, c));
  rt = await startLocalRuntime({
    dataDir: join(root, "data"),
    collections: Object.fromEntries(Object.entries(C).map(([name, id]) => [id, { root: join(root, name), display_name: name }])),
    computeEndpoints: { [EP]: { workers: 2, pathPrefix: [join(STANDINS, "bin")], display_name: "stand-in endpoint" } },
  });
  tokens = await tokenFor(rt, [SCOPES.flows("all"), SCOPES.computeAll]);
});
afterAll(async () => {
  await rt?.stop();
});

const put = (file: string, text = "x") => {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
};

async function deployAndRun(name: string, input: unknown): Promise<{ status: string; details: Record<string, unknown> }> {
  const loaded = await loadFlow(join(REPO, "flows", `${name}.flow.ts`));
  const c = loaded.compiled!;
  const functions: Record<string, string> = {};
  for (const fn of c.functions) {
    const res = await fetch(`${rt.url}/v3/functions`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokens.funcx_service}`, "content-type": "application/json" },
      body: JSON.stringify(pureSourceRegistration(fn, readFileSync(join(REPO, "functions", `${fn}.py`), "utf8"))),
    });
    functions[fn] = (await res.json()).function_uuid;
  }
  const definition = fillPlaceholders(c.definition, { functions, values: {} });
  const flow = await (
    await fetch(`${rt.url}/flows`, { method: "POST", headers: { authorization: `Bearer ${tokens["flows.globus.org"]}`, "content-type": "application/json" }, body: JSON.stringify({ definition, input_schema: c.inputSchema, title: c.title }) })
  ).json();
  if (!flow.id) throw new Error(JSON.stringify(flow));
  const ft = (await tokenFor(rt, [SCOPES.flow(flow.id)]))[flow.id]!;
  const run = await (await fetch(`${rt.url}/flows/${flow.id}/run`, { method: "POST", headers: { authorization: `Bearer ${ft}`, "content-type": "application/json" }, body: JSON.stringify({ body: input }) })).json();
  if (!run.run_id) throw new Error(JSON.stringify(run));
  for (let i = 0; i < 1200; i++) {
    const r = await (await fetch(`${rt.url}/runs/${run.run_id}`, { headers: { authorization: `Bearer ${tokens["flows.globus.org"]}` } })).json();
    if (["SUCCEEDED", "FAILED", "ENDED", "INACTIVE"].includes(r.status)) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error("run did not finish");
}

describe("seed flows on the local runtime", () => {
  it("ALS 8.3.2: raw scan to ALCF, tomopy + zarr, results back to NERSC", async () => {
    const folder = "BLS-00564_dyparkinson";
    const scan = "20240425_104614_nist-sand.h5";
    put(join(dirOf("nersc"), "8.3.2", "raw", folder, scan), "raw h5 data");
    const r = await deployAndRun("als832_alcf", {
      input: {
        folder_path: folder, file_name: scan, nersc_collection: C.nersc, alcf_collection: C.alcf,
        nersc_raw_path: "/8.3.2/raw", nersc_scratch_path: "/8.3.2/scratch", alcf_raw_path: "/bl832/raw", alcf_scratch_path: "/bl832/scratch",
        polaris_raw_root: join(dirOf("alcf"), "bl832", "raw"), polaris_scratch_root: join(dirOf("alcf"), "bl832", "scratch"),
        compute_endpoint: EP, recon_script: join(STANDINS, "globus_reconstruction.py"), zarr_script: join(STANDINS, "tiff_to_zarr.py"), python: "python3",
        prune: { alcf_after_days: 0, nersc_after_days: 0 },
      },
    });
    expect(r.status, JSON.stringify(r.details).slice(0, 2000)).toBe("SUCCEEDED");
    const back = join(dirOf("nersc"), "8.3.2", "scratch", folder);
    expect(readdirSync(join(back, "rec20240425_104614_nist-sand")).filter((f) => f.endsWith(".tiff"))).toHaveLength(4);
    expect(existsSync(join(back, "rec20240425_104614_nist-sand.zarr", "0", ".zarray"))).toBe(true);
    const out = r.details.output as { Reconstruct: { details: { result: { tiff_count: number }[] } } };
    expect(out.Reconstruct.details.result[0]!.tiff_count).toBe(4);
  });

  it("COSMIC BL7012: scan to NERSC, ptychography job submitted", async () => {
    put(join(dirOf("beamline"), "cosmic", "NS_221122001.cxi"), "cxi");
    const r = await deployAndRun("cosmic_bl7012", {
      input: {
        source: { id: C.beamline, path: "/cosmic/NS_221122001.cxi" }, destination: { id: C.nersc, path: "/ptycho/raw" }, nersc_fs_root: dirOf("nersc"),
        compute_endpoint: EP, recon_script: join(STANDINS, "bin", "ptychocam_reconstruction.sh"),
        slurm: { account: "als", qos: "realtime", constraint: "gpu", time_limit: "00:30:00", nodes: 1 },
      },
    });
    expect(r.status, JSON.stringify(r.details).slice(0, 2000)).toBe("SUCCEEDED");
    expect(readFileSync(join(dirOf("nersc"), "ptycho", "raw", "NS_221122001.recon.txt"), "utf8")).toContain("stand-in ptychocam");
  });

  it("Tomocupy: scan to Eagle, tomocupy recon", async () => {
    put(join(dirOf("beamline"), "scans", "test_data.h5"), "h5");
    const r = await deployAndRun("tomocupy_alcf", {
      input: {
        source: { id: C.beamline, path: "/scans/test_data.h5" }, destination: { id: C.alcf, path: "/tomocupy/in/test_data.h5" }, recursive_tx: false,
        compute_endpoint_id: EP, file_name: join(dirOf("alcf"), "tomocupy", "in", "test_data.h5"), command: "recon", reconstruction_type: "full", rotation_axis: 782.5, nsino_per_chunk: 4,
      },
    });
    expect(r.status, JSON.stringify(r.details).slice(0, 2000)).toBe("SUCCEEDED");
    expect(readdirSync(join(dirOf("alcf"), "tomocupy", "in_rec", "test_data_rec"))).toHaveLength(3);
  });

  it("FRIB e21062: directory checks under Catch, fit, convert, analyse, results back", async () => {
    put(join(dirOf("frib"), "rawdata", "run0123", "run-0123-00.evt"), "events 0");
    put(join(dirOf("frib"), "rawdata", "run0123", "run-0123-01.evt"), "events 1");
    // The project directory exists at NERSC; the flow creates the per-stage directories under it.
    mkdirSync(join(dirOf("nersc"), "m4386"), { recursive: true });
    const lib = join(root, "libFitEditorAnalytic.so");
    put(lib, "");
    const r = await deployAndRun("frib_e21062", {
      input: {
        run_name: "run0123", frib_collection: C.frib, nersc_collection: C.nersc, frib_run_path: "/rawdata/run0123/",
        nersc_raw_path: "/m4386/raw", nersc_fit_path: "/m4386/fit", nersc_converted_path: "/m4386/converted", nersc_analyzed_path: "/m4386/analyzed",
        frib_results_path: "/analysis/pipeline", perlmutter_root: dirOf("nersc"), fit_endpoint: EP, convert_endpoint: EP, analysis_endpoint: EP, nranks: 4, sync_level: 3,
        tools: { editor: "EventEditor", editor_lib: lib, launcher: "srun", converter: "eeconverter", analysis_program: "e21062-analysis" },
      },
    });
    expect(r.status, JSON.stringify(r.details).slice(0, 3000)).toBe("SUCCEEDED");
    const summary = JSON.parse(readFileSync(join(dirOf("frib"), "analysis", "pipeline", "run0123", "summary.json"), "utf8"));
    expect(summary.inputs).toEqual(["run-0123-00.root", "run-0123-01.root"]);
    const out = r.details.output as Record<string, unknown>;
    // The first ls of a missing directory failed and was caught: mkdir ran.
    expect(out.RawPathError).toMatchObject({ Error: "ActionFailedException" });
  });

  it("a failing compute function ends the FRIB run FAILED with the traceback as the cause", async () => {
    put(join(dirOf("frib"), "rawdata", "run0124", "run-0124-00.evt"), "events");
    const r = await deployAndRun("frib_e21062", {
      input: {
        run_name: "run0124", frib_collection: C.frib, nersc_collection: C.nersc, frib_run_path: "/rawdata/run0124/",
        nersc_raw_path: "/m4386/raw", nersc_fit_path: "/m4386/fit", nersc_converted_path: "/m4386/converted", nersc_analyzed_path: "/m4386/analyzed",
        frib_results_path: "/analysis/pipeline", perlmutter_root: dirOf("nersc"), fit_endpoint: EP, convert_endpoint: EP, analysis_endpoint: EP, nranks: 4, sync_level: 3,
        tools: { editor: "EventEditor", editor_lib: "/opt/ddastoys/lib.so", launcher: "no-such-mpi-launcher", converter: "eeconverter", analysis_program: "e21062-analysis" },
      },
    });
    expect(r.status).toBe("FAILED");
    const text = JSON.stringify(r.details);
    expect(text).toContain("ComputeFailed");
    expect(text).toContain("no-such-mpi-launcher");
  });
});

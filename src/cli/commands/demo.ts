/**
 * `flowsmith demo` (the README's main job): build and validate every flow, then run the
 * ALS 8.3.2 flow end to end on the local runtime — deploy it with its Compute functions,
 * create a sample run directory, run-flow --rundir on it — and show the files moved, the
 * function results and the final status. tomopy and the zarr converter are stand-ins
 * (demo/standins); the flow, the transfers and the function code are the production ones.
 */
import type { Command } from "commander";
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { buildFlows } from "../../project/build.js";
import { loadFlow } from "../../project/load-flow.js";
import { requireProjectConfig, selectEnvironment } from "../../project/config.js";
import { environmentValues } from "../../deploy/values.js";
import { buildInput, applySet } from "../../run/input.js";
import { ensureDeployed, startChecked } from "../../run/start.js";
import { connect as openSession } from "../environment.js";
import { SCOPES } from "../../wire/scopes.js";
import { CliError, EXIT } from "../../errors.js";
import { displayPath, formatDiagnostic, palette } from "../output.js";
import { followAndReport } from "./run-flow.js";
import { setExitCode, type CliContext } from "../context.js";

function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${relative(root, p)} (${statSync(p).size} B)`);
    }
  };
  walk(root);
  return out;
}

export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command("demo")
    .description("build and validate every flow, then run the ALS 8.3.2 flow end to end on the local runtime")
    .option("--build-only", "stop after building and validating the flows")
    .action(async (opts: { buildOnly?: boolean }) => {
      const o = ctx.output;
      const c = palette(o);
      o.out(c.bold("1. build and validate every flow"));
      const built = await buildFlows(ctx.root, []);
      for (const b of built) {
        for (const r of b.results) for (const d of r.diagnostics) if (d.severity !== "info") o.out(formatDiagnostic(d, r.file, o));
        const states = b.flow ? Object.values(b.flow.definition.States) : [];
        o.out(`   ${b.ok ? c.green("ok  ") : c.red("FAIL")} ${(b.flow?.name ?? displayPath(b.file)).padEnd(16)} ${String(states.length).padStart(2)} states, functions: ${b.flow?.functions.join(", ") || "-"}`);
      }
      if (built.some((b) => !b.ok)) throw new CliError("some flows do not build", EXIT.INVALID);
      if (opts.buildOnly) return;

      const config = requireProjectConfig(ctx.root);
      const env = selectEnvironment(config, "local");
      const flow = built.find((b) => b.flow?.name === "als832_alcf")?.flow;
      if (!flow) throw new CliError("the demo runs flows/als832_alcf.flow.ts, which is missing", EXIT.INVALID);
      const nersc = env.collections.nersc_cfs?.root;
      if (!nersc) throw new CliError("the local environment needs a nersc_cfs collection with a root", EXIT.INVALID);
      const values = environmentValues(config, env);

      o.out(c.bold("\n2. start the local runtime and deploy als832_alcf with its functions"));
      const session = await openSession(config, env, { log: (l) => o.out(c.dim(`   ${l}`)) });
      try {
        const deployed = await ensureDeployed(session, flow, (l) => o.out(c.dim(`   ${l}`)));
        o.out(`   flow ${deployed.id} on ${session.localUrl}`);

        o.out(c.bold("\n3. create a sample run directory at the beamline's NERSC raw area"));
        const stamp = new Date().toISOString().replace(/[-:]/g, "").replace("T", "_").slice(0, 15);
        const folder = "BLS-00564_demo";
        const rundir = join(nersc, String(values.nersc_raw_path ?? "/8.3.2/raw").replace(/^\//, ""), folder);
        // The demo's own sample folder: one scan per demo run, so the run processes this one.
        rmSync(rundir, { recursive: true, force: true });
        mkdirSync(rundir, { recursive: true });
        const scan = `${stamp}_sand-30-100_27keV.h5`;
        // A stand-in scan: the real one is an HDF5 file of projections (the stand-in tomopy only reads it).
        writeFileSync(join(rundir, scan), Buffer.alloc(64 * 1024, 7));
        o.out(`   ${displayPath(join(rundir, scan))}`);

        o.out(c.bold("\n4. run-flow als832_alcf --rundir " + displayPath(rundir) + " --set input.prune.alcf_after_days=0 --set input.prune.nersc_after_days=0"));
        const source = (await loadFlow(join(ctx.root, "flows", "als832_alcf.flow.ts"))).source!;
        let input = await buildInput(source, { rundir, values });
        input = applySet(applySet(input, "input.prune.alcf_after_days=0"), "input.prune.nersc_after_days=0");
        const started = await startChecked(session, deployed, input, { label: `demo ${scan}`.slice(0, 64), tags: ["flowsmith-demo"] });
        if (!started.run) throw new CliError(`demo input is invalid: ${started.problems.map((p) => `${p.pointer} ${p.message}`).join("; ")}`, EXIT.INVALID);
        const run = started.run;
        const code = await followAndReportQuiet(ctx, session, run);

        o.out(c.bold("\n5. what happened"));
        const back = join(nersc, String(values.nersc_scratch_path ?? "/8.3.2/scratch").replace(/^\//, ""), folder);
        o.out(`   files now at NERSC scratch (${displayPath(back)}):`);
        for (const f of tree(back).slice(0, 24)) o.out(`     ${f}`);
        o.out(c.dim("   (tomopy and tiff_to_zarr ran as stand-ins from demo/standins; the flow, transfers and function code are the production ones)"));
        if (code !== EXIT.OK) setExitCode(ctx, code);
      } finally {
        await session.close();
      }
    });
}

async function followAndReportQuiet(ctx: CliContext, session: Awaited<ReturnType<typeof openSession>>, run: Parameters<typeof followAndReport>[2]): Promise<number> {
  const o = ctx.output;
  const c = palette(o);
  // Follow with the normal event log, then summarise the function results instead of the whole output.
  const code = await followAndReport({ ...ctx, output: { ...o, out: (t: string) => (t.startsWith("{") || t.startsWith("  ") || t === "}" ? undefined : o.out("   " + t)) } }, session.api, run, { inProcess: !!session.localRuntime });
  const final = (await session.api.call<{ status: string; details?: { output?: Record<string, { details?: { result?: unknown[] } }> } }>("FLOWS", `/runs/${run.run_id}`, { scope: SCOPES.flows("all") })).body;
  for (const state of ["Reconstruct", "ConvertToZarr"]) {
    const r = final.details?.output?.[state]?.details?.result?.[0] as Record<string, unknown> | undefined;
    if (r) o.out(`   ${c.bold(state)} result: ${JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => !/tail|command|cwd|env/.test(k))))}`);
  }
  o.out(`   final status: ${final.status === "SUCCEEDED" ? c.green.bold(final.status) : c.red.bold(final.status)}`);
  return code;
}

/**
 * FRIB e21062 (FDSi): move a run directory from the FRIB DTN to NERSC, make sure the output
 * directories exist (ls, and mkdir when the ls fails), fit ADC traces with MPI, convert the
 * fitted events to ROOT and analyse them on Perlmutter, then bring the results back.
 * Any compute failure ends the run in a Fail state.
 */
import { compute, defineFlow, expr, expressionEval, fail, ls, mkdir, pass, path, transfer, type ActionBuilder } from "flowsmith";
import type { FribE21062Input } from "./types/frib_e21062.input.js";

const DIRECTORY_ERRORS = ["ActionUnableToRun", "ActionFailedException", "ActionTimeout"];
const COMPUTE_ERRORS = ["ActionUnableToRun", "ActionFailedException", "ActionTimeout"];

export default defineFlow<FribE21062Input>({
  name: "frib_e21062",
  title: "FRIB e21062 analysis pipeline at NERSC",
  subtitle: "FRIB DTN -> NERSC: MPI trace fitting, ROOT conversion, analysis -> FRIB",
  description:
    "Mediated transfer and analysis pipeline for FRIB data: ensures the NERSC directory tree exists, transfers a run, fits traces with the DDASToys EventEditor under MPI, converts to ROOT, runs the analysis and transfers the results back to the FRIB DTN.",
  keywords: ["FRIB", "e21062", "FDSi", "DDASToys", "NERSC", "Perlmutter"],
  comment: "Mediated transfer and analysis pipeline for FRIB data (flowsmith)",
  rundir: (dir, env) => {
    if (!/^run\d{4}$/.test(dir.name)) throw new Error(`${dir.path} is not a FRIBDAQ run directory (runNNNN)`);
    const segments = dir.files.filter((f) => /^run-\d{4}-\d{2}\.evt$/.test(f));
    if (segments.length === 0) throw new Error(`no run-NNNN-SS.evt segments in ${dir.path}`);
    // `frib_run_root`: where run directories sit on the FRIB collection.
    return { input: { run_name: dir.name, frib_run_path: `${String(env.frib_run_root ?? "").replace(/\/$/, "")}/${dir.name}/` } } as FribE21062Input;
  },
  build: ($) => {
    const i = $.input;
    const paths = expressionEval("ComputePaths", {
      comment: "Per-run paths on the NERSC collection and as Perlmutter filesystem paths",
      parameters: {
        raw: expr`${i.nersc_raw_path}.rstrip('/') + '/' + ${i.run_name} + '/'`,
        fit: expr`${i.nersc_fit_path}.rstrip('/') + '/' + ${i.run_name} + '/'`,
        converted: expr`${i.nersc_converted_path}.rstrip('/') + '/' + ${i.run_name} + '/'`,
        analyzed: expr`${i.nersc_analyzed_path}.rstrip('/') + '/' + ${i.run_name} + '/'`,
        fs_raw: expr`${i.perlmutter_root}.rstrip('/') + ${i.nersc_raw_path}.rstrip('/') + '/' + ${i.run_name}`,
        fs_fit: expr`${i.perlmutter_root}.rstrip('/') + ${i.nersc_fit_path}.rstrip('/') + '/' + ${i.run_name}`,
        fs_converted: expr`${i.perlmutter_root}.rstrip('/') + ${i.nersc_converted_path}.rstrip('/') + '/' + ${i.run_name}`,
        fs_analyzed: expr`${i.perlmutter_root}.rstrip('/') + ${i.nersc_analyzed_path}.rstrip('/') + '/' + ${i.run_name}`,
        results: expr`${i.frib_results_path}.rstrip('/') + '/' + ${i.run_name} + '/'`,
      },
      resultPath: "$.paths",
    });

    // ls a top-level directory; if that fails (missing), mkdir it. Both continue to `next`.
    const ensureDir = (label: string, root: typeof i.nersc_raw_path) => {
      const look = ls(`Lookup${label}Path`, {
        comment: `Does the ${label} directory exist?`,
        endpoint_id: i.nersc_collection,
        path: root,
        filter: "type:dir",
        waitTime: 60,
      });
      const make = mkdir(`Make${label}Directory`, {
        comment: `Create the ${label} directory`,
        endpoint_id: i.nersc_collection,
        path: root,
        waitTime: 60,
      });
      look.catch(DIRECTORY_ERRORS, make, { resultPath: `$.${label}PathError` });
      return { look, make };
    };
    const dirs = [ensureDir("Raw", i.nersc_raw_path), ensureDir("Fit", i.nersc_fit_path), ensureDir("Converted", i.nersc_converted_path), ensureDir("Analyzed", i.nersc_analyzed_path)];

    const moveRaw = transfer("TransferRawData", {
      comment: "FRIB run directory -> NERSC raw/<run>/",
      source_endpoint: i.frib_collection,
      destination_endpoint: i.nersc_collection,
      DATA: [{ source_path: i.frib_run_path, destination_path: path<string>("$.paths.raw"), recursive: true }],
      label: expr`'e21062 raw ' + ${i.run_name}`,
      sync_level: i.sync_level,
      verify_checksum: true,
      waitTime: 3600,
    });

    const failed = fail("ComputeFailed", { error: "ComputeFailed", cause: "A Globus Compute step of the FRIB pipeline failed; the run log holds the task's traceback" });
    const withFailure = (a: ActionBuilder) => a.catch(COMPUTE_ERRORS, failed, { resultPath: "$.ComputeError" });

    const fit = withFailure(
      compute("FitTraces", {
        comment: "MPI trace fitting (DDASToys EventEditor) on the frib-fit-mpi endpoint",
        endpoint: i.fit_endpoint,
        tasks: [
          {
            function: "frib_fit_traces_mpi",
            kwargs: { run_dir: path<string>("$.paths.fs_raw"), fit_dir: path<string>("$.paths.fs_fit"), nranks: i.nranks, editor: i.tools.editor, editor_lib: i.tools.editor_lib, launcher: i.tools.launcher },
          },
        ],
        waitTime: 14400,
      }),
    );
    const convert = withFailure(
      compute("ConvertToROOT", {
        comment: "Fitted events -> ROOT files on the frib-convert endpoint",
        endpoint: i.convert_endpoint,
        tasks: [{ function: "frib_convert_to_root", kwargs: { fit_dir: path<string>("$.paths.fs_fit"), converted_dir: path<string>("$.paths.fs_converted"), converter: i.tools.converter } }],
        waitTime: 7200,
      }),
    );
    const analyze = withFailure(
      compute("Analyze", {
        comment: "e21062 analysis on the frib-analysis endpoint",
        endpoint: i.analysis_endpoint,
        tasks: [{ function: "frib_analyze", kwargs: { converted_dir: path<string>("$.paths.fs_converted"), analyzed_dir: path<string>("$.paths.fs_analyzed"), analysis_program: i.tools.analysis_program } }],
        waitTime: 7200,
      }),
    );
    const results = transfer("TransferResults", {
      comment: "NERSC analyzed/<run>/ -> FRIB results/<run>/",
      source_endpoint: i.nersc_collection,
      destination_endpoint: i.frib_collection,
      DATA: [{ source_path: path<string>("$.paths.analyzed"), destination_path: path<string>("$.paths.results"), recursive: true }],
      label: expr`'e21062 results ' + ${i.run_name}`,
      sync_level: i.sync_level,
      waitTime: 3600,
    });
    const done = pass("Done", { comment: "Results are on the FRIB DTN" });

    // paths -> (ls, or mkdir when ls fails) for each directory -> transfer -> fit -> convert -> analyze -> results
    paths.next(dirs[0]!.look);
    dirs.forEach((d, k) => {
      const after = dirs[k + 1]?.look ?? moveRaw;
      d.look.next(after);
      d.make.next(after);
    });
    moveRaw.next(fit).next(convert).next(analyze).next(results).next(done);
    return paths;
  },
});

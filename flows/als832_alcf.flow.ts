/**
 * ALS beamline 8.3.2 -> ALCF: move a raw tomography scan from NERSC to ALCF Eagle,
 * reconstruct it with tomopy and build a multiresolution zarr on Polaris, bring both back
 * to NERSC scratch. The run ends SUCCEEDED when the TIFFs and the zarr are back at NERSC;
 * pruning is its own flow (als832_prune), scheduled as follow-up timers: ALCF raw and
 * scratch after `prune.alcf_after_days`, NERSC scratch after `prune.nersc_after_days`
 * (0: never), as the beamline's Prefect deployments prune separately from the reconstruction.
 */
import { compute, days, defineFlow, expr, expressionEval, pass, path, transfer, type FinishedRun } from "flowsmith";
import type { Als832AlcfInput } from "./types/als832_alcf.input.js";

interface Paths {
  dataset: string;
  nersc_raw_file: string;
  alcf_raw_file: string;
  alcf_scratch_dir: string;
  nersc_scratch_dir: string;
}
/** The ComputePaths result of a finished run. */
const pathsOf = (run: FinishedRun<Als832AlcfInput>) => run.output.paths as Paths;

export default defineFlow<Als832AlcfInput>({
  name: "als832_alcf",
  title: "ALS 8.3.2 tomography reconstruction at ALCF",
  subtitle: "NERSC -> ALCF Polaris (tomopy, zarr) -> NERSC",
  description:
    "Transfers a raw 8.3.2 scan from the NERSC data mover to ALCF Eagle, reconstructs it with tomopy on Polaris, converts the TIFF stack to a multiresolution zarr, copies rec<dataset>/ and rec<dataset>.zarr/ back to NERSC scratch. Pruning of ALCF and NERSC scratch runs later as its own flow (als832_prune), scheduled by Globus Timers.",
  keywords: ["ALS", "8.3.2", "tomography", "ALCF", "Polaris", "NERSC"],
  comment: "ALS 8.3.2 reconstruction at ALCF (flowsmith)",
  // The run directory is the experiment folder; everything else comes from schema defaults.
  rundir: (dir) => {
    const scan = dir.files.find((f) => /^\d{8}_\d{6}_.+\.h5$/.test(f));
    if (!scan) throw new Error(`no YYYYMMDD_HHMMSS_<name>.h5 scan in ${dir.path}`);
    return { input: { folder_path: dir.name, file_name: scan } } as Als832AlcfInput;
  },
  followUps: [
    {
      name: "prune-alcf",
      flow: "als832_prune",
      after: (run) => days(run.input.input.prune.alcf_after_days),
      input: (run) => {
        const p = pathsOf(run);
        return {
          input: {
            collection: run.input.input.alcf_collection,
            items: [{ path: p.alcf_raw_file }, { path: `${p.alcf_scratch_dir}/rec${p.dataset}/` }, { path: `${p.alcf_scratch_dir}/rec${p.dataset}.zarr/` }],
            label: `8.3.2 prune ALCF ${p.dataset}`.slice(0, 128),
          },
        };
      },
      label: (run) => `prune ALCF ${pathsOf(run).dataset}`,
    },
    {
      name: "prune-nersc",
      flow: "als832_prune",
      after: (run) => days(run.input.input.prune.nersc_after_days),
      input: (run) => {
        const p = pathsOf(run);
        return {
          input: {
            collection: run.input.input.nersc_collection,
            items: [{ path: `${p.nersc_scratch_dir}/rec${p.dataset}/` }, { path: `${p.nersc_scratch_dir}/rec${p.dataset}.zarr/` }],
            label: `8.3.2 prune NERSC ${p.dataset}`.slice(0, 128),
          },
        };
      },
      label: (run) => `prune NERSC ${pathsOf(run).dataset}`,
    },
  ],
  build: ($) => {
    const i = $.input;
    // Every path the run touches, computed once so the run log shows them.
    const paths = expressionEval("ComputePaths", {
      comment: "Derive the dataset name and the NERSC/ALCF paths from the naming conventions",
      parameters: {
        dataset: expr`${i.file_name}[:-3] if ${i.file_name}.endswith('.h5') else ${i.file_name}`,
        nersc_raw_file: expr`${i.nersc_raw_path}.rstrip('/') + '/' + ${i.folder_path} + '/' + ${i.file_name}`,
        alcf_raw_file: expr`${i.alcf_raw_path}.rstrip('/') + '/' + ${i.folder_path} + '/' + ${i.file_name}`,
        alcf_scratch_dir: expr`${i.alcf_scratch_path}.rstrip('/') + '/' + ${i.folder_path}`,
        nersc_scratch_dir: expr`${i.nersc_scratch_path}.rstrip('/') + '/' + ${i.folder_path}`,
      },
      resultPath: "$.paths",
    });
    const p = path<Paths>("$.paths");

    const toAlcf = transfer("TransferRawToALCF", {
      comment: "NERSC CFS raw/<folder>/<scan>.h5 -> ALCF Eagle raw/<folder>/<scan>.h5",
      source_endpoint: i.nersc_collection,
      destination_endpoint: i.alcf_collection,
      DATA: [{ source_path: p.nersc_raw_file, destination_path: p.alcf_raw_file, recursive: false }],
      label: expr`'8.3.2 raw ' + ${i.file_name}`,
      sync_level: 3,
      verify_checksum: true,
      waitTime: 3600,
    });

    const reconstruct = compute("Reconstruct", {
      comment: "tomopy reconstruction on Polaris: writes <scratch>/<folder>/rec<dataset>/*.tiff",
      endpoint: i.compute_endpoint,
      tasks: [
        {
          function: "als832_tomopy_reconstruct",
          kwargs: {
            folder_path: i.folder_path,
            h5_file_name: i.file_name,
            raw_root: i.polaris_raw_root,
            scratch_root: i.polaris_scratch_root,
            recon_script: i.recon_script,
            python: i.python,
          },
        },
      ],
      waitTime: 7200,
    });

    const zarr = compute("ConvertToZarr", {
      comment: "TIFF stack -> multiresolution <scratch>/<folder>/rec<dataset>.zarr/",
      endpoint: i.compute_endpoint,
      tasks: [
        {
          function: "als832_tiff_to_zarr",
          kwargs: { folder_path: i.folder_path, h5_file_name: i.file_name, scratch_root: i.polaris_scratch_root, zarr_script: i.zarr_script, python: i.python },
        },
      ],
      waitTime: 3600,
    });

    const back = transfer("TransferResultsToNERSC", {
      comment: "ALCF scratch rec<dataset>/ and rec<dataset>.zarr/ -> NERSC scratch",
      source_endpoint: i.alcf_collection,
      destination_endpoint: i.nersc_collection,
      DATA: [
        { source_path: expr`paths.alcf_scratch_dir + '/rec' + paths.dataset + '/'`, destination_path: expr`paths.nersc_scratch_dir + '/rec' + paths.dataset + '/'`, recursive: true },
        { source_path: expr`paths.alcf_scratch_dir + '/rec' + paths.dataset + '.zarr/'`, destination_path: expr`paths.nersc_scratch_dir + '/rec' + paths.dataset + '.zarr/'`, recursive: true },
      ],
      label: expr`'8.3.2 results ' + paths.dataset`,
      sync_level: 3,
      verify_checksum: true,
      waitTime: 3600,
    });

    const done = pass("Done", { comment: "Reconstruction delivered to NERSC" });

    paths.next(toAlcf).next(reconstruct).next(zarr).next(back).next(done);
    return paths;
  },
});

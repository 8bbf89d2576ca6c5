/**
 * COSMIC (ALS BL7012): move a new ptychography scan to NERSC and launch its reconstruction
 * on Perlmutter through Slurm.
 */
import { compute, defineFlow, expr, expressionEval, path, transfer } from "flowsmith";
import type { CosmicBl7012Input } from "./types/cosmic_bl7012.input.js";

export default defineFlow<CosmicBl7012Input>({
  name: "cosmic_bl7012",
  title: "COSMIC BL7012 ptychography at NERSC",
  subtitle: "Beamline -> NERSC CFS -> ptychocam reconstruction on Perlmutter",
  description: "Copies a new .cxi scan from the COSMIC beamline collection to NERSC and submits the ptychocam reconstruction job to Slurm on Perlmutter.",
  keywords: ["ALS", "COSMIC", "7.0.1.2", "ptychography", "NERSC", "Perlmutter"],
  comment: "COSMIC BL7012 data movement and reconstruction (flowsmith)",
  // A run directory holds one new scan; `cosmic_source_root` is where such directories sit on the beamline collection.
  rundir: (dir, env) => {
    const cxi = dir.files.filter((f) => f.endsWith(".cxi"));
    if (cxi.length !== 1) throw new Error(`expected exactly one .cxi file in ${dir.path}, found ${cxi.length}`);
    const root = String(env.cosmic_source_root ?? "").replace(/\/$/, "");
    return { input: { source: { path: `${root}/${dir.name}/${cxi[0]}` } } } as CosmicBl7012Input;
  },
  build: ($) => {
    const i = $.input;
    const paths = expressionEval("ComputePaths", {
      parameters: {
        file_name: expr`pathsplit(${i.source.path})[1]`,
        nersc_path: expr`${i.destination.path}.rstrip('/') + '/' + pathsplit(${i.source.path})[1]`,
        cxi_path: expr`${i.nersc_fs_root}.rstrip('/') + ${i.destination.path}.rstrip('/') + '/' + pathsplit(${i.source.path})[1]`,
      },
      resultPath: "$.paths",
    });
    const move = transfer("TransferToNERSC", {
      source_endpoint: i.source.id,
      destination_endpoint: i.destination.id,
      DATA: [{ source_path: i.source.path, destination_path: path<string>("$.paths.nersc_path"), recursive: false }],
      label: expr`'COSMIC ' + paths.file_name`,
      sync_level: 3,
      verify_checksum: true,
      waitTime: 3600,
    });
    const recon = compute("LaunchReconstruction", {
      comment: "sbatch ptychocam_reconstruction.sh <cxi> on Perlmutter; the result carries the Slurm job id",
      endpoint: i.compute_endpoint,
      tasks: [
        {
          function: "cosmic_ptycho_reconstruct",
          kwargs: {
            cxi_path: path<string>("$.paths.cxi_path"),
            recon_script: i.recon_script,
            account: i.slurm.account,
            qos: i.slurm.qos,
            constraint: i.slurm.constraint,
            time_limit: i.slurm.time_limit,
            nodes: i.slurm.nodes,
          },
        },
      ],
      waitTime: 600,
    });
    paths.next(move).next(recon);
    return paths;
  },
});

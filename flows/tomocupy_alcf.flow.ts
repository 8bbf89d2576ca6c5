/**
 * Tomocupy at ALCF (APS): transfer a scan to Eagle, then reconstruct it with tomocupy on a
 * Polaris GPU node. The input schema is the web form users know (enums, defaults, uuids).
 */
import { compute, defineFlow, transfer } from "flowsmith";
import type { TomocupyAlcfInput } from "./types/tomocupy_alcf.input.js";

export default defineFlow<TomocupyAlcfInput>({
  name: "tomocupy_alcf",
  title: "Tomocupy reconstruction at ALCF",
  subtitle: "Transfer a scan to Eagle and reconstruct it on Polaris GPUs",
  description: "Transfers input data with Globus Transfer, then runs tomocupy recon or recon_steps (full or try) through Globus Compute on Polaris.",
  keywords: ["APS", "tomocupy", "tomography", "ALCF", "Polaris", "GPU"],
  comment: "Transfer and run Tomocupy (flowsmith)",
  // Environment values: tomocupy_source (collection + root of scan directories), tomocupy_destination_root, polaris_eagle_root.
  rundir: (dir, env) => {
    const scan = dir.files.find((f) => f.endsWith(".h5"));
    if (!scan) throw new Error(`no .h5 scan in ${dir.path}`);
    const src = (env.tomocupy_source ?? {}) as { id?: string; path?: string };
    const dest = `${String(env.tomocupy_destination_root ?? "/").replace(/\/$/, "")}/${dir.name}/`;
    return {
      input: {
        source: { id: src.id, path: `${String(src.path ?? "").replace(/\/$/, "")}/${dir.name}/` },
        destination: { path: dest },
        recursive_tx: true,
        file_name: `${String(env.polaris_eagle_root ?? "").replace(/\/$/, "")}${dest}${scan}`,
      },
    } as TomocupyAlcfInput;
  },
  build: ($) => {
    const i = $.input;
    const move = transfer("TransferFiles", {
      comment: "Transfer the scan to Eagle",
      source_endpoint: i.source.id,
      destination_endpoint: i.destination.id,
      DATA: [{ source_path: i.source.path, destination_path: i.destination.path, recursive: i.recursive_tx }],
      label: "tomocupy input",
      sync_level: 3,
      waitTime: 3600,
    });
    const recon = compute("Tomocupy", {
      comment: "tomocupy <command> --file-name ... on Polaris",
      endpoint: i.compute_endpoint_id,
      tasks: [
        {
          function: "tomocupy_recon",
          kwargs: {
            file_name: i.file_name,
            command: i.command,
            reconstruction_type: i.reconstruction_type,
            rotation_axis: i.rotation_axis,
            nsino_per_chunk: i.nsino_per_chunk,
          },
        },
      ],
      waitTime: 3600,
    });
    return move.next(recon);
  },
});

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
  rundir: (dir, env) => {
    const scan = dir.files.find((f) => f.endsWith(".h5"));
    if (!scan) throw new Error(`no .h5 scan in ${dir.path}`);
    const d = (env.tomocupy_defaults ?? {}) as Record<string, unknown> & { source?: { path?: string }; destination?: { path?: string }; polaris_root?: string };
    const dest = `${String(d.destination?.path ?? "/").replace(/\/$/, "")}/${dir.name}/`;
    const { polaris_root, ...rest } = d;
    return {
      input: {
        ...rest,
        source: { ...d.source, path: `${String(d.source?.path ?? "").replace(/\/$/, "")}/${dir.name}/` },
        destination: { ...d.destination, path: dest },
        recursive_tx: true,
        file_name: `${String(polaris_root ?? "").replace(/\/$/, "")}${dest}${scan}`,
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

/**
 * hello: copy a run directory from the instrument's collection to the facility's storage,
 * summarise its text files there with a Globus Compute function (functions/hello_process.py),
 * and copy the summary back next to the data. A failed function ends the run in a Fail state.
 *
 * Try it on the local runtime:  npx flowsmith run-flow hello --rundir .flowsmith/collections/source/run001
 */
import { compute, defineFlow, expr, expressionEval, fail, path, transfer } from "flowsmith";
import type { HelloInput } from "./types/hello.input.js";

export default defineFlow<HelloInput>({
  name: "hello",
  title: "Hello: transfer, process, transfer back",
  subtitle: "Copy a run to the facility, summarise its text files, bring the summary back",
  description:
    "Transfers a run directory to the facility's storage, runs functions/hello_process.py on it through Globus Compute (line, word and byte counts of its text files) and transfers summary.json back to the run directory.",
  keywords: ["flowsmith", "example"],
  comment: "Transfer, Globus Compute, transfer back (flowsmith example)",
  // `run-flow --rundir DIR`: DIR is under values.source_root; the schema defaults fill in the rest
  // (collection and endpoint UUIDs, destination_root) for the environment.
  rundir: (dir, env) => {
    if (!dir.files.some((f) => f.endsWith(".txt"))) throw new Error(`no .txt files in ${dir.path}`);
    if (typeof env.source_root !== "string") throw new Error("values.source_root is not set in flowsmith.yaml: the source collection's root on this machine");
    const root = env.source_root.replace(/\/+$/, "");
    if (!dir.path.startsWith(`${root}/`)) throw new Error(`${dir.path} is not under ${env.source_root}, the source collection's root (values.source_root in flowsmith.yaml)`);
    const prefix = String(env.destination_path ?? "/hello").replace(/\/+$/, "");
    return { input: { source: { path: `${dir.path.slice(root.length)}/` }, destination: { path: `${prefix}/${dir.name}/` } } } as HelloInput;
  },
  build: ($) => {
    const i = $.input;
    const copyIn = transfer("TransferRun", {
      comment: "Run directory -> the facility's storage",
      source_endpoint: i.source.id,
      destination_endpoint: i.destination.id,
      DATA: [{ source_path: i.source.path, destination_path: i.destination.path, recursive: true }],
      label: "hello: run to the facility",
      verify_checksum: true,
      waitTime: 3600,
    });
    const paths = expressionEval("ComputePaths", {
      comment: "The copied run as a path on the compute endpoint, and where the summary goes",
      parameters: {
        run_dir: expr`${i.destination_root}.rstrip('/') + ${i.destination.path}`,
        summary_dir: expr`${i.destination_root}.rstrip('/') + ${i.destination.path} + 'summary'`,
        summary_on_destination: expr`${i.destination.path} + 'summary/'`,
        summary_on_source: expr`${i.source.path} + 'summary/'`,
      },
      resultPath: "$.paths",
    });
    const summarise = compute("Summarise", {
      comment: "functions/hello_process.py on the compute endpoint",
      endpoint: i.compute_endpoint,
      tasks: [{ function: "hello_process", kwargs: { input_dir: path<string>("$.paths.run_dir"), output_dir: path<string>("$.paths.summary_dir"), pattern: i.pattern } }],
      waitTime: 3600,
    });
    summarise.catch(["ActionUnableToRun", "ActionFailedException", "ActionTimeout"], fail("SummariseFailed", { error: "SummariseFailed", cause: "hello_process failed; the run log holds the task's traceback" }), {
      resultPath: "$.SummariseError",
    });
    const copyBack = transfer("TransferSummary", {
      comment: "summary/ -> back into the run directory",
      source_endpoint: i.destination.id,
      destination_endpoint: i.source.id,
      DATA: [{ source_path: path<string>("$.paths.summary_on_destination"), destination_path: path<string>("$.paths.summary_on_source"), recursive: true }],
      label: "hello: summary back",
      waitTime: 3600,
    });
    return copyIn.next(paths).next(summarise).next(copyBack);
  },
});

/**
 * The flags that say what a run gets, shared by every command that starts runs (run-flow,
 * timers create): one wording and one parser, so `--set` means the same everywhere.
 */
import type { Command } from "commander";

/** Repeatable option: each use appends. */
export const collect = (v: string, prev: string[] = []) => [...prev, v];

/** --rundir, --input, --set…, --label, --tag…, --monitor…, --manager…; `each` words the run ("run" or "each run"). */
export function addRunInputOptions(cmd: Command, each = "run"): Command {
  return cmd
    .option("--rundir <dir>", "run directory given to the flow's rundir mapper")
    .option("--input <file>", "input document (JSON/YAML) merged over the rundir input")
    .option("--set <key=value>", "override one input value (dotted key; JSON value or string); repeatable", collect, [])
    .option("--label <label>", `label of ${each}`)
    .option("--tag <tag>", `tag of ${each}; repeatable`, collect, [])
    .option("--monitor <urn>", "run monitor principal; repeatable", collect, [])
    .option("--manager <urn>", "run manager principal; repeatable", collect, []);
}

/**
 * `flowsmith endpoint-config polaris|perlmutter`: print (or write) a checked
 * globus-compute-endpoint configuration. The file goes to stdout so it can be piped;
 * warnings and the next steps go to stderr.
 */
import { Argument, type Command } from "commander";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ENDPOINT_SYSTEMS, endpointNextSteps, renderEndpointConfig, type EndpointConfigOptions } from "../../project/endpoint-config.js";
import { CliError, EXIT } from "../../errors.js";
import { displayPath, palette } from "../output.js";
import type { CliContext } from "../context.js";

interface Opts extends EndpointConfigOptions {
  output?: string;
  force?: boolean;
}

export function registerEndpointConfig(program: Command, ctx: CliContext): void {
  program
    .command("endpoint-config")
    .description("render a checked globus-compute-endpoint config for ALCF Polaris (PBS) or NERSC Perlmutter (Slurm)")
    .addArgument(new Argument("<system>", "the machine").choices(ENDPOINT_SYSTEMS))
    .option("--account <name>", "allocation (project) the jobs are charged to (required)")
    .option("--queue <name>", "Polaris PBS queue: debug, debug-scaling, prod, preemptable, demand (default debug)")
    .option("--qos <name>", "Perlmutter Slurm QOS: regular, debug, realtime, premium, overrun, shared, preempt (default regular)")
    .option("--constraint <type>", "Perlmutter node type: cpu or gpu (default cpu)")
    .option("--walltime <time>", "batch job length: HH:MM:SS, or D-HH:MM:SS on Perlmutter (default 01:00:00)")
    .option("--nodes <n>", "nodes per block (batch job) (default 1)")
    .option("--max-blocks <n>", "most blocks at once (default 1)")
    .option("--workers-per-node <n>", "workers per node (default 4, one per GPU; 1 on Perlmutter CPU nodes)")
    .option("--max-idletime <seconds>", "release a block after it has been idle this long (default 300)")
    .option("--worker-init <command>", "shell commands run before the workers start, e.g. activating an environment")
    .option("--filesystems <list>", "Polaris filesystems the jobs need, colon-separated (default home:eagle)")
    .option("--name <name>", "endpoint name, as in `globus-compute-endpoint configure NAME` (default flowsmith-<system>)")
    .option("--format <format>", "yaml or json", "yaml")
    .option("-o, --output <file>", "write the config to this file instead of stdout")
    .option("--force", "overwrite --output if it exists")
    .addHelpText(
      "after",
      `
Examples:
  flowsmith endpoint-config polaris --account IRIBeta --queue preemptable --walltime 06:00:00 \\
      --worker-init 'module use /soft/modulefiles; module load conda; conda activate /eagle/IRIBeta/env'
  flowsmith endpoint-config perlmutter --account m4386 --qos realtime --constraint cpu \\
      --worker-init 'source /global/common/software/m4386/venv/bin/activate' -o config-frib-analysis.yaml`,
    )
    .action((system: string, opts: Opts) => {
      const o = ctx.output;
      const c = palette(o);
      const { output, force, ...options } = opts;
      const r = renderEndpointConfig(system, options);
      for (const w of r.warnings) o.err(`${c.yellow("warning")}: ${w.flag}: ${w.message}${w.hint ? `\n  ${c.dim("hint:")} ${w.hint}` : ""}`);
      let file: string | undefined;
      if (output !== undefined) {
        file = resolve(output);
        if (existsSync(file) && !force) throw new CliError(`${displayPath(file)} already exists`, EXIT.INVALID, "pass --force to overwrite it, or choose another --output");
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, r.text);
        o.err(`${c.green("wrote")} ${displayPath(file)}`);
      } else {
        o.out(r.text.replace(/\n$/, ""));
      }
      o.err(c.dim(endpointNextSteps(r, file ? displayPath(file) : undefined).join("\n")));
    });
}

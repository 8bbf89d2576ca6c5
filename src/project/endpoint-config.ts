/**
 * `flowsmith endpoint-config`: a ready globus-compute-endpoint configuration for ALCF
 * Polaris (PBSProProvider + MpiExecLauncher) or NERSC Perlmutter (SlurmProvider +
 * SrunLauncher) in the current schema (GlobusComputeEngine, `strategy: simple` with
 * job_status_kwargs), rendered from templates/endpoints/<system>.yaml. Every value is
 * checked first; all problems are reported together, each with the flag and how to fix it.
 */
import { CliError, EXIT } from "../errors.js";
import { readTemplate, renderYamlTemplate, yamlText, type TemplateValue } from "./endpoint-templates.js";

export const ENDPOINT_SYSTEMS = ["polaris", "perlmutter"] as const;
export type EndpointSystem = (typeof ENDPOINT_SYSTEMS)[number];

/** PBS queues of Polaris (docs.alcf.anl.gov, running jobs). Others are warned about, not refused. */
export const POLARIS_QUEUES = ["debug", "debug-scaling", "prod", "preemptable", "demand"] as const;
/** Slurm QOS of Perlmutter (docs.nersc.gov, queue policy). Others are warned about, not refused. */
export const PERLMUTTER_QOS = ["regular", "debug", "realtime", "premium", "overrun", "shared", "preempt"] as const;
export const PERLMUTTER_CONSTRAINTS = ["cpu", "gpu"] as const;
/** Filesystems a Polaris job can ask for with `#PBS -l filesystems=`. */
export const POLARIS_FILESYSTEMS = ["home", "eagle", "grand"] as const;

/** Options as the command line gives them (numbers may still be strings). */
export interface EndpointConfigOptions {
  /** Allocation (project) the jobs are charged to. Required. */
  account?: string;
  /** Polaris: PBS queue (default debug). Perlmutter: taken as the QOS, with a warning. */
  queue?: string;
  /** Job walltime: HH:MM:SS (PBS), HH:MM:SS or D-HH:MM:SS (Slurm). Default 01:00:00. */
  walltime?: string;
  /** Nodes per block (one batch job). Default 1. */
  nodes?: number | string;
  /** Most blocks (batch jobs) at once. Default 1. */
  maxBlocks?: number | string;
  /** Workers per node. Default: one per GPU (4) on GPU nodes, 1 on Perlmutter CPU nodes. */
  workersPerNode?: number | string;
  /** Shell command run on each node before the workers start (activate the environment). */
  workerInit?: string;
  /** Endpoint name (globus-compute-endpoint configure NAME); also its display_name. */
  name?: string;
  /** Perlmutter: Slurm QOS (default regular). */
  qos?: string;
  /** Perlmutter: node type, cpu or gpu (default cpu). */
  constraint?: string;
  /** Polaris: filesystems the jobs need, colon-separated (default home:eagle). */
  filesystems?: string;
  /** Seconds an idle block is kept before it is released (default 300). */
  maxIdletime?: number | string;
  /** yaml (default) or json. */
  format?: string;
}

/** A problem (error) or a warning about one flag. */
export interface EndpointConfigIssue {
  /** The flag it is about, e.g. `--walltime`, or `<system>` for the argument. */
  flag: string;
  message: string;
  /** How to fix it. */
  hint?: string;
}

export interface RenderedEndpointConfig {
  system: EndpointSystem;
  /** The endpoint name used in the next steps. */
  name: string;
  format: "yaml" | "json";
  /** The configuration file's text, ending in a newline. */
  text: string;
  /** The configuration as data (what the text parses to). */
  config: Record<string, unknown>;
  /** Things that are allowed but probably not meant; print them on stderr. */
  warnings: EndpointConfigIssue[];
}

/** Every problem with the options, thrown at once; an invalid-input CliError (exit code 1). */
export class EndpointConfigError extends CliError {
  constructor(
    readonly system: string,
    readonly problems: EndpointConfigIssue[],
  ) {
    super(
      `endpoint-config ${system}: ${problems.length === 1 ? "1 problem" : `${problems.length} problems`}\n` +
        problems.map((p) => `  ${p.flag}: ${p.message}${p.hint ? `\n    fix: ${p.hint}` : ""}`).join("\n"),
      EXIT.INVALID,
      "`flowsmith endpoint-config --help` lists every option",
    );
    this.name = "EndpointConfigError";
  }
}

const SCHEDULER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$/;
const ENDPOINT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const GPUS_PER_NODE = 4;

const quote = (s: string) => JSON.stringify(s);

function describeBadName(v: string): string {
  if (v === "") return "must not be empty";
  if (/\s/.test(v)) return `must not contain spaces (got ${quote(v)})`;
  if (/["'`]/.test(v)) return `must not contain quotes (got ${quote(v)})`;
  return `may contain only letters, digits and _ . + - and must start with a letter or digit (got ${quote(v)})`;
}

/** Seconds of a walltime, or undefined when it does not have the scheduler's format. */
export function walltimeSeconds(v: string, scheduler: "pbs" | "slurm"): number | undefined {
  const m = scheduler === "pbs" ? /^(\d{1,3}):([0-5]\d):([0-5]\d)$/.exec(v) : /^(?:(\d{1,2})-)?(\d{1,2}):([0-5]\d):([0-5]\d)$/.exec(v);
  if (!m) return undefined;
  if (scheduler === "pbs") return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  const days = m[1] === undefined ? 0 : Number(m[1]);
  if (m[1] !== undefined && Number(m[2]) > 23) return undefined;
  return days * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

const hours = (s: number) => `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;

/**
 * GPUs per worker as CUDA_VISIBLE_DEVICES strings ("0,1" …) when the workers split a
 * node's GPUs evenly, or the plain count when there is one worker per GPU.
 */
function accelerators(workers: number): TemplateValue {
  if (workers === GPUS_PER_NODE) return GPUS_PER_NODE;
  if (workers > GPUS_PER_NODE || GPUS_PER_NODE % workers !== 0) return undefined;
  const per = GPUS_PER_NODE / workers;
  return Array.from({ length: workers }, (_, w) => Array.from({ length: per }, (_, g) => String(w * per + g)).join(","));
}

/** Render a configuration, or throw EndpointConfigError with every problem found. */
export function renderEndpointConfig(kind: string, options: EndpointConfigOptions = {}): RenderedEndpointConfig {
  const problems: EndpointConfigIssue[] = [];
  const warnings: EndpointConfigIssue[] = [];
  const system = kind.toLowerCase() as EndpointSystem;
  if (!ENDPOINT_SYSTEMS.includes(system)) {
    throw new EndpointConfigError(kind, [{ flag: "<system>", message: `unknown system ${quote(kind)}`, hint: `choose one of ${ENDPOINT_SYSTEMS.join(", ")}` }]);
  }
  const polaris = system === "polaris";
  const o = options;
  const given = (v: unknown): v is string | number => v !== undefined && v !== null;

  const posInt = (flag: string, v: number | string | undefined, dflt: number, max = 100_000): number => {
    if (!given(v)) return dflt;
    const s = String(v).trim();
    if (!/^\d+$/.test(s) || Number(s) < 1) {
      problems.push({ flag, message: `must be a positive integer (got ${quote(String(v))})`, hint: `e.g. ${flag} ${dflt}` });
      return dflt;
    }
    if (Number(s) > max) {
      problems.push({ flag, message: `${s} is more than ${max}`, hint: `pass a number from 1 to ${max}` });
      return dflt;
    }
    return Number(s);
  };
  const schedName = (flag: string, v: string | undefined, example: string): string | undefined => {
    if (v === undefined) return undefined;
    if (!SCHEDULER_NAME.test(v)) {
      problems.push({ flag, message: describeBadName(v), hint: `pass the bare name, e.g. ${flag} ${example}` });
      return undefined;
    }
    return v;
  };
  const notHere = (flag: string, v: unknown, other: EndpointSystem, hint: string) => {
    if (given(v)) problems.push({ flag, message: `applies to ${other} only`, hint });
  };

  // Account: required everywhere.
  const accountExample = polaris ? "IRIBeta" : "m4386";
  let account: string | undefined;
  if (o.account === undefined || o.account.trim() === "") {
    problems.push({
      flag: "--account",
      message: "is required: the allocation (project) the batch jobs are charged to",
      hint: polaris ? `pass your ALCF project, e.g. --account ${accountExample}` : `pass your NERSC project, e.g. --account ${accountExample} (listed in Iris)`,
    });
  } else account = schedName("--account", o.account, accountExample);

  // Queue (Polaris) or QOS and constraint (Perlmutter).
  let queue: string | undefined;
  let qos: string | undefined;
  let constraint = "cpu" as (typeof PERLMUTTER_CONSTRAINTS)[number];
  let filesystems = "home:eagle";
  if (polaris) {
    notHere("--qos", o.qos, "perlmutter", "Polaris has PBS queues: use --queue");
    notHere("--constraint", o.constraint, "perlmutter", "every Polaris node has 4 A100 GPUs: leave --constraint out");
    queue = schedName("--queue", o.queue, "debug") ?? (o.queue === undefined ? "debug" : undefined);
    if (queue !== undefined && !(POLARIS_QUEUES as readonly string[]).includes(queue)) {
      warnings.push({ flag: "--queue", message: `${quote(queue)} is not a Polaris queue flowsmith knows (${POLARIS_QUEUES.join(", ")})`, hint: "check the name with `qstat -Q` on Polaris; it is used as given" });
    }
    if (given(o.filesystems)) {
      const fs = String(o.filesystems);
      if (!/^[a-z0-9_]+(:[a-z0-9_]+)*$/.test(fs)) {
        problems.push({ flag: "--filesystems", message: `must be filesystem names separated by colons (got ${quote(fs)})`, hint: "e.g. --filesystems home:eagle" });
      } else {
        filesystems = fs;
        const unknown = fs.split(":").filter((f) => !(POLARIS_FILESYSTEMS as readonly string[]).includes(f));
        if (unknown.length) warnings.push({ flag: "--filesystems", message: `${unknown.map(quote).join(", ")} ${unknown.length === 1 ? "is not a filesystem" : "are not filesystems"} flowsmith knows on Polaris (${POLARIS_FILESYSTEMS.join(", ")})`, hint: "PBS refuses a job that names an unknown filesystem" });
      }
    }
  } else {
    notHere("--filesystems", o.filesystems, "polaris", "Perlmutter jobs need no filesystems request: leave --filesystems out");
    if (given(o.queue) && given(o.qos)) {
      problems.push({ flag: "--queue", message: "Perlmutter has no queues, and --qos is given too", hint: "leave --queue out and choose the Slurm QOS with --qos" });
    } else if (given(o.queue)) {
      warnings.push({ flag: "--queue", message: `Perlmutter selects jobs by Slurm QOS: --queue ${o.queue} is used as --qos ${o.queue}`, hint: "pass --qos instead" });
    }
    const q = o.qos ?? o.queue;
    qos = q === undefined ? "regular" : schedName(o.qos !== undefined ? "--qos" : "--queue", q, "regular");
    if (qos !== undefined && !(PERLMUTTER_QOS as readonly string[]).includes(qos)) {
      warnings.push({ flag: "--qos", message: `${quote(qos)} is not a Perlmutter QOS flowsmith knows (${PERLMUTTER_QOS.join(", ")})`, hint: "check it with `sacctmgr show qos format=name` on Perlmutter; it is used as given" });
    }
    if (given(o.constraint)) {
      const c = String(o.constraint).toLowerCase();
      if ((PERLMUTTER_CONSTRAINTS as readonly string[]).includes(c)) constraint = c as typeof constraint;
      else problems.push({ flag: "--constraint", message: `must be cpu or gpu (got ${quote(String(o.constraint))})`, hint: "--constraint cpu for CPU nodes, --constraint gpu for GPU (A100) nodes" });
    }
  }

  // Walltime.
  const scheduler = polaris ? "pbs" : "slurm";
  let walltime = "01:00:00";
  if (given(o.walltime)) {
    const w = String(o.walltime).trim();
    const secs = walltimeSeconds(w, scheduler);
    if (secs === undefined) {
      problems.push({ flag: "--walltime", message: `must be ${polaris ? "HH:MM:SS (PBS)" : "HH:MM:SS or D-HH:MM:SS (Slurm)"} (got ${quote(String(o.walltime))})`, hint: `e.g. --walltime 01:00:00${polaris ? "" : " or --walltime 1-12:00:00"}` });
    } else if (secs === 0) {
      problems.push({ flag: "--walltime", message: "must be longer than zero", hint: "e.g. --walltime 01:00:00" });
    } else walltime = w;
  }
  const wallSecs = walltimeSeconds(walltime, scheduler) ?? 3600;

  const nodes = posInt("--nodes", o.nodes, 1);
  const maxBlocks = posInt("--max-blocks", o.maxBlocks, 1);
  const maxIdletime = posInt("--max-idletime", o.maxIdletime, 300, 7 * 86400);
  const gpuNodes = polaris || constraint === "gpu";
  const workers = posInt("--workers-per-node", o.workersPerNode, gpuNodes ? GPUS_PER_NODE : 1, 1024);
  const accel = gpuNodes ? accelerators(workers) : undefined;
  if (gpuNodes && accel === undefined) {
    warnings.push({
      flag: "--workers-per-node",
      message: `${workers} workers do not split a node's ${GPUS_PER_NODE} GPUs evenly, so available_accelerators is left out and every worker sees every GPU`,
      hint: "use 1, 2 or 4 workers per node to pin GPUs to workers",
    });
  }

  // Limits of the debug queues (well known, so a likely mistake).
  if (polaris && (queue === "debug" || queue === "debug-scaling")) {
    const maxNodes = queue === "debug" ? 2 : 10;
    if (wallSecs > 3600) warnings.push({ flag: "--walltime", message: `the ${queue} queue runs jobs of at most 1:00:00, not ${hours(wallSecs)}`, hint: "shorten --walltime or pick another --queue" });
    if (nodes > maxNodes) warnings.push({ flag: "--nodes", message: `the ${queue} queue runs jobs of at most ${maxNodes} nodes, not ${nodes}`, hint: "lower --nodes or pick another --queue" });
  }
  if (!polaris && qos === "debug") {
    if (wallSecs > 1800) warnings.push({ flag: "--walltime", message: `the debug QOS runs jobs of at most 0:30:00, not ${hours(wallSecs)}`, hint: "shorten --walltime or pick another --qos" });
    if (nodes > 8) warnings.push({ flag: "--nodes", message: `the debug QOS runs jobs of at most 8 nodes, not ${nodes}`, hint: "lower --nodes or pick another --qos" });
  }

  // worker_init: any shell text, but not control characters that no batch script survives.
  let workerInit: string | undefined;
  if (given(o.workerInit)) {
    const w = String(o.workerInit);
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(w)) problems.push({ flag: "--worker-init", message: "contains control characters", hint: "pass plain shell commands, separated by ; or newlines" });
    else if (w.trim() !== "") workerInit = w;
    if (/\{\{|\{%|\{#/.test(w)) {
      warnings.push({ flag: "--worker-init", message: "contains {{, {% or {#, which Jinja interprets if this file becomes a user_config_template.yaml.j2", hint: "use it as config.yaml, or escape those characters for Jinja (e.g. {{ '{#' }}) in the template" });
    }
  }
  if (workerInit === undefined && !problems.some((p) => p.flag === "--worker-init")) {
    warnings.push({
      flag: "--worker-init",
      message: "not given: the workers start in the batch job's default environment, which must have globus-compute-endpoint (the endpoint's version) and your packages",
      hint: polaris ? "e.g. --worker-init 'module use /soft/modulefiles; module load conda; conda activate /eagle/PROJECT/envs/flows'" : "e.g. --worker-init 'source /global/common/software/PROJECT/venv/bin/activate'",
    });
  }

  let name = `flowsmith-${system}`;
  if (given(o.name)) {
    if (ENDPOINT_NAME.test(String(o.name))) name = String(o.name);
    else problems.push({ flag: "--name", message: describeBadName(String(o.name)).replace("_ . + -", "_ . -"), hint: `e.g. --name ${system}-flows (it becomes the directory ~/.globus_compute/NAME)` });
  }

  const format = (o.format ?? "yaml").toLowerCase();
  if (format !== "yaml" && format !== "json") problems.push({ flag: "--format", message: `must be yaml or json (got ${quote(String(o.format))})`, hint: "--format yaml (the endpoint reads YAML; JSON is valid YAML too)" });

  if (problems.length) throw new EndpointConfigError(system, problems);

  const values: Record<string, TemplateValue> = polaris
    ? {
        display_name: name,
        max_workers_per_node: workers,
        available_accelerators: accel,
        max_idletime: maxIdletime,
        account: account!,
        queue: queue!,
        scheduler_options: `#PBS -l filesystems=${filesystems}` + (nodes > 1 ? "\n#PBS -l place=scatter" : ""),
        worker_init: workerInit,
        walltime,
        nodes_per_block: nodes,
        max_blocks: maxBlocks,
      }
    : {
        display_name: name,
        max_workers_per_node: workers,
        available_accelerators: accel,
        max_idletime: maxIdletime,
        threads_per_node: constraint === "gpu" ? 128 : 256,
        account: account!,
        qos: qos!,
        constraint,
        scheduler_options: constraint === "gpu" ? `#SBATCH --gpus-per-node=${GPUS_PER_NODE}` : undefined,
        worker_init: workerInit,
        exclusive: qos !== "shared",
        walltime,
        nodes_per_block: nodes,
        max_blocks: maxBlocks,
      };
  const file = `templates/endpoints/${system}.yaml`;
  const doc = renderYamlTemplate(readTemplate("endpoints", `${system}.yaml`), values, file);
  const config = doc.toJS() as Record<string, unknown>;
  const text = format === "json" ? JSON.stringify(config, null, 2) + "\n" : yamlText(doc);
  return { system, name, format: format as "yaml" | "json", text, config, warnings };
}

/** What to do with the file on the machine (printed on stderr, so stdout stays the file). */
export function endpointNextSteps(r: Pick<RenderedEndpointConfig, "system" | "name">, file?: string): string[] {
  const host = r.system === "polaris" ? "polaris.alcf.anl.gov" : "perlmutter.nersc.gov";
  const n = r.name;
  return [
    `next steps, on a ${r.system === "polaris" ? "Polaris" : "Perlmutter"} login node (ssh ${host}) with globus-compute-endpoint >= 2.18 installed:`,
    `  1. globus-compute-endpoint configure ${n}`,
    file ? `  2. copy ${file} to ~/.globus_compute/${n}/config.yaml` : `  2. save the config printed above as ~/.globus_compute/${n}/config.yaml`,
    `     (if \`configure\` made a user_config_template.yaml.j2 there, globus-compute-endpoint 4.x, the config goes in that file instead)`,
    `  3. globus-compute-endpoint start ${n}`,
    `  4. put the endpoint id from \`globus-compute-endpoint list\` under compute_endpoints in flowsmith.yaml`,
  ];
}

/** `flowsmith endpoint-config`: rendering from templates/endpoints/, validation, the command. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command, CommanderError } from "commander";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { EndpointConfigError, renderEndpointConfig, walltimeSeconds, type EndpointConfigOptions } from "../../src/project/endpoint-config.js";
import { placeholdersOf, readTemplate, renderYamlTemplate, yamlText } from "../../src/project/endpoint-templates.js";
import { registerEndpointConfig } from "../../src/cli/commands/endpoint-config.js";
import { run } from "../../src/cli/main.js";
import { CliError } from "../../src/errors.js";
import type { Output } from "../../src/cli/output.js";
import { COMMANDS } from "../../src/cli/command-index.js";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const WORKER_INIT = `module use /soft/modulefiles; conda activate /eagle/IRIBeta/env: # "quotes" 'single' \\ back {braces} & $HOME`;

const polaris = (o: EndpointConfigOptions = {}) => renderEndpointConfig("polaris", { account: "IRIBeta", workerInit: "source ~/env/bin/activate", ...o });
const perlmutter = (o: EndpointConfigOptions = {}) => renderEndpointConfig("perlmutter", { account: "m4386", workerInit: "source ~/env/bin/activate", ...o });

/** The problems a render reports (it must throw). */
function problems(render: () => unknown): { flag: string; message: string; hint?: string }[] {
  try {
    render();
  } catch (e) {
    expect(e).toBeInstanceOf(EndpointConfigError);
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(1);
    return (e as EndpointConfigError).problems;
  }
  throw new Error("expected an EndpointConfigError");
}
const flagsOf = (render: () => unknown) => problems(render).map((p) => p.flag);
const warnFlags = (r: { warnings: { flag: string }[] }) => r.warnings.map((w) => w.flag);

describe("endpoint-config polaris", () => {
  it("renders GlobusComputeEngine + PBSProProvider + MpiExecLauncher with strategy simple and job_status_kwargs", () => {
    const r = polaris({ queue: "preemptable", walltime: "06:00:00", nodes: "2", maxBlocks: "3", name: "als-recon" });
    expect(r.format).toBe("yaml");
    const c = parse(r.text) as Obj;
    expect(c).toEqual(r.config);
    expect(c.display_name).toBe("als-recon");
    expect(c.engine.type).toBe("GlobusComputeEngine");
    expect(c.engine.strategy).toBe("simple");
    expect(c.engine.job_status_kwargs).toEqual({ max_idletime: 300, strategy_period: 60 });
    expect(c.engine.max_workers_per_node).toBe(4);
    expect(c.engine.available_accelerators).toBe(4);
    expect(c.engine.address).toEqual({ type: "address_by_interface", ifname: "hsn0" });
    const p = c.engine.provider;
    expect(p.type).toBe("PBSProProvider");
    expect(p.launcher).toEqual({ type: "MpiExecLauncher", bind_cmd: "--cpu-bind", overrides: "--depth=64 --ppn 1" });
    expect(p).toMatchObject({ account: "IRIBeta", queue: "preemptable", walltime: "06:00:00", nodes_per_block: 2, max_blocks: 3, init_blocks: 0, min_blocks: 0 });
    expect(p.select_options).toBe("ngpus=4");
    expect(p.scheduler_options).toBe("#PBS -l filesystems=home:eagle\n#PBS -l place=scatter");
    expect(p.worker_init).toBe("source ~/env/bin/activate");
    // The old object form never appears as configuration.
    expect(r.text).not.toMatch(/^\s*type:\s*SimpleStrategy/m);
    expect(JSON.stringify(c)).not.toContain("SimpleStrategy");
    // The template's comments survive.
    expect(r.text).toMatch(/^# Globus Compute endpoint for ALCF Polaris/);
    expect(r.text).toContain("# Seconds a block (PBS job) may sit idle");
  });

  it("defaults: debug queue, one hour, one node, home:eagle, name flowsmith-polaris", () => {
    const r = polaris();
    const p = r.config.engine as Obj;
    expect(p.provider).toMatchObject({ queue: "debug", walltime: "01:00:00", nodes_per_block: 1, max_blocks: 1, scheduler_options: "#PBS -l filesystems=home:eagle" });
    expect(r.name).toBe("flowsmith-polaris");
    expect(r.warnings).toEqual([]);
  });

  it("--filesystems goes into the #PBS -l filesystems= line", () => {
    expect(((polaris({ filesystems: "home:grand:eagle" }).config.engine as Obj).provider as Obj).scheduler_options).toBe("#PBS -l filesystems=home:grand:eagle");
  });

  it("a worker_init with : # quotes and backslashes survives a YAML round trip", () => {
    const r = polaris({ workerInit: WORKER_INIT, walltime: "1:00:00" });
    const p = (parse(r.text) as Obj).engine.provider;
    expect(p.worker_init).toBe(WORKER_INIT);
    // Quoted, so a YAML 1.1 reader does not see the integer 3600.
    expect(p.walltime).toBe("1:00:00");
    expect(r.text).toContain('walltime: "1:00:00"');
    const multi = polaris({ workerInit: "module load conda\nconda activate base" });
    expect(((parse(multi.text) as Obj).engine.provider as Obj).worker_init).toBe("module load conda\nconda activate base");
  });

  const hasPyYaml = spawnSync("python3", ["-c", "import yaml"]).status === 0;
  it.runIf(hasPyYaml)("PyYAML (what globus-compute-endpoint reads it with) sees the same values", () => {
    const r = polaris({ workerInit: WORKER_INIT, walltime: "1:00:00", nodes: 3 });
    const py = spawnSync("python3", ["-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))"], { input: r.text, encoding: "utf8" });
    expect(py.status, py.stderr).toBe(0);
    expect(JSON.parse(py.stdout)).toEqual(r.config);
  });

  it("workers per node pin the node's 4 GPUs when they split evenly", () => {
    expect((polaris({ workersPerNode: 2 }).config.engine as Obj).available_accelerators).toEqual(["0,1", "2,3"]);
    expect((polaris({ workersPerNode: "1" }).config.engine as Obj).available_accelerators).toEqual(["0,1,2,3"]);
    const three = polaris({ workersPerNode: 3 });
    expect(three.config.engine as Obj).not.toHaveProperty("available_accelerators");
    expect((three.config.engine as Obj).max_workers_per_node).toBe(3);
    expect(warnFlags(three)).toEqual(["--workers-per-node"]);
    expect(three.text).not.toContain("available_accelerators");
  });

  it("--format json is the same configuration", () => {
    const y = polaris();
    const j = polaris({ format: "json" });
    expect(j.format).toBe("json");
    expect(JSON.parse(j.text)).toEqual(y.config);
  });
});

describe("endpoint-config perlmutter", () => {
  it("renders SlurmProvider + SrunLauncher with qos, constraint and account (FRIB: realtime, cpu, m4386)", () => {
    const r = perlmutter({ qos: "realtime", constraint: "cpu", walltime: "1-12:00:00", workerInit: "source /global/common/software/m4386/venv/bin/activate" });
    const c = parse(r.text) as Obj;
    expect(c).toEqual(r.config);
    expect(c.engine.type).toBe("GlobusComputeEngine");
    expect(c.engine.strategy).toBe("simple");
    expect(c.engine.job_status_kwargs).toEqual({ max_idletime: 300, strategy_period: 60 });
    expect(c.engine.max_workers_per_node).toBe(1);
    expect(c.engine).not.toHaveProperty("available_accelerators");
    const p = c.engine.provider;
    expect(p.type).toBe("SlurmProvider");
    expect(p.launcher).toEqual({ type: "SrunLauncher", overrides: "-c 256" });
    expect(p).toMatchObject({ account: "m4386", qos: "realtime", constraint: "cpu", walltime: "1-12:00:00", exclusive: true, nodes_per_block: 1, max_blocks: 1 });
    expect(p).not.toHaveProperty("scheduler_options");
    expect(p.worker_init).toBe("source /global/common/software/m4386/venv/bin/activate");
    expect(r.text).not.toContain("SimpleStrategy\n");
    expect(r.warnings).toEqual([]);
  });

  it("gpu nodes: 128 threads, 4 GPUs requested and pinned one per worker", () => {
    const r = perlmutter({ constraint: "gpu" });
    const e = r.config.engine as Obj;
    expect(e.max_workers_per_node).toBe(4);
    expect(e.available_accelerators).toBe(4);
    expect(e.provider).toMatchObject({ constraint: "gpu", scheduler_options: "#SBATCH --gpus-per-node=4", launcher: { type: "SrunLauncher", overrides: "-c 128" } });
  });

  it("defaults: regular QOS, cpu nodes, one hour; shared QOS is not exclusive", () => {
    const p = (perlmutter().config.engine as Obj).provider as Obj;
    expect(p).toMatchObject({ qos: "regular", constraint: "cpu", walltime: "01:00:00", exclusive: true });
    expect(((perlmutter({ qos: "shared" }).config.engine as Obj).provider as Obj).exclusive).toBe(false);
  });

  it("a worker_init with : # quotes survives a YAML round trip", () => {
    expect((((parse(perlmutter({ workerInit: WORKER_INIT }).text) as Obj).engine as Obj).provider as Obj).worker_init).toBe(WORKER_INIT);
  });
});

describe("endpoint-config validation", () => {
  it("--account is required on both systems, with a hint", () => {
    for (const system of ["polaris", "perlmutter"]) {
      const ps = problems(() => renderEndpointConfig(system, {}));
      expect(ps).toHaveLength(1);
      expect(ps[0]!.flag).toBe("--account");
      expect(ps[0]!.message).toMatch(/required/);
      expect(ps[0]!.hint).toMatch(/--account (IRIBeta|m4386)/);
    }
    expect(flagsOf(() => renderEndpointConfig("polaris", { account: "  " }))).toEqual(["--account"]);
  });

  it("account, queue and qos names: no spaces, no quotes", () => {
    const space = problems(() => polaris({ account: "my project" }));
    expect(space).toMatchObject([{ flag: "--account", message: expect.stringMatching(/spaces/) }]);
    expect(problems(() => polaris({ account: 'IRI"Beta' }))).toMatchObject([{ flag: "--account", message: expect.stringMatching(/quotes/) }]);
    expect(problems(() => polaris({ queue: "debug scaling" }))).toMatchObject([{ flag: "--queue", message: expect.stringMatching(/spaces/) }]);
    expect(problems(() => perlmutter({ qos: "real'time" }))).toMatchObject([{ flag: "--qos", message: expect.stringMatching(/quotes/) }]);
    expect(flagsOf(() => polaris({ account: "-A" }))).toEqual(["--account"]);
  });

  it("walltime: HH:MM:SS for PBS; HH:MM:SS or D-HH:MM:SS for Slurm; not zero", () => {
    for (const bad of ["1h", "60", "01:60:00", "1:2:3", "1-00:00:00", "00:00:00", ""]) {
      expect(flagsOf(() => polaris({ walltime: bad })), bad).toEqual(["--walltime"]);
    }
    expect(problems(() => polaris({ walltime: "1h" }))[0]!.hint).toMatch(/--walltime 01:00:00/);
    for (const bad of ["2-25:00:00", "1d", "00:00:00", "1-2"]) expect(flagsOf(() => perlmutter({ walltime: bad })), bad).toEqual(["--walltime"]);
    expect(problems(() => perlmutter({ walltime: "x" }))[0]!.message).toMatch(/D-HH:MM:SS/);
    expect(() => polaris({ walltime: "24:00:00" })).not.toThrow();
    expect(() => perlmutter({ walltime: "2-00:00:00" })).not.toThrow();
    expect(walltimeSeconds("1-01:00:00", "slurm")).toBe(90000);
    expect(walltimeSeconds("1:00:00", "pbs")).toBe(3600);
  });

  it("counts are positive integers", () => {
    for (const bad of ["0", "-1", "1.5", "abc", "", "1e3"]) {
      expect(flagsOf(() => polaris({ nodes: bad, maxBlocks: bad, workersPerNode: bad, maxIdletime: bad })), bad).toEqual(["--nodes", "--max-blocks", "--max-idletime", "--workers-per-node"]);
    }
    expect(problems(() => polaris({ nodes: "0" }))[0]).toMatchObject({ message: 'must be a positive integer (got "0")', hint: "e.g. --nodes 1" });
    expect(flagsOf(() => polaris({ nodes: 0 }))).toEqual(["--nodes"]);
  });

  it("flags of the other system are refused", () => {
    expect(problems(() => polaris({ qos: "regular", constraint: "gpu" }))).toMatchObject([
      { flag: "--qos", message: "applies to perlmutter only" },
      { flag: "--constraint", message: "applies to perlmutter only" },
    ]);
    expect(problems(() => perlmutter({ filesystems: "home" }))).toMatchObject([{ flag: "--filesystems", message: "applies to polaris only" }]);
    expect(flagsOf(() => perlmutter({ queue: "debug", qos: "regular" }))).toEqual(["--queue"]);
  });

  it("constraint is cpu or gpu; filesystems are colon-separated names; name and format", () => {
    expect(problems(() => perlmutter({ constraint: "knl" }))).toMatchObject([{ flag: "--constraint", message: expect.stringMatching(/cpu or gpu/) }]);
    expect(flagsOf(() => polaris({ filesystems: "home,eagle" }))).toEqual(["--filesystems"]);
    expect(flagsOf(() => polaris({ name: "../x" }))).toEqual(["--name"]);
    expect(flagsOf(() => polaris({ name: "my endpoint" }))).toEqual(["--name"]);
    expect(flagsOf(() => polaris({ format: "toml" }))).toEqual(["--format"]);
    expect(flagsOf(() => polaris({ workerInit: "echo\u0000x" }))).toEqual(["--worker-init"]);
  });

  it("an unknown system is a problem with the choices", () => {
    expect(problems(() => renderEndpointConfig("aurora", { account: "x" }))).toMatchObject([{ flag: "<system>", hint: expect.stringMatching(/polaris, perlmutter/) }]);
  });

  it("reports every problem at once, each with its flag and a fix", () => {
    let err: EndpointConfigError | undefined;
    try {
      renderEndpointConfig("polaris", { queue: "a b", walltime: "soon", nodes: "0", qos: "x", format: "xml" });
    } catch (e) {
      err = e as EndpointConfigError;
    }
    expect(err?.problems.map((p) => p.flag)).toEqual(["--account", "--qos", "--queue", "--walltime", "--nodes", "--format"]);
    expect(err?.problems.every((p) => p.hint)).toBe(true);
    expect(err?.message).toMatch(/^endpoint-config polaris: 6 problems\n  --account: is required/);
    expect(err?.message).toContain("\n    fix: e.g. --walltime 01:00:00");
  });
});

describe("endpoint-config warnings (stderr, not errors)", () => {
  it("unknown Polaris queue, Perlmutter QOS and Polaris filesystem", () => {
    const q = polaris({ queue: "alcf_training" });
    expect(q.warnings).toMatchObject([{ flag: "--queue", message: expect.stringMatching(/"alcf_training" is not a Polaris queue/) }]);
    expect(((q.config.engine as Obj).provider as Obj).queue).toBe("alcf_training");
    const s = perlmutter({ qos: "gpu_special" });
    expect(s.warnings).toMatchObject([{ flag: "--qos", message: expect.stringMatching(/not a Perlmutter QOS/) }]);
    expect(polaris({ filesystems: "home:flare" }).warnings).toMatchObject([{ flag: "--filesystems", message: expect.stringMatching(/"flare"/) }]);
    for (const known of ["debug", "debug-scaling", "prod", "preemptable", "demand"]) expect(polaris({ queue: known }).warnings, known).toEqual([]);
    for (const known of ["regular", "realtime", "premium", "overrun", "shared", "preempt"]) expect(perlmutter({ qos: known }).warnings, known).toEqual([]);
  });

  it("--queue on Perlmutter is taken as the QOS", () => {
    const r = perlmutter({ queue: "debug", walltime: "00:30:00" });
    expect(warnFlags(r)).toEqual(["--queue"]);
    expect(((r.config.engine as Obj).provider as Obj).qos).toBe("debug");
  });

  it("limits of the debug queues", () => {
    expect(warnFlags(polaris({ walltime: "02:00:00" }))).toEqual(["--walltime"]);
    expect(warnFlags(polaris({ queue: "debug", nodes: 3 }))).toEqual(["--nodes"]);
    expect(warnFlags(polaris({ queue: "debug-scaling", nodes: 10 }))).toEqual([]);
    expect(warnFlags(perlmutter({ qos: "debug", walltime: "01:00:00", nodes: 9 }))).toEqual(["--walltime", "--nodes"]);
  });

  it("no --worker-init, and Jinja delimiters in it", () => {
    const none = renderEndpointConfig("polaris", { account: "IRIBeta" });
    expect(none.warnings).toMatchObject([{ flag: "--worker-init", message: expect.stringMatching(/not given/), hint: expect.stringMatching(/--worker-init/) }]);
    expect(((none.config.engine as Obj).provider as Obj)).not.toHaveProperty("worker_init");
    expect(warnFlags(polaris({ workerInit: "n=${#arr[@]}" }))).toEqual(["--worker-init"]);
  });
});

describe("templates/endpoints", () => {
  it("are YAML with placeholders, no legacy strategy object", () => {
    for (const system of ["polaris", "perlmutter"]) {
      const t = readTemplate("endpoints", `${system}.yaml`);
      expect(placeholdersOf(t)).toContain("account");
      expect(t).toMatch(/^  strategy: simple$/m);
      expect(t).toMatch(/^  job_status_kwargs:$/m);
      expect(t).not.toMatch(/^\s*type:\s*SimpleStrategy/m);
    }
  });

  it("renderYamlTemplate quotes values, removes unset pairs, interpolates inside strings", () => {
    const doc = renderYamlTemplate('a: {{ x }}\n# gone with b\nb: {{ y }}\nc: "pre-{{ z }}"\nd: {{ n }}\ne: {{ list }}\n', { x: 'v: # "q"', y: undefined, z: 7, n: 3, list: ["0,1", "2,3"] });
    const text = yamlText(doc);
    expect(parse(text)).toEqual({ a: 'v: # "q"', c: "pre-7", d: 3, e: ["0,1", "2,3"] });
    expect(text).not.toContain("gone with b");
    expect(() => renderYamlTemplate("a: {{ missing }}\n", {})).toThrow(/no value for \{\{ missing \}\}/);
  });
});

/** The command through commander, as main.ts runs it (errors printed, exit code returned). */
async function endpointCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const output: Output = { out: (t) => void out.push(t), err: (t) => void err.push(t), color: false };
  const program = new Command("flowsmith").exitOverride().configureOutput({ writeOut: (s) => void out.push(s), writeErr: (s) => void err.push(s) });
  registerEndpointConfig(program, { root: process.cwd(), output });
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(["node", "flowsmith", "endpoint-config", ...args]);
    return { code: 0, stdout: out.join("\n"), stderr: err.join("\n") };
  } catch (e) {
    if (e instanceof CommanderError) return { code: e.exitCode === 0 ? 0 : 1, stdout: out.join("\n"), stderr: err.join("\n") };
    if (e instanceof CliError) return { code: e.exitCode, stdout: out.join("\n"), stderr: [...err, `error: ${e.message}`, ...(e.hint ? [`hint: ${e.hint}`] : [])].join("\n") };
    throw e;
  }
}

describe("flowsmith endpoint-config (command)", () => {
  it("prints only the config on stdout; warnings and next steps on stderr", async () => {
    const r = await endpointCli(["polaris", "--account", "IRIBeta", "--queue", "alcf_training", "--worker-init", WORKER_INIT, "--name", "als"]);
    expect(r.code).toBe(0);
    const c = parse(r.stdout) as Obj;
    expect(c.engine.provider).toMatchObject({ account: "IRIBeta", queue: "alcf_training", worker_init: WORKER_INIT });
    expect(r.stderr).toMatch(/warning: --queue: "alcf_training" is not a Polaris queue/);
    expect(r.stderr).toContain("globus-compute-endpoint configure als");
    expect(r.stderr).toContain("~/.globus_compute/als/config.yaml");
    expect(r.stderr).toContain("globus-compute-endpoint start als");
    expect(r.stdout).not.toContain("next steps");
  });

  it("perlmutter with every flag", async () => {
    const r = await endpointCli(["perlmutter", "--account", "m4386", "--qos", "realtime", "--constraint", "gpu", "--walltime", "12:00:00", "--nodes", "2", "--max-blocks", "4", "--workers-per-node", "2", "--max-idletime", "600", "--worker-init", "source venv/bin/activate", "--name", "frib-analysis", "--format", "json"]);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout) as Obj;
    expect(c.display_name).toBe("frib-analysis");
    expect(c.engine).toMatchObject({ max_workers_per_node: 2, available_accelerators: ["0,1", "2,3"], job_status_kwargs: { max_idletime: 600, strategy_period: 60 } });
    expect(c.engine.provider).toMatchObject({ type: "SlurmProvider", qos: "realtime", constraint: "gpu", walltime: "12:00:00", nodes_per_block: 2, max_blocks: 4 });
  });

  it("bad values end with exit code 1 and every problem named by flag", async () => {
    const r = await endpointCli(["polaris", "--walltime", "2h", "--nodes", "0"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/--account: is required/);
    expect(r.stderr).toMatch(/--walltime: must be HH:MM:SS/);
    expect(r.stderr).toMatch(/--nodes: must be a positive integer/);
    const unknown = await endpointCli(["aurora", "--account", "x"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/polaris, perlmutter/);
  });

  it("--output writes the file, and refuses to overwrite it without --force", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsmith-epc-"));
    const file = join(dir, "sub", "config.yaml");
    const first = await endpointCli(["perlmutter", "--account", "m4386", "--output", file]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe("");
    expect((parse(readFileSync(file, "utf8")) as Obj).engine.provider.account).toBe("m4386");
    expect(first.stderr).toMatch(/wrote .*config\.yaml/);
    writeFileSync(file, "mine\n");
    const again = await endpointCli(["perlmutter", "--account", "m9999", "--output", file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    expect(again.stderr).toMatch(/--force/);
    expect(readFileSync(file, "utf8")).toBe("mine\n");
    const forced = await endpointCli(["perlmutter", "--account", "m9999", "--output", file, "--force"]);
    expect(forced.code).toBe(0);
    expect((parse(readFileSync(file, "utf8")) as Obj).engine.provider.account).toBe("m9999");
    expect(existsSync(file)).toBe(true);
  });

  const registered = COMMANDS.some((c) => c.name === "endpoint-config");
  it.runIf(registered)("is wired into the flowsmith program (src/cli/main.ts)", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(["node", "flowsmith", "endpoint-config", "perlmutter"], { out: (t) => void out.push(t), err: (t) => void err.push(t), color: false });
    expect(code).toBe(1);
    expect(err.join("\n")).toMatch(/--account: is required/);
    expect(err.join("\n")).toMatch(/hint:/);
  });
});

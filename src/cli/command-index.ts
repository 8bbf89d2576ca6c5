/**
 * Every top-level command: its name, what `flowsmith --help` says about it, and how to load
 * it. src/cli/main.ts loads only the module of the command being run (its dependencies —
 * @globus/sdk, Ajv, better-sqlite3, tsx — with it) and lists the others from this table, so
 * `flowsmith --help` and `flowsmith validate x.json` do not pay for every command.
 * test/cli/command-index.test.ts checks that this table says what the modules register.
 */
import type { Command } from "commander";
import type { CliContext } from "./context.js";

type Register = (program: Command, ctx: CliContext) => void;

export interface CommandEntry {
  name: string;
  /** As registered: `.arguments()` of the command, for the help line. */
  args?: string;
  /** The command has options (help shows `[options]`). */
  options?: boolean;
  description: string;
  /** The module that registers it (deploy-flow and publish share one). */
  module: string;
  load: () => Promise<Register>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: "build", args: "[flows...]", options: true, description: "compile flows to build/<flow>/definition.json and input_schema.json", module: "build", load: async () => (await import("./commands/build.js")).registerBuild },
  { name: "validate", args: "[targets...]", options: true, description: "check flows or definition files offline; with --input, dry-run an input against the schema", module: "validate", load: async () => (await import("./commands/validate.js")).registerValidate },
  { name: "graph", args: "<target>", options: true, description: "print a flow as a Mermaid or Graphviz diagram", module: "graph", load: async () => (await import("./commands/graph.js")).registerGraph },
  { name: "import", args: "<definition>", options: true, description: "turn an existing definition into flows/<name>.flow.ts and schemas/<name>.json", module: "import", load: async () => (await import("./commands/import.js")).registerImport },
  { name: "types", options: true, description: "generate TypeScript input types (flows/types/) from schemas/*.json", module: "types", load: async () => (await import("./commands/types.js")).registerTypes },
  { name: "local", description: "the local Globus-compatible runtime (Auth, Flows, Transfer, Compute on 127.0.0.1)", module: "local", load: async () => (await import("./commands/local.js")).registerLocal },
  { name: "deploy-flow", args: "[flows...]", options: true, description: "register changed Compute functions and create or update changed flows; record ids in the lock file", module: "deploy", load: async () => (await import("./commands/deploy.js")).registerDeploy },
  { name: "publish", options: true, description: "deploy every flow whose compiled content differs from the lock (for CI)", module: "deploy", load: async () => (await import("./commands/deploy.js")).registerDeploy },
  { name: "run-flow", args: "<flow>", options: true, description: "build the input (from a run directory), validate it, start the run and follow it to its end", module: "run-flow", load: async () => (await import("./commands/run-flow.js")).registerRunFlow },
  { name: "runs", description: "list, inspect and manage runs", module: "runs", load: async () => (await import("./commands/runs.js")).registerRuns },
  { name: "functions", description: "Compute functions kept as Python in functions/", module: "functions", load: async () => (await import("./commands/functions.js")).registerFunctions },
  { name: "init", args: "[dir]", options: true, description: "scaffold a flows project: flowsmith.yaml, an example flow, schema and Compute function, tests, CI workflow", module: "init", load: async () => (await import("./commands/init.js")).registerInit },
  { name: "endpoint-config", args: "<system>", options: true, description: "render a checked globus-compute-endpoint config for ALCF Polaris (PBS) or NERSC Perlmutter (Slurm)", module: "endpoint-config", load: async () => (await import("./commands/endpoint-config.js")).registerEndpointConfig },
  { name: "login", options: true, description: "log in as a user (native-app authorization code with PKCE); tokens are kept per environment in .flowsmith/tokens/ (mode 0600)", module: "login", load: async () => (await import("./commands/login.js")).registerLogin },
  { name: "logout", options: true, description: "revoke the tokens of `flowsmith login` at Globus Auth and delete them", module: "logout", load: async () => (await import("./commands/logout.js")).registerLogout },
  { name: "whoami", options: true, description: "show the identity commands act as in an environment and where its credentials come from", module: "whoami", load: async () => (await import("./commands/whoami.js")).registerWhoami },
  { name: "ui", options: true, description: "serve a browser console on 127.0.0.1: flows, start form, runs, timers (Ctrl-C stops it)", module: "ui", load: async () => (await import("./commands/ui.js")).registerUi },
  { name: "timers", description: "Globus Timers: run a flow later, or every so often", module: "timers", load: async () => (await import("./commands/timers.js")).registerTimers },
];

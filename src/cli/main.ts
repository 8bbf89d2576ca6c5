/**
 * The flowsmith command line: a thin layer over the library. This file owns argument
 * parsing errors, the mapping of failures to exit codes, and is the only place that
 * prints an error before exiting.
 */
import { Command } from "commander";
import { EXIT } from "../errors.js";
import { describeFailure } from "./failure.js";
import { findProjectRoot } from "../project/root.js";
import { palette, terminalOutput, type Output } from "./output.js";
import type { CliContext } from "./context.js";
import { registerBuild } from "./commands/build.js";
import { registerValidate } from "./commands/validate.js";
import { registerGraph } from "./commands/graph.js";
import { registerImport } from "./commands/import.js";
import { registerTypes } from "./commands/types.js";
import { registerDemo } from "./commands/demo.js";
import { registerLocal } from "./commands/local.js";
import { registerDeploy } from "./commands/deploy.js";
import { registerRunFlow } from "./commands/run-flow.js";
import { registerRuns } from "./commands/runs.js";
import { registerFunctions } from "./commands/functions.js";
import { registerEndpointConfig } from "./commands/endpoint-config.js";
import { registerInit } from "./commands/init.js";
import { registerLogin } from "./commands/login.js";
import { registerLogout } from "./commands/logout.js";
import { registerWhoami } from "./commands/whoami.js";

const EXIT_HELP = `
Exit codes:
  0  success
  1  invalid input: a bad flag, file, definition, schema or run input
  2  a run ended in a status other than SUCCEEDED
  3  authentication or authorization failed
  4  a service or the network failed

Environment:
  NO_COLOR           disable colour
  FLOWSMITH_DEBUG=1  print stack traces of unexpected errors`;

export function buildProgram(ctx: CliContext): Command {
  const program = new Command("flowsmith")
    .description("Compile, check, deploy and run Globus Flows from typed TypeScript")
    .version("0.1.0")
    .showSuggestionAfterError(true)
    .addHelpText("after", EXIT_HELP)
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.output.out(s.replace(/\n$/, "")), writeErr: (s) => ctx.output.err(s.replace(/\n$/, "")) });
  registerBuild(program, ctx);
  registerValidate(program, ctx);
  registerGraph(program, ctx);
  registerImport(program, ctx);
  registerTypes(program, ctx);
  registerDemo(program, ctx);
  registerLocal(program, ctx);
  registerDeploy(program, ctx);
  registerRunFlow(program, ctx);
  registerRuns(program, ctx);
  registerFunctions(program, ctx);
  registerInit(program, ctx);
  registerEndpointConfig(program, ctx);
  registerLogin(program, ctx);
  registerLogout(program, ctx);
  registerWhoami(program, ctx);
  for (const cmd of program.commands) cmd.exitOverride().showSuggestionAfterError(true);
  return program;
}

/** `--json` before a `--` terminator: failures are printed as JSON on stdout too. */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).includes("--json");
}

/** Run the CLI; resolves to the exit code. */
export async function run(argv: string[], output: Output = terminalOutput()): Promise<number> {
  let exitCode: number = EXIT.OK;
  const ctx: CliContext = { root: findProjectRoot(), output, exit: (code) => void (exitCode = code) };
  const c = palette(output);
  try {
    await buildProgram(ctx).parseAsync(argv);
    return exitCode;
  } catch (e) {
    const f = describeFailure(e);
    if (!f) return EXIT.OK;
    if (wantsJson(argv)) output.out(JSON.stringify({ error: { code: f.code, message: f.message, hint: f.hint } }));
    if (!f.printed) {
      output.err(`${c.red("error")}: ${f.message}`);
      if (f.hint) output.err(`${c.dim(`${f.label}:`)} ${f.hint}`);
      if (f.stack && process.env.FLOWSMITH_DEBUG) output.err(f.stack);
    }
    return f.exit;
  }
}

/**
 * The flowsmith command line: a thin layer over the library. This file owns argument
 * parsing errors, the mapping of failures to exit codes, and is the only place that
 * prints an error before exiting.
 */
import { Command, CommanderError } from "commander";
import { CliError, EXIT } from "../errors.js";
import { packageVersion } from "../assets.js";
import { AuthError } from "../globus/auth/types.js";
import { ServiceError } from "../globus/api.js";
import { findProjectRoot } from "../project/root.js";
import { requireProjectConfig } from "../project/config.js";
import { palette, terminalOutput, type Output } from "./output.js";
import type { CliContext } from "./context.js";
import { registerBuild } from "./commands/build.js";
import { registerValidate } from "./commands/validate.js";
import { registerGraph } from "./commands/graph.js";
import { registerImport } from "./commands/import.js";
import { registerTypes } from "./commands/types.js";
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
import { registerUi } from "./commands/ui.js";
import { registerTimers } from "./commands/timers.js";

const EXIT_HELP = `
Exit codes:
  0  success
  1  invalid input: a bad flag, file, definition, schema or run input
  2  a run ended in a status other than SUCCEEDED
  3  authentication or authorization failed
  4  a service or the network failed
  5  detached (Ctrl-C) from a run that has not ended; reattach with \`flowsmith runs show ID --follow\`
  6  \`local status\`: no local runtime is running

Environment:
  NO_COLOR           disable colour
  FLOWSMITH_DEBUG=1  print stack traces of unexpected errors
  FLOWSMITH_MAX_FILE_BYTES          largest document read (default 16 MiB)
  FLOWSMITH_LOCAL_REATTACH_SECONDS  how long a follower waits for a lost local runtime (default 300)`;

const CONFIG_COMMANDS = new Set(["run-flow", "deploy-flow", "publish", "runs", "functions", "local", "login", "logout", "whoami", "demo"]);

export function buildProgram(ctx: CliContext): Command {
  const program = new Command("flowsmith")
    .description("Compile, check, deploy and run Globus Flows from typed TypeScript")
    .version(packageVersion())
    .showSuggestionAfterError(true)
    .addHelpText("after", EXIT_HELP)
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.output.out(s.replace(/\n$/, "")), writeErr: (s) => ctx.output.err(s.replace(/\n$/, "")) });
  registerBuild(program, ctx);
  registerValidate(program, ctx);
  registerGraph(program, ctx);
  registerImport(program, ctx);
  registerTypes(program, ctx);
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
  registerUi(program, ctx);
  registerTimers(program, ctx);
  for (const cmd of program.commands) cmd.exitOverride().showSuggestionAfterError(true);
  // Commands that work in an environment read flowsmith.yaml first, so a broken file is
  // reported the same way by all of them before anything else is loaded or contacted.
  program.hook("preAction", (_top, action) => {
    let cmd = action;
    while (cmd.parent && cmd.parent !== program) cmd = cmd.parent;
    if (CONFIG_COMMANDS.has(cmd.name())) requireProjectConfig(ctx.root);
  });
  return program;
}

/** Run the CLI; resolves to the exit code. */
export async function run(argv: string[], output: Output = terminalOutput()): Promise<number> {
  const ctx: CliContext = { root: findProjectRoot(), output };
  const c = palette(output);
  process.exitCode = 0;
  try {
    await buildProgram(ctx).parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and --version exit through here with code 0.
      if (e.exitCode === 0 || e.code === "commander.helpDisplayed" || e.code === "commander.version") return EXIT.OK;
      return EXIT.INVALID; // commander already printed the message
    }
    if (e instanceof AuthError) {
      output.err(`${c.red("error")}: ${e.message}`);
      if (e.fix) output.err(`${c.dim("fix:")} ${e.fix}`);
      return EXIT.AUTH;
    }
    if (e instanceof ServiceError) {
      output.err(`${c.red("error")}: ${e.message}`);
      return EXIT.SERVICE;
    }
    if (e instanceof CliError) {
      output.err(`${c.red("error")}: ${e.message}`);
      if (e.hint) output.err(`${c.dim("hint:")} ${e.hint}`);
      return e.exitCode;
    }
    const sys = e as NodeJS.ErrnoException;
    if (typeof sys?.code === "string" && /^E[A-Z]+$/.test(sys.code) && (sys.syscall || sys.path)) {
      // A file or network problem on this machine: say which, not "unexpected".
      const what = sys.code === "EADDRINUSE" ? `the port is already in use (${sys.message})` : sys.message;
      output.err(`${c.red("error")}: ${what}`);
      if (sys.code === "EADDRINUSE") output.err(`${c.dim("hint:")} pick another with --port, or stop what uses it`);
      return sys.code === "EADDRINUSE" || sys.code === "ECONNREFUSED" ? EXIT.SERVICE : EXIT.INVALID;
    }
    if (e instanceof Error && e.name === "RuntimeBusyError") {
      output.err(`${c.red("error")}: ${e.message}`);
      output.err(`${c.dim("hint:")} use it (commands find it by itself), or stop it with \`flowsmith local stop\``);
      return EXIT.INVALID;
    }
    const err = e instanceof Error ? e : new Error(String(e));
    output.err(`${c.red("error")}: unexpected failure: ${err.message}`);
    if (process.env.FLOWSMITH_DEBUG) output.err(err.stack ?? "");
    else output.err(`${c.dim("hint:")} set FLOWSMITH_DEBUG=1 for details, and please report it`);
    return EXIT.INVALID;
  }
}

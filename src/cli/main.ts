/**
 * The flowsmith command line: a thin layer over the library. This file owns argument
 * parsing errors, the mapping of failures to exit codes, and is the only place that
 * prints an error before exiting.
 */
import { Command, Option } from "commander";
import { EXIT } from "../errors.js";
import { packageVersion } from "../assets.js";
import { describeFailure } from "./failure.js";
import { findProjectRoot } from "../project/root.js";
import { requireProjectConfig } from "../project/config.js";
import { palette, terminalOutput, type Output } from "./output.js";
import type { CliContext } from "./context.js";
import { COMMANDS } from "./command-index.js";

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

/** The command a command line runs (`help X` included); undefined for none or an unknown one. */
function commandOf(argv: string[]): string | undefined {
  const args = argv.slice(2);
  const i = args.findIndex((a) => !a.startsWith("-"));
  if (i < 0) return undefined;
  const name = args[i] === "help" ? args[i + 1] : args[i];
  return COMMANDS.some((c) => c.name === name) ? name : undefined;
}

/**
 * The commander program. With `argv`, only the module of the command it runs is loaded
 * (the other commands are listed from src/cli/command-index.ts, so help and suggestions
 * still know them); without, every command is loaded.
 */
export async function buildProgram(ctx: CliContext, argv?: string[]): Promise<Command> {
  const program = new Command("flowsmith")
    .description("Compile, check, deploy and run Globus Flows from typed TypeScript")
    .version(packageVersion())
    .showSuggestionAfterError(true)
    .addHelpText("after", EXIT_HELP)
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.output.out(s.replace(/\n$/, "")), writeErr: (s) => ctx.output.err(s.replace(/\n$/, "")) });
  const wanted = argv ? commandOf(argv) : undefined;
  const wantedModule = COMMANDS.find((c) => c.name === wanted)?.module;
  const loadedModules = new Set<string>();
  for (const entry of COMMANDS) {
    if (!argv || entry.module === wantedModule) {
      if (!loadedModules.has(entry.module)) (await entry.load())(program, ctx);
      loadedModules.add(entry.module);
      continue;
    }
    // Not run by this command line: its name, arguments and description for help and suggestions.
    const stub = new Command(entry.name).description(entry.description);
    if (entry.args) stub.arguments(entry.args);
    if (entry.options) stub.addOption(new Option("--stub").hideHelp());
    program.addCommand(stub);
  }
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
    await (await buildProgram(ctx, argv)).parseAsync(argv);
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

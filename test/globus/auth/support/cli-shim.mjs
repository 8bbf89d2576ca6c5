// The built CLI with login/logout/whoami registered, for as long as src/cli/main.ts does not
// register them yet (the tests use bin/flowsmith.js directly once it does). Mirrors run().
import { CommanderError } from "commander";

const dist = new URL("../../../../dist/src/", import.meta.url);
const load = (p) => import(new URL(p, dist).href);
const { buildProgram } = await load("cli/main.js");
const { CliError, EXIT } = await load("errors.js");
const { AuthError } = await load("globus/auth/types.js");
const { ServiceError } = await load("globus/api.js");
const { findProjectRoot } = await load("project/root.js");
const { terminalOutput } = await load("cli/output.js");

const output = terminalOutput();
const ctx = { root: findProjectRoot(), output };
const program = buildProgram(ctx);
for (const [name, file, fn] of [
  ["login", "cli/commands/login.js", "registerLogin"],
  ["logout", "cli/commands/logout.js", "registerLogout"],
  ["whoami", "cli/commands/whoami.js", "registerWhoami"],
]) {
  if (!program.commands.some((c) => c.name() === name)) (await load(file))[fn](program, ctx);
}
for (const cmd of program.commands) cmd.exitOverride();
try {
  await program.parseAsync(process.argv);
  process.exitCode = Number(process.exitCode ?? 0);
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode === 0 || e.code === "commander.helpDisplayed" ? 0 : EXIT.INVALID;
  else if (e instanceof AuthError) {
    output.err(`error: ${e.message}`);
    if (e.fix) output.err(`fix: ${e.fix}`);
    process.exitCode = EXIT.AUTH;
  } else if (e instanceof ServiceError) {
    output.err(`error: ${e.message}`);
    process.exitCode = EXIT.SERVICE;
  } else if (e instanceof CliError) {
    output.err(`error: ${e.message}`);
    if (e.hint) output.err(`hint: ${e.hint}`);
    process.exitCode = e.exitCode;
  } else {
    output.err(`error: unexpected failure: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = EXIT.INVALID;
  }
}

/** `flowsmith types`: regenerate flows/types/<flow>.input.ts from schemas/<flow>.json. */
import type { Command } from "commander";
import { writeInputTypes } from "../../project/types.js";
import { displayPath } from "../output.js";
import { setExitCode, type CliContext } from "../context.js";

export function registerTypes(program: Command, ctx: CliContext): void {
  program
    .command("types")
    .description("generate TypeScript input types (flows/types/) from schemas/*.json")
    .option("--check", "fail if the generated files are out of date instead of writing them")
    .action(async (opts: { check?: boolean }) => {
      const results = await writeInputTypes(ctx.root, { check: !!opts.check });
      for (const r of results) ctx.output.out(`${r.changed ? (opts.check ? "out of date" : "wrote") : "up to date"} ${displayPath(r.file)}`);
      if (opts.check && results.some((r) => r.changed)) setExitCode(ctx, 1);
    });
}

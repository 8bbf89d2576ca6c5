/** `flowsmith init [dir]`: scaffold a new flows project. */
import type { Command } from "commander";
import { relative } from "node:path";
import { initProject } from "../../project/init.js";
import { displayPath, palette } from "../output.js";
import type { CliContext } from "../context.js";

export function registerInit(program: Command, ctx: CliContext): void {
  program
    .command("init")
    .description("scaffold a flows project: flowsmith.yaml, an example flow, schema and Compute function, tests, CI workflow")
    .argument("[dir]", "directory of the new project (created if missing)", ".")
    .option("--name <name>", "project name (default: from the directory name)")
    .option("--force", "write into a non-empty directory, overwriting the scaffold's files there")
    .option("--flowsmith-spec <spec>", "flowsmith dependency for package.json: a version range, git URL, tarball or directory (default: the flowsmith running init)")
    .action(async (dir: string, opts: { name?: string; force?: boolean; flowsmithSpec?: string }) => {
      const o = ctx.output;
      const c = palette(o);
      const r = await initProject(dir, opts);
      const overwritten = new Set(r.overwritten);
      o.out(`${c.green("created")} flows project ${c.bold(r.project)} in ${displayPath(r.root)}/`);
      for (const f of r.files) o.out(`  ${f}${overwritten.has(f) ? c.yellow(" (overwritten)") : ""}`);
      o.out(`  flowsmith dependency: ${c.bold(r.flowsmith.spec)} ${c.dim(`(${r.flowsmith.how}; change it with --flowsmith-spec)`)}`);
      const cd = relative(process.cwd(), r.root);
      o.out("");
      o.out("next steps:");
      if (cd) o.out(`  cd ${/\s/.test(cd) ? JSON.stringify(cd) : cd}`);
      o.out("  npm install");
      o.out("  npm test                      # types, type-check, validate, Python tests, the flow end to end (test/)");
      o.out(`  npx flowsmith run-flow hello --rundir ${relative(r.root, r.sampleRun)}   # on the local runtime`);
      o.out(c.dim("  then see README.md: production environment, endpoint-config, the GLOBUS_CLIENT_ID/SECRET secrets for CI"));
    });
}

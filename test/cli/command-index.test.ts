/** The lazily loaded CLI lists every command exactly as the command modules register them. */
import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/main.js";
import { COMMANDS } from "../../src/cli/command-index.js";

const ctx = { root: process.cwd(), output: { out: () => {}, err: () => {}, color: false } };

describe("command index", () => {
  it("top-level help from the index equals help with every module loaded", async () => {
    const full = await buildProgram(ctx);
    const lazy = await buildProgram(ctx, ["node", "flowsmith", "--help"]);
    expect(lazy.helpInformation()).toBe(full.helpInformation());
    expect(full.commands.map((c) => c.name())).toEqual(COMMANDS.map((c) => c.name));
  });

  it("loads the module of the command being run, and only that one", async () => {
    for (const entry of COMMANDS) {
      const p = await buildProgram(ctx, ["node", "flowsmith", entry.name, "--help"]);
      const full = await buildProgram(ctx);
      const real = p.commands.find((c) => c.name() === entry.name)!;
      expect(real.helpInformation(), entry.name).toBe(full.commands.find((c) => c.name() === entry.name)!.helpInformation());
      const others = p.commands.filter((c) => COMMANDS.find((e) => e.name === c.name())!.module !== entry.module);
      for (const o of others) expect(o.commands, `${o.name()} is a stub`).toHaveLength(0);
    }
  });
});

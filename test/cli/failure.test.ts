/** Errors as data: one catalog, one mapping to exit codes, --json failures on stdout. */
import { describe, expect, it } from "vitest";
import { CommanderError } from "commander";
import { CliError, ERROR_CODES, EXIT, FlowsmithError } from "../../src/errors.js";
import { describeFailure } from "../../src/cli/failure.js";
import { run } from "../../src/cli/main.js";
import { AuthError } from "../../src/globus/auth/types.js";
import { ConsentRequiredError, AuthServiceError } from "../../src/globus/auth/errors.js";
import { ServiceError } from "../../src/globus/api.js";
import { RuntimeBusyError } from "../../src/local/runtime.js";

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t), color: false } };
};

describe("describeFailure", () => {
  it("maps every typed error through the catalog", () => {
    const cases: [unknown, string, number][] = [
      [new CliError("bad flag"), "INVALID_INPUT", EXIT.INVALID],
      [new CliError("no login", EXIT.AUTH), "AUTH_REQUIRED", EXIT.AUTH],
      [new FlowsmithError("RUN_NOT_SUCCEEDED", "run FAILED"), "RUN_NOT_SUCCEEDED", EXIT.RUN_FAILED],
      [new AuthError("not logged in", "flowsmith login"), "AUTH_REQUIRED", EXIT.AUTH],
      [new ConsentRequiredError("consent", "flowsmith login --scope x", "ConsentRequired", ["x"]), "CONSENT_REQUIRED", EXIT.AUTH],
      [new ServiceError("boom", 500, "INTERNAL_ERROR"), "SERVICE_ERROR", EXIT.SERVICE],
      [new ServiceError("refused", 0, "NETWORK"), "SERVICE_UNAVAILABLE", EXIT.SERVICE],
      [new AuthServiceError("cannot reach Auth"), "SERVICE_UNAVAILABLE", EXIT.SERVICE],
      [new RuntimeBusyError("/d", 42), "RUNTIME_BUSY", EXIT.INVALID],
      [Object.assign(new Error("ENOENT: no such file, open 'x'"), { code: "ENOENT", syscall: "open", path: "x" }), "FILE_ERROR", EXIT.INVALID],
      [Object.assign(new Error("listen EADDRINUSE"), { code: "EADDRINUSE", syscall: "listen" }), "SERVICE_UNAVAILABLE", EXIT.SERVICE],
      [new TypeError("x is undefined"), "INTERNAL", EXIT.INVALID],
      [new CommanderError(1, "commander.unknownOption", "error: unknown option '--nope'"), "USAGE", EXIT.INVALID],
    ];
    for (const [e, code, exit] of cases) {
      const f = describeFailure(e)!;
      expect([f.code, f.exit], String(e)).toEqual([code, exit]);
      expect(ERROR_CODES[f.code].exit).toBe(exit);
    }
    expect(describeFailure(new AuthError("x", "flowsmith login"))!.label).toBe("fix");
    expect(describeFailure(new CommanderError(0, "commander.helpDisplayed", ""))).toBeUndefined();
  });
});

describe("the CLI", () => {
  it("with --json prints the failure as {error:{code,message,hint}} on stdout", async () => {
    const c = capture();
    const code = await run(["node", "flowsmith", "deploy-flow", "--env", "no_such_env", "--json"], c.output);
    expect(code).toBe(EXIT.INVALID);
    expect(c.out).toHaveLength(1);
    const j = JSON.parse(c.out[0]!);
    expect(Object.keys(j)).toEqual(["error"]);
    expect(Object.keys(j.error)).toEqual(["code", "message", "hint"]);
    expect(j.error.code).toBe("INVALID_INPUT");
    expect(j.error.message).toMatch(/no_such_env/);
  });

  it("without --json prints text on stderr only", async () => {
    const c = capture();
    const code = await run(["node", "flowsmith", "deploy-flow", "--env", "no_such_env"], c.output);
    expect(code).toBe(EXIT.INVALID);
    expect(c.out).toEqual([]);
    expect(c.err[0]).toMatch(/^error: .*no_such_env/);
  });

  it("reports a usage error as USAGE with --json", async () => {
    const c = capture();
    expect(await run(["node", "flowsmith", "validate", "--no-such-flag", "--json"], c.output)).toBe(EXIT.INVALID);
    expect(JSON.parse(c.out.at(-1)!).error.code).toBe("USAGE");
  });
});

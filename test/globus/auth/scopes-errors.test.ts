/** Flow scopes, scope coverage, and auth/consent answers turned into AuthErrors with the exact login command. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES } from "../../support/paths.js";
import { AuthError, ConsentRequiredError, authErrorFromResponse, dataAccessScope, flowScope, loginCommand, parseScope, scopeCovers, toCliError, transferScope, tokenEndpointError, AuthServiceError } from "../../../src/globus/auth/index.js";
import { EXIT } from "../../../src/errors.js";

const fixture = (p: string) => JSON.parse(readFileSync(join(FIXTURES, p), "utf8")) as unknown;
const FLOW = "1e36a4a4-3b8b-4a5c-9d3e-6f1a2b3c4d5e";
const C1 = "8f3a1c2e-9b7d-4e6f-a1b2-c3d4e5f6a7b8";
const C2 = "22222222-2222-4222-8222-222222222222";

describe("flowScope", () => {
  it("builds the flow-specific scope", () => {
    expect(flowScope(FLOW)).toBe(`https://auth.globus.org/scopes/${FLOW}/flow_1e36a4a4_3b8b_4a5c_9d3e_6f1a2b3c4d5e_user`);
    expect(flowScope(FLOW, [])).toBe(flowScope(FLOW));
  });

  it("puts dependencies in brackets, with data_access for the flow's collections", () => {
    expect(dataAccessScope(C1)).toBe(`https://auth.globus.org/scopes/${C1}/data_access`);
    expect(transferScope()).toBe("urn:globus:auth:scope:transfer.api.globus.org:all");
    expect(transferScope([C1, C2, C1])).toBe(`urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/${C1}/data_access *https://auth.globus.org/scopes/${C2}/data_access]`);
    expect(flowScope(FLOW, [transferScope([C1])])).toBe(
      `https://auth.globus.org/scopes/${FLOW}/flow_1e36a4a4_3b8b_4a5c_9d3e_6f1a2b3c4d5e_user[urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/${C1}/data_access]]`,
    );
    expect(flowScope(FLOW, ["dep1", "dep2"])).toMatch(/_user\[dep1 dep2\]$/);
  });

  it("parses scope trees and tells whether consent covers a request", () => {
    expect(parseScope("a[b[*c] d]")).toEqual({ scope: "a", optional: false, dependencies: [{ scope: "b", optional: false, dependencies: [{ scope: "c", optional: true, dependencies: [] }] }, { scope: "d", optional: false, dependencies: [] }] });
    expect(() => parseScope("a[b")).toThrow(/unclosed/);
    const two = flowScope(FLOW, [transferScope([C1, C2])]);
    const one = flowScope(FLOW, [transferScope([C1])]);
    expect(scopeCovers(two, one)).toBe(true);
    expect(scopeCovers(one, two)).toBe(false);
    expect(scopeCovers(one, flowScope(FLOW))).toBe(true);
    expect(scopeCovers(flowScope(FLOW), one)).toBe(false);
    expect(scopeCovers("a[", "a")).toBe(false);
  });
});

describe("authErrorFromResponse", () => {
  it("recognises Flows' MISSING_SCOPE and names the exact login command", () => {
    const e = authErrorFromResponse(403, fixture("flows/sdk-run_flow.missing_scope_error.json"), { env: "production" });
    expect(e).toBeInstanceOf(AuthError);
    expect(e).toBeInstanceOf(ConsentRequiredError);
    expect(e!.fix).toBe('flowsmith login --env production --scope "frobulate[demuddle]"');
    expect(e!.message).toMatch(/frobulate\[demuddle\]/);
    expect((e as ConsentRequiredError).code).toBe("MISSING_SCOPE");
  });

  it("prefers the caller's full scope (with dependencies) over the service's bare one", () => {
    const scope = flowScope(FLOW, [transferScope([C1])]);
    const body = { error: { code: "MISSING_SCOPE", detail: `This action requires the following scope: ${flowScope(FLOW)}` } };
    expect(authErrorFromResponse(403, body, { env: "prod", scope })!.fix).toBe(`flowsmith login --env prod --scope "${scope}"`);
    expect(authErrorFromResponse(403, { error: { code: "MISSING_SCOPE", detail: "no scope named" } }, { env: "prod", scope })!.fix).toBe(`flowsmith login --env prod --scope "${scope}"`);
  });

  it("recognises a GARE with session policies", () => {
    const e = authErrorFromResponse(403, fixture("flows/cli-gare.authentication_policy_required.403.json"), { env: "production" }) as ConsentRequiredError;
    expect(e).toBeInstanceOf(ConsentRequiredError);
    expect(e.fix).toBe("flowsmith login --env production --policy 3f1e2d4c-5b6a-4789-8a9b-0c1d2e3f4a5b");
    expect(e.message).toMatch(/Globus Flows detected an unsatisfied session policy/);
    expect(e.policies).toEqual(["3f1e2d4c-5b6a-4789-8a9b-0c1d2e3f4a5b"]);
  });

  it("recognises a run INACTIVE on ConsentRequired", () => {
    const e = authErrorFromResponse(200, fixture("flows/cli-get_run.inactive_consent_required.json"), { env: "production" })!;
    const scope = `https://auth.globus.org/scopes/${FLOW}/flow_1e36a4a4_3b8b_4a5c_9d3e_6f1a2b3c4d5e_user[urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/${C1}/data_access]]`;
    expect(e.fix).toBe(`flowsmith login --env production --scope "${scope}"`);
    expect(e.message).toMatch(/ConsentRequired/);
  });

  it("recognises the GARE and legacy ConsentRequired shapes", () => {
    const s = transferScope([C1]);
    const shapes = [
      { code: "ConsentRequired", required_scopes: [s] },
      { code: "ConsentRequired", required_scope: s },
      { code: "ConsentRequired", authorization_parameters: { required_scopes: [s], session_message: "need consent" } },
      { error: { code: "ConsentRequired", authorization_parameters: { required_scopes: [s] } } },
      { errors: [{ code: "ConsentRequired", authorization_parameters: { required_scopes: [s] } }] },
    ];
    for (const body of shapes) expect(authErrorFromResponse(403, body, { env: "e" })?.fix, JSON.stringify(body)).toBe(`flowsmith login --env e --scope "${s}"`);
    expect(authErrorFromResponse(403, JSON.stringify(shapes[0]), { env: "e" })?.fix).toBe(`flowsmith login --env e --scope "${s}"`);
  });

  it("maps 401s and OAuth errors; leaves other answers alone", () => {
    const expired = authErrorFromResponse(401, fixture("flows/sdk-validate_run.invalid_token.json"), { env: "production" })!;
    expect(expired.message).toMatch(/Expired or invalid Bearer token/);
    expect(expired.fix).toBe("flowsmith login --env production");
    expect(authErrorFromResponse(401, fixture("auth/sdk-userinfo.unauthorized.json"), { env: "p" })!.fix).toBe("flowsmith login --env p");
    expect(authErrorFromResponse(401, fixture("auth/sdk-oauth2_exchange_code_for_tokens.invalid_grant.json"), { env: "p" })!.fix).toBe("flowsmith login --env p");
    expect(authErrorFromResponse(403, fixture("flows/sdk-validate_run.not_a_flow_starter.json"), { env: "p" })).toBeInstanceOf(AuthError);
    expect(authErrorFromResponse(404, fixture("flows/sdk-get_web_input.not_found.json"), { env: "p" })).toBeUndefined();
    expect(authErrorFromResponse(409, fixture("flows/sdk-delete_run.conflict.json"))).toBeUndefined();
    expect(authErrorFromResponse(401, "not json")?.fix).toBe("flowsmith login");
  });

  it("does not suggest `flowsmith login` to a confidential client", () => {
    const e = authErrorFromResponse(403, fixture("flows/sdk-run_flow.missing_scope_error.json"), { env: "ci", kind: "client" })!;
    expect(e).toBeInstanceOf(ConsentRequiredError);
    expect(e.fix).toBeUndefined();
    expect(e.message).toMatch(/the client for environment "ci" needs consent to frobulate\[demuddle\]/);
  });

  it("maps token endpoint refusals by grant, and to exit codes", () => {
    const r = tokenEndpointError(400, { error: "invalid_grant" }, { env: "production", grant: "refresh_token", authUrl: "https://auth.globus.org", kind: "user" });
    expect(r).toBeInstanceOf(AuthError);
    expect((r as AuthError).fix).toBe("flowsmith login --env production");
    const c = tokenEndpointError(401, { error: "invalid_client" }, { env: "ci", grant: "client_credentials", authUrl: "https://auth.globus.org", kind: "client", clientId: "abc" });
    expect(c.message).toMatch(/client abc.*invalid_client/);
    expect(tokenEndpointError(503, {}, { grant: "client_credentials", authUrl: "https://auth.globus.org" })).toBeInstanceOf(AuthServiceError);
    expect(toCliError(r)!.exitCode).toBe(EXIT.AUTH);
    expect(toCliError(r)!.hint).toBe("run: flowsmith login --env production");
    expect(toCliError(new AuthServiceError("down"))!.exitCode).toBe(EXIT.SERVICE);
    expect(toCliError(new Error("other"))).toBeUndefined();
  });

  it("quotes scopes for the shell", () => {
    expect(loginCommand("e", ['a"b'], { policies: ["p"] })).toBe('flowsmith login --env e --scope "a\\"b" --policy p');
    expect(loginCommand()).toBe("flowsmith login");
  });
});

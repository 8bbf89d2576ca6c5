/**
 * `flowsmith login | whoami | logout` end to end: the built CLI in a scratch project against
 * a local runtime, the login finished with --code (fetched from the authorize URL without
 * following the redirect). A canary secret in the environment, the tokens and the
 * runtime's client secret never appear in any output.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "../../support/paths.js";
import { loadProjectConfig } from "../../../src/project/config.js";
import { runtimeConfigFor } from "../../../src/local/from-project.js";
import { startLocalRuntime, type LocalRuntime } from "../../../src/local/runtime.js";
import { LOCAL_NATIVE_CLIENT_ID } from "../../../src/local/auth/tokens.js";
import type { StoredLogin } from "../../../src/globus/auth/index.js";

const CANARY = "canary-secret-XYZ";
const CLIENT_ID = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";

let dir: string;
let rt: LocalRuntime;
let entry: string;
const outputs: string[] = [];
const secrets = new Set<string>([CANARY]);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI as a child process; asynchronously, so this process's runtime keeps answering. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("GLOBUS_") && k !== "FLOWSMITH_ENV")) as Record<string, string>;
  const child = spawn(process.execPath, [entry, ...args], {
    cwd: dir,
    env: { ...base, NO_COLOR: "1", GLOBUS_CLIENT_ID: CLIENT_ID, GLOBUS_CLIENT_SECRET: CANARY, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdin.end();
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const code = await new Promise<number>((ok) => child.once("close", (c) => ok(c ?? -1)));
  clearTimeout(timer);
  const run = { code, stdout, stderr };
  outputs.push(`${run.stdout}\n${run.stderr}`); // the output only: the arguments may hold a code
  return run;
}

const tokenFile = (env: string) => join(dir, ".flowsmith", "tokens", `${env}.json`);

beforeAll(async () => {
  // The built CLI (npm test builds before vitest runs; nothing here rebuilds dist/ while
  // other test files run it).
  entry = join(REPO, "bin", "flowsmith.js");
  if (!existsSync(join(REPO, "dist", "src", "cli", "commands", "login.js"))) throw new Error("dist/ is not built: run `npm run build` first");

  dir = mkdtempSync(join(tmpdir(), "flowsmith-auth-cli-"));
  mkdirSync(join(dir, "flows"));
  writeFileSync(
    join(dir, "flowsmith.yaml"),
    `project: authtest
default_environment: local
environments:
  local:
    kind: local
    data_dir: state/local
  spare:
    kind: local
    data_dir: state/spare
  ci:
    kind: globus
    credentials: client
  production:
    kind: globus
    credentials: login
`,
  );
  const config = loadProjectConfig(dir).config!;
  rt = await startLocalRuntime(runtimeConfigFor(config.environments.local!, dir));
  secrets.add(rt.client.client_secret);
}, 120_000);

afterAll(async () => {
  await rt?.stop();
});

describe("flowsmith login / whoami / logout", () => {
  let login: StoredLogin;

  it("prints the authorize URL and, with no terminal to paste into, stops with exit 3", async () => {
    const r = await cli(["login", "--env", "local", "--no-browser"]);
    expect(r.code).toBe(3);
    const url = /(http:\/\/127\.0\.0\.1:\d+\/v2\/oauth2\/authorize\?\S+)/.exec(r.stdout)?.[1];
    expect(url, r.stdout).toBeTruthy();
    const u = new URL(url!);
    expect(u.origin).toBe(rt.url);
    expect(u.searchParams.get("client_id")).toBe(LOCAL_NATIVE_CLIENT_ID);
    expect(u.searchParams.get("code_challenge_method")).toBe("S256");
    expect(u.searchParams.get("access_type")).toBe("offline");
    expect(u.searchParams.get("redirect_uri")).toBe(`${rt.url}/v2/web/auth-code`);
    expect(r.stderr).toMatch(/stdin is not interactive/);
    expect(r.stderr).toContain("flowsmith login --env local --code <code>");
    const pending = join(dir, ".flowsmith", "tokens", "local.pending.json");
    expect(statSync(pending).mode & 0o777).toBe(0o600);
    secrets.add((JSON.parse(readFileSync(pending, "utf8")) as { verifier: string }).verifier);
  });

  it("finishes the login with --code and stores the tokens with mode 0600", async () => {
    const pending = JSON.parse(readFileSync(join(dir, ".flowsmith", "tokens", "local.pending.json"), "utf8")) as { verifier: string };
    expect(pending.verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    const url = /(http:\/\/\S+\/v2\/oauth2\/authorize\?\S+)/.exec(outputs[0]!)![1]!;
    const res = await fetch(url, { redirect: "manual" });
    expect(res.status).toBe(302);
    const code = new URL(res.headers.get("location")!).searchParams.get("code")!;
    secrets.add(code);
    const r = await cli(["login", "--env", "local", "--code", code]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Logged in to environment "local" as local-user@localhost \(urn:globus:auth:identity:[0-9a-f-]{36}\)/);
    expect(r.stdout).toContain(".flowsmith/tokens/local.json (mode 0600)");
    expect(statSync(tokenFile("local")).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dir, ".flowsmith", "tokens", "local.pending.json"))).toBe(false);
    login = JSON.parse(readFileSync(tokenFile("local"), "utf8")) as StoredLogin;
    for (const t of Object.values(login.tokens)) {
      secrets.add(t.access_token);
      if (t.refresh_token) secrets.add(t.refresh_token);
    }
    expect(Object.keys(login.tokens).sort()).toEqual(["auth.globus.org", "flows.globus.org", "funcx_service", "transfer.api.globus.org"]);
    // The stored token works against the runtime.
    const flows = await fetch(`${rt.url}/flows`, { headers: { authorization: `Bearer ${login.tokens["flows.globus.org"]!.access_token}` } });
    expect(flows.status).toBe(200);
  });

  it("refuses a second use of --code (nothing pending) with exit 3 and the fix", async () => {
    const r = await cli(["login", "--env", "local", "--code", "whatever"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no login in progress/);
    expect(r.stderr).toContain("fix: flowsmith login --env local");
  });

  it("whoami shows the local runtime's client and the user login, never a secret", async () => {
    const r = await cli(["whoami", "--env", "local"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`the local runtime's client ${rt.client.client_id}`);
    expect(r.stdout).toContain(`at ${rt.url}`);
    expect(r.stdout).toMatch(/user login:\s+local-user@localhost/);
    expect(r.stdout).toMatch(/flows\.globus\.org: expires \d{4}-\d\d-\d\dT.*refreshable/);
    const j = await cli(["whoami", "--env", "local", "--json"]);
    const info = JSON.parse(j.stdout) as Record<string, unknown> & { login: { username: string; tokens: Record<string, unknown>[] } };
    expect(info).toMatchObject({ environment: "local", source: "local-client", credentials: "local", client_id: rt.client.client_id });
    expect(info.login.username).toBe("local-user@localhost");
    expect(Object.keys(info.login.tokens[0]!).sort()).toEqual(["expired", "expires_at", "refreshable", "resource_server", "scopes"]);
  });

  it("a second login adds scopes, keeps the earlier ones and revokes the tokens it replaces", async () => {
    const scope = "urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/11111111-1111-4111-8111-111111111111/data_access]";
    const first = await cli(["login", "--env", "local", "--no-browser", "--scope", scope]);
    expect(first.code).toBe(3);
    const url = new URL(/(http:\/\/\S+\/v2\/oauth2\/authorize\?\S+)/.exec(first.stdout)![1]!);
    expect(url.searchParams.get("scope")!.split(" ")).toEqual([...login.requested_scopes, scope]);
    const res = await fetch(url, { redirect: "manual" });
    const code = new URL(res.headers.get("location")!).searchParams.get("code")!;
    secrets.add(code);
    const r = await cli(["login", "--env", "local", "--code", code]);
    expect(r.code, r.stderr).toBe(0);
    const next = JSON.parse(readFileSync(tokenFile("local"), "utf8")) as StoredLogin;
    expect(next.requested_scopes).toContain(scope);
    for (const t of Object.values(next.tokens)) {
      secrets.add(t.access_token);
      if (t.refresh_token) secrets.add(t.refresh_token);
    }
    const old = await fetch(`${rt.url}/flows`, { headers: { authorization: `Bearer ${login.tokens["flows.globus.org"]!.access_token}` } });
    expect(old.status).toBe(401);
    const fresh = await fetch(`${rt.url}/flows`, { headers: { authorization: `Bearer ${next.tokens["flows.globus.org"]!.access_token}` } });
    expect(fresh.status).toBe(200);
    login = next;
  });

  it("whoami verifies a client from GLOBUS_CLIENT_ID with Auth and never shows its secret", async () => {
    // The runtime's own client is a real confidential client of this Auth service.
    const real = { GLOBUS_SDK_SERVICE_URL_AUTH: rt.url, GLOBUS_CLIENT_ID: rt.client.client_id, GLOBUS_CLIENT_SECRET: rt.client.client_secret };
    const r = await cli(["whoami", "--env", "ci"], real);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`client ${rt.client.client_id} from GLOBUS_CLIENT_ID / GLOBUS_CLIENT_SECRET (secret not shown)`);
    expect(r.stdout).toContain(`urn:globus:auth:identity:${rt.client.client_id}`);
    expect(r.stdout).toMatch(/verified: +Globus Auth issued a token/);
    const j = JSON.parse((await cli(["whoami", "--env", "ci", "--json"], real)).stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ source: "env-client", client_id: rt.client.client_id, auth_url: rt.url, verified: true });
    // Wrong credentials: Auth refuses them, exit 3, and no identity is made up.
    const wrong = await cli(["whoami", "--env", "ci"], { GLOBUS_SDK_SERVICE_URL_AUTH: rt.url });
    expect(wrong.code, wrong.stdout + wrong.stderr).toBe(3);
    expect(wrong.stdout).not.toContain(`urn:globus:auth:identity:${CLIENT_ID}`);
    const only = await cli(["whoami", "--env", "ci"], { GLOBUS_CLIENT_ID: "" });
    expect(only.code).toBe(3);
    expect(only.stderr).toMatch(/Both GLOBUS_CLIENT_ID and GLOBUS_CLIENT_SECRET must be set/);
  });

  it("whoami tells how to log in where nobody is", async () => {
    const r = await cli(["whoami", "--env", "production"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/not logged in to environment "production"/);
    expect(r.stderr).toContain("fix: flowsmith login --env production");
  });

  it("login for a Globus environment goes to its Auth, with extra scopes", async () => {
    const scope = "https://auth.globus.org/scopes/1e36a4a4-3b8b-4a5c-9d3e-6f1a2b3c4d5e/flow_1e36a4a4_3b8b_4a5c_9d3e_6f1a2b3c4d5e_user[urn:globus:auth:scope:transfer.api.globus.org:all]";
    const r = await cli(["login", "--env", "production", "--no-browser", "--scope", scope], { GLOBUS_SDK_ENVIRONMENT: "sandbox" });
    expect(r.code).toBe(3);
    const u = new URL(/(https:\/\/\S+)/.exec(r.stdout)![1]!);
    expect(u.origin).toBe("https://auth.sandbox.globuscs.info");
    expect(u.searchParams.get("redirect_uri")).toBe("https://auth.sandbox.globuscs.info/v2/web/auth-code");
    expect(u.searchParams.get("scope")!.split(" ")).toContain(scope);
    expect(u.searchParams.get("scope")!.split(" ")).toContain("openid");
  });

  it("starts a runtime in-process for a local environment with none running", async () => {
    const r = await cli(["login", "--env", "spare", "--no-browser"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/started the local runtime in-process at http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stderr).toMatch(/run `flowsmith local start` first/);
    expect(existsSync(join(dir, "state", "spare", "runtime.json"))).toBe(false);
  });

  it("logout revokes the refresh and access tokens and deletes the file", async () => {
    const r = await cli(["logout", "--env", "local"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Logged out of environment "local" \(local-user@localhost .*\); revoked 8 of 8 tokens/);
    expect(existsSync(tokenFile("local"))).toBe(false);
    const rf = login.tokens["flows.globus.org"]!.refresh_token!;
    const refresh = await fetch(`${rt.url}/v2/oauth2/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: rf, client_id: LOCAL_NATIVE_CLIENT_ID }) });
    expect(((await refresh.json()) as { error: string }).error).toBe("invalid_grant");
    const flows = await fetch(`${rt.url}/flows`, { headers: { authorization: `Bearer ${login.tokens["flows.globus.org"]!.access_token}` } });
    expect(flows.status).toBe(401);
    const again = await cli(["logout", "--env", "local"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/not logged in to environment "local"/);
  });

  it("logout deletes the tokens even when Auth cannot be reached (with a warning)", async () => {
    const stored: StoredLogin = { ...login, environment: "production", auth_url: "http://127.0.0.1:9", tokens: { "flows.globus.org": { resource_server: "flows.globus.org", access_token: "AT-offline-QQQ", scopes: [], expires_at: Date.now(), refresh_token: "RT-offline-QQQ" } } };
    secrets.add("AT-offline-QQQ").add("RT-offline-QQQ");
    mkdirSync(join(dir, ".flowsmith", "tokens"), { recursive: true });
    writeFileSync(tokenFile("production"), JSON.stringify(stored), { mode: 0o600 });
    const r = await cli(["logout", "--env", "production"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: revoked 0 of 2 tokens \(cannot reach Globus Auth at http:\/\/127\.0\.0\.1:9/);
    expect(existsSync(tokenFile("production"))).toBe(false);
  });

  it("never shows the canary secret, the client secret, a verifier, a code or a token", async () => {
    expect(outputs.length).toBeGreaterThanOrEqual(12);
    const all = outputs.join("\n");
    for (const s of secrets) expect(all.includes(s), `a secret leaked into the output:\n${all}`).toBe(false);
  });
});

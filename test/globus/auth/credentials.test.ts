/**
 * Client credentials, user login (PKCE) with refresh, and credentials per environment,
 * against a real local runtime.
 */
import { mkdtempSync, statSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scratchRuntime } from "../../support/runtime.js";
import type { LocalRuntime } from "../../../src/local/runtime.js";
import type { EnvironmentConfig } from "../../../src/project/config.js";
import { localLocator } from "../../../src/local/attach.js";
import {
  AuthError,
  DEFAULT_LOGIN_SCOPES,
  DEFAULT_NATIVE_CLIENT_ID,
  SCOPES,
  TokenStore,
  authUrlForEnvironment,
  clientCredentials,
  clientFromEnv,
  completeLogin,
  credentialsForEnvironment,
  describeCredentials,
  flowScope,
  pkceChallenge,
  startLogin,
  transferScope,
  userCredentials,
  type FetchLike,
} from "../../../src/globus/auth/index.js";

const SECRET = "canary-secret-XYZ";
const C1 = "11111111-1111-4111-8111-111111111111";
const C2 = "22222222-2222-4222-8222-222222222222";

let rt: LocalRuntime;
let rtDir: string;
beforeAll(async () => {
  ({ rt, dir: rtDir } = await scratchRuntime({ computeEndpoints: {} }));
});
afterAll(async () => {
  await rt?.stop();
});

/** fetch that counts calls per path. */
function countingFetch(): { fetch: FetchLike; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    fetch: (input, init) => {
      calls.push(new URL(String(input)).pathname);
      return fetch(input, init);
    },
  };
}

async function codeFor(url: string): Promise<string> {
  const res = await fetch(url, { redirect: "manual" });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location")!).searchParams.get("code")!;
}

async function loginTo(dir: string, scopes: readonly string[] = DEFAULT_LOGIN_SCOPES): Promise<TokenStore> {
  const store = TokenStore.forEnvironment(dir, "local");
  const start = startLogin({ authUrl: rt.url, clientId: DEFAULT_NATIVE_CLIENT_ID, scopes });
  await completeLogin({ authUrl: rt.url, clientId: DEFAULT_NATIVE_CLIENT_ID, code: await codeFor(start.url), verifier: start.verifier, redirectUri: start.redirectUri, scopes: start.scopes, environment: "local", store });
  return store;
}

const env = (over: Partial<EnvironmentConfig>): EnvironmentConfig => ({ name: "production", kind: "globus", collections: {}, compute_endpoints: {}, values: {}, credentials: "auto", ...over });

describe("clientFromEnv", () => {
  it("is undefined when neither variable is set", () => {
    expect(clientFromEnv({})).toBeUndefined();
    expect(clientFromEnv({ GLOBUS_CLIENT_ID: "", GLOBUS_CLIENT_SECRET: "" })).toBeUndefined();
  });

  it("returns the client when both are set, never showing the secret", () => {
    const c = clientFromEnv({ GLOBUS_CLIENT_ID: "abc", GLOBUS_CLIENT_SECRET: SECRET })!;
    expect(c.clientId).toBe("abc");
    expect(c.clientSecret).toBe(SECRET);
    expect(JSON.stringify(c)).not.toContain(SECRET);
    expect(inspect(c)).not.toContain(SECRET);
  });

  it("refuses only one of the two", () => {
    for (const e of [{ GLOBUS_CLIENT_ID: "abc" }, { GLOBUS_CLIENT_SECRET: SECRET }]) {
      let err: unknown;
      try {
        clientFromEnv(e);
      } catch (x) {
        err = x;
      }
      expect(err).toBeInstanceOf(AuthError);
      expect((err as AuthError).message).toMatch(/^Both GLOBUS_CLIENT_ID and GLOBUS_CLIENT_SECRET must be set/);
      expect((err as AuthError).message).not.toContain(SECRET);
      expect((err as AuthError).fix).toMatch(/^export GLOBUS_CLIENT_(ID|SECRET)=/);
    }
  });
});

describe("clientCredentials", () => {
  it("gets tokens with HTTP Basic, caches them per scope until near expiry", async () => {
    const f = countingFetch();
    let now = Date.now();
    const creds = clientCredentials({ clientId: rt.client.client_id, clientSecret: rt.client.client_secret, authUrl: `${rt.url}/`, http: { fetch: f.fetch }, now: () => now });
    expect(creds.kind).toBe("client");
    expect(await creds.identity()).toBe(`urn:globus:auth:identity:${rt.client.client_id}`);
    const [a, b] = await Promise.all([creds.token(SCOPES.flowsAll), creds.token(SCOPES.flowsAll)]);
    expect(a).toBe(b);
    expect(await creds.token(SCOPES.flowsAll)).toBe(a);
    expect(f.calls).toEqual(["/v2/oauth2/token"]);
    const t = await creds.token(SCOPES.transferAll);
    expect(t).not.toBe(a);
    expect(f.calls.length).toBe(2);
    now += 172800 * 1000 - 30_000; // within a minute of expiry
    const renewed = await creds.token(SCOPES.flowsAll);
    expect(renewed).not.toBe(a);
    expect(f.calls.length).toBe(3);
    const res = await fetch(`${rt.url}/flows`, { headers: { authorization: `Bearer ${renewed}` } });
    expect(res.status).toBe(200);
    expect(inspect(creds)).not.toContain(rt.client.client_secret);
    expect(JSON.stringify(creds)).not.toContain(rt.client.client_secret);
  });

  it("reports a wrong secret as invalid_client without the secret", async () => {
    const creds = clientCredentials({ clientId: rt.client.client_id, clientSecret: SECRET, authUrl: rt.url });
    const err = (await creds.token("openid").catch((e: unknown) => e)) as AuthError;
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toMatch(/invalid_client/);
    expect(err.message + (err.fix ?? "")).not.toContain(SECRET);
  });

  it("retries 503s and 429s", async () => {
    let n = 0;
    const flaky: FetchLike = async (input, init) => (++n <= 2 ? new Response(JSON.stringify({ error: "x" }), { status: n === 1 ? 503 : 429, headers: { "retry-after": "0" } }) : fetch(input, init));
    const creds = clientCredentials({ clientId: rt.client.client_id, clientSecret: rt.client.client_secret, authUrl: rt.url, http: { fetch: flaky, backoffMs: 1 } });
    expect(await creds.token("openid")).toMatch(/\S{20,}/);
    expect(n).toBe(3);
  });
});

describe("user login", () => {
  it("makes a PKCE verifier of 43-128 unreserved characters and an S256 challenge", () => {
    const s = startLogin({ authUrl: "https://auth.globus.org/", clientId: DEFAULT_NATIVE_CLIENT_ID, scopes: ["openid profile", SCOPES.flowsAll] });
    expect(s.verifier).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
    const u = new URL(s.url);
    expect(`${u.origin}${u.pathname}`).toBe("https://auth.globus.org/v2/oauth2/authorize");
    expect(Object.fromEntries(u.searchParams)).toEqual({
      client_id: DEFAULT_NATIVE_CLIENT_ID,
      redirect_uri: "https://auth.globus.org/v2/web/auth-code",
      scope: `openid profile ${SCOPES.flowsAll}`,
      state: s.state,
      response_type: "code",
      code_challenge: pkceChallenge(s.verifier),
      code_challenge_method: "S256",
      access_type: "offline",
    });
    expect(pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"); // RFC 7636 appendix B
    const p = new URL(startLogin({ authUrl: "https://a", clientId: "c", scopes: ["openid"], policies: ["p1", "p2"] }).url);
    expect(p.searchParams.get("session_required_policies")).toBe("p1,p2");
    expect(p.searchParams.get("prompt")).toBe("login");
  });

  it("stores tokens per resource server, refresh tokens and who logged in (mode 0600)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsmith-login-"));
    const store = await loginTo(dir);
    expect(store.file).toBe(join(dir, ".flowsmith", "tokens", "local.json"));
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    const login = store.read()!;
    expect(login.identity!.username).toBe("local-user@localhost");
    expect(Object.keys(login.tokens).sort()).toEqual(["auth.globus.org", "flows.globus.org", "funcx_service", "transfer.api.globus.org"]);
    for (const t of Object.values(login.tokens)) {
      expect(t.refresh_token).toBeTruthy();
      expect(t.expires_at).toBeGreaterThan(Date.now());
    }
    expect(login.requested_scopes).toEqual([...DEFAULT_LOGIN_SCOPES]);
    expect(readFileSync(join(dir, ".flowsmith", "tokens", ".gitignore"), "utf8")).toMatch(/^\*$/m);
  });

  it("returns the stored token, refreshes an expired one, keeps the refresh token", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsmith-login-"));
    const store = await loginTo(dir);
    const before = store.read()!;
    const f = countingFetch();
    let now = Date.now();
    const creds = userCredentials(store, { http: { fetch: f.fetch }, now: () => now });
    expect(creds.kind).toBe("user");
    expect(await creds.identity()).toBe(`urn:globus:auth:identity:${before.identity!.id}`);
    expect(await creds.token(SCOPES.flowsAll)).toBe(before.tokens["flows.globus.org"]!.access_token);
    expect(f.calls).toEqual([]);
    now += 172800 * 1000 + 1;
    const [x, y] = await Promise.all([creds.token(SCOPES.flowsAll), creds.token(SCOPES.flowsAll)]);
    expect(x).toBe(y);
    expect(x).not.toBe(before.tokens["flows.globus.org"]!.access_token);
    expect(f.calls).toEqual(["/v2/oauth2/token"]);
    const after = store.read()!;
    expect(after.tokens["flows.globus.org"]!.access_token).toBe(x);
    expect(after.tokens["flows.globus.org"]!.refresh_token).toBe(before.tokens["flows.globus.org"]!.refresh_token);
    expect(after.tokens["transfer.api.globus.org"]).toEqual(before.tokens["transfer.api.globus.org"]);
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    const res = await fetch(`${rt.url}/flows`, { headers: { authorization: `Bearer ${x}` } });
    expect(res.status).toBe(200);
  });

  it("names the exact login command for a scope never granted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsmith-login-"));
    const store = await loginTo(dir);
    const creds = userCredentials(store, { environment: "production" });
    const fs = flowScope("1e36a4a4-3b8b-4a5c-9d3e-6f1a2b3c4d5e", [transferScope([C1])]);
    const err = (await creds.token(fs).catch((e: unknown) => e)) as AuthError;
    expect(err).toBeInstanceOf(AuthError);
    expect(err.fix).toBe(`flowsmith login --env production --scope "${fs}"`);
    expect(err.message).toContain(fs);
  });

  it("asks for consent again when the dependencies grew", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsmith-login-"));
    const store = await loginTo(dir, [...DEFAULT_LOGIN_SCOPES, transferScope([C1])]);
    const creds = userCredentials(store);
    const t = store.read()!.tokens["transfer.api.globus.org"]!.access_token;
    expect(await creds.token(transferScope([C1]))).toBe(t);
    expect(await creds.token(SCOPES.transferAll)).toBe(t);
    const err = (await creds.token(transferScope([C1, C2])).catch((e: unknown) => e)) as AuthError;
    expect(err.fix).toBe(`flowsmith login --env local --scope "${transferScope([C1, C2])}"`);
  });

  it("sends the user back to login when not logged in or the refresh token was revoked", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsmith-login-"));
    const none = userCredentials(TokenStore.forEnvironment(dir, "staging"));
    expect(((await none.token(SCOPES.flowsAll).catch((e: unknown) => e)) as AuthError).fix).toBe("flowsmith login --env staging");
    expect(((await none.token(flowScope(C1)).catch((e: unknown) => e)) as AuthError).fix).toBe(`flowsmith login --env staging --scope "${flowScope(C1)}"`);
    expect(((await none.identity().catch((e: unknown) => e)) as AuthError).fix).toBe("flowsmith login --env staging");

    const store = await loginTo(dir);
    const rf = store.read()!.tokens["flows.globus.org"]!.refresh_token!;
    await fetch(`${rt.url}/v2/oauth2/token/revoke`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token: rf, client_id: DEFAULT_NATIVE_CLIENT_ID }) });
    const creds = userCredentials(store, { now: () => Date.now() + 10 * 86400_000 });
    const err = (await creds.token(SCOPES.flowsAll).catch((e: unknown) => e)) as AuthError;
    expect(err).toBeInstanceOf(AuthError);
    expect(err.message).toMatch(/expired or was revoked/);
    expect(err.fix).toBe("flowsmith login --env local");
    const text = err.message + err.fix;
    for (const t of Object.values(store.read()!.tokens)) expect(text).not.toContain(t.access_token);
  });
});

describe("credentialsForEnvironment", () => {
  const both = { GLOBUS_CLIENT_ID: "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", GLOBUS_CLIENT_SECRET: SECRET };

  it("uses the local runtime's own client for a local environment", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsmith-env-"));
    const local = env({ name: "local", kind: "local", data_dir: join(rtDir, "data") });
    const creds = credentialsForEnvironment(local, { root: dir, authUrl: rt.url, processEnv: both, local: localLocator(local, dir) });
    expect(creds.kind).toBe("local");
    expect(await creds.identity()).toBe(`urn:globus:auth:identity:${rt.client.client_id}`);
    const t = await creds.token(SCOPES.flowsAll);
    expect((await fetch(`${rt.url}/flows`, { headers: { authorization: `Bearer ${t}` } })).status).toBe(200);
  });

  it("tells to start the runtime when a local environment has none running", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flowsmith-env-"));
    const local = env({ name: "local", kind: "local", data_dir: join(dir, "data") });
    const creds = credentialsForEnvironment(local, { root: dir, local: localLocator(local, dir) });
    const err = (await creds.token("openid").catch((e: unknown) => e)) as Error & { hint?: string };
    expect(err.message).toMatch(/no local runtime is running/);
    expect(err.hint).toBe("flowsmith local start --env local");
  });

  it("picks client or login for Globus environments", () => {
    const root = mkdtempSync(join(tmpdir(), "flowsmith-env-"));
    expect(credentialsForEnvironment(env({ credentials: "client" }), { root, processEnv: both }).kind).toBe("client");
    expect(() => credentialsForEnvironment(env({ credentials: "client" }), { root, processEnv: {} })).toThrow(/GLOBUS_CLIENT_ID and GLOBUS_CLIENT_SECRET are not set/);
    expect(() => credentialsForEnvironment(env({ credentials: "auto" }), { root, processEnv: { GLOBUS_CLIENT_SECRET: SECRET } })).toThrow(/^Both/);
    expect(credentialsForEnvironment(env({ credentials: "auto" }), { root, processEnv: both }).kind).toBe("client");
    expect(credentialsForEnvironment(env({ credentials: "auto" }), { root, processEnv: {} }).kind).toBe("user");
    expect(credentialsForEnvironment(env({ credentials: "login" }), { root, processEnv: both }).kind).toBe("user");
    const info = describeCredentials(env({ credentials: "client" }), { root, processEnv: both });
    expect(info).toMatchObject({ source: "env-client", client_id: both.GLOBUS_CLIENT_ID, auth_url: "https://auth.globus.org" });
    expect(JSON.stringify(info)).not.toContain(SECRET);
  });

  it("finds Auth by override, GLOBUS_SDK_ENVIRONMENT or the project's globus_environment", () => {
    expect(authUrlForEnvironment(env({}), { processEnv: {} })).toBe("https://auth.globus.org");
    expect(authUrlForEnvironment(env({ globus_environment: "preview" }), { processEnv: {} })).toBe("https://auth.preview.globus.org");
    expect(authUrlForEnvironment(env({ globus_environment: "preview" }), { processEnv: { GLOBUS_SDK_ENVIRONMENT: "sandbox" } })).toBe("https://auth.sandbox.globuscs.info");
    expect(authUrlForEnvironment(env({}), { processEnv: { GLOBUS_SDK_SERVICE_URL_AUTH: "http://127.0.0.1:9/", GLOBUS_SDK_ENVIRONMENT: "sandbox" } })).toBe("http://127.0.0.1:9");
    expect(authUrlForEnvironment(env({}), { authUrl: "http://x/", processEnv: { GLOBUS_SDK_SERVICE_URL_AUTH: "http://y" } })).toBe("http://x");
    expect(() => authUrlForEnvironment(env({}), { processEnv: { GLOBUS_SDK_ENVIRONMENT: "moon" } })).toThrow(/unknown Globus environment "moon"/);
  });
});


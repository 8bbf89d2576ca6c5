/**
 * The local runtime's Auth for users: authorize (auto-approved for the local user), the
 * PKCE code exchange, refresh for a native client, revocation, userinfo — and the
 * client_credentials grant still working beside it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scratchRuntime, shapeDiff } from "../../support/runtime.js";
import { FIXTURES } from "../../support/paths.js";
import type { LocalRuntime } from "../../../src/local/runtime.js";
import { SCOPES } from "../../../src/wire/scopes.js";
import { LOCAL_NATIVE_CLIENT_ID, LOCAL_USERNAME } from "../../../src/local/auth/tokens.js";
import { s256Challenge } from "../../../src/local/auth/pkce.js";
import { authCodePage } from "../../../src/local/routes/auth.js";

let rt: LocalRuntime;
beforeAll(async () => {
  ({ rt } = await scratchRuntime({ computeEndpoints: {} }));
});
afterAll(async () => {
  await rt?.stop();
});

const fixture = (p: string) => JSON.parse(readFileSync(join(FIXTURES, p), "utf8")) as unknown;
const VERIFIER = "a".repeat(20) + "-._~" + "Z9".repeat(12); // 48 chars of the unreserved set

interface Tok {
  access_token: string;
  refresh_token?: string;
  resource_server: string;
  scope: string;
  state?: string;
  other_tokens: Tok[];
}

function authorizeUrl(over: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  const params: Record<string, string | undefined> = {
    client_id: LOCAL_NATIVE_CLIENT_ID,
    scope: `openid profile email ${SCOPES.flows("all")} ${SCOPES.transferAll}`,
    state: "st-1",
    response_type: "code",
    code_challenge: s256Challenge(VERIFIER),
    code_challenge_method: "S256",
    access_type: "offline",
    ...over,
  };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  return `${rt.url}/v2/oauth2/authorize?${q}`;
}

async function authorize(over: Record<string, string | undefined> = {}): Promise<{ status: number; location: URL | undefined; body: string }> {
  const res = await fetch(authorizeUrl(over), { redirect: "manual" });
  const loc = res.headers.get("location");
  return { status: res.status, location: loc ? new URL(loc) : undefined, body: await res.text() };
}

async function token(form: Record<string, string>, basic?: string): Promise<{ status: number; body: Tok & { error?: string; error_description?: string } }> {
  const res = await fetch(`${rt.url}/v2/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...(basic ? { authorization: `Basic ${basic}` } : {}) },
    body: new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Tok & { error?: string } };
}

const exchange = (code: string, over: Record<string, string> = {}) =>
  token({ grant_type: "authorization_code", client_id: LOCAL_NATIVE_CLIENT_ID, code, code_verifier: VERIFIER, redirect_uri: `${rt.url}/v2/web/auth-code`, ...over });

const byRs = (t: Tok) => Object.fromEntries([t, ...t.other_tokens].map((x) => [x.resource_server, x]));

async function userinfo(access: string) {
  const res = await fetch(`${rt.url}/v2/oauth2/userinfo`, { headers: { authorization: `Bearer ${access}` } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("authorize", () => {
  it("auto-approves for the local user and redirects to the code page with code and state", async () => {
    const a = await authorize();
    expect(a.status).toBe(302);
    expect(`${a.location!.origin}${a.location!.pathname}`).toBe(`${rt.url}/v2/web/auth-code`);
    expect(a.location!.searchParams.get("state")).toBe("st-1");
    expect(a.location!.searchParams.get("code")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const page = await fetch(a.location!);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(await page.text()).toContain(a.location!.searchParams.get("code")!);
  });

  it("renders the code page as one line of HTML without quotes", () => {
    const html = authCodePage("abc_DEF-123");
    expect(html).toContain("<pre id=code>abc_DEF-123</pre>");
    expect(html).not.toMatch(/["\\\n]/);
    expect(authCodePage("<script>")).not.toContain("<script>");
  });

  it("redirects to a loopback redirect_uri given by the client", async () => {
    const a = await authorize({ redirect_uri: "http://127.0.0.1:53682/callback" });
    expect(a.status).toBe(302);
    expect(a.location!.host).toBe("127.0.0.1:53682");
    expect(a.location!.searchParams.get("code")).toBeTruthy();
  });

  it("refuses bad requests without redirecting", async () => {
    const cases: [Record<string, string | undefined>, string][] = [
      [{ client_id: "00000000-0000-4000-8000-000000000000" }, "invalid_request"],
      [{ redirect_uri: "https://evil.example.org/cb" }, "invalid_request"],
      [{ response_type: "token" }, "unsupported_response_type"],
      [{ scope: "https://auth.globus.org/scopes/nope/all" }, "invalid_scope"],
      [{ scope: undefined }, "invalid_scope"],
      [{ code_challenge: undefined, code_challenge_method: undefined }, "invalid_request"],
      [{ code_challenge_method: "plain" }, "invalid_request"],
      [{ access_type: "forever" }, "invalid_request"],
    ];
    for (const [over, error] of cases) {
      const a = await authorize(over);
      expect(a.status, JSON.stringify(over)).toBe(400);
      expect(a.location).toBeUndefined();
      expect(JSON.parse(a.body)).toMatchObject({ error });
    }
  });
});

describe("code exchange with PKCE", () => {
  it("returns tokens per resource server with refresh tokens (access_type=offline), shaped like Auth's", async () => {
    const code = (await authorize()).location!.searchParams.get("code")!;
    const r = await exchange(code);
    expect(r.status).toBe(200);
    expect(shapeDiff(fixture("auth/sdk-oauth2_exchange_code_for_tokens.default.json"), r.body)).toEqual([]);
    expect(r.body.state).toBe("st-1");
    const tokens = byRs(r.body);
    expect(Object.keys(tokens).sort()).toEqual(["auth.globus.org", "flows.globus.org", "transfer.api.globus.org"]);
    for (const t of Object.values(tokens)) expect(t.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const me = await userinfo(tokens["auth.globus.org"]!.access_token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ preferred_username: LOCAL_USERNAME, email: LOCAL_USERNAME, name: "Local User" });
    expect(me.body.sub).toMatch(/^[0-9a-f-]{36}$/);
    // The user's tokens work on the services.
    const flows = await fetch(`${rt.url}/flows`, { headers: { authorization: `Bearer ${tokens["flows.globus.org"]!.access_token}` } });
    expect(flows.status).toBe(200);
  });

  it("keeps the local user's id stable across logins", async () => {
    const ids = [];
    for (let i = 0; i < 2; i++) {
      const code = (await authorize({ scope: "openid" })).location!.searchParams.get("code")!;
      const t = (await exchange(code)).body;
      ids.push((await userinfo(t.access_token)).body.sub);
    }
    expect(ids[0]).toBe(ids[1]);
  });

  it("gives no refresh token for access_type=online", async () => {
    const code = (await authorize({ access_type: "online" })).location!.searchParams.get("code")!;
    const r = await exchange(code);
    expect(r.status).toBe(200);
    expect(r.body.refresh_token).toBeUndefined();
  });

  it("rejects a wrong verifier, and the code is spent", async () => {
    const code = (await authorize()).location!.searchParams.get("code")!;
    const bad = await exchange(code, { code_verifier: "b".repeat(64) });
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe("invalid_grant");
    expect(bad.body.error_description).toMatch(/code_verifier/);
    expect((await exchange(code)).body.error).toBe("invalid_grant");
  });

  it("rejects a missing verifier, another client id and another redirect_uri", async () => {
    const variants: Record<string, string>[] = [{ code_verifier: "" }, { client_id: "00000000-0000-4000-8000-000000000000" }, { redirect_uri: "http://127.0.0.1:1/cb" }];
    for (const over of variants) {
      const code = (await authorize()).location!.searchParams.get("code")!;
      const r = await exchange(code, over);
      expect(r.status, JSON.stringify(over)).toBe(401);
      expect(["invalid_grant", "invalid_client"]).toContain(r.body.error);
    }
  });

  it("rejects a replayed code and revokes what the first exchange issued", async () => {
    const code = (await authorize()).location!.searchParams.get("code")!;
    const first = await exchange(code);
    expect(first.status).toBe(200);
    const replay = await exchange(code);
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({ error: "invalid_grant" });
    expect((await userinfo(byRs(first.body)["auth.globus.org"]!.access_token)).status).toBe(401);
    const refresh = await token({ grant_type: "refresh_token", client_id: LOCAL_NATIVE_CLIENT_ID, refresh_token: first.body.refresh_token! });
    expect(refresh.body.error).toBe("invalid_grant");
  });

  it("rejects an unknown code like Auth (invalid_grant)", async () => {
    const r = await exchange("not-a-code");
    expect(r.status).toBe(401);
    expect(shapeDiff(fixture("auth/sdk-oauth2_exchange_code_for_tokens.invalid_grant.json"), r.body)).toEqual([]);
  });
});

describe("refresh and revocation", () => {
  async function login(): Promise<Record<string, Tok>> {
    const code = (await authorize()).location!.searchParams.get("code")!;
    return byRs((await exchange(code)).body);
  }

  it("refreshes for the native client (client_id in the body) without rotating the refresh token", async () => {
    const t = await login();
    const rf = t["transfer.api.globus.org"]!.refresh_token!;
    const r = await token({ grant_type: "refresh_token", client_id: LOCAL_NATIVE_CLIENT_ID, refresh_token: rf });
    expect(r.status).toBe(200);
    expect(r.body.resource_server).toBe("transfer.api.globus.org");
    expect(r.body.other_tokens).toEqual([]);
    expect(r.body.access_token).not.toBe(t["transfer.api.globus.org"]!.access_token);
    expect(r.body.refresh_token).toBeUndefined();
    const sub = await fetch(`${rt.url}/v0.10/submission_id`, { headers: { authorization: `Bearer ${r.body.access_token}` } });
    expect(sub.status).toBe(200);
    const again = await token({ grant_type: "refresh_token", client_id: LOCAL_NATIVE_CLIENT_ID, refresh_token: rf });
    expect(again.status).toBe(200);
  });

  it("refuses a refresh without client_id or from another client", async () => {
    const rf = (await login())["flows.globus.org"]!.refresh_token!;
    expect((await token({ grant_type: "refresh_token", refresh_token: rf })).body.error).toBe("invalid_client");
    const basic = Buffer.from(`${rt.client.client_id}:${rt.client.client_secret}`).toString("base64");
    expect((await token({ grant_type: "refresh_token", refresh_token: rf }, basic)).body.error).toBe("invalid_grant");
  });

  it("revokes refresh and access tokens", async () => {
    const t = await login();
    const auth = t["auth.globus.org"]!;
    const revoke = (tok: string) => fetch(`${rt.url}/v2/oauth2/token/revoke`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token: tok, client_id: LOCAL_NATIVE_CLIENT_ID }) });
    const r1 = await revoke(auth.refresh_token!);
    expect(r1.status).toBe(200);
    expect(shapeDiff(fixture("auth/sdk-oauth2_revoke_token.default.json"), await r1.json())).toEqual([]);
    expect((await token({ grant_type: "refresh_token", client_id: LOCAL_NATIVE_CLIENT_ID, refresh_token: auth.refresh_token! })).body.error).toBe("invalid_grant");
    expect((await userinfo(auth.access_token)).status).toBe(200);
    await revoke(auth.access_token);
    const after = await userinfo(auth.access_token);
    expect(after.status).toBe(401);
    expect(shapeDiff(fixture("auth/sdk-userinfo.unauthorized.json"), after.body)).toEqual([]);
  });

  it("answers userinfo only for auth.globus.org tokens", async () => {
    const t = await login();
    const r = await userinfo(t["flows.globus.org"]!.access_token);
    expect(r.status).toBe(403);
    expect(shapeDiff(fixture("auth/sdk-userinfo.forbidden.json"), r.body)).toEqual([]);
  });
});

describe("client credentials beside user logins", () => {
  it("still issues client tokens with the client's identity", async () => {
    const basic = Buffer.from(`${rt.client.client_id}:${rt.client.client_secret}`).toString("base64");
    const r = await token({ grant_type: "client_credentials", scope: "openid" }, basic);
    expect(r.status).toBe(200);
    expect(r.body.refresh_token).toBeUndefined();
    const me = await userinfo(r.body.access_token);
    expect(me.body).toMatchObject({ sub: rt.client.client_id, preferred_username: `${rt.client.client_id}@clients.auth.globus.org` });
  });
});

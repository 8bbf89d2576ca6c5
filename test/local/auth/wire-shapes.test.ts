// @ts-nocheck -- integration test over HTTP: response bodies are untyped JSON, checked at run time.
/**
 * Auth wire shapes the SDKs and globus-cli read: `scope` names root scopes only (the SDK's
 * scope check splits it), `openid` brings a verifiable id_token, and an identity's consents
 * come back as a tree with dependency paths.
 */
import { createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scratchRuntime, shapeDiff } from "../../support/runtime.js";
import { FIXTURES } from "../../support/paths.js";
import type { LocalRuntime } from "../../../src/local/runtime.js";
import { SCOPES } from "../../../src/local/auth/scopes.js";

let rt: LocalRuntime;
beforeAll(async () => {
  ({ rt } = await scratchRuntime({ computeEndpoints: {} }));
});
afterAll(async () => {
  await rt?.stop();
});

const basic = () => "Basic " + Buffer.from(`${rt.client.client_id}:${rt.client.client_secret}`).toString("base64");
const token = async (scope: string) => (await fetch(`${rt.url}/v2/oauth2/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic() }, body: new URLSearchParams({ grant_type: "client_credentials", scope }) })).json();

describe("Auth wire shapes", () => {
  it("token responses name root scopes only, even for a scope with dependencies", async () => {
    const dep = `${SCOPES.transferAll}[*${SCOPES.collectionDataAccess("11111111-1111-4111-8111-111111111111")}]`;
    const t = await token(`${dep} openid`);
    const all = [t, ...t.other_tokens];
    expect(all.map((x) => x.scope).sort()).toEqual(["openid", SCOPES.transferAll].sort());
    const intro = await (await fetch(`${rt.url}/v2/oauth2/token/introspect`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic() }, body: new URLSearchParams({ token: all.find((x) => x.resource_server === "transfer.api.globus.org").access_token }) })).json();
    expect(intro.scope).toBe(SCOPES.transferAll);
  });

  it("openid brings an id_token signed with the key at /jwk.json", async () => {
    const t = await token("openid");
    expect(shapeDiff(JSON.parse(readFileSync(join(FIXTURES, "auth", "sdk-oauth2_client_credentials_tokens.openid.json"), "utf8")), t)).toEqual([]);
    const [h, p, sig] = t.id_token.split(".");
    const header = JSON.parse(Buffer.from(h, "base64url").toString());
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    const config = await (await fetch(`${rt.url}/.well-known/openid-configuration`)).json();
    const jwks = await (await fetch(config.jwks_uri)).json();
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    expect(verify("sha256", Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: "jwk" }), Buffer.from(sig, "base64url"))).toBe(true);
    expect(claims).toMatchObject({ iss: rt.url, sub: rt.client.client_id, aud: rt.client.client_id });
  });

  it("lists an identity's consents with dependency paths", async () => {
    const flowScope = "https://auth.globus.org/scopes/aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa/flow_aaaaaaaa_aaaa_4aaa_8aaa_aaaaaaaaaaaa_user";
    await token(`${SCOPES.transferAll}[*${SCOPES.collectionDataAccess("11111111-1111-4111-8111-111111111111")}]`);
    const auth = (await token("openid")).access_token;
    const res = await fetch(`${rt.url}/v2/api/identities/${rt.client.client_id}/consents`, { headers: { authorization: `Bearer ${auth}` } });
    expect(res.status).toBe(200);
    const { consents } = await res.json();
    const transfer = consents.find((c) => c.scope_name === SCOPES.transferAll);
    const data = consents.find((c) => c.scope_name.endsWith("/data_access"));
    expect(transfer.dependency_path).toEqual([transfer.id]);
    expect(data.dependency_path).toEqual([transfer.id, data.id]);
    expect(transfer).toMatchObject({ status: "approved", effective_identity: rt.client.client_id, client: rt.client.client_id });
    expect(consents.some((c) => c.scope_name === flowScope)).toBe(false);
    const other = await fetch(`${rt.url}/v2/api/identities/00000000-0000-4000-8000-000000000000/consents`, { headers: { authorization: `Bearer ${auth}` } });
    expect(other.status).toBe(403);
  });
});

/** A local runtime in a scratch directory, and tokens for it, for integration tests. */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLocalRuntime, type LocalRuntime } from "../../src/local/runtime.js";
import type { LocalRuntimeConfig } from "../../src/local/config.js";
import { SCOPES } from "../../src/wire/scopes.js";

export const SRC_COLLECTION = "11111111-1111-4111-8111-111111111111";
export const DST_COLLECTION = "22222222-2222-4222-8222-222222222222";
export const ENDPOINT = "33333333-3333-4333-8333-333333333333";

export async function scratchRuntime(extra: Partial<LocalRuntimeConfig> = {}): Promise<{ rt: LocalRuntime; dir: string; src: string; dst: string }> {
  const dir = mkdtempSync(join(tmpdir(), "flowsmith-rt-"));
  const src = join(dir, "src");
  const dst = join(dir, "dst");
  mkdirSync(src);
  mkdirSync(dst);
  const rt = await startLocalRuntime({
    dataDir: join(dir, "data"),
    collections: { [SRC_COLLECTION]: { root: src, display_name: "source" }, [DST_COLLECTION]: { root: dst, display_name: "destination" } },
    computeEndpoints: { [ENDPOINT]: { workers: 1, display_name: "local" } },
    ...extra,
  });
  return { rt, dir, src, dst };
}

export async function tokenFor(rt: LocalRuntime, scopes: string[]): Promise<Record<string, string>> {
  const res = await fetch(`${rt.url}/v2/oauth2/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization: "Basic " + Buffer.from(`${rt.client.client_id}:${rt.client.client_secret}`).toString("base64"),
    },
    body: new URLSearchParams({ grant_type: "client_credentials", scope: scopes.join(" ") }),
  });
  const body = (await res.json()) as { access_token: string; resource_server: string; other_tokens: { access_token: string; resource_server: string }[] };
  if (!res.ok) throw new Error(JSON.stringify(body));
  return Object.fromEntries([[body.resource_server, body.access_token], ...body.other_tokens.map((t) => [t.resource_server, t.access_token])]);
}

export const ALL_SERVICE_SCOPES = [SCOPES.flows("all"), SCOPES.transferAll, SCOPES.computeAll, "openid"];

/** Keys whose values are user data (a definition, a run's output…), not part of the wire shape. */
const USER_DATA = new Set(["definition", "input_schema", "details", "output", "input", "tasks", "body", "DATA"]);

/** Keys (recursively, by JSON type) of `fixture` that `actual` lacks or types differently. */
export function shapeDiff(fixture: unknown, actual: unknown, path = "$"): string[] {
  const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
  if (fixture === null || actual === null) return [];
  if (kind(fixture) !== kind(actual)) return [`${path}: fixture ${kind(fixture)}, got ${kind(actual)}`];
  if (Array.isArray(fixture)) return fixture.length && (actual as unknown[]).length ? shapeDiff(fixture[0], (actual as unknown[])[0], `${path}[0]`) : [];
  if (kind(fixture) !== "object") return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(fixture as object)) {
    if (!(k in (actual as object))) out.push(`${path}.${k}: missing`);
    else if (!USER_DATA.has(k)) out.push(...shapeDiff(v, (actual as Record<string, unknown>)[k], `${path}.${k}`));
  }
  return out;
}

/** The token file: mode 0600 whatever the umask, atomic replacement (a SIGKILL mid-write leaves the old or the new file, whole), damage reported with the fix. */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { REPO } from "../../support/paths.js";
import { AuthError, TokenStore, writeFileAtomic, type StoredLogin } from "../../../src/globus/auth/index.js";

const scratch = () => mkdtempSync(join(tmpdir(), "flowsmith-store-"));

function sample(env = "production"): StoredLogin {
  return {
    version: 1,
    environment: env,
    auth_url: "https://auth.globus.org",
    client_id: "95fdeba8-fac2-42bd-a357-e068d82ff78e",
    identity: { id: "c8aad43e-d274-11e5-bf98-8b02896cf782", username: "u@example.org" },
    requested_scopes: ["openid"],
    tokens: { "auth.globus.org": { resource_server: "auth.globus.org", access_token: "AT", scopes: ["openid"], expires_at: Date.now() + 1000, refresh_token: "RT" } },
    created_at: new Date().toISOString(),
    updated_at: new Date().toISOString(),
  };
}

describe("TokenStore", () => {
  it("writes <root>/.flowsmith/tokens/<env>.json with mode 0600 even under umask 0", () => {
    const root = scratch();
    const store = TokenStore.forEnvironment(root, "production");
    const old = process.umask(0);
    try {
      store.write(sample());
    } finally {
      process.umask(old);
    }
    expect(store.file).toBe(join(root, ".flowsmith", "tokens", "production.json"));
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, ".flowsmith", "tokens")).mode & 0o077).toBe(0);
    expect(store.read()!.identity!.username).toBe("u@example.org");
    expect(readdirSync(join(root, ".flowsmith", "tokens")).sort()).toEqual([".gitignore", "production.json"]);
  });

  it("replaces a world-readable file by a 0600 one (rename, not rewrite in place)", () => {
    const root = scratch();
    const store = TokenStore.forEnvironment(root, "p");
    mkdirSync(join(root, ".flowsmith", "tokens"), { recursive: true });
    writeFileSync(store.file, "{}");
    chmodSync(store.file, 0o644);
    const inode = statSync(store.file).ino;
    store.write(sample("p"));
    expect(statSync(store.file).mode & 0o777).toBe(0o600);
    expect(statSync(store.file).ino).not.toBe(inode);
  });

  it("leaves the old file and no temp file when a write fails", () => {
    const dir = scratch();
    const target = join(dir, "t.json");
    mkdirSync(target); // rename onto a directory fails
    expect(() => writeFileAtomic(target, "new")).toThrow();
    expect(readdirSync(dir)).toEqual(["t.json"]);
  });

  it("survives SIGKILL at any point of a write: the file is always one whole version", async () => {
    const dir = scratch();
    const file = join(dir, "tokens.json");
    const big = (c: string) => JSON.stringify({ v: c, pad: c.repeat(2_000_000) });
    writeFileAtomic(file, big("a"));
    const child = join(dir, "writer.mts");
    writeFileSync(
      child,
      `import { writeFileAtomic } from ${JSON.stringify(pathToFileURL(join(REPO, "src/globus/auth/token-store.ts")).href)};
const big = (c) => JSON.stringify({ v: c, pad: c.repeat(2_000_000) });
process.stdout.write("ready\\n");
for (let i = 0; ; i++) writeFileAtomic(${JSON.stringify(file)}, big(i % 2 ? "a" : "b"));
`,
    );
    const seen = new Set<string>();
    for (let round = 0; round < 6; round++) {
      const p = spawn(process.execPath, ["--import", "tsx", child], { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] });
      await new Promise<void>((ok) => p.stdout!.once("data", () => ok()));
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 150));
      p.kill("SIGKILL");
      await new Promise((r) => p.once("exit", r));
      const v = JSON.parse(readFileSync(file, "utf8")) as { v: string; pad: string };
      expect(v.pad.length).toBe(2_000_000);
      expect(v.pad[0]).toBe(v.v);
      seen.add(v.v);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      for (const f of readdirSync(dir).filter((n) => n.endsWith(".tmp"))) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    }
    expect(seen.size).toBeGreaterThan(0);
  }, 60_000);

  it("reports a damaged file with the login command as the fix", () => {
    const root = scratch();
    const store = TokenStore.forEnvironment(root, "production");
    mkdirSync(join(root, ".flowsmith", "tokens"), { recursive: true });
    writeFileSync(store.file, '{"version": 1, "access_token": "AT-QQQ');
    let err: unknown;
    try {
      store.read();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AuthError);
    expect((err as AuthError).fix).toBe("flowsmith login --env production");
    expect((err as AuthError).message).not.toContain("AT-QQQ");
  });

  it("keeps a pending login beside the tokens and deletes both", () => {
    const root = scratch();
    const store = TokenStore.forEnvironment(root, "local");
    expect(store.read()).toBeUndefined();
    store.writePending({ auth_url: "http://x", client_id: "c", verifier: "v".repeat(43), state: "s", redirect_uri: "http://x/v2/web/auth-code", scopes: ["openid"], created_at: "" });
    expect(statSync(store.pendingFile).mode & 0o777).toBe(0o600);
    expect(store.readPending()!.state).toBe("s");
    store.write(sample("local"));
    expect(store.update((l) => void (l.requested_scopes = ["openid", "email"]))!.requested_scopes).toEqual(["openid", "email"]);
    expect(store.delete()).toBe(true);
    expect(existsSync(store.file) || existsSync(store.pendingFile)).toBe(false);
    expect(store.delete()).toBe(false);
    expect(() => TokenStore.forEnvironment(root, "../evil")).toThrow(AuthError);
  });
});

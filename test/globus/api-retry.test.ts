/**
 * GlobusApi.call's one retry policy against a real HTTP server: a create that the service
 * did but answered with a 5xx (a gateway timeout) is found by `recover`, not sent again;
 * a 429 is retried without asking; GETs are retried as they are.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { GlobusApi } from "../../src/globus/api.js";

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A service whose POST /things creates a thing, then answers each status of `answers` in turn (200 once they run out). */
async function service(answers: number[]): Promise<{ url: string; created: string[] }> {
  const created: string[] = [];
  server = createServer((req, res) => {
    if (req.method === "POST") created.push(`thing-${created.length + 1}`);
    const status = answers.shift() ?? 200;
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(status === 200 ? { id: created.at(-1) ?? "none" } : { code: "Unavailable", message: "try again" }));
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, created };
}

const api = () => new GlobusApi({ token: async () => "t" } as never, { retry: { attempts: 4, baseMs: 1, maxMs: 2 } });

describe("retrying a create", () => {
  it("a 502 after the service created it: recover finds it, nothing is created twice", async () => {
    const s = await service([502]);
    const r = await api().call<{ id: string }>("FLOWS", "/things", { scope: "s", method: "POST", send: () => fetch(`${s.url}/things`, { method: "POST" }), recover: async () => (s.created.length ? { id: s.created[0] } : undefined) });
    expect(r.body.id).toBe("thing-1");
    expect(s.created).toEqual(["thing-1"]);
  });

  it("a 503 before anything was created: recover finds nothing, the create is sent again", async () => {
    const s = await service([503]);
    let asked = 0;
    const recover = async () => {
      asked++;
      return undefined;
    };
    // This service creates on every POST; a service that refused with 503 would not have.
    const r = await api().call<{ id: string }>("FLOWS", "/things", { scope: "s", method: "POST", send: () => fetch(`${s.url}/things`, { method: "POST" }), recover });
    expect(asked).toBe(1);
    expect(r.status).toBe(200);
  });

  it("a 429 is retried without asking recover (the request was turned away)", async () => {
    const s = await service([429]);
    let asked = 0;
    const r = await api().call("FLOWS", "/things", { scope: "s", method: "POST", send: () => fetch(`${s.url}/things`, { method: "POST" }), recover: async () => (asked++, undefined) });
    expect(asked).toBe(0);
    expect(r.status).toBe(200);
  });

  it("a GET is retried through 5xx answers", async () => {
    const s = await service([500, 504]);
    const r = await api().call("FLOWS", "/things", { scope: "s", send: () => fetch(`${s.url}/things`) });
    expect(r.status).toBe(200);
  });

  it("a DELETE that landed but was answered 5xx: the retry's 404 is the answer, not an error", async () => {
    let gone = false;
    server = createServer((req, res) => {
      if (gone) return res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ code: "NotFound" }));
      gone = true;
      res.writeHead(502, { "content-type": "application/json" }).end(JSON.stringify({ code: "BadGateway" }));
    });
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
    const url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}/jobs/x`;
    const r = await api().call("TIMERS", "/jobs/x", { scope: "s", method: "DELETE", acceptAfterRetry: [404], send: () => fetch(url, { method: "DELETE" }) });
    expect(r.status).toBe(404);
    // A first attempt's 404 is still "no such thing".
    await expect(api().call("TIMERS", "/jobs/x", { scope: "s", method: "DELETE", acceptAfterRetry: [404], send: () => fetch(url, { method: "DELETE" }) })).rejects.toThrow(/404/);
  });
});

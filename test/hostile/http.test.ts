/** The local HTTP layer answers oversized and slow requests instead of resetting or hanging. */
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpServer, MAX_BODY, Router } from "../../src/local/http.js";

let server: Server;
let url: string;
beforeAll(async () => {
  const router = new Router().add("POST", "/flows", "flows", (req) => ({ status: 200, body: { got: typeof req.body } }));
  server = createHttpServer(router, { headersTimeoutMs: 300, requestTimeoutMs: 300 });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe("oversized bodies", () => {
  it("get 413 with the service's JSON envelope, decided by Content-Length", async () => {
    const body = Buffer.alloc(MAX_BODY + 1024, 0x20);
    const res = await fetch(`${url}/flows`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(res.status).toBe(413);
    const j = (await res.json()) as { error: { code: string } };
    expect(j.error.code).toBe("RequestTooLarge");
  });

  it("a declared length over the limit is refused before the body is sent", async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const s = connect((server.address() as AddressInfo).port, "127.0.0.1", () => {
        s.write(`POST /flows HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${MAX_BODY * 2}\r\n\r\n{"a":`);
      });
      let got = "";
      s.on("data", (d) => {
        got += d;
        if (got.includes("\r\n\r\n") && got.includes("}")) {
          s.destroy();
          resolve(got);
        }
      });
      s.on("error", reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
    expect(answer).toContain('"RequestTooLarge"');
  }, 10_000);
});

describe("slow clients", () => {
  it("a connection that never finishes its headers is closed within the headers timeout", async () => {
    const closed = await new Promise<string>((resolve) => {
      const s = connect((server.address() as AddressInfo).port, "127.0.0.1", () => s.write("POST /flows HTTP/1.1\r\nHost: x\r\n"));
      let got = "";
      s.on("data", (d) => (got += d));
      s.on("close", () => resolve(got));
    });
    expect(closed).toMatch(/^HTTP\/1\.1 408|^$/);
  }, 10_000); // Node's default would hold it for 60 s
});

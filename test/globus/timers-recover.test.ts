/**
 * TimersClient.create when the answer is lost: a timer the service made before answering
 * 503 is found and not made twice; a timer of the same name that was there before (names
 * need not be unique) is never taken for it. A fake Timers service on 127.0.0.1.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GlobusApi } from "../../src/globus/api.js";
import { TimersClient } from "../../src/globus/timers.js";

let server: Server;
let saved: string | undefined;
let jobs: { job_id: string; name: string }[];
let fail: number;

beforeEach(async () => {
  jobs = [];
  fail = 0;
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const send = (status: number, doc: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(doc));
      const url = new URL(req.url!, "http://x");
      if (req.method === "POST" && url.pathname === "/v2/timer") {
        const job = { job_id: `00000000-0000-4000-8000-00000000000${jobs.length + 1}`, name: JSON.parse(body).timer.name };
        jobs.push(job);
        // The gateway gives up after the service made it.
        if (fail-- > 0) return send(503, { error: { code: "UNAVAILABLE", detail: "gateway timeout" } });
        return send(201, { timer: job });
      }
      if (req.method === "GET" && (url.pathname === "/jobs/" || url.pathname === "/jobs")) return send(200, { jobs: jobs.filter((j) => j.name.includes(url.searchParams.get("filter_name") ?? "")) });
      const one = jobs.find((j) => url.pathname === `/jobs/${j.job_id}`);
      return one ? send(200, one) : send(404, { error: { code: "NOT_FOUND" } });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  saved = process.env.GLOBUS_SDK_SERVICE_URL_TIMERS;
  process.env.GLOBUS_SDK_SERVICE_URL_TIMERS = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  if (saved === undefined) delete process.env.GLOBUS_SDK_SERVICE_URL_TIMERS;
  else process.env.GLOBUS_SDK_SERVICE_URL_TIMERS = saved;
  await new Promise((r) => server.close(r));
});

const client = () => new TimersClient(new GlobusApi({ token: async () => "t" } as never, { retry: { attempts: 4, baseMs: 1, maxMs: 2 } }));
const create = () => client().createFlowTimer({ flowId: "f", runScope: "s", name: "sweep timer", schedule: { type: "once" }, start: { body: {} } });

describe("creating a timer whose answer is lost", () => {
  it("finds the one the service made instead of making a second", async () => {
    fail = 1;
    const job = await create();
    expect(jobs).toHaveLength(1);
    expect(job.job_id).toBe(jobs[0]!.job_id);
  });

  it("never takes an older timer of the same name for the new one", async () => {
    await create(); // "sweep timer" #1, answered
    fail = 1;
    const job = await create(); // #2 made, answered 503: found as #2, not #1
    expect(jobs.map((j) => j.name)).toEqual(["sweep timer", "sweep timer"]);
    expect(job.job_id).toBe(jobs[1]!.job_id);
  });
});

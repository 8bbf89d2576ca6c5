/**
 * `flowsmith ui`'s HTTP server: the single-page app (served from the package, no CDN) and a
 * JSON API over the library layers the CLI uses — build/check, the lock, deploy on demand,
 * the run input path, and the services through the CLI's own session. The browser never
 * sees a token: the server calls Globus (or the local runtime) itself. It listens on
 * 127.0.0.1 only; every API call needs the per-process secret, and Host/Origin are checked
 * on every request (security.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { assetPath } from "../assets.js";
import { CliError } from "../errors.js";
import { AuthError } from "../globus/auth/types.js";
import { ServiceError } from "../globus/api.js";
import type { Session } from "../globus/session.js";
import { envLock, lockPath, readLock } from "../deploy/lock.js";
import { FlowCatalog } from "./api/flows.js";
import { Starter, type StartRequest } from "./api/start.js";
import { listProjectDir } from "./api/files.js";
import * as globus from "./api/globus.js";
import { checkOrigin, checkSecret, newSecret } from "./security.js";

export interface UiServerOptions {
  session: Session;
  port?: number;
  /** Progress lines (deploys, errors); never contains the secret or a token. */
  log?: (line: string) => void;
  /** Fixed secret (tests); default: 32 random bytes. */
  secret?: string;
}

export interface UiServer {
  /** The URL to open: the secret rides in the fragment, which browsers never send to a server. */
  url: string;
  origin: string;
  port: number;
  secret: string;
  close(): Promise<void>;
}

/** The files of the page, from dist/ui (built by `npm run build`). */
export const UI_FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "dist/ui/index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "dist/ui/app.js", type: "text/javascript; charset=utf-8" },
  "/style.css": { file: "dist/ui/style.css", type: "text/css; charset=utf-8" },
};

const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
};

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

interface Ctx {
  params: string[];
  query: URLSearchParams;
  body: unknown;
}
type Handler = (c: Ctx) => Promise<unknown>;

const STATUSES = ["ACTIVE", "INACTIVE", "SUCCEEDED", "FAILED", "ENDED"];

function readBody(req: IncomingMessage, limit = 1 << 20): Promise<unknown> {
  return new Promise((resolveBody, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new ApiError(413, "TOO_LARGE", `request body over ${limit} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      if (!text) return resolveBody(undefined);
      try {
        resolveBody(JSON.parse(text));
      } catch {
        reject(new ApiError(400, "BAD_JSON", "the request body is not JSON"));
      }
    });
    req.on("error", reject);
  });
}

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function startRequest(body: unknown): StartRequest {
  const b = obj(body);
  const req: StartRequest = {};
  if (b.rundir !== undefined) {
    if (typeof b.rundir !== "string") throw new ApiError(400, "INVALID", "rundir must be a string");
    if (b.rundir) req.rundir = b.rundir;
  }
  if (b.input !== undefined) req.input = b.input;
  if (b.label !== undefined) {
    if (typeof b.label !== "string") throw new ApiError(400, "INVALID", "label must be a string");
    if (b.label.length > 64) throw new ApiError(400, "INVALID", `label is ${b.label.length} characters; the Flows service allows 64`);
    if (b.label) req.label = b.label;
  }
  if (b.tags !== undefined) {
    if (!Array.isArray(b.tags) || b.tags.some((t) => typeof t !== "string" || !t)) throw new ApiError(400, "INVALID", "tags must be a list of non-empty strings");
    req.tags = b.tags as string[];
  }
  return req;
}

export async function startUiServer(opts: UiServerOptions): Promise<UiServer> {
  const s = opts.session;
  const log = opts.log ?? (() => {});
  const secret = opts.secret ?? newSecret();
  const catalog = new FlowCatalog(s.config);
  const starter = new Starter(s, { log });
  let port = 0;

  const flowOrThrow = async (name: string) => {
    const b = await catalog.byName(name);
    if (!b) throw new ApiError(404, "NO_SUCH_FLOW", `no flow named "${name}" in ${s.config.root}/flows`);
    if (!b.compiled || !b.source || b.results.some((r) => r.diagnostics.some((d) => d.severity === "error"))) throw new ApiError(400, "FLOW_DOES_NOT_BUILD", `flow ${name} does not build; see its diagnostics`);
    return { compiled: b.compiled, source: b.source };
  };
  const flowIdOf = (name: string) => (/^[0-9a-f-]{36}$/i.test(name) ? name : envLock(readLock(lockPath(s.config, s.env)), s.env.name).flows[name]?.id);

  const routes: [string, RegExp, Handler][] = [
    ["GET", /^\/api\/info$/, async () => ({ project: s.config.project, root: s.config.root, environment: s.env.name, kind: s.env.kind, environments: Object.values(s.config.environments).map((e) => ({ name: e.name, kind: e.kind })), collections: Object.entries(s.env.collections).map(([name, c]) => ({ name, id: c.id, ...(c.display_name ? { display_name: c.display_name } : {}) })) })],
    ["GET", /^\/api\/flows$/, async ({ query }) => ({ flows: await catalog.list(query.get("refresh") === "1") })],
    [
      "GET",
      /^\/api\/flows\/([^/]+)$/,
      async ({ params }) => {
        const d = await catalog.detail(params[0]!, s.env);
        if (!d) throw new ApiError(404, "NO_SUCH_FLOW", `no flow named "${params[0]}"`);
        return d;
      },
    ],
    [
      "POST",
      /^\/api\/flows\/([^/]+)\/rundir$/,
      async ({ params, body }) => {
        const f = await flowOrThrow(params[0]!);
        return { input: await starter.build(f.source, { ...startRequest(body), input: undefined }) };
      },
    ],
    [
      "POST",
      /^\/api\/flows\/([^/]+)\/validate$/,
      async ({ params, body }) => {
        const f = await flowOrThrow(params[0]!);
        const r = await starter.validate(f.source, f.compiled, startRequest(body));
        return { valid: r.problems.length === 0, ...r };
      },
    ],
    [
      "POST",
      /^\/api\/flows\/([^/]+)\/start$/,
      async ({ params, body }) => {
        const f = await flowOrThrow(params[0]!);
        const r = await starter.start(f.source, f.compiled, startRequest(body), log);
        if (!r.run) throw new ApiError(422, "INPUT_INVALID", `the input does not match the input schema of ${f.compiled.name} (${r.problems.length} problem${r.problems.length === 1 ? "" : "s"})`, { problems: r.problems, input: r.input });
        return { run: r.run };
      },
    ],
    [
      "GET",
      /^\/api\/runs$/,
      async ({ query }) => {
        const statuses = (query.get("status") ?? "").toUpperCase().split(",").filter(Boolean);
        const bad = statuses.filter((x) => !STATUSES.includes(x));
        if (bad.length) throw new ApiError(400, "INVALID", `status ${bad.join(",")}: use ${STATUSES.join(", ")}`);
        const per = Number(query.get("per_page") ?? 20);
        if (!Number.isInteger(per) || per < 1 || per > 100) throw new ApiError(400, "INVALID", "per_page must be an integer from 1 to 100");
        const flows = (query.get("flow") ?? "").split(",").filter(Boolean);
        const flowIds = flows.map((f) => flowIdOf(f));
        // A flow never deployed here has no runs here.
        if (flows.length && flowIds.every((x) => !x)) return { runs: [], has_next_page: false };
        const since = query.get("since") ?? "";
        const until = query.get("until") ?? "";
        for (const [k, v] of [["since", since], ["until", until]] as const) if (v && Number.isNaN(Date.parse(v))) throw new ApiError(400, "INVALID", `${k} must be an ISO 8601 date-time, got ${v}`);
        return globus.listRuns(s, { flowIds: flowIds.filter((x): x is string => !!x), statuses, label: query.get("label") ?? "", perPage: per, marker: query.get("marker") ?? "", ...(since || until ? { startTime: `${since},${until}` } : {}) });
      },
    ],
    ["GET", /^\/api\/runs\/([^/]+)$/, async ({ params }) => globus.getRun(s, params[0]!)],
    ["GET", /^\/api\/runs\/([^/]+)\/log$/, async ({ params }) => ({ entries: await globus.runLog(s, params[0]!) })],
    ["POST", /^\/api\/runs\/([^/]+)\/(cancel|resume|release)$/, async ({ params }) => globus.runAction(s, params[0]!, params[1] as globus.RunAction)],
    [
      "GET",
      /^\/api\/collections\/([^/]+)\/ls$/,
      async ({ params, query }) => {
        if (!/^[0-9a-f-]{36}$/i.test(params[0]!)) throw new ApiError(400, "INVALID", `collection id must be a UUID, got ${params[0]}`);
        return globus.transferLs(s, params[0]!, query.get("path") || "/");
      },
    ],
    ["GET", /^\/api\/files$/, async ({ query }) => listProjectDir(s.config.root, query.get("path") ?? "")],
    [
      "GET",
      /^\/api\/web-inputs$/,
      async ({ query }) => {
        const state = query.get("state");
        return globus.listWebInputs(s, { ...(query.get("run") ? { runId: query.get("run")! } : {}), ...(state === "open" || state === "closed" ? { state } : {}) });
      },
    ],
    ["GET", /^\/api\/web-inputs\/([^/]+)$/, async ({ params }) => globus.getWebInput(s, params[0]!)],
    [
      "POST",
      /^\/api\/web-inputs\/([^/]+)\/respond$/,
      async ({ params, body }) => {
        const b = obj(body);
        if (!("value" in b)) throw new ApiError(400, "INVALID", 'the body must be {"value": <option id or value>}');
        return globus.respondWebInput(s, params[0]!, b.value);
      },
    ],
    ["GET", /^\/api\/timers$/, async () => globus.listTimers(s)],
    ["POST", /^\/api\/timers\/([^/]+)\/(pause|resume)$/, async ({ params }) => globus.timerAction(s, params[0]!, params[1] as "pause" | "resume")],
  ];

  const send = (res: ServerResponse, status: number, body: unknown, type = "application/json; charset=utf-8") => {
    const data = typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    res.writeHead(status, { ...SECURITY_HEADERS, "content-type": type, "content-length": Buffer.byteLength(data) });
    res.end(data);
  };

  const errorBody = (e: unknown): [number, unknown] => {
    if (e instanceof ApiError) return [e.status, { error: { code: e.code, message: e.message, ...e.extra } }];
    if (e instanceof AuthError) return [403, { error: { code: "GLOBUS_AUTH", message: e.message, ...(e.fix ? { fix: e.fix } : {}) } }];
    if (e instanceof ServiceError) return [e.status === 404 ? 404 : e.status >= 400 && e.status < 500 ? e.status : 502, { error: { code: e.code, message: e.message, service_status: e.status } }];
    if (e instanceof CliError) return [400, { error: { code: "INVALID", message: e.message, ...(e.hint ? { hint: e.hint } : {}) } }];
    const err = e as NodeJS.ErrnoException;
    log(`ui: unexpected failure: ${err?.message ?? String(e)}`);
    return [500, { error: { code: "INTERNAL", message: err?.message ?? String(e) } }];
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const refused = checkOrigin(req.headers, port);
    if (refused) return send(res, refused.status, { error: { code: refused.code, message: refused.message } });
    const url = new URL(req.url ?? "/", `http://127.0.0.1:${port}`);
    const method = req.method ?? "GET";
    if (!url.pathname.startsWith("/api/")) {
      const f = UI_FILES[url.pathname];
      if (!f || (method !== "GET" && method !== "HEAD")) return send(res, 404, { error: { code: "NOT_FOUND", message: `${url.pathname} is not part of the page` } });
      return send(res, 200, readFileSync(assetPath(f.file)), f.type);
    }
    const denied = checkSecret(req.headers, secret);
    if (denied) return send(res, denied.status, { error: { code: denied.code, message: denied.message } });
    // JSON only: a form post from another page cannot be one (and needs the secret anyway).
    if (method === "POST" && !/^application\/json\b/.test(String(req.headers["content-type"] ?? ""))) return send(res, 415, { error: { code: "UNSUPPORTED_MEDIA_TYPE", message: "send application/json" } });
    for (const [m, re, h] of routes) {
      const match = re.exec(url.pathname);
      if (!match || m !== method) continue;
      try {
        const body = method === "POST" ? await readBody(req) : undefined;
        const params = match.slice(1).map((p) => decodeURIComponent(p));
        return send(res, 200, await h({ params, query: url.searchParams, body }));
      } catch (e) {
        const [status, b] = errorBody(e);
        return send(res, status, b);
      }
    }
    return send(res, 404, { error: { code: "NOT_FOUND", message: `no API ${method} ${url.pathname}` } });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) {
        const [status, b] = errorBody(e);
        send(res, status, b);
      } else res.destroy();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      server.off("error", fail);
      ok();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/#secret=${secret}`,
    origin,
    port,
    secret,
    close: () =>
      new Promise<void>((ok) => {
        starter.close();
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

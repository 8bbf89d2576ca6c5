/**
 * A small HTTP layer for the local service: one server, routes per service, JSON in and
 * out, and every failure rendered in the envelope of the service it belongs to. Malformed
 * requests get a 4xx, never a crash.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";

export type Service = "auth" | "flows" | "transfer" | "compute" | "actions" | "timers";

export interface Request {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  body: unknown;
  service: Service;
}

export interface Response {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: Request) => Promise<Response> | Response;

/** An error that knows its HTTP status and how its service renders it. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Errors thrown by service modules that already carry their wire body. */
export interface WireError {
  httpStatus: number;
  toJSON(): unknown;
}

function isWireError(e: unknown): e is WireError {
  return typeof e === "object" && e !== null && typeof (e as WireError).httpStatus === "number" && typeof (e as WireError).toJSON === "function";
}

export function renderError(service: Service, e: HttpError, path: string): unknown {
  const id = randomUUID();
  switch (service) {
    case "flows":
      return { error: { code: e.code, detail: e.extra.detail ?? e.message, message: e.message }, debug_id: id };
    case "transfer":
      return { code: e.code, message: e.message, request_id: id.replace(/-/g, "").slice(0, 9), resource: path, ...e.extra };
    case "compute":
      return { code: e.code, error_args: [], http_status_code: e.status, reason: e.message, ...e.extra };
    case "timers":
      // FastAPI validation errors are `{detail: [...]}`; others `{error: {code, detail, status}}` (fixtures/timers).
      if (e.status === 422 && Array.isArray(e.extra.detail)) return { detail: e.extra.detail };
      return { error: { code: e.code, detail: e.message, status: e.status, ...e.extra } };
    case "auth":
      return e.code.includes("_") && e.code === e.code.toLowerCase()
        ? { error: e.code, error_description: e.message }
        : { errors: [{ status: String(e.status), id, code: e.code, detail: e.message, title: e.message }], error: e.code, error_description: e.message };
    default:
      return { code: e.code, description: e.message };
  }
}

interface Route {
  method: string;
  parts: string[];
  service: Service;
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, service: Service, handler: Handler): this {
    this.routes.push({ method, parts: pattern.split("/").filter(Boolean), service, handler });
    return this;
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | { service: Service; allowed: string[] } | undefined {
    const segs = path.split("/").filter(Boolean).map(decodeURIComponent);
    const allowed: string[] = [];
    let service: Service | undefined;
    for (const r of this.routes) {
      if (r.parts.length !== segs.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segs.length && ok; i++) {
        const p = r.parts[i]!;
        if (p.startsWith(":")) params[p.slice(1)] = segs[i]!;
        else if (p !== segs[i]) ok = false;
      }
      if (!ok) continue;
      service ??= r.service;
      if (r.method === method) return { route: r, params };
      allowed.push(r.method);
    }
    return service ? { service, allowed } : undefined;
  }
}

/** Guess the service of an unmatched path so even a 404 uses the right envelope. */
function serviceOf(path: string): Service {
  if (path.startsWith("/v2/oauth2") || path.startsWith("/v2/api") || path.startsWith("/v2/web")) return "auth";
  if (path.startsWith("/v0.10")) return "transfer";
  if (path.startsWith("/jobs") || path.startsWith("/v2/timer")) return "timers";
  if (/^\/v[23]\//.test(path)) return "compute";
  if (path.startsWith("/actions")) return "actions";
  return "flows";
}

export const MAX_BODY = 16 * 1024 * 1024;

class BodyTooLarge extends HttpError {
  constructor() {
    super(413, "RequestTooLarge", `request bodies are limited to ${MAX_BODY} bytes`);
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  // Refuse by Content-Length before reading a byte; the rest is drained, not read into memory.
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > MAX_BODY) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new BodyTooLarge();
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

const MAX_DEPTH = 512;

/** Depth of a JSON value, iteratively: the handlers recurse, so depth is bounded at the door. */
function depthOf(v: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (d > max) max = d;
    if (max > MAX_DEPTH) return max;
    if (x && typeof x === "object") for (const c of Object.values(x)) if (c && typeof c === "object") stack.push([c, d + 1]);
  }
  return max;
}

function parseBody(buf: Buffer, type: string | undefined): unknown {
  if (buf.length === 0) return undefined;
  const text = buf.toString("utf8");
  if (type?.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(text));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, "BadRequest", `the request body is not valid JSON: ${(e as Error).message}`);
  }
  if (depthOf(value) > MAX_DEPTH) throw new HttpError(400, "BadRequest", `the request body is nested more than ${MAX_DEPTH} levels deep`);
  return value;
}

export interface ServeOptions {
  /** Called before routing; may throw an HttpError or end the response (fault injection). */
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
  log?: (line: string) => void;
  /** Time allowed for a request's headers (default 10 s) and for all of it (default 60 s). */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** +1 when a request arrives, -1 when its response is done (time-skipping clocks wait for 0). */
  onRequest?: (delta: 1 | -1) => void;
}

export function createHttpServer(router: Router, opts: ServeOptions = {}): Server {
  // Node's defaults let a client that trickles its headers hold a connection for 60 s (and a
  // body for 5 minutes); a local service answers in milliseconds, so bound both tightly.
  const headersTimeout = opts.headersTimeoutMs ?? 10_000;
  const requestTimeout = Math.max(opts.requestTimeoutMs ?? 60_000, headersTimeout);
  const serverOpts = { headersTimeout, requestTimeout, connectionsCheckingInterval: Math.min(1000, headersTimeout) };
  return createServer(serverOpts, async (req, res) => {
    if (opts.onRequest) {
      opts.onRequest(1);
      let done = false;
      res.once("close", () => {
        if (!done) opts.onRequest!(-1);
        done = true;
      });
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = (req.method ?? "GET").toUpperCase();
    let service = serviceOf(url.pathname);
    const send = (r: Response) => {
      const raw = typeof r.body === "string" && /^text\//.test(r.headers?.["content-type"] ?? "");
      const body = r.body === undefined ? "" : raw ? (r.body as string) : JSON.stringify(r.body);
      res.writeHead(r.status, { "content-type": "application/json", ...(r.headers ?? {}) });
      res.end(body);
    };
    try {
      if (opts.intercept?.(req, res)) return;
      const m = router.match(method, url.pathname);
      if (!m) throw new HttpError(404, "NotFound", `no such resource: ${method} ${url.pathname}`);
      service = "route" in m ? m.route.service : m.service;
      if (!("route" in m)) throw new HttpError(405, "MethodNotAllowed", `${method} is not allowed on ${url.pathname} (allowed: ${m.allowed.join(", ")})`);
      const body = method === "GET" || method === "HEAD" ? undefined : parseBody(await readBody(req), req.headers["content-type"]);
      const r = await m.route.handler({ method, path: url.pathname, params: m.params, query: url.searchParams, headers: req.headers, body, service });
      send(r);
      opts.log?.(`${method} ${url.pathname} ${r.status}`);
    } catch (e) {
      if (isWireError(e)) {
        send({ status: e.httpStatus, body: e.toJSON() });
        opts.log?.(`${method} ${url.pathname} ${e.httpStatus}`);
        return;
      }
      if ((e as NodeJS.ErrnoException)?.code === "ECONNRESET" || (e as Error)?.message === "aborted") return; // the client went away
      if (e instanceof BodyTooLarge) {
        // Answer, then drain what the client still sends so it reads the answer instead of a reset.
        res.setHeader("connection", "close");
        req.resume();
      }
      const err = e instanceof HttpError ? e : e instanceof RangeError ? new HttpError(400, "BadRequest", `the request is too complex to process: ${e.message}`) : new HttpError(500, "InternalError", `internal error: ${(e as Error).message}`);
      if (!(e instanceof HttpError)) opts.log?.(`internal error on ${method} ${url.pathname}: ${(e as Error).stack ?? e}`);
      send({ status: err.status, body: renderError(service, err, url.pathname) });
      opts.log?.(`${method} ${url.pathname} ${err.status}`);
    }
  });
}

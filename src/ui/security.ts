/**
 * Who may talk to `flowsmith ui`: only the page this process served. The server listens on
 * 127.0.0.1, and every API call must carry the per-process secret (from the URL fragment
 * the CLI printed) in a header, which also makes any cross-site request a preflighted one
 * that this server never allows. Host is checked against the loopback names and the bound
 * port (DNS rebinding: a foreign name resolving to 127.0.0.1 sends its own Host), and an
 * Origin, when the browser sends one, must be this server's own (CSRF).
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

export const SECRET_HEADER = "x-flowsmith-secret";

export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

export type Refusal = { status: 401 | 403; code: string; message: string };

const LOOPBACK = ["127.0.0.1", "localhost", "[::1]"];

/** The Host values this server answers to. */
export function allowedHosts(port: number): Set<string> {
  return new Set(LOOPBACK.map((h) => `${h}:${port}`));
}

/** Host and Origin checks, for every request (the static page included). */
export function checkOrigin(headers: IncomingHttpHeaders, port: number): Refusal | undefined {
  const hosts = allowedHosts(port);
  const host = (headers.host ?? "").toLowerCase();
  if (!hosts.has(host)) return { status: 403, code: "FORBIDDEN_HOST", message: `Host "${host}" is not this server (expected 127.0.0.1:${port})` };
  const origin = headers.origin;
  if (origin !== undefined) {
    let o: URL | undefined;
    try {
      o = new URL(origin);
    } catch {
      o = undefined;
    }
    if (!o || o.protocol !== "http:" || !hosts.has(o.host.toLowerCase())) return { status: 403, code: "FORBIDDEN_ORIGIN", message: `requests from ${origin} are not allowed` };
  }
  // A browser tells where a request comes from even without Origin (e.g. a no-cors GET).
  const site = headers["sec-fetch-site"];
  if (typeof site === "string" && site !== "same-origin" && site !== "none") return { status: 403, code: "FORBIDDEN_ORIGIN", message: `cross-site requests (${site}) are not allowed` };
  return undefined;
}

/** The secret check for API calls, in constant time. */
export function checkSecret(headers: IncomingHttpHeaders, secret: string): Refusal | undefined {
  const given = headers[SECRET_HEADER];
  if (typeof given !== "string" || !given) return { status: 401, code: "SECRET_REQUIRED", message: `the ${SECRET_HEADER} header is missing: open the URL \`flowsmith ui\` printed` };
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { status: 401, code: "SECRET_INVALID", message: "wrong secret: open the URL `flowsmith ui` printed (a restarted server has a new one)" };
  return undefined;
}

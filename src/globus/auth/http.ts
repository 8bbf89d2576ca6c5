/**
 * Form-encoded calls to Globus Auth with retries on 429/5xx (honouring Retry-After) and,
 * where it is safe, on dropped connections. Request bodies (secrets, codes, tokens) are
 * never echoed in errors.
 */
import { AuthServiceError } from "./errors.js";
import { retryDelay, retryPolicy } from "../retry.js";

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface AuthHttpOptions {
  fetch?: FetchLike;
  /** Attempts in all (default: the clients' retry policy, src/globus/retry.ts). */
  attempts?: number;
  /** Per-attempt timeout (default 30 s). */
  timeoutMs?: number;
  /** Base backoff in ms (default: the retry policy's). */
  backoffMs?: number;
}

export interface AuthAnswer {
  status: number;
  body: unknown;
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * POST `form` (or GET when no form) to `url`. `retry`: "all" retries statuses and network
 * failures; "status" only statuses that mean the request was not handled (429, 503), for
 * calls that must not run twice (the code exchange).
 */
export async function authCall(
  url: string,
  req: { form?: Record<string, string>; basic?: { id: string; secret: string }; bearer?: string },
  opts: AuthHttpOptions & { retry?: "all" | "status" } = {},
): Promise<AuthAnswer> {
  const doFetch = opts.fetch ?? fetch;
  const base = retryPolicy();
  const policy = { ...base, attempts: Math.max(1, opts.attempts ?? base.attempts), baseMs: opts.backoffMs ?? base.baseMs };
  const attempts = policy.attempts;
  const retry = opts.retry ?? "all";
  const headers: Record<string, string> = { accept: "application/json" };
  if (req.form) headers["content-type"] = "application/x-www-form-urlencoded";
  if (req.basic) headers.authorization = "Basic " + Buffer.from(`${encodeURIComponent(req.basic.id)}:${encodeURIComponent(req.basic.secret)}`).toString("base64");
  if (req.bearer) headers.authorization = `Bearer ${req.bearer}`;
  const host = (() => {
    try {
      return new URL(url).origin;
    } catch {
      return url;
    }
  })();
  let lastFailure = "";
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await doFetch(url, {
        method: req.form ? "POST" : "GET",
        headers,
        ...(req.form ? { body: new URLSearchParams(req.form).toString() } : {}),
        signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
        redirect: "manual",
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      lastFailure = cause?.code ?? cause?.message ?? (e as Error).name ?? "network error";
      if (retry === "all" && attempt < attempts) {
        await sleep(retryDelay(policy, attempt));
        continue;
      }
      throw new AuthServiceError(`cannot reach Globus Auth at ${host} (${lastFailure})`, "check the network, GLOBUS_SDK_SERVICE_URL_AUTH and GLOBUS_SDK_ENVIRONMENT");
    }
    const retryable = retry === "all" ? RETRY_STATUS.has(res.status) : res.status === 429 || res.status === 503;
    if (retryable && attempt < attempts) {
      await res.arrayBuffer().catch(() => undefined);
      await sleep(retryDelay(policy, attempt, res.headers.get("retry-after")));
      continue;
    }
    const text = await res.text().catch(() => "");
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, body };
  }
}

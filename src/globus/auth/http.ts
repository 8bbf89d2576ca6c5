/**
 * Form-encoded calls to Globus Auth with retries on 429/5xx (honouring Retry-After) and,
 * where it is safe, on dropped connections. Request bodies (secrets, codes, tokens) are
 * never echoed in errors.
 */
import { AuthServiceError } from "./errors.js";

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface AuthHttpOptions {
  fetch?: FetchLike;
  /** Attempts in all (default 5). */
  attempts?: number;
  /** Per-attempt timeout (default 30 s). */
  timeoutMs?: number;
  /** Base backoff in ms (default 200). */
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
  const attempts = Math.max(1, opts.attempts ?? 5);
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
        await sleep(backoff(attempt, opts.backoffMs));
        continue;
      }
      throw new AuthServiceError(`cannot reach Globus Auth at ${host} (${lastFailure})`, "check the network, GLOBUS_SDK_SERVICE_URL_AUTH and GLOBUS_SDK_ENVIRONMENT");
    }
    const retryable = retry === "all" ? RETRY_STATUS.has(res.status) : res.status === 429 || res.status === 503;
    if (retryable && attempt < attempts) {
      await res.arrayBuffer().catch(() => undefined);
      const after = Number(res.headers.get("retry-after"));
      await sleep(Number.isFinite(after) && after >= 0 && res.headers.get("retry-after") !== null ? Math.min(after * 1000, 10_000) : backoff(attempt, opts.backoffMs));
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

function backoff(attempt: number, base = 200): number {
  const cap = Math.min(5000, base * 2 ** (attempt - 1));
  return cap / 2 + Math.random() * (cap / 2);
}

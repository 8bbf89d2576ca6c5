/**
 * Calls to the Globus services through @globus/sdk's `request`, pointed at Globus or at the
 * local runtime by GLOBUS_SDK_SERVICE_URL_*. Retries 429, 5xx and dropped connections with
 * exponential backoff and full jitter, honouring Retry-After; maps failures to typed errors
 * (auth: exit 3, service/network: exit 4). Tokens go only into the Authorization header.
 */
import { request } from "@globus/sdk";
import type { Credentials } from "./auth/types.js";
import { AuthError } from "./auth/types.js";
import type { CodedError, ErrorCode } from "../errors.js";
import { retryDelay, retryPolicy, type RetryPolicy } from "./retry.js";

export type ServiceId = "FLOWS" | "TRANSFER" | "COMPUTE" | "AUTH" | "TIMERS";

export class ServiceError extends Error implements CodedError {
  /** The catalog code; `code` is the service's own (e.g. "NOT_FOUND", "UNAVAILABLE"). */
  readonly errorCode: ErrorCode;
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = "ServiceError";
    // status 0: no answer at all (refused, reset, timed out).
    this.errorCode = status === 0 ? "SERVICE_UNAVAILABLE" : "SERVICE_ERROR";
  }
}

export { DEFAULT_RETRY, type RetryPolicy } from "./retry.js";

export interface CallOptions {
  scope: string;
  method?: "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
  payload?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  /** Statuses that are answers, not failures (e.g. 404 when looking something up). */
  accept?: number[];
  /**
   * Called before retrying a non-idempotent request whose outcome is unknown (dropped
   * connection): return a result to stop, e.g. the flow found by its keyword.
   */
  recover?: () => Promise<unknown | undefined>;
  /**
   * Send with one of @globus/sdk's typed service methods instead of the generic `request`
   * (given the Authorization header); retries and error mapping stay the same.
   */
  send?: (headers: { Authorization: string }) => Promise<Response>;
  /**
   * Statuses that answer a retried request (e.g. 404 to a DELETE whose first attempt landed
   * but whose answer was lost), returned instead of an error; a first attempt's are errors.
   */
  acceptAfterRetry?: number[];
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

export interface ApiOptions {
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Progress notes (a retry, a recovered call); never contains tokens. */
  log?: (line: string) => void;
  /** The environment's name, for the exact fix command in auth errors. */
  envName?: string;
  /** Called before retrying after a failed connection (the local runtime re-discovers a restarted runtime here). */
  onConnectionError?: () => Promise<void>;
}

export class GlobusApi {
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(
    readonly credentials: Credentials,
    private readonly opts: ApiOptions = {},
  ) {
    this.retry = opts.retry ?? retryPolicy();
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = opts.random ?? Math.random;
  }

  async call<T = Record<string, unknown>>(service: ServiceId, path: string, o: CallOptions): Promise<{ status: number; body: T }> {
    const method = o.method ?? "GET";
    let lastProblem = "";
    /** Before a non-idempotent request is sent again: its result, when the service has it already. */
    const recovered = async (): Promise<unknown> => (method !== "GET" && o.recover ? await o.recover().catch(() => undefined) : undefined);
    for (let attempt = 1; ; attempt++) {
      const token = await this.credentials.token(o.scope);
      let res: Response;
      try {
        const query = o.query ? (Object.fromEntries(Object.entries(o.query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])) as Record<string, string>) : undefined;
        const sent = o.send ? o.send({ Authorization: `Bearer ${token}` }) : (request({ service, path, method } as never, { headers: { Authorization: `Bearer ${token}` }, ...(o.payload !== undefined ? { payload: o.payload } : {}), ...(query ? { query } : {}) } as never) as Promise<Response>);
        res = await sent;
      } catch (e) {
        lastProblem = `connection failed (${(e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message})`;
        const found = await recovered();
        if (found !== undefined) return { status: 200, body: found as T };
        if (attempt >= this.retry.attempts) throw new ServiceError(`${service} ${method} ${path}: ${lastProblem} after ${attempt} attempts`, 0, "NetworkError");
        await this.backoff(attempt, undefined, lastProblem);
        await this.opts.onConnectionError?.().catch(() => undefined);
        continue;
      }
      const text = await res.text();
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : {};
      } catch {
        body = { raw: text.slice(0, 500) };
      }
      if (res.ok || o.accept?.includes(res.status) || (attempt > 1 && o.acceptAfterRetry?.includes(res.status))) return { status: res.status, body: body as T };
      if (RETRYABLE.has(res.status) && attempt < this.retry.attempts) {
        lastProblem = `HTTP ${res.status}`;
        // A 5xx to a create may come after the service did it (a gateway timing out on a slow
        // answer): look for the result before sending it again, as after a dropped connection.
        // 429 means the request was turned away unprocessed, so it is simply retried.
        const found = res.status === 429 ? undefined : await recovered();
        if (found !== undefined) {
          this.opts.log?.(`${service} ${method} ${path}: HTTP ${res.status}, but the result is there; not sending it again`);
          return { status: 200, body: found as T };
        }
        await this.backoff(attempt, res.headers.get("retry-after"), lastProblem);
        continue;
      }
      throw this.toError(service, method, path, res.status, body, o.scope);
    }
  }

  private async backoff(attempt: number, retryAfter: string | null | undefined, why: string): Promise<void> {
    const ms = retryDelay(this.retry, attempt, retryAfter, this.random);
    this.opts.log?.(`${why}; retrying in ${ms} ms (attempt ${attempt + 1} of ${this.retry.attempts})`);
    await this.sleep(ms);
  }

  private toError(service: string, method: string, path: string, status: number, body: unknown, scope: string): Error {
    const b = (body ?? {}) as { error?: { code?: string; detail?: unknown; message?: string } | string; code?: string; message?: string; error_description?: string; reason?: string };
    const inner = typeof b.error === "object" ? b.error : undefined;
    const code = inner?.code ?? (typeof b.error === "string" ? b.error : undefined) ?? b.code ?? `HTTP${status}`;
    const detail = inner?.message ?? (typeof inner?.detail === "string" ? inner.detail : undefined) ?? b.message ?? b.error_description ?? b.reason ?? JSON.stringify(inner?.detail ?? body).slice(0, 300);
    if (status === 401 || code === "MISSING_SCOPE" || code === "ConsentRequired" || code === "AuthenticationPolicyRequired" || (status === 403 && /scope/i.test(detail))) {
      return new AuthError(`${service} refused ${method} ${path}: ${code}: ${detail}`, `flowsmith login${this.opts.envName ? ` --env ${this.opts.envName}` : ""} --scope "${scope}"`);
    }
    return new ServiceError(`${service} ${method} ${path} failed: HTTP ${status} ${code}: ${detail}`, status, code, body);
  }
}

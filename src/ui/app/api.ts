/** Calls to the `flowsmith ui` server: every one carries the per-process secret. */
const KEY = "flowsmith-ui-secret";

export function takeSecret(): string | undefined {
  const m = /(?:^#|&)secret=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(KEY, m[1]!);
    // Out of the address bar (and the history) once read.
    history.replaceState(null, "", `${location.pathname}#/flows`);
  }
  return sessionStorage.getItem(KEY) ?? undefined;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: Record<string, unknown>,
  ) {
    super(message);
  }
}

export async function api<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T> {
  const secret = sessionStorage.getItem(KEY) ?? "";
  const res = await fetch(`/api${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "x-flowsmith-secret": secret, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    const err = (data.error ?? {}) as Record<string, unknown>;
    throw new ApiError(res.status, String(err.code ?? `HTTP${res.status}`), String(err.message ?? res.statusText), err);
  }
  return data as T;
}

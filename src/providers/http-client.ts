/**
 * Any other action provider, over HTTP with the action-provider interface
 * (globus-flows.md §5): POST {url}/run, GET {url}/{id}/status, POST …/cancel|release|resume.
 * An unreachable provider fails the start, which the engine reports as ActionUnableToRun.
 */
import { ActionProviderError, type ActionCaller, type ActionProvider, type ActionRequest, type ActionStatus } from "./types.js";

export function createHttpActionProvider(baseUrl: string, fetchImpl: typeof fetch = fetch): ActionProvider {
  const base = baseUrl.replace(/\/+$/, "");
  const call = async (method: string, path: string, caller: ActionCaller, body?: unknown): Promise<ActionStatus> => {
    let res: Response;
    try {
      res = await fetchImpl(`${base}${path}`, {
        method,
        headers: { "content-type": "application/json", ...(caller.token ? { authorization: `Bearer ${caller.token}` } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
      throw new ActionProviderError("ProviderUnreachable", `cannot reach the action provider at ${base} (${cause})`, 502);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      throw new ActionProviderError("BadProviderResponse", `${base}${path} answered ${res.status} with a body that is not JSON`, 502);
    }
    if (!res.ok) {
      const j = json as { code?: string; description?: string; message?: string };
      throw new ActionProviderError(j.code ?? `HTTP${res.status}`, j.description ?? j.message ?? `${base}${path} answered ${res.status}`, res.status, json);
    }
    const s = json as Partial<ActionStatus>;
    if (typeof s.action_id !== "string" || !["ACTIVE", "INACTIVE", "SUCCEEDED", "FAILED"].includes(String(s.status))) {
      throw new ActionProviderError("BadProviderResponse", `${base}${path} did not answer with an action status (action_id and status are required)`, 502, json);
    }
    return s as ActionStatus;
  };
  return {
    run: (req: ActionRequest, caller) => call("POST", "/run", caller, req),
    status: (id, caller) => call("GET", `/${encodeURIComponent(id)}/status`, caller),
    cancel: (id, caller) => call("POST", `/${encodeURIComponent(id)}/cancel`, caller),
    release: (id, caller) => call("POST", `/${encodeURIComponent(id)}/release`, caller),
    resume: (id, caller) => call("POST", `/${encodeURIComponent(id)}/resume`, caller),
  };
}

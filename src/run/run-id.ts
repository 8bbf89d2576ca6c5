/** Run and timer ids as the user types them: checked before any request, and a 404 said in words. */
import { ServiceError } from "../globus/api.js";
import { CliError, EXIT } from "../errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether the text is a Globus id (a UUID: runs, timers, collections, flows). */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}
export type IdKind = "run" | "timer";
const LIST: Record<IdKind, string> = { run: "flowsmith runs list", timer: "flowsmith timers list" };

/** The id, lower-cased; a malformed one is exit 1 without asking the service. */
export function requireId(id: string, kind: IdKind): string {
  if (!UUID.test(id.trim())) throw new CliError(`"${id}" is not a ${kind} ID (${kind} IDs are UUIDs, e.g. 5e3b6f0a-1c2d-4e5f-8a9b-0c1d2e3f4a5b)`, EXIT.INVALID, `list them with \`${LIST[kind]}\``);
  return id.trim().toLowerCase();
}

export function requireRunId(id: string): string {
  return requireId(id, "run");
}

/** A 404 for the run (or timer) becomes "no run ID in environment E" (exit 1); anything else passes through. */
export async function withLookup<T>(kind: IdKind, id: string, envName: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ServiceError && e.status === 404) throw new CliError(`no ${kind} ${id} in environment ${envName}`, EXIT.INVALID, `list them there with \`${LIST[kind]} --env ${envName}\``);
    throw e;
  }
}

export function withRunLookup<T>(runId: string, envName: string, fn: () => Promise<T>): Promise<T> {
  return withLookup("run", runId, envName, fn);
}

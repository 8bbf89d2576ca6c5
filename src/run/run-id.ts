/** Run ids as the user types them: checked before any request, and a 404 said in words. */
import { ServiceError } from "../globus/api.js";
import { CliError, EXIT } from "../errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The id, lower-cased; a malformed one is exit 1 without asking the service. */
export function requireRunId(id: string): string {
  if (!UUID.test(id.trim())) throw new CliError(`"${id}" is not a run ID (run IDs are UUIDs, e.g. 5e3b6f0a-1c2d-4e5f-8a9b-0c1d2e3f4a5b)`, EXIT.INVALID, "list runs with `flowsmith runs list`");
  return id.trim().toLowerCase();
}

/** A 404 for a run becomes "no run ID in environment E" (exit 1); anything else passes through. */
export async function withRunLookup<T>(runId: string, envName: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ServiceError && e.status === 404) throw new CliError(`no run ${runId} in environment ${envName}`, EXIT.INVALID, `list the runs there with \`flowsmith runs list --env ${envName}\``);
    throw e;
  }
}

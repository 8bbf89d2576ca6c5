/**
 * The Compute requests a deploying client makes (globus-compute.md §1.5): register a
 * function, read one back. Raw requests: @globus/sdk 6's compute service has endpoint
 * methods only, no functions. Retries, tokens and error mapping come from GlobusApi.call.
 */
import type { GlobusApi } from "./api.js";
import { SCOPES } from "../wire/scopes.js";

export { pureSourceRegistration } from "../wire/compute-serialization.js";

export class ComputeClient {
  constructor(private readonly api: GlobusApi) {}

  /** POST /v3/functions -> the new function's id. */
  async registerFunction(registration: Record<string, unknown>): Promise<string> {
    return (await this.api.call<{ function_uuid: string }>("COMPUTE", "/v3/functions", { scope: SCOPES.computeAll, method: "POST", payload: registration })).body.function_uuid;
  }

  /** GET /v2/functions/{id}; undefined when it is gone (404) or not ours to read (403). */
  async getFunction(functionId: string): Promise<{ function_code?: string } | undefined> {
    const r = await this.api.call<{ function_code?: string }>("COMPUTE", `/v2/functions/${functionId}`, { scope: SCOPES.computeAll, accept: [404, 403] });
    return r.status === 200 ? r.body : undefined;
  }
}

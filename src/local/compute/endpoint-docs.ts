/**
 * Endpoint metadata of the local Compute service: `GET /v2/endpoints` (list, `role=owner|any`),
 * `GET /v2|v3/endpoints/{id}` (fixtures/compute/openapi_v2_get_endpoint_response.json),
 * `PUT /v3/endpoints/{id}` (display name, description and public flag kept in the store)
 * and `DELETE /v2|v3/endpoints/{id}`, which the local runtime refuses: its endpoints are the
 * ones flowsmith.yaml declares.
 */
import { ComputeError } from "./errors.js";
import type { LocalEndpointConfig } from "./types.js";
import type { DocStore } from "../store.js";

interface Overrides {
  display_name?: string;
  description?: string;
  public?: boolean;
}

export class ComputeEndpointDocs {
  constructor(
    private readonly endpoints: ReadonlyMap<string, LocalEndpointConfig>,
    private readonly store: DocStore,
    private readonly status: (id: string) => { status: string },
  ) {}

  private require(id: string): LocalEndpointConfig {
    const ep = this.endpoints.get(id);
    if (!ep) throw new ComputeError(404, "ENDPOINT_NOT_FOUND", `Endpoint ${id} not found`);
    return ep;
  }

  get(id: string): Record<string, unknown> {
    const ep = this.require(id);
    const o = this.store.get<Overrides>("compute_endpoint_meta", id) ?? {};
    const name = ep.display_name ?? id;
    return {
      uuid: id,
      name,
      display_name: o.display_name ?? name,
      multi_user: false,
      high_assurance: false,
      public: o.public ?? false,
      endpoint_config: "",
      user_config_template: {},
      user_config_schema: {},
      description: o.description ?? "flowsmith local endpoint (a pool of python3 workers)",
      hostname: "localhost",
      local_user: process.env.USER ?? "user",
      ip_address: "127.0.0.1",
      endpoint_version: "local",
      sdk_version: "local",
      python_version: "3",
      subscription_uuid: null,
      subscription_admin_verified: false,
    };
  }

  /** GET /v2/endpoints: every local endpoint belongs to the runtime's user. */
  list(): { uuid: string; name: string; display_name: string; status: string; owner: string | null }[] {
    return [...this.endpoints.keys()].map((id) => {
      const d = this.get(id);
      return { uuid: id, name: String(d.name), display_name: String(d.display_name), status: this.status(id).status, owner: null };
    });
  }

  update(id: string, body: unknown): { endpoint_id: string } {
    this.require(id);
    const b = (body ?? {}) as Record<string, unknown>;
    const o: Overrides = { ...(this.store.get<Overrides>("compute_endpoint_meta", id) ?? {}) };
    for (const k of ["display_name", "description"] as const) {
      if (b[k] === undefined) continue;
      if (typeof b[k] !== "string") throw new ComputeError(422, "UNPROCESSABLE_ENTITY", `${k} must be a string`);
      o[k] = b[k] as string;
    }
    if (b.public !== undefined) {
      if (typeof b.public !== "boolean") throw new ComputeError(422, "UNPROCESSABLE_ENTITY", "public must be a boolean");
      o.public = b.public;
    }
    this.store.put("compute_endpoint_meta", id, o);
    return { endpoint_id: id };
  }

  delete(id: string): never {
    this.require(id);
    throw new ComputeError(409, "ENDPOINT_CONFIGURED", `Endpoint ${id} is declared in flowsmith.yaml (compute_endpoints); remove it there and restart the local runtime`);
  }
}

/**
 * The Transfer endpoint/collection document of a local collection: what `GET /endpoint/{id}`
 * answers and what the collection_info action provider puts in `details` (the official
 * transfer_share example branches on `details.entity_type`; admin_signoff reads
 * `details.display_name`). Field names follow the Transfer endpoint document
 * (docs.globus.org/api/transfer/endpoints_and_collections); values a local directory cannot
 * have (organisation, contact) are empty, as Transfer shows for unset fields.
 */
import type { CollectionSpec } from "./collections.js";

export const DEFAULT_ENTITY_TYPE = "GCSv5_mapped_collection";

export function endpointDocument(id: string, spec: CollectionSpec, fallbackOwner: string): Record<string, unknown> {
  const entity = spec.entity_type ?? DEFAULT_ENTITY_TYPE;
  const owner = (spec.owner ?? fallbackOwner).replace(/^urn:globus:auth:identity:/, "");
  const guest = entity.endsWith("guest_collection") || entity === "GCSv4_share";
  return {
    DATA_TYPE: "endpoint",
    id,
    display_name: spec.display_name ?? id,
    canonical_name: `${owner}#${id}`,
    name: id,
    entity_type: entity,
    owner_id: owner,
    owner_string: `${owner}@clients.auth.globus.org`,
    username: `${owner}@clients.auth.globus.org`,
    organization: "",
    department: "",
    description: "flowsmith local collection",
    contact_email: null,
    contact_info: null,
    info_link: null,
    keywords: null,
    public: false,
    non_functional: entity === "GCSv5_endpoint",
    gcs_version: entity.startsWith("GCSv5") ? "5.4.0" : null,
    is_globus_connect: entity.startsWith("GCP"),
    host_endpoint_id: guest ? id : null,
    host_path: guest ? "/" : null,
    high_assurance: false,
    authentication_assurance_timeout: null,
    subscription_id: null,
    default_directory: "/~/",
    force_encryption: false,
    disable_verify: false,
    activated: true,
    expires_in: -1,
    acl_available: guest,
    acl_editable: guest,
    local_user_info_available: true,
    https_server: null,
    tlsftp_server: null,
    my_effective_roles: [],
  };
}

/**
 * Transfer endpoint documents and access rules (docs.globus.org/api/transfer/
 * endpoints_and_collections, /acl): `GET /endpoint/{id}` (globus-sdk TransferClient
 * get_endpoint), `GET /endpoint/{id}/access_list`, `POST /endpoint/{id}/access`,
 * `GET|PUT|DELETE /endpoint/{id}/access/{rule_id}`.
 */
import type { LocalAuth, TokenRecord } from "../auth/tokens.js";
import { RESOURCE_SERVERS, SCOPES } from "../auth/scopes.js";
import type { Request, Router } from "../http.js";
import { endpointDocument } from "../transfer/endpoint-doc.js";
import { TransferApiError } from "../transfer/errors.js";
import { ownerIdOf } from "../transfer/ids.js";
import type { LocalTransferService } from "../transfer/service.js";

const request_id = () => Math.random().toString(36).slice(2, 11);

export function transferEndpointRoutes(router: Router, auth: LocalAuth, transfer: LocalTransferService): void {
  const need = (req: Request): TokenRecord => auth.require(req.headers.authorization, RESOURCE_SERVERS.transfer, [SCOPES.transferAll]);
  const V = "/v0.10";
  const admin = (req: Request, id: string, resource: string): void => {
    const who = need(req).identity;
    transfer.collectionSpec(id, resource);
    const owner = transfer.collectionOwner(id);
    if (owner && ownerIdOf(owner) !== ownerIdOf(who)) throw new TransferApiError(403, "PermissionDenied", `${who} is not an administrator of collection ${id}`, resource);
  };
  router.add("GET", `${V}/endpoint/:id`, "transfer", (req) => {
    const who = need(req).identity;
    const id = req.params.id!;
    return { status: 200, body: endpointDocument(id, transfer.collectionSpec(id, `/endpoint/${id}`), who) };
  });
  router.add("GET", `${V}/endpoint/:id/access_list`, "transfer", (req) => {
    const id = req.params.id!;
    admin(req, id, `/endpoint/${id}/access_list`);
    const rules = transfer.acl.list(id).map(({ collection_id: _c, ...r }) => r);
    return { status: 200, body: { DATA_TYPE: "access_list", endpoint: id, length: rules.length, DATA: rules } };
  });
  router.add("POST", `${V}/endpoint/:id/access`, "transfer", (req) => {
    const id = req.params.id!;
    const resource = `/endpoint/${id}/access`;
    admin(req, id, resource);
    const rule = transfer.acl.create(id, (req.body ?? {}) as Record<string, unknown>);
    return { status: 201, body: { DATA_TYPE: "access_create_result", code: "Created", message: "Access rule created successfully.", access_id: rule.id, request_id: request_id(), resource } };
  });
  router.add("GET", `${V}/endpoint/:id/access/:rule`, "transfer", (req) => {
    const id = req.params.id!;
    admin(req, id, `/endpoint/${id}/access/${req.params.rule}`);
    const { collection_id: _c, ...r } = transfer.acl.get(id, req.params.rule!);
    return { status: 200, body: r };
  });
  router.add("PUT", `${V}/endpoint/:id/access/:rule`, "transfer", (req) => {
    const id = req.params.id!;
    const resource = `/endpoint/${id}/access/${req.params.rule}`;
    admin(req, id, resource);
    transfer.acl.update(id, req.params.rule!, (req.body as { permissions?: unknown } | undefined)?.permissions);
    return { status: 200, body: { DATA_TYPE: "result", code: "Updated", message: "Access rule updated successfully", request_id: request_id(), resource } };
  });
  router.add("DELETE", `${V}/endpoint/:id/access/:rule`, "transfer", (req) => {
    const id = req.params.id!;
    const resource = `/endpoint/${id}/access/${req.params.rule}`;
    admin(req, id, resource);
    transfer.acl.delete(id, req.params.rule!);
    return { status: 200, body: { DATA_TYPE: "result", code: "Deleted", message: "Access rule deleted successfully", request_id: request_id(), resource } };
  });
}

/**
 * transfer.actions.globus.org/manage_permission: create, update or delete an access rule on
 * a local collection (docs.globus.org/api/transfer/action-providers/manage-permission:
 * operation CREATE | UPDATE | DELETE, endpoint_id, path, permissions, principal_type,
 * principal, rule_id). The rules are what local Transfer enforces for other identities
 * (transfer/acl.ts); `details` is Transfer's access_create_result / result document.
 */
import { ActionProviderError, type ActionProvider } from "../../providers/types.js";
import type { DocStore } from "../store.js";
import { TransferApiError } from "../transfer/errors.js";
import type { LocalTransferService } from "../transfer/service.js";
import { ActionFailed, requireString, syncProvider } from "./sync.js";

export function createManagePermissionProvider(store: DocStore, transfer: LocalTransferService, now: () => Date): ActionProvider {
  return syncProvider(store, "manage_permission", now, (body, caller) => {
    const op = String(body.operation ?? "CREATE").toUpperCase();
    const endpoint = requireString(body, "endpoint_id");
    const resource = `/endpoint/${endpoint}/access`;
    try {
      transfer.collectionSpec(endpoint, resource);
      // Only the collection's owner (or anyone, on an owner-less local collection) manages its rules.
      const owner = transfer.collectionOwner(endpoint);
      if (owner && owner.replace(/^urn:globus:auth:identity:/, "") !== caller.identity.replace(/^urn:globus:auth:identity:/, "")) {
        throw new TransferApiError(403, "PermissionDenied", `${caller.identity} is not an administrator of collection ${endpoint}`, resource, true);
      }
      const requestId = Math.random().toString(36).slice(2, 11);
      if (op === "CREATE") {
        const principalType = body.principal_type;
        const rule = transfer.acl.create(endpoint, { principal_type: principalType, principal: body.principal, path: body.path, permissions: body.permissions });
        return { DATA_TYPE: "access_create_result", code: "Created", message: "Access rule created successfully.", access_id: rule.id, rule_id: rule.id, request_id: requestId, resource };
      }
      const ruleId = requireString(body, "rule_id");
      if (op === "UPDATE") {
        transfer.acl.update(endpoint, ruleId, body.permissions);
        return { DATA_TYPE: "result", code: "Updated", message: "Access rule updated successfully", rule_id: ruleId, request_id: requestId, resource: `${resource}/${ruleId}` };
      }
      if (op === "DELETE") {
        transfer.acl.delete(endpoint, ruleId);
        return { DATA_TYPE: "result", code: "Deleted", message: "Access rule deleted successfully", rule_id: ruleId, request_id: requestId, resource: `${resource}/${ruleId}` };
      }
      throw new ActionProviderError("BadRequest", `operation must be CREATE, UPDATE or DELETE, got ${JSON.stringify(body.operation)}`);
    } catch (e) {
      if (e instanceof TransferApiError) {
        // Bad input is ActionUnableToRun; a refusal by the collection (404/403/409) is a FAILED action.
        if (e.httpStatus === 400) throw new ActionProviderError(e.code, e.message);
        throw new ActionFailed(e.code, e.message);
      }
      throw e;
    }
  });
}

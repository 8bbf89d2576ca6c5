/**
 * transfer.actions.globus.org/collection_info: the collection's Transfer document as
 * `details` (transfer/endpoint-doc.ts), from the local collection config.
 */
import type { ActionProvider } from "../../providers/types.js";
import type { DocStore } from "../store.js";
import { endpointDocument } from "../transfer/endpoint-doc.js";
import type { LocalTransferService } from "../transfer/service.js";
import { ActionFailed, requireString, syncProvider } from "./sync.js";

export function createCollectionInfoProvider(store: DocStore, transfer: LocalTransferService, now: () => Date): ActionProvider {
  return syncProvider(store, "collection_info", now, (body, caller) => {
    const id = requireString(body, "endpoint_id");
    let spec;
    try {
      spec = transfer.collectionSpec(id, "/collection_info");
    } catch (e) {
      // An unknown collection is a FAILED action (Transfer's 404), which a flow can branch on.
      throw new ActionFailed("EndpointNotFound", (e as Error).message);
    }
    return endpointDocument(id, spec, caller.identity);
  });
}

/**
 * Public surface of the local Transfer service, for the runtime that wires it up; the
 * other files in this directory are its parts.
 */
export { LocalCollections, type CollectionConfig, type CollectionSpec, type ResolvedPath } from "./collections.js";
export { TransferApiError, type TransferErrorBody } from "./errors.js";
export { LocalTransferService, deriveTaskId, type Clock, type LocalTransferOptions, type TaskListOptions } from "./service.js";
export { createTransferActionProviders } from "./action-providers.js";
export type { TransferApName } from "./ap-records.js";
export type { LsOptions } from "./operations.js";
export type * from "./types.js";

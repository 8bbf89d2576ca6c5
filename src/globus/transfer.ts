/**
 * The Transfer API through @globus/sdk's typed service methods (services/transfer), with
 * its response types; retries, tokens and error mapping come from GlobusApi.call.
 */
import { transfer } from "@globus/sdk";
import type { GlobusApi } from "./api.js";
import { SCOPES } from "../wire/scopes.js";

export type FileListDocument = Extract<Awaited<ReturnType<Awaited<ReturnType<typeof transfer.fileOperations.ls>>["json"]>>, { DATA_TYPE: "file_list" }>;
export type FileDocument = FileListDocument["DATA"][number];

export class TransferClient {
  constructor(private readonly api: GlobusApi) {}

  /** GET /operation/endpoint/{id}/ls?path=… (the SDK puts the API version in the path, and the id into it as given: encoded here). */
  async ls(collection: string, path: string, scope: string = SCOPES.transferAll): Promise<FileListDocument> {
    const query = { path };
    return (await this.api.call<FileListDocument>("TRANSFER", `/v0.10/operation/endpoint/${encodeURIComponent(collection)}/ls`, { scope, query, send: (headers) => transfer.fileOperations.ls(encodeURIComponent(collection), { query, headers }) })).body;
  }
}

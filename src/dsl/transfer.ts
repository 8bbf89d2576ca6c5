/**
 * Helpers for the Globus Transfer action providers at transfer.actions.globus.org
 * (globus-flows.md §4.1). Parameter names are the wire names, so the Globus docs apply
 * unchanged; every value may be a constant, a typed path or an expression.
 */
import { ActionBuilder, type ActionOptions } from "./action.js";
import type { ExprRef, PathRef, PrivateValue } from "./values.js";

/** A constant, or where to find it at run time. */
export type Val<T> = T | PathRef<T> | ExprRef;

const T = "https://transfer.actions.globus.org";

export type SyncLevel = 0 | 1 | 2 | 3 | "exists" | "size" | "mtime" | "checksum";

export interface TransferItem {
  source_path: Val<string>;
  destination_path: Val<string>;
  recursive?: Val<boolean>;
  external_checksum?: Val<string>;
  checksum_algorithm?: Val<string>;
}

export interface FilterRule {
  DATA_TYPE?: "filter_rule";
  method: "include" | "exclude";
  name: string;
  type?: "file" | "dir";
}

export interface TransferParameters {
  /** Source collection UUID. */
  source_endpoint: Val<string>;
  /** Destination collection UUID. */
  destination_endpoint: Val<string>;
  /** Items to copy (constants with per-item paths, or a whole list from the run state). */
  DATA: TransferItem[] | PathRef<unknown[]> | PathRef<unknown> | ExprRef;
  label?: Val<string>;
  sync_level?: Val<SyncLevel>;
  verify_checksum?: Val<boolean>;
  preserve_timestamp?: Val<boolean>;
  encrypt_data?: Val<boolean>;
  deadline?: Val<string>;
  skip_source_errors?: Val<boolean>;
  fail_on_quota_errors?: Val<boolean>;
  delete_destination_extra?: Val<boolean>;
  notify_on_succeeded?: Val<boolean>;
  notify_on_failed?: Val<boolean>;
  notify_on_inactive?: Val<boolean>;
  source_local_user?: Val<string>;
  destination_local_user?: Val<string>;
  filter_rules?: FilterRule[] | PathRef<unknown>;
}

function split<P extends object>(o: P & ActionOptions): { params: Record<string, unknown>; options: ActionOptions } {
  const { comment, resultPath, waitTime, exceptionOnActionFailure, runAs, actionScope, ...params } = o as ActionOptions & Record<string, unknown>;
  const options: ActionOptions = { comment, resultPath, waitTime, exceptionOnActionFailure, runAs, actionScope } as ActionOptions;
  return { params, options };
}

export function providerAction<P extends object>(name: string, url: string, o: P & ActionOptions): ActionBuilder {
  const { params, options } = split(o);
  return new ActionBuilder(name, { ...options, url, parameters: params });
}

/** Copy files and directories between collections (asynchronous; waits for the task). */
export function transfer(name: string, o: TransferParameters & ActionOptions): ActionBuilder {
  return providerAction(name, `${T}/transfer`, o);
}

export interface DeleteParameters {
  /** Collection UUID. */
  endpoint: Val<string>;
  DATA: { path: Val<string> }[] | PathRef<unknown> | ExprRef;
  recursive?: Val<boolean>;
  ignore_missing?: Val<boolean>;
  interpret_globs?: Val<boolean>;
  label?: Val<string>;
  deadline?: Val<string>;
  local_user?: Val<string>;
  notify_on_succeeded?: Val<boolean>;
  notify_on_failed?: Val<boolean>;
  notify_on_inactive?: Val<boolean>;
}

/** Delete files or directories on a collection. */
export function deleteItems(name: string, o: DeleteParameters & ActionOptions): ActionBuilder {
  return providerAction(name, `${T}/delete`, o);
}

export interface PathParameters {
  /** Collection UUID. */
  endpoint_id: Val<string>;
  path: Val<string>;
  local_user?: Val<string>;
}

/** Create a directory (synchronous). Fails with ActionFailedException if it exists. */
export function mkdir(name: string, o: PathParameters & ActionOptions): ActionBuilder {
  return providerAction(name, `${T}/mkdir`, o);
}

/** Describe one file or directory (synchronous). */
export function stat(name: string, o: PathParameters & ActionOptions): ActionBuilder {
  return providerAction(name, `${T}/stat`, o);
}

export interface LsParameters {
  endpoint_id: Val<string>;
  path?: Val<string>;
  show_hidden?: Val<boolean>;
  limit?: Val<number>;
  offset?: Val<number>;
  orderby?: Val<string>;
  /** Transfer filter syntax, e.g. "name:~*.h5" or "type:dir". */
  filter?: Val<string>;
  local_user?: Val<string>;
}

/** List a directory (synchronous). */
export function ls(name: string, o: LsParameters & ActionOptions): ActionBuilder {
  return providerAction(name, `${T}/ls`, o);
}

export type { PrivateValue };

/**
 * A transfer timer's task document from the command line (`flowsmith timers transfer
 * raw:/8.3.2/raw/ nersc:/archive/ --every 1d`): each end is COLLECTION:PATH, COLLECTION a
 * logical name from the environment's `collections` or a collection UUID. The document is
 * Transfer's (globus-flows.md §Timers; the SDK's TransferData): DATA_TYPE transfer with
 * transfer_items, sync_level as Transfer's integer, submission_id left for Timers to mint
 * per run.
 */
import { CliError, EXIT } from "../errors.js";
import type { EnvironmentConfig } from "../project/config.js";
import { isUuid } from "./run-id.js";

/** Transfer's sync levels, by the names globus-cli uses. */
export const SYNC_LEVELS = { exists: 0, size: 1, mtime: 2, checksum: 3 } as const;

export interface TransferEnd {
  collection: string;
  /** The collection's name in flowsmith.yaml, when it was given by name. */
  name?: string;
  path: string;
}

export interface TransferTimerOptions {
  recursive?: boolean;
  label?: string;
  syncLevel?: string;
  deleteDestinationExtra?: boolean;
  verifyChecksum?: boolean;
}

/** COLLECTION:PATH, resolved against the environment's collections. */
export function parseTransferEnd(text: string, env: EnvironmentConfig, which: "source" | "destination"): TransferEnd {
  const at = text.indexOf(":");
  const known = Object.keys(env.collections);
  const hint = `write ${which} as COLLECTION:/path, COLLECTION one of ${known.length ? known.join(", ") : "(no collections in this environment)"} or a collection UUID`;
  if (at <= 0) throw new CliError(`${which} "${text}" has no collection: it must be COLLECTION:/path`, EXIT.INVALID, hint);
  const name = text.slice(0, at);
  const path = text.slice(at + 1);
  if (!path.startsWith("/")) throw new CliError(`${which} path "${path}" must be absolute (start with /)`, EXIT.INVALID, hint);
  if (isUuid(name)) return { collection: name.toLowerCase(), path };
  const c = env.collections[name];
  if (!c) throw new CliError(`${which}: no collection "${name}" in environment ${env.name}`, EXIT.INVALID, hint);
  return { collection: c.id, name, path };
}

/** The task document a transfer timer submits on each run. */
export function transferTaskBody(src: TransferEnd, dst: TransferEnd, o: TransferTimerOptions = {}): Record<string, unknown> {
  if (o.label !== undefined && o.label.length > 128) throw new CliError("--label may be at most 128 characters (a Transfer task label)", EXIT.INVALID);
  let sync: number | undefined;
  if (o.syncLevel !== undefined) {
    sync = (SYNC_LEVELS as Record<string, number>)[o.syncLevel];
    if (sync === undefined) throw new CliError(`--sync-level "${o.syncLevel}" is not one of ${Object.keys(SYNC_LEVELS).join(", ")}`, EXIT.INVALID, "exists: copy what is missing; size/mtime: also what differs; checksum: also what differs in content");
  }
  if (o.deleteDestinationExtra && !o.recursive) throw new CliError("--delete-destination-extra needs --recursive (it deletes what a directory at the destination has beyond the source's)", EXIT.INVALID);
  return {
    source_endpoint: src.collection,
    destination_endpoint: dst.collection,
    DATA: [{ DATA_TYPE: "transfer_item", source_path: src.path, destination_path: dst.path, recursive: !!o.recursive }],
    ...(o.label ? { label: o.label } : {}),
    ...(sync !== undefined ? { sync_level: sync } : {}),
    ...(o.deleteDestinationExtra ? { delete_destination_extra: true } : {}),
    ...(o.verifyChecksum ? { verify_checksum: true } : {}),
  };
}

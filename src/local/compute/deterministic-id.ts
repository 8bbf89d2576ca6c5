/**
 * Name-based UUIDs (RFC 4122 version 5, SHA-1): the same name always gives the same id, so
 * an action re-run with the same request_id finds the tasks it submitted the first time.
 */
import { createHash } from "node:crypto";

/** A fixed namespace for flowsmith's local Compute ids. */
const NAMESPACE = "6f0d4c1e-3b1a-5c5e-9a55-8d2f4f6b7c01";

export function uuidV5(name: string, namespace = NAMESPACE): string {
  const h = createHash("sha1").update(Buffer.from(namespace.replace(/-/g, ""), "hex")).update(name, "utf8").digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

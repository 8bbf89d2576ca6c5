/**
 * Deterministic identifiers. Task ids derive from (owner, submission_id) so that a caller
 * who only knows its submission id (the transfer action provider, which derives that from
 * the action's request_id) can name the task before submitting it, and so a resubmission
 * can never mint a second task id.
 */
import { createHash } from "node:crypto";

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Namespace for every id this module derives (a fixed random UUID). */
const FLOWSMITH_TRANSFER_NS = "6f1c9a52-3d0e-4c6b-9a57-0b8e2f4d7c31";

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ""), "hex");
}

function formatUuid(bytes: Buffer): string {
  const h = bytes.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** RFC 4122 name-based UUID (version 5, SHA-1). */
export function uuidV5(name: string, namespace: string = FLOWSMITH_TRANSFER_NS): string {
  const digest = createHash("sha1").update(uuidBytes(namespace)).update(name, "utf8").digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return formatUuid(bytes);
}

export function deriveTaskId(ownerId: string, submissionId: string): string {
  return uuidV5(`task\n${ownerId}\n${submissionId}`);
}

/** Identity ids arrive as bare UUIDs (Transfer) or `urn:globus:auth:identity:<uuid>` (APs). */
export function ownerIdOf(identity: string): string {
  const prefix = "urn:globus:auth:identity:";
  return identity.startsWith(prefix) ? identity.slice(prefix.length) : identity;
}

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/**
 * Globus's username for identities without a globusid.org name: "u_" + unpadded base32 of
 * the identity UUID (26 characters, as in the fixtures' "u_XrtivK6z9w2MZwr65os6nZX0wv").
 */
export function defaultUsername(ownerId: string): string {
  if (!isUuid(ownerId)) return ownerId;
  const bytes = uuidBytes(ownerId);
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return `u_${out}`;
}

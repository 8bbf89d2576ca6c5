/**
 * Streaming file checksums for verify_checksum, sync_level 3 and external_checksum. Only
 * algorithms node:crypto provides are accepted; Transfer's default is MD5.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

export const CHECKSUM_ALGORITHMS = ["md5", "sha1", "sha256", "sha512"] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];
export const DEFAULT_CHECKSUM_ALGORITHM: ChecksumAlgorithm = "md5";

export function checksumAlgorithm(name: string | null | undefined): ChecksumAlgorithm | null {
  if (name === null || name === undefined) return DEFAULT_CHECKSUM_ALGORITHM;
  const normalized = name.toLowerCase().replace(/-/g, "");
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(normalized) ? (normalized as ChecksumAlgorithm) : null;
}

export async function fileChecksum(path: string, algorithm: ChecksumAlgorithm = DEFAULT_CHECKSUM_ALGORITHM): Promise<string> {
  const hash = createHash(algorithm);
  // 1 MiB reads: large enough that hashing, not syscalls, dominates.
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

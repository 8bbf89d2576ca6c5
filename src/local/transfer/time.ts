/**
 * Transfer's two timestamp spellings, kept apart because clients parse them literally:
 * task documents and events use ISO with a "T" and no fraction ("2021-01-15T18:11:31+00:00"),
 * file documents use a space ("2021-01-15 01:45:50+00:00"). Action statuses use
 * providers/types.ts `apTimestamp` (space, microseconds).
 */
export function taskTimestamp(d: Date): string {
  return d.toISOString().slice(0, 19) + "+00:00";
}

export function fileTimestamp(d: Date): string {
  return d.toISOString().slice(0, 19).replace("T", " ") + "+00:00";
}

/** The undocumented task `key` field seen in real task documents ("active,2021-01-15T18:13:10.478759"). */
export function taskKey(active: boolean, d: Date): string {
  return `${active ? "active" : "complete"},${d.toISOString().slice(0, 23)}000`;
}

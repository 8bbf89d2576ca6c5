/**
 * The values an environment gives to `${env:name}` placeholders: its `values`, plus
 * `collections.<name>` and `endpoints.<name>` (UUIDs) and, for a local environment,
 * `roots.<name>` (the collection's directory). Inside values, `${root:<collection>}` and
 * `${project_root}` expand, so local paths need not be written twice.
 */
import type { EnvironmentConfig, ProjectConfig } from "../project/config.js";

export function environmentValues(config: ProjectConfig, env: EnvironmentConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [n, c] of Object.entries(env.collections)) {
    out[`collections.${n}`] = c.id;
    if (c.root) out[`roots.${n}`] = c.root;
  }
  for (const [n, e] of Object.entries(env.compute_endpoints)) out[`endpoints.${n}`] = e.id;
  const expand = (v: unknown): unknown => {
    if (typeof v === "string") {
      return v
        .replace(/\$\{root:([A-Za-z_][A-Za-z0-9_.-]*)\}/g, (m, n: string) => env.collections[n]?.root ?? m)
        .replace(/\$\{project_root\}/g, config.root);
    }
    if (Array.isArray(v)) return v.map(expand);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expand(x)]));
    return v;
  };
  for (const [k, v] of Object.entries(env.values)) out[k] = expand(v);
  return out;
}

/**
 * Fill schema defaults into an input, as the Globus web app's start form does: a missing
 * property with a `default` gets it; objects that are present are filled recursively.
 */
export function applyDefaults(schema: unknown, input: unknown): unknown {
  if (!schema || typeof schema !== "object") return input;
  const s = schema as { properties?: Record<string, unknown>; default?: unknown; type?: unknown };
  if (input === undefined) {
    if (s.default !== undefined) return structuredClone(s.default);
    if (s.properties && (s.type === "object" || s.type === undefined)) {
      const filled = applyDefaults(schema, {});
      return Object.keys(filled as object).length ? filled : undefined;
    }
    return undefined;
  }
  if (!s.properties || typeof input !== "object" || input === null || Array.isArray(input)) return input;
  const out: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  for (const [k, sub] of Object.entries(s.properties)) {
    const v = applyDefaults(sub, out[k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

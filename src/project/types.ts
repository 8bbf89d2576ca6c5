/** Keeping flows/types/<flow>.input.ts in step with schemas/<flow>.json. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateInputType } from "../compile/typegen.js";
import { readDocumentFile } from "../source/document.js";
import { CliError, EXIT } from "../errors.js";
import type { InputSchema } from "../definition/types.js";

export async function writeInputTypes(root: string, opts: { check?: boolean } = {}): Promise<{ file: string; changed: boolean }[]> {
  const dir = join(root, "schemas");
  if (!existsSync(dir)) return [];
  const out: { file: string; changed: boolean }[] = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const name = f.slice(0, -5);
    const doc = readDocumentFile(join(dir, f));
    if (!doc.ok) throw new CliError(doc.diagnostics[0]!.message, EXIT.INVALID);
    const ts = await generateInputType(name, doc.value as InputSchema);
    const file = join(root, "flows", "types", `${name}.input.ts`);
    const changed = !existsSync(file) || readFileSync(file, "utf8") !== ts;
    if (changed && !opts.check) {
      mkdirSync(join(root, "flows", "types"), { recursive: true });
      writeFileSync(file, ts);
    }
    out.push({ file, changed });
  }
  return out;
}

/**
 * The files in templates/ and the one way they are filled in: a YAML template with
 * `{{ name }}` placeholders is parsed and serialised with the `yaml` package, so every value
 * lands as a properly quoted YAML value (a `:`, `#` or quote in a worker_init cannot break
 * the document) and the template's comments survive.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { assetPath } from "../assets.js";
import { isMap, isScalar, isSeq, parse, parseDocument, visit, type Document, type Node, type Pair } from "yaml";

/** The flowsmith package's templates/ directory (from src/ under vitest or tsx, or from dist/). */
export function templatesDir(): string {
  return assetPath("templates");
}

/** A value for a placeholder; `undefined` removes the key/value pair the placeholder is the value of. */
export type TemplateValue = string | number | boolean | null | undefined | TemplateValue[] | { [key: string]: TemplateValue };

export const PLACEHOLDER_RE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** No folding, and double-quoted strings on one line with JSON escapes ("a\\nb"), as the Globus docs write them. */
const TO_STRING = { lineWidth: 0, doubleQuotedAsJSON: true } as const;

const sentinel = (name: string) => `__flowsmith_placeholder_${name}__`;
const SENTINEL_RE = /__flowsmith_placeholder_([A-Za-z_][A-Za-z0-9_]*?)__/g;

/** The placeholder names a template uses, in order of first use. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER_RE)].map((m) => m[1]!))];
}

/**
 * Fill a YAML template. Every placeholder must have an entry in `values` (a template that
 * names something the caller does not know is a bug, reported as such). A placeholder that
 * is a whole value is replaced by that value (strings double-quoted, numbers and booleans
 * plain, lists and maps as flow collections), or removes its pair when the value is
 * `undefined`; one inside a longer string is interpolated.
 */
export function renderYamlTemplate(template: string, values: Record<string, TemplateValue>, file = "template"): Document {
  const unknown = placeholdersOf(template).filter((n) => !Object.prototype.hasOwnProperty.call(values, n));
  if (unknown.length) throw new Error(`${file}: no value for ${unknown.map((n) => `{{ ${n} }}`).join(", ")}`);
  const doc = parseDocument(template.replace(PLACEHOLDER_RE, (_m, name: string) => sentinel(name)), { prettyErrors: false });
  if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]!.message}`);
  const whole = (v: unknown): string | undefined => {
    if (typeof v !== "string") return undefined;
    const m = /^__flowsmith_placeholder_([A-Za-z_][A-Za-z0-9_]*?)__$/.exec(v);
    return m ? m[1] : undefined;
  };
  visit(doc, {
    Pair(_key, pair: Pair<unknown, unknown>) {
      if (!isScalar(pair.value)) return undefined;
      const name = whole(pair.value.value);
      if (name === undefined) return undefined;
      const v = values[name];
      if (v === undefined) return visit.REMOVE;
      if (v !== null && typeof v === "object") {
        const node = doc.createNode(v) as Node;
        if (isSeq(node) || isMap(node)) node.flow = true;
        pair.value = node;
        return undefined;
      }
      pair.value.value = v;
      pair.value.type = typeof v === "string" ? "QUOTE_DOUBLE" : "PLAIN";
      return undefined;
    },
    Scalar(_key, node) {
      if (typeof node.value !== "string" || !node.value.includes("__flowsmith_placeholder_")) return;
      node.value = node.value.replace(SENTINEL_RE, (m, name: string) => {
        const v = values[name];
        if (v === undefined || (v !== null && typeof v === "object")) throw new Error(`${file}: {{ ${name} }} is inside a longer string and needs a scalar value`);
        return String(v);
      });
    },
  });
  const text = doc.toString(TO_STRING);
  if (text.includes("__flowsmith_placeholder_")) throw new Error(`${file}: a placeholder is used where no value can go (a key or a comment)`);
  return doc;
}

/** Serialise a filled template, checking that the text reads back as the same data. */
export function yamlText(doc: Document): string {
  const text = doc.toString(TO_STRING);
  const back = JSON.stringify(parse(text));
  if (back !== JSON.stringify(doc.toJS())) throw new Error("internal error: the rendered YAML does not read back as the values it was given");
  return text;
}

export function readTemplate(...parts: string[]): string {
  return readFileSync(join(templatesDir(), ...parts), "utf8");
}

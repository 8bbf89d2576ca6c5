/**
 * A start form generated from a flow's JSON input schema, as the Globus web app makes one:
 * titles and descriptions, defaults filled in, enums as choices, required marks, booleans as
 * checkboxes, uuid and globus-collection formats (a collection picker, and a path browser
 * over Transfer `ls` for the path next to it). Nothing is validated here: the server checks
 * the document with the Ajv rules of `run-flow --dry-run`, and its messages are shown at the
 * field their JSON pointer names.
 */
import { h, type Child } from "./dom.js";

type Schema = {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  format?: string;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  const?: unknown;
};

export interface Collection {
  name: string;
  id: string;
  display_name?: string;
}

export interface FormHooks {
  collections: Collection[];
  /** Browse a collection's paths; resolves to the chosen path. */
  browse: (collectionId: string, start: string) => Promise<string | undefined>;
}

interface Field {
  pointer: string;
  read(): unknown;
}

export interface GeneratedForm {
  el: HTMLElement;
  value(): unknown;
  showProblems(problems: { pointer: string; message: string }[]): void;
}

const esc = (k: string) => k.replace(/~/g, "~0").replace(/\//g, "~1");
const typeOf = (s: Schema) => (Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type) ?? (s.properties ? "object" : s.enum ? typeof s.enum[0] : undefined);
const OMIT = Symbol("omit");

export function generateForm(schema: Schema, value: unknown, hooks: FormHooks): GeneratedForm {
  const fields: Field[] = [];
  const slots = new Map<string, HTMLElement>();
  const slot = (pointer: string) => {
    const el = h("div", { class: "field-error", "data-error-for": pointer });
    slots.set(pointer, el);
    return el;
  };

  const label = (name: string, s: Schema, required: boolean, forId: string) =>
    h("label", { for: forId }, s.title ?? name, required ? h("span", { class: "req", title: "required" }, " *") : null, s.title && s.title !== name ? h("code", { class: "key" }, ` ${name}`) : null);

  let seq = 0;
  const scalar = (name: string, s: Schema, pointer: string, v: unknown, required: boolean, parent?: Record<string, Schema>): HTMLElement => {
    const id = `f${seq++}`;
    const t = typeOf(s);
    const initial = v !== undefined ? v : s.default;
    let control: HTMLElement;
    let read: () => unknown;
    if (s.enum) {
      const sel = h("select", { id, name: pointer, "data-pointer": pointer }, !required || initial === undefined ? h("option", { value: "" }, "—") : null, ...s.enum.map((e) => h("option", { value: JSON.stringify(e), selected: JSON.stringify(e) === JSON.stringify(initial) }, String(e)))) as HTMLSelectElement;
      control = sel;
      read = () => (sel.value === "" ? OMIT : JSON.parse(sel.value));
    } else if (t === "boolean") {
      const box = h("input", { id, type: "checkbox", name: pointer, "data-pointer": pointer, checked: initial === true }) as HTMLInputElement;
      control = box;
      read = () => box.checked;
    } else if (t === "number" || t === "integer") {
      const inp = h("input", { id, type: "text", inputmode: "decimal", name: pointer, "data-pointer": pointer, value: initial === undefined ? "" : String(initial) }) as HTMLInputElement;
      control = inp;
      read = () => {
        const x = inp.value.trim();
        if (x === "") return OMIT;
        const n = Number(x);
        return Number.isFinite(n) ? n : x; // a non-number goes as typed: the schema check names it
      };
    } else if (t === "string" || t === undefined && (s.format || typeof initial === "string")) {
      const inp = h("input", { id, type: "text", name: pointer, "data-pointer": pointer, value: typeof initial === "string" ? initial : initial === undefined ? "" : JSON.stringify(initial), placeholder: s.format === "uuid" || s.format === "globus-collection" ? "00000000-0000-0000-0000-000000000000" : "", spellcheck: "false" }) as HTMLInputElement;
      read = () => (inp.value === "" && !required ? OMIT : inp.value);
      if (s.format === "globus-collection") {
        const known = hooks.collections;
        const pick = h(
          "select",
          { class: "collection-pick", "aria-label": "pick a collection", onchange: (e: Event) => ((inp.value = (e.target as HTMLSelectElement).value), inp.dispatchEvent(new Event("input"))) },
          h("option", { value: "" }, "pick a collection…"),
          ...known.map((c) => h("option", { value: c.id, selected: c.id === inp.value }, `${c.display_name ?? c.name} (${c.id.slice(0, 8)}…)`)),
        );
        control = h("div", { class: "with-tools" }, inp, pick);
      } else if (name === "path" && parent && Object.entries(parent).some(([, ps]) => ps.format === "globus-collection")) {
        // A path beside a collection: browse it with Transfer ls.
        const browse = h("button", {
          type: "button",
          class: "browse",
          onclick: async () => {
            const idField = document.querySelector<HTMLInputElement>(`input[data-pointer="${pointer.replace(/\/path$/, "/id")}"]`);
            const coll = idField?.value ?? "";
            if (!coll) {
              slots.get(pointer)!.textContent = "pick the collection first";
              return;
            }
            const chosen = await hooks.browse(coll, inp.value || "/");
            if (chosen !== undefined) inp.value = chosen;
          },
        }, "Browse…");
        control = h("div", { class: "with-tools" }, inp, browse);
      } else control = inp;
    } else {
      // Arrays and anything else: JSON.
      const ta = h("textarea", { id, name: pointer, "data-pointer": pointer, rows: 3, spellcheck: "false" }, initial === undefined ? "" : JSON.stringify(initial, null, 2)) as HTMLTextAreaElement;
      control = ta;
      read = () => {
        if (ta.value.trim() === "") return OMIT;
        try {
          return JSON.parse(ta.value);
        } catch {
          return ta.value;
        }
      };
    }
    fields.push({ pointer, read });
    const hint = [s.description, s.format ? `format: ${s.format}` : ""].filter(Boolean).join(" · ");
    return h("div", { class: `field type-${t ?? "json"}`, "data-field": pointer }, label(name, s, required, id), control, hint ? h("div", { class: "hint" }, hint) : null, slot(pointer));
  };

  const object = (name: string, s: Schema, pointer: string, v: unknown, required: boolean, depth: number): HTMLElement => {
    const props = s.properties ?? {};
    const req = new Set(s.required ?? []);
    const cur = (v && typeof v === "object" && !Array.isArray(v) ? v : typeof s.default === "object" && s.default ? s.default : {}) as Record<string, unknown>;
    const children: Child[] = Object.entries(props).map(([k, ps]) => (typeOf(ps) === "object" && ps.properties ? object(k, ps, `${pointer}/${esc(k)}`, cur[k], req.has(k), depth + 1) : scalar(k, ps, `${pointer}/${esc(k)}`, cur[k], req.has(k), props)));
    const body = [s.description ? h("div", { class: "hint" }, s.description) : null, slot(pointer), ...children];
    if (depth === 0) return h("div", { class: "form-root", "data-field": pointer }, ...body);
    return h("fieldset", { "data-field": pointer }, h("legend", {}, s.title ?? name, required ? h("span", { class: "req" }, " *") : null), ...body);
  };

  const el = typeOf(schema) === "object" || schema.properties ? object("", schema, "", value, true, 0) : scalar("input", schema, "", value, true);

  const value_ = (): unknown => {
    let root: unknown = {};
    for (const f of fields) {
      const v = f.read();
      if (v === OMIT) continue;
      const keys = f.pointer.split("/").slice(1).map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"));
      if (keys.length === 0) {
        root = v;
        continue;
      }
      let o = root as Record<string, unknown>;
      for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
      o[keys.at(-1)!] = v;
    }
    return root;
  };

  const showProblems = (problems: { pointer: string; message: string }[]) => {
    for (const s of slots.values()) s.textContent = "";
    for (const f of el.querySelectorAll(".invalid")) f.classList.remove("invalid");
    for (const p of problems) {
      // The field the pointer names, or the nearest enclosing one.
      let ptr = p.pointer;
      while (!slots.has(ptr) && ptr) ptr = ptr.slice(0, ptr.lastIndexOf("/"));
      const s = slots.get(ptr) ?? slots.get("");
      if (!s) continue;
      const message = p.pointer && p.message.startsWith(`${p.pointer} `) ? p.message.slice(p.pointer.length + 1) : p.message;
      s.append(h("div", { class: "problem" }, h("code", {}, p.pointer || "/"), " ", message));
      el.querySelector(`[data-field="${CSS.escape(ptr)}"]`)?.classList.add("invalid");
    }
  };

  // Editing a field clears its message: it is stale until the next check.
  const clear = (e: Event) => {
    const ptr = (e.target as HTMLElement).getAttribute("data-pointer");
    if (ptr === null) return;
    const sl = slots.get(ptr);
    if (sl) sl.textContent = "";
    el.querySelector(`[data-field="${CSS.escape(ptr)}"]`)?.classList.remove("invalid");
  };
  el.addEventListener("input", clear);
  el.addEventListener("change", clear);

  return { el, value: value_, showProblems };
}

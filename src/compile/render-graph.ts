/** A definition as a Mermaid flowchart or a Graphviz digraph (`flowsmith graph`). */
import type { FlowDefinition, State } from "../definition/types.js";
import { actionUrlOf } from "../definition/providers.js";

interface GEdge {
  from: string;
  to: string;
  label?: string;
  dashed?: boolean;
}

function edges(def: FlowDefinition): GEdge[] {
  const out: GEdge[] = [];
  for (const [name, s] of Object.entries(def.States)) {
    const st = s as State & Record<string, unknown>;
    if (typeof st.Next === "string") out.push({ from: name, to: st.Next });
    if (Array.isArray(st.Choices)) st.Choices.forEach((r, i) => typeof r.Next === "string" && out.push({ from: name, to: r.Next, label: `rule ${i + 1}` }));
    if (typeof st.Default === "string") out.push({ from: name, to: st.Default, label: "default" });
    if (Array.isArray(st.Catch)) for (const c of st.Catch) out.push({ from: name, to: c.Next, label: c.ErrorEquals.join(", "), dashed: true });
  }
  return out;
}

function describe(name: string, s: State): string {
  if (s.Type === "Action") {
    const url = actionUrlOf(s as never);
    const short = url ? url.replace(/^https:\/\//, "").replace(/\/$/, "") : "";
    return `${name}\n${short}`;
  }
  return `${name}\n(${s.Type})`;
}

const ids = (def: FlowDefinition) => new Map(Object.keys(def.States).map((n, i) => [n, `s${i}`]));

export function toMermaid(def: FlowDefinition): string {
  const id = ids(def);
  const esc = (t: string) => t.replace(/"/g, "#quot;").replace(/\n/g, "<br/>");
  const lines = ["flowchart TD", `  start((start)) --> ${id.get(def.StartAt) ?? "missing"}`];
  for (const [name, s] of Object.entries(def.States)) {
    const label = esc(describe(name, s));
    const shape = s.Type === "Choice" ? `{"${label}"}` : s.Type === "Fail" ? `[["${label}"]]` : `["${label}"]`;
    lines.push(`  ${id.get(name)}${shape}`);
    if ((s as { End?: boolean }).End === true) lines.push(`  ${id.get(name)} --> finish((end))`);
  }
  for (const e of edges(def)) {
    const arrow = e.dashed ? "-.->" : "-->";
    lines.push(`  ${id.get(e.from)} ${arrow}${e.label ? `|"${esc(e.label)}"|` : ""} ${id.get(e.to) ?? "missing"}`);
  }
  return lines.join("\n") + "\n";
}

export function toDot(def: FlowDefinition): string {
  const q = (t: string) => JSON.stringify(t);
  const lines = ["digraph flow {", "  rankdir=TB;", '  node [shape=box, fontname="Helvetica"];', '  "__start" [shape=circle, label="start"];', `  "__start" -> ${q(def.StartAt)};`];
  for (const [name, s] of Object.entries(def.States)) {
    const shape = s.Type === "Choice" ? "diamond" : s.Type === "Fail" ? "octagon" : "box";
    lines.push(`  ${q(name)} [shape=${shape}, label=${q(describe(name, s))}];`);
    if ((s as { End?: boolean }).End === true) lines.push(`  ${q(name)} -> "__end";`);
  }
  lines.push('  "__end" [shape=doublecircle, label="end"];');
  for (const e of edges(def)) lines.push(`  ${q(e.from)} -> ${q(e.to)}${e.label || e.dashed ? ` [${[e.label ? `label=${q(e.label)}` : "", e.dashed ? "style=dashed" : ""].filter(Boolean).join(", ")}]` : ""};`);
  lines.push("}");
  return lines.join("\n") + "\n";
}

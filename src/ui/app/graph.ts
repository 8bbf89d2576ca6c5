/**
 * The flow's graph, drawn from the Mermaid text `flowsmith graph` prints (render-graph.ts)
 * as SVG: a parser for the flowchart subset that module writes, a layered layout (rank =
 * longest path from the start, back edges ignored) and clickable state boxes. A full
 * Mermaid bundle weighs megabytes (its own parsers and layout engines); this is a few
 * kilobytes and needs nothing else.
 */
import { svg } from "./dom.js";

import { parseMermaid, type GEdge, type GNode } from "./mermaid.js";

const W = 190;
const H = 44;
const GAPX = 36;
const GAPY = 58;

/** `visited`: states a run has entered (drawn filled); `current`: the ones it is in now. */
export function drawGraph(text: string, onClick: (stateName: string) => void, visited: Set<string> = new Set(), current: Set<string> = new Set()): SVGElement {
  const { nodes, edges } = parseMermaid(text);
  const out = new Map<string, GEdge[]>();
  for (const e of edges) (out.get(e.from) ?? out.set(e.from, []).get(e.from)!).push(e);
  // Longest-path ranks over the DAG left when back edges (loops) are dropped.
  const rank = new Map<string, number>();
  const onStack = new Set<string>();
  const back = new Set<GEdge>();
  const order: string[] = [];
  const visit = (id: string) => {
    if (rank.has(id) || onStack.has(id)) return;
    onStack.add(id);
    for (const e of out.get(id) ?? []) {
      if (onStack.has(e.to)) back.add(e);
      else visit(e.to);
    }
    onStack.delete(id);
    rank.set(id, 0);
    order.push(id);
  };
  const start = nodes.find((n) => n.id === "start")?.id ?? nodes[0]?.id;
  if (start) visit(start);
  for (const n of nodes) visit(n.id);
  for (const id of order.reverse()) for (const e of out.get(id) ?? []) if (!back.has(e)) rank.set(e.to, Math.max(rank.get(e.to)!, rank.get(id)! + 1));
  // "end" goes last.
  const maxRank = Math.max(0, ...[...rank.entries()].filter(([id]) => id !== "finish").map(([, r]) => r));
  if (rank.has("finish")) rank.set("finish", maxRank + 1);
  const rows = new Map<number, GNode[]>();
  for (const n of nodes) (rows.get(rank.get(n.id)!) ?? rows.set(rank.get(n.id)!, []).get(rank.get(n.id)!)!).push(n);
  const widest = Math.max(1, ...[...rows.values()].map((r) => r.length));
  const width = widest * (W + GAPX) + GAPX;
  const pos = new Map<string, { x: number; y: number }>();
  for (const [r, row] of rows) {
    const rowWidth = row.length * (W + GAPX) - GAPX;
    row.forEach((n, i) => pos.set(n.id, { x: (width - rowWidth) / 2 + i * (W + GAPX), y: GAPY / 2 + r * (H + GAPY) }));
  }
  const height = (Math.max(0, ...rank.values()) + 1) * (H + GAPY);
  const root = svg("svg", { class: "graph", viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": "flow graph" });
  const defs = svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrowhead" })));
  root.append(defs);
  for (const e of edges) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) continue;
    const x1 = a.x + W / 2;
    const y1 = a.y + H;
    const x2 = b.x + W / 2;
    const isBack = back.has(e) || b.y <= a.y;
    const y2 = isBack ? b.y + H / 2 : b.y;
    const d = isBack ? `M ${a.x + W} ${a.y + H / 2} C ${a.x + W + 60} ${a.y + H / 2}, ${b.x + W + 60} ${y2}, ${b.x + W} ${y2}` : `M ${x1} ${y1} C ${x1} ${y1 + GAPY / 2}, ${x2} ${y2 - GAPY / 2}, ${x2} ${y2}`;
    root.append(svg("path", { d, class: `edge${e.dashed ? " dashed" : ""}`, "marker-end": "url(#arrow)" }));
    if (e.label) root.append(svg("text", { x: (x1 + x2) / 2 + 4, y: (y1 + y2) / 2, class: "edge-label" }, e.label.length > 28 ? e.label.slice(0, 27) + "…" : e.label));
  }
  for (const n of nodes) {
    const p = pos.get(n.id)!;
    const g = svg("g", { class: `node shape-${n.shape}${visited.has(n.name) ? " visited" : ""}${current.has(n.name) ? " current" : ""}`, transform: `translate(${p.x},${p.y})`, "data-state": n.name });
    if (n.shape === "terminal") g.append(svg("rect", { x: W / 2 - 36, y: 6, width: 72, height: H - 12, rx: 16 }));
    else g.append(svg("rect", { width: W, height: H, rx: n.shape === "choice" ? 18 : 4 }));
    g.append(svg("text", { x: W / 2, y: n.detail ? 18 : H / 2 + 4, class: "node-name" }, n.name));
    if (n.detail) g.append(svg("text", { x: W / 2, y: 34, class: "node-detail" }, n.detail.length > 34 ? n.detail.slice(0, 33) + "…" : n.detail));
    if (n.shape !== "terminal") {
      g.setAttribute("tabindex", "0");
      g.addEventListener("click", () => onClick(n.name));
      g.addEventListener("keydown", (ev) => (ev as KeyboardEvent).key === "Enter" && onClick(n.name));
    }
    root.append(g);
  }
  return root;
}

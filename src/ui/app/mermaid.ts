/**
 * A parser for the Mermaid flowchart subset `flowsmith graph` writes (src/compile/render-graph.ts):
 * state boxes `sN["name<br/>detail"]` (`{…}` Choice, `[[…]]` Fail), `start((start))` and
 * `finish((end))`, edges `a --> b`, `a -.->|"label"| b`. Pure: the page draws what it returns.
 */
export interface GNode {
  id: string;
  name: string;
  detail: string;
  shape: "box" | "choice" | "fail" | "terminal";
}
export interface GEdge {
  from: string;
  to: string;
  label?: string;
  dashed: boolean;
}

const unesc = (t: string) => t.replace(/#quot;/g, '"');

export function parseMermaid(text: string): { nodes: GNode[]; edges: GEdge[] } {
  const nodes = new Map<string, GNode>();
  const edges: GEdge[] = [];
  const terminal = (id: string, label: string) => nodes.get(id) ?? nodes.set(id, { id, name: label, detail: "", shape: "terminal" }).get(id)!;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("flowchart")) continue;
    const node = /^(\w+)(\[\[|\[|\{)"(.*)"(\]\]|\]|\})$/.exec(line);
    if (node) {
      const [name = "", detail = ""] = unesc(node[3]!).split("<br/>");
      nodes.set(node[1]!, { id: node[1]!, name, detail, shape: node[2] === "{" ? "choice" : node[2] === "[[" ? "fail" : "box" });
      continue;
    }
    const edge = /^(\w+)(?:\(\((\w+)\)\))? (-->|-\.->)(?:\|"(.*?)"\|)? (\w+)(?:\(\((\w+)\)\))?$/.exec(line);
    if (edge) {
      if (edge[2]) terminal(edge[1]!, edge[2]);
      if (edge[6]) terminal(edge[5]!, edge[6]);
      edges.push({ from: edge[1]!, to: edge[5]!, dashed: edge[3] === "-.->", ...(edge[4] ? { label: unesc(edge[4]) } : {}) });
    }
  }
  return { nodes: [...nodes.values()], edges };
}

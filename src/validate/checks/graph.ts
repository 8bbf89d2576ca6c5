/**
 * Transitions: every Next/Default/Catch target exists; every state is reachable from
 * StartAt (following Catch edges too); the reachable graph can end.
 */
import { isObject, type Check, type CheckContext, type StateEntry } from "../context.js";

export interface Edge {
  target: unknown;
  pointer: string;
  label: string;
}

/** Outgoing edges of a state, with the pointer of the field that names each target. */
export function edgesOf(ctx: CheckContext, entry: StateEntry): Edge[] {
  const { state, name } = entry;
  const edges: Edge[] = [];
  if (state.Next !== undefined) edges.push({ target: state.Next, pointer: ctx.statePointer(name, "Next"), label: "Next" });
  if (entry.type === "Choice") {
    if (state.Default !== undefined) edges.push({ target: state.Default, pointer: ctx.statePointer(name, "Default"), label: "Default" });
    if (Array.isArray(state.Choices)) {
      state.Choices.forEach((rule, i) => {
        if (isObject(rule) && rule.Next !== undefined) edges.push({ target: rule.Next, pointer: ctx.statePointer(name, "Choices", i, "Next"), label: `Choices[${i}].Next` });
      });
    }
  }
  if (Array.isArray(state.Catch)) {
    state.Catch.forEach((c, i) => {
      if (isObject(c) && c.Next !== undefined) edges.push({ target: c.Next, pointer: ctx.statePointer(name, "Catch", i, "Next"), label: `Catch[${i}].Next` });
    });
  }
  return edges;
}

export function isTerminal(entry: StateEntry): boolean {
  if (entry.type === "Fail") return true;
  return entry.type !== "Choice" && entry.state.End === true;
}

export const checkGraph: Check = (ctx) => {
  const byName = new Map(ctx.states.map((s) => [s.name, s]));
  const adjacency = new Map<string, string[]>();
  for (const entry of ctx.states) {
    const targets: string[] = [];
    for (const edge of edgesOf(ctx, entry)) {
      if (typeof edge.target !== "string") continue; // type errors are reported by the structure check
      if (!ctx.stateNames.has(edge.target)) {
        ctx.report("TRANSITION_TARGET_UNDEFINED", edge.pointer, `${edge.label} of "${entry.name}" names "${edge.target}", which is not a state`, {
          hint: suggest(edge.target, ctx.stateNames),
        });
      } else targets.push(edge.target);
    }
    adjacency.set(entry.name, targets);
  }
  const start = ctx.definition.StartAt;
  if (typeof start !== "string" || !byName.has(start)) return;
  const reached = new Set<string>([start]);
  const queue = [start];
  while (queue.length) {
    for (const t of adjacency.get(queue.shift()!) ?? []) {
      if (!reached.has(t)) {
        reached.add(t);
        queue.push(t);
      }
    }
  }
  for (const name of ctx.stateNames) {
    if (!reached.has(name)) {
      ctx.report("UNREACHABLE_STATE", ctx.statePointer(name), `state "${name}" cannot be reached from StartAt "${start}"`, {
        hint: "point a Next, Default or Catch at it, or delete it",
      });
    }
  }
  const reachable = [...reached].map((n) => byName.get(n)).filter((e): e is StateEntry => !!e);
  // A broken edge already explains why nothing ends: do not pile a second error on it.
  const danglingEdges =
    ctx.diagnostics.some((d) => d.code === "TRANSITION_TARGET_UNDEFINED") ||
    ctx.states.some((e) => e.type === "Choice" && Array.isArray(e.state.Choices) && e.state.Choices.some((r) => !isObject(r) || typeof r.Next !== "string"));
  if (reachable.length > 0 && !reachable.some(isTerminal) && !danglingEdges) {
    ctx.report("NO_TERMINAL_STATE", "/States", "no reachable state ends the run, so every run would loop forever", {
      hint: 'give the last state "End": true, or add a Fail state',
    });
  }
};

function suggest(target: string, names: Set<string>): string {
  const lower = target.toLowerCase();
  const near = [...names].find((n) => n.toLowerCase() === lower);
  return near ? `did you mean "${near}"?` : `defined states: ${[...names].slice(0, 8).join(", ")}`;
}

/**
 * Import: a Globus definition (JSON/YAML) becomes a flowsmith flow source whose build
 * reproduces the definition exactly (deep-equal). `.$` values become path(), `.=` values
 * expr(); states the typed builders do not model are kept as rawState().
 */
import { splitKey } from "../definition/parameters.js";
import type { ChoiceRule, FlowDefinition } from "../definition/types.js";
import { COMPARISON_OPERATORS, type ComparisonOperator } from "../definition/types.js";
import { ruleBuilderName } from "../dsl/choice.js";

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const ACTION_FIELDS = new Set(["Type", "Comment", "ActionUrl", "Handler", "ActionScope", "Parameters", "InputPath", "ResultPath", "WaitTime", "ExceptionOnActionFailure", "RunAs", "Catch", "Next", "End"]);
const PASS_FIELDS = new Set(["Type", "Comment", "InputPath", "Parameters", "Result", "ResultPath", "Next", "End"]);
const EVAL_FIELDS = new Set(["Type", "Comment", "Parameters", "ResultPath", "Next", "End"]);
const WAIT_FIELDS = new Set(["Type", "Comment", "Seconds", "Timestamp", "SecondsPath", "TimestampPath", "Next", "End"]);
const FAIL_FIELDS = new Set(["Type", "Comment", "Error", "Cause", "ErrorPath", "CausePath"]);
const CHOICE_FIELDS = new Set(["Type", "Comment", "Choices", "Default"]);

export interface ImportOptions {
  name: string;
  title?: string;
  /** Where the source says it came from (a comment). */
  origin?: string;
  /** Module specifier for the DSL import; "flowsmith" in a project. */
  from?: string;
}

export function definitionToSource(def: FlowDefinition, opts: ImportOptions): string {
  return definitionToSourceLines(def, opts).join("\n");
}

/**
 * The source as pieces of whole lines, to be joined with "\n": a caller writing a big
 * flow (15 MB for 60,000 states) writes them without making the whole text.
 */
export function definitionToSourceLines(def: FlowDefinition, opts: ImportOptions): string[] {
  const names = Object.keys(def.States);
  const varOf = new Map<string, string>();
  const used = new Set<string>();
  for (const n of names) {
    let v = "s_" + n.replace(/[^A-Za-z0-9_]/g, "_");
    while (used.has(v)) v += "_";
    used.add(v);
    varOf.set(n, v);
  }
  const helpers = new Set<string>(["defineFlow"]);
  const sectioned = names.length > SECTION_STATES;
  // Each statement is indented as it is made: a flat string, where the pieces it was built
  // from would be kept as a rope until the end (~50 MB of them for 60,000 states).
  const declPad = sectioned ? "  " : "    ";
  const wirePad = "    ";
  const decls: string[] = [];
  const wiring: string[] = [];
  const v = (n: string) => varOf.get(n)!;

  for (const name of names) {
    const s = def.States[name] as unknown as Record<string, unknown>;
    const fits = (allowed: Set<string>) => Object.keys(s).every((k) => allowed.has(k));
    const type = s.Type;
    let decl: string;
    if (type === "Action" && fits(ACTION_FIELDS) && (s.ActionUrl === undefined) !== (s.Handler === undefined) && (s.Parameters === undefined) !== (s.InputPath === undefined)) {
      helpers.add("action");
      const o: Record<string, string> = {};
      if (s.Comment !== undefined) o.comment = lit(s.Comment);
      if (s.ActionUrl !== undefined) o.url = lit(s.ActionUrl);
      if (s.Handler !== undefined) o.handler = lit(s.Handler);
      if (s.ActionScope !== undefined) o.actionScope = lit(s.ActionScope);
      if (s.Parameters !== undefined) o.parameters = params(s.Parameters, helpers, 1);
      if (s.InputPath !== undefined) o.inputPath = lit(s.InputPath);
      o.resultPath = s.ResultPath === undefined ? "null" : lit(s.ResultPath);
      if (s.WaitTime !== undefined) o.waitTime = lit(s.WaitTime);
      o.exceptionOnActionFailure = s.ExceptionOnActionFailure === undefined ? "null" : lit(s.ExceptionOnActionFailure);
      if (s.RunAs !== undefined) o.runAs = lit(s.RunAs);
      decl = `action(${lit(name)}, ${obj(o, 0)})`;
    } else if (type === "Pass" && fits(PASS_FIELDS) && !(s.Parameters !== undefined && s.Result !== undefined)) {
      helpers.add("pass");
      const o: Record<string, string> = {};
      if (s.Comment !== undefined) o.comment = lit(s.Comment);
      if (s.InputPath !== undefined) o.inputPath = lit(s.InputPath);
      if (s.Parameters !== undefined) o.parameters = params(s.Parameters, helpers, 1);
      if (s.Result !== undefined) o.result = lit(s.Result, 1);
      if (s.ResultPath !== undefined) o.resultPath = lit(s.ResultPath);
      decl = `pass(${lit(name)}${Object.keys(o).length ? ", " + obj(o, 0) : ""})`;
    } else if (type === "ExpressionEval" && fits(EVAL_FIELDS) && s.Parameters !== undefined && s.ResultPath !== undefined) {
      helpers.add("expressionEval");
      const o: Record<string, string> = {};
      if (s.Comment !== undefined) o.comment = lit(s.Comment);
      o.parameters = params(s.Parameters, helpers, 1);
      o.resultPath = lit(s.ResultPath);
      decl = `expressionEval(${lit(name)}, ${obj(o, 0)})`;
    } else if (type === "Wait" && fits(WAIT_FIELDS) && ["Seconds", "Timestamp", "SecondsPath", "TimestampPath"].filter((k) => s[k] !== undefined).length === 1) {
      helpers.add("wait");
      const o: Record<string, string> = {};
      if (s.Comment !== undefined) o.comment = lit(s.Comment);
      for (const [k, ok] of [["Seconds", "seconds"], ["Timestamp", "timestamp"], ["SecondsPath", "secondsPath"], ["TimestampPath", "timestampPath"]] as const) if (s[k] !== undefined) o[ok] = lit(s[k]);
      decl = `wait(${lit(name)}, ${obj(o, 0)})`;
    } else if (type === "Fail" && fits(FAIL_FIELDS)) {
      helpers.add("fail");
      const o: Record<string, string> = {};
      for (const [k, ok] of [["Comment", "comment"], ["Error", "error"], ["Cause", "cause"], ["ErrorPath", "errorPath"], ["CausePath", "causePath"]] as const) if (s[k] !== undefined) o[ok] = lit(s[k]);
      decl = `fail(${lit(name)}${Object.keys(o).length ? ", " + obj(o, 0) : ""})`;
    } else if (type === "Choice" && fits(CHOICE_FIELDS) && Array.isArray(s.Choices)) {
      helpers.add("choice").add("rule");
      decl = `choice(${lit(name)}${s.Comment !== undefined ? `, { comment: ${lit(s.Comment)} }` : ""})`;
      const chain = (s.Choices as Record<string, unknown>[]).map((r) => {
        const { Next, ...cond } = r;
        return `  .when(${ruleSource(cond as ChoiceRule, helpers)}, ${v(String(Next))})`;
      });
      if (typeof s.Default === "string") chain.push(`  .otherwise(${v(s.Default)})`);
      wiring.push(indented(`${v(name)}\n${chain.join("\n")};`, wirePad));
    } else {
      helpers.add("rawState");
      const { Next: _n, End: _e, Catch: _c, ...json } = s;
      decl = `rawState(${lit(name)}, ${lit(json, 0)})`;
    }
    decls.push(indented(`const ${v(name)} = ${decl};`, declPad));
    if (type !== "Choice" && Array.isArray(s.Catch)) {
      for (const c of s.Catch as { ErrorEquals: string[]; Next: string; ResultPath?: string }[]) {
        wiring.push(indented(`${v(name)}.catch(${lit(c.ErrorEquals)}, ${v(c.Next)}${c.ResultPath !== undefined ? `, { resultPath: ${lit(c.ResultPath)} }` : ""});`, wirePad));
      }
    }
    if (typeof s.Next === "string") wiring.push(indented(`${v(name)}.next(${v(s.Next)});`, wirePad));
  }

  const unreachable = unreachableFrom(def);
  const ret = unreachable.length ? `{ start: ${v(def.StartAt)}, also: [${unreachable.map(v).join(", ")}] }` : v(def.StartAt);
  const header = [
    `// Imported by \`flowsmith import\`${opts.origin ? ` from ${opts.origin}` : ""}.`,
    "// `flowsmith build` renders this back to the same definition; edit it like any flow.",
  ];
  if (sectioned) header.push(`// Its ${names.length} states are declared in sections of ${SECTION_STATES} (a function each, in definition order) and wired in build().`);
  const meta: Record<string, string> = { name: lit(opts.name), title: lit(opts.title ?? opts.name) };
  if (def.Comment !== undefined) meta.comment = lit(def.Comment);
  meta.inputSchema = lit(`../schemas/${opts.name}.json`);
  const out: string[] = [`${header.join("\n")}\nimport { ${[...helpers].sort().join(", ")} } from ${lit(opts.from ?? "flowsmith")};\n\nexport default defineFlow({\n${Object.entries(meta).map(([k, x]) => `  ${k}: ${x},`).join("\n")}\n  ${sectioned ? "build() {" : "build: () => {"}`];
  const block = (lines: Iterable<string>, pad: string) => {
    for (const l of lines) out.push(indented(l, pad));
  };
  if (!sectioned) {
    out.push(...decls, ...(wiring.length ? ["", ...wiring] : []));
    block(["", `return ${ret};`], "    ");
    out.push("  },", "});", "");
    return out;
  }
  // The states are declared in functions a few hundred states long, and build() wires
  // them: V8 compiles a function in one piece, in memory that grows with its length (~100 MB
  // more for 60,000 states declared in one function). The wiring stays in build() itself:
  // the DSL's call sites keep the frames of their callers, and wiring functions closing over
  // all the states would keep every state alive through them. build is a method, compiled
  // when called; an arrow there is compiled with the module (and its memory kept longer).
  const sections: number[] = [];
  for (let i = 0; i < names.length; i += SECTION_STATES) sections.push(i);
  sections.forEach((first, k) => {
    const end = Math.min(first + SECTION_STATES, names.length);
    block(wrapList("const { ", names.slice(first, end).map((n) => varOf.get(n)!), ` } = states${k + 1}();`), "    ");
  });
  out.push(...(wiring.length ? ["", ...wiring] : []));
  block(["", `return ${ret};`], "    ");
  out.push("  },", "});");
  sections.forEach((first, k) => {
    const end = Math.min(first + SECTION_STATES, names.length);
    out.push("", `// Section ${k + 1} of ${sections.length}: states ${first + 1} to ${end} of the definition.`, `function states${k + 1}() {`);
    out.push(...decls.slice(first, end));
    out.push(...wrapList("  return { ", names.slice(first, end).map((n) => varOf.get(n)!), " };"), "}");
  });
  out.push("");
  return out;
}

/** `text` with each line after `pad` (empty text stays empty). */
function indented(text: string, pad: string): string {
  return text ? text.split("\n").map((x) => pad + x).join("\n") : "";
}

/** Definitions with more states than this are written in sections of this many. */
export const SECTION_STATES = 500;

/** `open` + the items, comma-separated, on lines of about 100 characters + `close`. */
function wrapList(open: string, items: string[], close: string): string[] {
  const lines: string[] = [];
  let line = open;
  for (const [i, item] of items.entries()) {
    const piece = item + (i < items.length - 1 ? "," : "");
    if (line.length + piece.length > 100 && line.trim() !== open.trim()) {
      lines.push(line.trimEnd());
      line = "    ";
    }
    line += piece + " ";
  }
  lines.push(line.trimEnd() + close);
  return lines;
}

function unreachableFrom(def: FlowDefinition): string[] {
  const seen = new Set<string>();
  const stack = [def.StartAt];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n) || !(n in def.States)) continue;
    seen.add(n);
    const s = def.States[n] as unknown as Record<string, unknown>;
    if (typeof s.Next === "string") stack.push(s.Next);
    if (typeof s.Default === "string") stack.push(s.Default);
    for (const r of (Array.isArray(s.Choices) ? s.Choices : []) as { Next?: string }[]) if (r.Next) stack.push(r.Next);
    for (const c of (Array.isArray(s.Catch) ? s.Catch : []) as { Next?: string }[]) if (c.Next) stack.push(c.Next);
  }
  return Object.keys(def.States).filter((n) => !seen.has(n));
}

function ruleSource(r: ChoiceRule, helpers: Set<string>): string {
  const keys = Object.keys(r);
  if (keys.length === 1 && Array.isArray((r as { And?: unknown }).And)) return `rule.and(${(r as { And: ChoiceRule[] }).And.map((x) => ruleSource(x, helpers)).join(", ")})`;
  if (keys.length === 1 && Array.isArray((r as { Or?: unknown }).Or)) return `rule.or(${(r as { Or: ChoiceRule[] }).Or.map((x) => ruleSource(x, helpers)).join(", ")})`;
  if (keys.length === 1 && (r as { Not?: unknown }).Not !== undefined) return `rule.not(${ruleSource((r as { Not: ChoiceRule }).Not, helpers)})`;
  const rec = r as Record<string, unknown>;
  const ops = keys.filter((k) => k in COMPARISON_OPERATORS) as ComparisonOperator[];
  if (keys.length === 2 && ops.length === 1 && typeof rec.Variable === "string") {
    const op = ops[0]!;
    const operand = rec[op];
    const isPathOp = op.endsWith("Path");
    if (op === "StringMatches" || !isPathOp) {
      const kind = COMPARISON_OPERATORS[op];
      const typeOk = kind === "string" || kind === "timestamp" ? typeof operand === "string" : kind === "number" ? typeof operand === "number" : typeof operand === "boolean";
      if (typeOk) {
        helpers.add("path");
        return `rule.${ruleBuilderName(op)}(path(${lit(rec.Variable)}), ${lit(operand)})`;
      }
    } else if (typeof operand === "string") {
      helpers.add("path");
      return `rule.${ruleBuilderName(op)}(path(${lit(rec.Variable)}), path(${lit(operand)}))`;
    }
  }
  return `rule.json(${lit(r)})`;
}

/** A Parameters object as TS: `.$` keys become path(), `.=` keys become expr(). */
function params(p: unknown, helpers: Set<string>, indent: number): string {
  if (Array.isArray(p)) return `[${p.map((x) => params(x, helpers, indent + 1)).join(", ")}]`;
  if (typeof p !== "object" || p === null) return lit(p);
  const entries = Object.entries(p as Record<string, unknown>);
  if (entries.length === 0) return "{}";
  const outKeys = new Set(entries.map(([k]) => splitKey(k).key));
  const collision = outKeys.size !== entries.length;
  const pad = "  ".repeat(indent + 1);
  const lines = entries.map(([k, val]) => {
    const { key, kind } = splitKey(k);
    if (!collision && kind === "path" && typeof val === "string") {
      helpers.add("path");
      return `${pad}${propName(key)}: path(${lit(val)}),`;
    }
    if (!collision && kind === "expression" && typeof val === "string") {
      helpers.add("expr");
      return `${pad}${propName(key)}: expr(${lit(val)}),`;
    }
    return `${pad}${propName(k)}: ${k === "__Private_Parameters" ? lit(val) : params(val, helpers, indent + 1)},`;
  });
  return `{\n${lines.join("\n")}\n${"  ".repeat(indent)}}`;
}

function propName(k: string): string {
  // A literal `__proto__:` key would set the prototype instead of a property.
  if (k === "__proto__") return '["__proto__"]';
  return IDENT.test(k) ? k : JSON.stringify(k);
}

function obj(o: Record<string, string>, indent: number): string {
  const pad = "  ".repeat(indent + 1);
  return `{\n${Object.entries(o)
    .map(([k, x]) => `${pad}${k}: ${x},`)
    .join("\n")}\n${"  ".repeat(indent)}}`;
}

/** A JSON value as a TS literal. */
function lit(v: unknown, indent = 0): string {
  if (v === undefined) return "undefined";
  if (typeof v !== "object" || v === null) return JSON.stringify(v);
  if (Array.isArray(v)) return v.length === 0 ? "[]" : `[${v.map((x) => lit(x, indent)).join(", ")}]`;
  const entries = Object.entries(v);
  if (entries.length === 0) return "{}";
  const pad = "  ".repeat(indent + 1);
  return `{\n${entries.map(([k, x]) => `${pad}${propName(k)}: ${lit(x, indent + 1)},`).join("\n")}\n${"  ".repeat(indent)}}`;
}

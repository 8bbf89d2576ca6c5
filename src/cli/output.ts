/** Output helpers: colour and spinners only on a TTY (and never with NO_COLOR), diagnostics for people. */
import chalk, { Chalk } from "chalk";
import { relative } from "node:path";
import type { Diagnostic } from "../definition/diagnostics.js";

export interface Output {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
}

export function terminalOutput(): Output {
  // `flowsmith … | head`: a reader that went away is the end of the output, not a crash.
  for (const s of [process.stdout, process.stderr]) {
    if (s.listenerCount("error") === 0) s.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw e;
    });
  }
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
  return {
    out: (t) => void process.stdout.write(t.endsWith("\n") ? t : t + "\n"),
    err: (t) => void process.stderr.write(t.endsWith("\n") ? t : t + "\n"),
    color,
  };
}

export function palette(o: Output) {
  return o.color ? chalk : new Chalk({ level: 0 });
}

export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith("..") ? rel : file;
}

export interface FileResult {
  file: string;
  diagnostics: Diagnostic[];
}

/** `file:line:col: severity CODE: message` with the pointer and a hint, like a compiler. */
export function formatDiagnostic(d: Diagnostic, file: string, o: Output): string {
  const c = palette(o);
  const where = d.source ? `${displayPath(d.source.file)}:${d.source.line}:${d.source.column}` : displayPath(file);
  const sev = d.severity === "error" ? c.red.bold("error") : d.severity === "warning" ? c.yellow.bold("warning") : c.cyan("info");
  const lines = [`${c.bold(where)}: ${sev} ${c.dim(d.code)}: ${d.message}`];
  if (d.pointer) lines.push(`  ${c.dim("at")} ${d.pointer}`);
  if (d.hint) lines.push(`  ${c.dim("hint:")} ${d.hint}`);
  return lines.join("\n");
}

export function summarise(results: FileResult[], o: Output): string {
  const c = palette(o);
  let errors = 0;
  let warnings = 0;
  for (const r of results)
    for (const d of r.diagnostics) {
      if (d.severity === "error") errors++;
      else if (d.severity === "warning") warnings++;
    }
  const files = results.length;
  const text = `${files} file${files === 1 ? "" : "s"} checked: ${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`;
  return errors ? c.red(text) : warnings ? c.yellow(text) : c.green(text);
}

/** The exact `--json` shape of `flowsmith validate`. */
export function resultsJson(results: FileResult[]): string {
  return JSON.stringify(
    { results: results.map((r) => ({ file: r.file, diagnostics: r.diagnostics.map((d) => ({ code: d.code, severity: d.severity, message: d.message, pointer: d.pointer })) })) },
    null,
    2,
  );
}

// Lint for `npm test`: typescript-eslint's recommended rules, and the layer map of
// ARCHITECTURE.md as an import rule, so "one direction, no back edges" is checked rather
// than remembered. The rule resolves each relative import to the directory under src/ it
// lands in and checks it against LAYERS, an allow-list per layer.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { dirname, relative, resolve, sep } from "node:path";

const ROOT = dirname(new URL(import.meta.url).pathname);
const SRC = resolve(ROOT, "src");

/**
 * What each layer under src/ may import besides itself. `errors.ts` (the shared error
 * types) is importable everywhere. Reading order is the pipeline: IR and wire facts at the
 * bottom, builders, compile/validate/engine on them, clients and the emulator side by side
 * (neither imports the other), deploy/run on the clients, the CLI on top.
 */
const BASE = ["errors.ts", "assets.ts", "cache-dir.ts"];
const LAYERS = {
  "errors.ts": [],
  // Where the optional caches live (validators, parsed YAML).
  "cache-dir.ts": [],
  // The package's own files (version, templates, worker.py), found from the package root.
  "assets.ts": [],
  definition: [],
  wire: [],
  expr: [],
  source: ["definition"],
  dsl: ["definition", "expr"],
  validate: ["definition", "expr"],
  compile: ["definition", "dsl", "source", "expr"],
  providers: ["definition", "engine", "expr"],
  engine: ["definition", "expr", "providers"],
  project: ["compile", "definition", "dsl", "expr", "source", "validate"],
  // Production clients: never the emulator (src/local), never deploy/run/CLI.
  globus: ["project", "wire", "definition"],
  // deploy creates flows and registers functions; starting runs, now or on a schedule
  // (run/declared-timers.ts, which deploy-flow also calls), is run's, on top of deploy.
  deploy: ["compile", "definition", "dsl", "globus", "project", "source", "validate", "wire"],
  run: ["compile", "definition", "deploy", "dsl", "globus", "project", "source", "validate", "wire", "expr"],
  // The emulator: engine, providers and wire facts; never the production clients.
  local: ["compile", "definition", "engine", "expr", "project", "providers", "source", "validate", "wire"],
  // The public API and the test-support API: everything but the CLI.
  "index.ts": ["compile", "definition", "deploy", "dsl", "engine", "expr", "globus", "project", "providers", "run", "source", "validate", "wire", "local", "testing"],
  testing: ["compile", "definition", "deploy", "dsl", "engine", "expr", "globus", "project", "providers", "run", "source", "validate", "wire", "local"],
  // `flowsmith ui`: a front end like the CLI (its API reaches the runtime as the CLI does).
  ui: ["compile", "definition", "deploy", "dsl", "engine", "expr", "globus", "local", "project", "providers", "run", "source", "validate", "wire"],
  // Only the CLI knows every layer (and it finds the local runtime through src/local/attach.ts).
  cli: ["compile", "definition", "deploy", "dsl", "engine", "expr", "globus", "local", "project", "providers", "run", "source", "validate", "wire", "ui"],
};

/** The layer a file under src/ belongs to: its first directory, or the file name for top-level files. */
function layerOf(file) {
  const rel = relative(SRC, file);
  if (rel.startsWith("..")) return undefined;
  const first = rel.split(sep)[0];
  return first.endsWith(".js") ? first.replace(/\.js$/, ".ts") : first;
}

const layersRule = {
  meta: { type: "problem", schema: [], messages: { forbidden: "{{from}} may not import {{to}} ({{spec}}): see the layer map in eslint.config.js / ARCHITECTURE.md", unknown: "src/{{layer}} is not in the layer map of eslint.config.js: add it with what it may import" } },
  create(context) {
    const file = context.filename;
    const from = layerOf(file);
    if (!from) return {};
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== "string" || !spec.startsWith(".")) return;
      const to = layerOf(resolve(dirname(file), spec));
      if (!to || to === from) return;
      const allowed = LAYERS[from];
      if (!allowed) return context.report({ node, messageId: "unknown", data: { layer: from } });
      if (!allowed.includes(to) && !BASE.includes(to)) context.report({ node, messageId: "forbidden", data: { from: `src/${from}`, to: `src/${to}`, spec } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "build/**", "**/*.js", "**/*.mjs", "templates/**", "flows/types/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    linterOptions: { reportUnusedDisableDirectives: "error" },
    plugins: { flowsmith: { rules: { layers: layersRule } } },
    rules: {
      "flowsmith/layers": "error",
      // `_`-prefixed parameters are deliberate (an interface's argument the implementation ignores).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      // Literal runs of spaces match YAML/text indentation more legibly than " {2}".
      "no-regex-spaces": "off",
      // A timer handle assigned after the closure that clears it is declared first on purpose.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // End-to-end tests parse untyped JSON from HTTP or CLI output; they say so on line 1.
    files: ["test/**/*.ts"],
    rules: { "@typescript-eslint/ban-ts-comment": ["error", { "ts-nocheck": "allow-with-description" }] },
  },
);

/**
 * The small Globus-hosted providers that flows in the wild use: hello_world (echo, with an
 * optional sleep for asynchronous behaviour) and expression_eval.
 */
import { compileExpression, evaluateExpression } from "../expr/index.js";
import type { DocStore } from "./doc-store.js";
import { ActionTable } from "./in-memory.js";
import { ActionProviderError, type ActionCaller, type ActionProvider, type ActionRequest, type ActionStatus } from "./types.js";

const iso = (d: Date) => d.toISOString().replace("Z", "+00:00");

export function createHelloWorldProvider(store: DocStore, now: () => Date = () => new Date()): ActionProvider {
  const table = new ActionTable(store, "hello_world");
  const settle = (a: ActionStatus): ActionStatus => {
    const until = (a.details as { _until?: number })._until;
    if (a.status === "ACTIVE" && until !== undefined && now().getTime() >= until) {
      const { _until, ...details } = a.details as Record<string, unknown>;
      return table.save({ ...a, status: "SUCCEEDED", display_status: "SUCCEEDED", completion_time: iso(now()), details });
    }
    return a;
  };
  return {
    async run(req: ActionRequest, caller: ActionCaller) {
      const existing = table.byRequest(req.request_id);
      if (existing) return settle(existing);
      const echo = req.body.echo_string;
      if (echo !== undefined && typeof echo !== "string") throw new ActionProviderError("BadRequest", "echo_string must be a string");
      const sleep = Number(req.body.sleep_time ?? 0);
      const details = { Hello: "World", hello: echo ?? "World" };
      const t = now();
      if (sleep > 0) return table.create(req.request_id, caller, { details: { ...details, _until: t.getTime() + sleep * 1000 }, display_status: "ACTIVE", label: req.label ?? null }, t);
      return table.create(req.request_id, caller, { status: "SUCCEEDED", display_status: "SUCCEEDED", details, completion_time: iso(t), label: req.label ?? null }, t);
    },
    async status(id) {
      const a = settle(table.require(id));
      const { _until, ...details } = (a.details ?? {}) as Record<string, unknown>;
      return { ...a, details };
    },
    async cancel(id) {
      const a = table.require(id);
      if (a.status !== "ACTIVE") return a;
      return table.save({ ...a, status: "FAILED", display_status: "Canceled", completion_time: iso(now()), details: { code: "Canceled", description: "The action was canceled" } });
    },
    async release(id) {
      return table.release(id);
    },
  };
}

/** expression_eval: `{expression, arguments, result_path}` or `{expressions: [...]}`. */
export function createExpressionEvalProvider(store: DocStore, now: () => Date = () => new Date()): ActionProvider {
  const table = new ActionTable(store, "expression_eval");
  const evalOne = (spec: Record<string, unknown>): [string, unknown] => {
    const src = spec.expression;
    if (typeof src !== "string") throw new ActionProviderError("BadRequest", "expression must be a string");
    const parsed = compileExpression(src);
    if (!parsed.ok) throw new ActionProviderError("BadRequest", `expression does not parse: ${parsed.error.message}`);
    const args = (spec.arguments ?? {}) as Record<string, unknown>;
    try {
      return [String(spec.result_path ?? "result"), evaluateExpression(parsed.value, args)];
    } catch (e) {
      throw new ActionProviderError("BadRequest", (e as Error).message);
    }
  };
  return {
    async run(req, caller) {
      const existing = table.byRequest(req.request_id);
      if (existing) return existing;
      const specs = Array.isArray(req.body.expressions) ? (req.body.expressions as Record<string, unknown>[]) : [req.body];
      const details = Object.fromEntries(specs.map(evalOne));
      const t = now();
      return table.create(req.request_id, caller, { status: "SUCCEEDED", display_status: "SUCCEEDED", details, completion_time: iso(t) }, t);
    },
    async status(id) {
      return table.require(id);
    },
    async cancel(id) {
      return table.require(id);
    },
    async release(id) {
      return table.release(id);
    },
  };
}

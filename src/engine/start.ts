/** A new run record from a definition and an input (the FlowStarted transition). */
import type { FlowDefinition } from "../definition/types.js";
import { redact } from "./data.js";
import { entry } from "./log.js";
import type { EngineRun, LogEntry, RunContextValue } from "./types.js";

export function newRun(args: {
  run_id: string;
  flow_id: string;
  definition: FlowDefinition;
  input: unknown;
  caller: { identity: string; token?: string; username?: string; email?: string; identities?: string[] };
  now: number;
}): { run: EngineRun; events: LogEntry[] } {
  const c = args.caller;
  const secs = Math.floor(args.now / 1000);
  const context: RunContextValue = {
    flow_id: args.flow_id,
    run_id: args.run_id,
    username: c.username ?? c.identity.replace(/^urn:globus:auth:identity:/, "") + "@clients.auth.globus.org",
    email: c.email ?? "",
    user_id: c.identity,
    identities: c.identities ?? [c.identity],
    token_info: { exp: secs + 172800, iat: secs, nbf: secs },
  };
  const run: EngineRun = {
    run_id: args.run_id,
    flow_id: args.flow_id,
    definition: args.definition,
    status: "ACTIVE",
    state: args.input,
    context,
    position: { state: args.definition.StartAt, visit: 0, phase: "enter" },
    started_at: args.now,
    caller: { identity: c.identity, ...(c.token ? { token: c.token } : {}) },
  };
  return { run, events: [entry(args.now, "FlowStarted", "The Flow Instance started execution", { input: redact(args.input) })] };
}

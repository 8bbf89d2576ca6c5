/** Stored flows and runs, and their Flows API documents (globus-flows.md §2.3-2.4). */
import type { flows } from "@globus/sdk";
import type { FlowDefinition, InputSchema } from "../../definition/types.js";
import type { EngineRun, RunStatus } from "../../engine/types.js";
import { redact } from "../../engine/data.js";
import { SCOPES } from "../../wire/scopes.js";
import { withoutPrivateParameters } from "./private-parameters.js";

type S = flows.OpenAPI.components["schemas"];
export type FlowResponse = S["FlowResponse"];
export type FlowRunDoc = S["FlowRun"];

export const ROLE_FIELDS = ["flow_viewers", "flow_starters", "flow_administrators", "run_managers", "run_monitors"] as const;

export interface FlowRecord {
  id: string;
  definition: FlowDefinition;
  input_schema: InputSchema;
  title: string;
  subtitle: string;
  description: string;
  keywords: string[];
  flow_owner: string;
  flow_viewers: string[];
  flow_starters: string[];
  flow_administrators: string[];
  run_managers: string[];
  run_monitors: string[];
  subscription_id: string | null;
  created_at: string;
  updated_at: string;
  deleted?: boolean;
}

export interface RunMeta {
  run_id: string;
  flow_id: string;
  flow_title: string;
  flow_last_updated: string;
  label: string | null;
  tags: string[];
  run_owner: string;
  run_managers: string[];
  run_monitors: string[];
  input: unknown;
  released?: boolean;
}

export type FlowRole = "flow_owner" | "flow_administrator" | "flow_starter" | "flow_viewer" | "run_manager" | "run_monitor";

/**
 * A caller: an identity URN, or an identity with the group URNs it is a member of (role
 * lists may name `urn:globus:groups:id:…`; the local runtime resolves them against the
 * `groups` of flowsmith.yaml).
 */
export type Who = string | { identity: string; groups: readonly string[] };
const identityOf = (w: Who) => (typeof w === "string" ? w : w.identity);
const inList = (list: readonly string[], w: Who) => list.includes(identityOf(w)) || (typeof w !== "string" && w.groups.some((g) => list.includes(g)));

/** Roles a caller holds on a flow ("public" and "all_authenticated_users" count for everyone here). */
export function flowRoles(f: FlowRecord, who: Who): FlowRole[] {
  const has = (list: string[]) => inList(list, who) || list.includes("all_authenticated_users") || list.includes("public");
  const roles: FlowRole[] = [];
  if (f.flow_owner === identityOf(who)) roles.push("flow_owner");
  if (inList(f.flow_administrators, who)) roles.push("flow_administrator");
  if (has(f.flow_starters)) roles.push("flow_starter");
  if (has(f.flow_viewers)) roles.push("flow_viewer");
  if (inList(f.run_managers, who)) roles.push("run_manager");
  if (inList(f.run_monitors, who)) roles.push("run_monitor");
  return roles;
}

export function flowDoc(f: FlowRecord, who: Who, origin: string): FlowResponse {
  const roles = flowRoles(f, who);
  const admin = roles.includes("flow_owner") || roles.includes("flow_administrator");
  const url = `${origin}/flows/${f.id}`;
  const doc = {
    id: f.id,
    definition: admin ? f.definition : withoutPrivateParameters(f.definition),
    input_schema: f.input_schema,
    globus_auth_scope: SCOPES.flow(f.id),
    globus_auth_scopes_by_RunAs: { User: SCOPES.flow(f.id) },
    synchronous: false,
    log_supported: true,
    types: ["Action"],
    api_version: "1.0",
    title: f.title,
    subtitle: f.subtitle,
    description: f.description,
    keywords: f.keywords,
    principal_urn: `urn:globus:auth:identity:${f.id}`,
    globus_auth_username: `${f.id}@clients.auth.globus.org`,
    created_at: f.created_at,
    updated_at: f.updated_at,
    user_role: roles[0] ?? "flow_viewer",
    user_roles: roles,
    created_by: f.flow_owner,
    flow_owner: f.flow_owner,
    // Role lists are only shown to administrators (§2.3).
    flow_viewers: admin ? f.flow_viewers : [],
    flow_starters: admin ? f.flow_starters : [],
    flow_administrators: admin ? f.flow_administrators : [],
    run_managers: admin ? f.run_managers : [],
    run_monitors: admin ? f.run_monitors : [],
    visible_to: admin ? f.flow_viewers : [],
    runnable_by: admin ? f.flow_starters : [],
    administered_by: admin ? f.flow_administrators : [],
    action_url: url,
    flow_url: url,
    subscription_id: f.subscription_id,
    authentication_policy_id: null,
    is_high_assurance: false,
  };
  return doc as unknown as FlowResponse;
}

export type RunRole = "run_owner" | "run_manager" | "run_monitor";

export function runRoles(m: RunMeta, f: FlowRecord | undefined, who: Who): RunRole[] {
  const roles: RunRole[] = [];
  const id = identityOf(who);
  if (m.run_owner === id) roles.push("run_owner");
  if (inList(m.run_managers, who) || (f && (inList(f.run_managers, who) || f.flow_owner === id || inList(f.flow_administrators, who)))) roles.push("run_manager");
  if (inList(m.run_monitors, who) || (f && inList(f.run_monitors, who))) roles.push("run_monitor");
  return roles;
}

const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

function details(run: EngineRun, meta: RunMeta, lastEntry: unknown): Record<string, unknown> {
  switch (run.status) {
    case "SUCCEEDED":
      return { code: "FlowSucceeded", description: "The Flow run reached a successful completion state", output: redact(run.state) };
    case "FAILED":
    case "ENDED":
      if (run.error?.code === "FlowCanceled") return { time: iso(run.completed_at ?? run.started_at), code: "FlowCanceled", description: "The Flow Instance was canceled by the user", details: {} };
      // No public source shows a failed run's details; flowsmith adds the final run state as
      // `output`, so a Fail state reached through a Catch still shows the caught error.
      return {
        code: "FlowFailed",
        description: `The Flow run failed: ${run.error?.cause ?? "unknown cause"}`,
        details: { error: run.error?.code, cause: run.error?.cause, state_name: run.error?.state_name, ...(run.error?.details !== undefined ? { details: run.error.details } : {}) },
        output: redact(run.state),
      };
    case "INACTIVE": {
      // globus-cli builds its consent remediation from these (fixtures/flows/cli-get_run.inactive_consent_required.json):
      // the run-level required_scope is the action's scope wrapped in the flow's scope, and
      // each action status names its state.
      const actionScope = ((run.inactive?.action_status?.details ?? {}) as { required_scope?: string }).required_scope;
      return {
        code: run.inactive?.code ?? "ActionInactive",
        description: run.inactive?.description ?? "The run is waiting on an inactive action",
        state_name: run.inactive?.state_name,
        ...(actionScope ? { required_scope: `${SCOPES.flow(run.flow_id)}[${actionScope}]` } : {}),
        action_statuses: run.inactive?.action_status ? [{ ...run.inactive.action_status, state_name: run.inactive.state_name }] : [],
      };
    }
    default:
      return lastEntry && typeof lastEntry === "object" ? (lastEntry as Record<string, unknown>) : { code: "FlowStarting", description: "The Flow is starting execution", details: { input: redact(meta.input) } };
  }
}

export function runDoc(run: EngineRun, meta: RunMeta, f: FlowRecord | undefined, who: Who, lastEntry?: unknown): FlowRunDoc {
  const roles = runRoles(meta, f, who);
  const doc = {
    run_id: meta.run_id,
    action_id: meta.run_id,
    flow_id: meta.flow_id,
    flow_title: meta.flow_title,
    flow_last_updated: meta.flow_last_updated,
    start_time: iso(run.started_at),
    completion_time: run.completed_at !== undefined ? iso(run.completed_at) : null,
    status: run.status as RunStatus,
    display_status: run.status,
    details: details(run, meta, lastEntry),
    label: meta.label,
    tags: meta.tags,
    run_owner: meta.run_owner,
    run_managers: meta.run_managers,
    run_monitors: meta.run_monitors,
    manage_by: meta.run_managers,
    monitor_by: meta.run_monitors,
    created_by: meta.run_owner,
    user_role: roles[0] ?? "run_monitor",
    user_roles: roles,
    blocking_web_input_id: run.position?.phase === "awaiting-input" ? (run.position.web_input_id ?? null) : null,
  };
  return doc as unknown as FlowRunDoc;
}

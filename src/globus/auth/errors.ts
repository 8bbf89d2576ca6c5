/**
 * Auth and API answers turned into AuthErrors whose `fix` is the exact command that
 * fixes them (globus-flows.md §2.7, §3.1). Messages name scopes, clients and files, never
 * a secret or a token.
 */
import { CliError, EXIT, type ErrorCode } from "../../errors.js";
import { ServiceError } from "../api.js";
import { AuthError, type Credentials } from "./types.js";
import { baseScope } from "./scopes.js";

/** Globus Auth (or the local runtime) could not be reached or failed: a service error (exit 4), not an auth one. */
export class AuthServiceError extends ServiceError {
  constructor(
    message: string,
    readonly hint?: string,
    status = 0,
  ) {
    super(message, status, "AUTH_SERVICE_UNAVAILABLE");
    this.name = "AuthServiceError";
  }
}

/** Consent or a session requirement is missing (MISSING_SCOPE, ConsentRequired, a GARE). */
export class ConsentRequiredError extends AuthError {
  override readonly errorCode: ErrorCode = "CONSENT_REQUIRED";
  constructor(
    message: string,
    fix: string | undefined,
    readonly code: string,
    readonly requiredScopes: string[],
    readonly policies: string[] = [],
  ) {
    super(message, fix);
    this.name = "ConsentRequiredError";
  }
}

const quote = (s: string) => `"${s.replace(/(["\\$`])/g, "\\$1")}"`;

/** `flowsmith login [--env E] [--scope "S"]… [--policy P]…` */
export function loginCommand(env?: string, scopes: readonly string[] = [], opts: { policies?: readonly string[] } = {}): string {
  return ["flowsmith login", ...(env ? [`--env ${env}`] : []), ...scopes.map((s) => `--scope ${quote(s)}`), ...(opts.policies ?? []).map((p) => `--policy ${p}`)].join(" ");
}

export interface AuthErrorContext {
  /** The flowsmith environment the call was made in (for the `--env` of the fix). */
  env?: string;
  /** The full scope the token was requested for (with dependencies): preferred over the service's bare scope in the fix. */
  scope?: string;
  /** Where the credentials came from: only user logins are fixed by `flowsmith login`. */
  kind?: Credentials["kind"];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string" && !!x) : typeof v === "string" && v ? [v] : []);

/** Scopes named in a MISSING_SCOPE detail: "This action requires the following scope: X". */
function scopesInDetail(detail: string | undefined): string[] {
  const m = /requires the following scopes?:\s*(.+?)\.?\s*$/i.exec(detail ?? "");
  return m ? m[1]!.split(/\s*,\s*|\s+(?![^[]*\])/).filter(Boolean) : [];
}

function preferContext(scopes: string[], ctx: AuthErrorContext): string[] {
  const want = ctx.scope;
  if (!want) return scopes;
  if (scopes.length === 0) return [want];
  return scopes.map((s) => (baseScope(s) === baseScope(want) ? want : s));
}

function whose(ctx: AuthErrorContext): string {
  return ctx.env ? ` for environment "${ctx.env}"` : "";
}

function consentError(code: string, scopes: string[], policies: string[], what: string, ctx: AuthErrorContext): ConsentRequiredError {
  const user = ctx.kind === undefined || ctx.kind === "user";
  const needs = [scopes.length ? `consent to ${scopes.join(", ")}` : "", policies.length ? `a login satisfying the authentication polic${policies.length > 1 ? "ies" : "y"} ${policies.join(", ")}` : ""].filter(Boolean).join(" and ") || "a new login";
  const who = user ? `your login${whose(ctx)}` : ctx.kind === "client" ? `the client${whose(ctx)}` : `the local runtime's client${whose(ctx)}`;
  const message = `${what}: ${who} needs ${needs} (${code})`;
  const fix = user ? loginCommand(ctx.env, scopes, { policies }) : undefined;
  return new ConsentRequiredError(message, fix, code, scopes, policies);
}

/** One error object of a response: a GARE, a Flows `error`, a run's `details`, or an Auth OAuth error. */
function fromObject(status: number, o: Obj, ctx: AuthErrorContext): AuthError | undefined {
  const code = str(o.code);
  const params = isObj(o.authorization_parameters) ? o.authorization_parameters : undefined;
  const detail = str(o.detail) ?? str(o.description) ?? str(o.message);
  const required = [...strs(params?.required_scopes), ...strs(o.required_scopes), ...strs(o.required_scope)];
  const policies = strs(params?.session_required_policies);
  if (code === "MISSING_SCOPE") {
    const scopes = preferContext(required.length ? required : scopesInDetail(detail), ctx);
    return consentError(code, scopes, [], "the service refused the token: it lacks a required scope", ctx);
  }
  if (params || code === "ConsentRequired" || code === "AuthenticationPolicyRequired" || code === "AUTHENTICATION_POLICY_REQUIRED") {
    const scopes = preferContext(required, ctx);
    const what = str(params?.session_message) ?? detail ?? (code === "ConsentRequired" ? "consent is required" : "an authentication requirement is not met");
    return consentError(code ?? "AuthorizationRequired", scopes, policies, what.replace(/\.$/, ""), ctx);
  }
  const user = ctx.kind === undefined || ctx.kind === "user";
  if (code === "AUTHENTICATION_ERROR" || code === "UNAUTHORIZED" || (status === 401 && !str(o.error))) {
    return new AuthError(`the access token was refused${whose(ctx)}: ${detail ?? "expired or invalid"}`, user ? loginCommand(ctx.env) : undefined);
  }
  if (code === "FORBIDDEN" || code === "PermissionDenied") return new AuthError(`not allowed${whose(ctx)}: ${detail ?? "forbidden"}`);
  const oauth = str(o.error);
  if (oauth === "invalid_grant") return new AuthError(`your login${whose(ctx)} has expired or was revoked (invalid_grant)`, loginCommand(ctx.env));
  if (oauth === "invalid_client") return new AuthError(`Globus Auth rejected the client${whose(ctx)} (invalid_client): unknown client id or wrong secret`, ctx.kind === "client" ? "export GLOBUS_CLIENT_ID=<client id> GLOBUS_CLIENT_SECRET=<client secret>" : undefined);
  if (oauth === "unauthorized" || oauth === "invalid_token") return new AuthError(`the access token was refused${whose(ctx)}: ${str(o.error_description) ?? oauth}`, user ? loginCommand(ctx.env) : undefined);
  return undefined;
}

/**
 * An AuthError for an answer that is about authentication or consent — Flows'
 * `{"error": {"code": "MISSING_SCOPE", …}}`, GARE bodies (`{"code": "ConsentRequired",
 * "required_scopes": […]}`, `authorization_parameters`), a run INACTIVE on ConsentRequired,
 * 401s, OAuth errors — with `fix` the exact login command; undefined for anything else.
 */
export function authErrorFromResponse(status: number, body: unknown, ctx: AuthErrorContext = {}): AuthError | undefined {
  let b = body;
  if (typeof b === "string") {
    try {
      b = JSON.parse(b);
    } catch {
      b = undefined;
    }
  }
  if (!isObj(b)) return status === 401 ? fromObject(401, {}, ctx) : undefined;
  const candidates: Obj[] = [];
  if (isObj(b.error)) candidates.push(b.error);
  if (isObj(b.details) && (str(b.details.code) === "ConsentRequired" || isObj(b.details.authorization_parameters))) candidates.push(b.details);
  candidates.push(b);
  if (Array.isArray(b.errors)) for (const e of b.errors) if (isObj(e) && (str(e.code) === "ConsentRequired" || isObj(e.authorization_parameters))) candidates.unshift(e);
  for (const c of candidates) {
    const e = fromObject(status, c, ctx);
    if (e) return e;
  }
  if (status === 401) return fromObject(401, {}, ctx);
  return undefined;
}

/** The failure of a call to the token endpoint, by grant. */
export function tokenEndpointError(status: number, body: unknown, ctx: AuthErrorContext & { grant: string; clientId?: string; authUrl: string }): Error {
  const o = isObj(body) ? body : {};
  const error = str(o.error) ?? (status >= 500 ? "server_error" : `HTTP ${status}`);
  const desc = str(o.error_description);
  const where = whose(ctx);
  if (status >= 500 || status === 429) return new AuthServiceError(`Globus Auth at ${ctx.authUrl} failed (${status} ${error})`, "try again later", status);
  if (error === "invalid_client") {
    if (ctx.kind === "local") return new AuthError(`the local runtime rejected its own client ${ctx.clientId ?? ""} (invalid_client): client.json and the runtime's state disagree`.replace("  ", " "), "flowsmith local stop && flowsmith local start");
    if (ctx.kind === "user") return new AuthError(`Globus Auth does not accept the native app client id ${ctx.clientId ?? ""}${where} (invalid_client)`, "unset FLOWSMITH_NATIVE_CLIENT_ID");
    return new AuthError(`Globus Auth rejected the client credentials of client ${ctx.clientId ?? "?"}${where} (invalid_client: unknown client id or wrong secret)`, "export GLOBUS_CLIENT_ID=<client id> GLOBUS_CLIENT_SECRET=<client secret>");
  }
  if (error === "invalid_grant") {
    if (ctx.grant === "refresh_token") return new AuthError(`your login${where} has expired or was revoked (invalid_grant)`, loginCommand(ctx.env));
    if (ctx.grant === "authorization_code") return new AuthError(`the authorization code was refused${desc ? `: ${desc}` : ""} (invalid_grant); codes work once and expire after a few minutes`, loginCommand(ctx.env));
    return new AuthError(`Globus Auth refused the grant${where} (invalid_grant)${desc ? `: ${desc}` : ""}`);
  }
  if (error === "invalid_scope") return new AuthError(`Globus Auth refused the scope${ctx.scope ? ` ${ctx.scope}` : ""}${where} (invalid_scope)${desc ? `: ${desc}` : ""}`);
  return authErrorFromResponse(status, body, ctx) ?? new AuthError(`Globus Auth refused the request${where} (${error})${desc ? `: ${desc}` : ""}`);
}

/** The CliError (exit 3 for auth, 4 for the service) for an auth failure, or undefined. */
export function toCliError(e: unknown): CliError | undefined {
  if (e instanceof AuthError) return new CliError(e.message, EXIT.AUTH, e.fix ? `run: ${e.fix}` : undefined);
  if (e instanceof AuthServiceError) return new CliError(e.message, EXIT.SERVICE, e.hint);
  return undefined;
}

/**
 * Errors of the local Compute service in the web service's own shape (globus-compute.md
 * §2.6): `ErrorResponse {status, code, error_args, http_status_code, detail, reason}`, and
 * for 422 the `ValidationErrorResponse` whose `detail` lists `{loc, msg, type}`. Code names
 * are the service's historical ones (ENDPOINT_NOT_FOUND, ...).
 */
import type { compute } from "@globus/sdk";

type Schemas = compute.OpenAPI.components["schemas"];
export type ErrorResponse = Schemas["ErrorResponse"];
export type ValidationErrorResponse = Schemas["ValidationErrorResponse"];
export type ValidationIssue = Schemas["ValidationError"];

export class ComputeError extends Error {
  override name = "ComputeError";

  constructor(
    readonly httpStatus: number,
    readonly code: string,
    readonly detail: string | ValidationIssue[],
    readonly errorArgs: unknown[] = [],
  ) {
    super(typeof detail === "string" ? detail : detail.map((d) => `${d.loc.join(".")}: ${d.msg}`).join("; "));
  }

  toResponse(): ErrorResponse | ValidationErrorResponse {
    const base = { status: "Failed", code: this.code, error_args: this.errorArgs, http_status_code: this.httpStatus };
    return { ...base, detail: this.detail, reason: this.detail } as ErrorResponse | ValidationErrorResponse;
  }
}

export function notFound(code: "ENDPOINT_NOT_FOUND" | "FUNCTION_NOT_FOUND" | "TASK_NOT_FOUND" | "TASK_GROUP_NOT_FOUND", id: string): ComputeError {
  const what = code.replace("_NOT_FOUND", "").toLowerCase().replace("_", " ");
  return new ComputeError(404, code, `${what[0].toUpperCase()}${what.slice(1)} ${id} could not be found`, [id]);
}

/** A 422 listing every problem found in a request body, pydantic style. */
export class RequestValidator {
  readonly issues: ValidationIssue[] = [];

  missing(...loc: (string | number)[]): void {
    this.issues.push({ loc: ["body", ...loc], msg: "field required", type: "value_error.missing" });
  }

  invalid(msg: string, type: string, ...loc: (string | number)[]): void {
    this.issues.push({ loc: ["body", ...loc], msg, type });
  }

  requireString(obj: Record<string, unknown>, key: string, ...parent: (string | number)[]): void {
    if (obj[key] === undefined || obj[key] === null) this.missing(...parent, key);
    else if (typeof obj[key] !== "string") this.invalid("str type expected", "type_error.str", ...parent, key);
  }

  throwIfAny(): void {
    if (this.issues.length) throw new ComputeError(422, "REQUEST_MALFORMED", this.issues);
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

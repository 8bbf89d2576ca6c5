/**
 * What the deployer and runner need from authentication, whatever the source of the
 * tokens (a confidential client, a user login, or the local runtime's own client).
 */
import type { CodedError, ErrorCode } from "../../errors.js";

export interface Credentials {
  readonly kind: "client" | "user" | "local";
  /** A valid access token for `scope` (a full scope string, dependencies in brackets allowed), fetched or refreshed as needed. */
  token(scope: string): Promise<string>;
  /** The caller's identity URN (`urn:globus:auth:identity:<id>`). */
  identity(): Promise<string>;
}

/** Authentication failed or consent is missing; `fix` is the exact command that fixes it. */
export class AuthError extends Error implements CodedError {
  readonly errorCode: ErrorCode = "AUTH_REQUIRED";
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
    this.name = "AuthError";
  }

  /** As data, the fix is the hint. */
  get hint(): string | undefined {
    return this.fix;
  }
}

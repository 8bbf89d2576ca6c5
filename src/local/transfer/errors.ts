/**
 * Transfer's error document (`{code, message, request_id, resource}`, no DATA_TYPE: see
 * fixtures/transfer/sdk-operation_stat.not_found.json) as a typed exception, so the local
 * service, a future HTTP front and the action providers all render the same body.
 */
import { randomBytes } from "node:crypto";

export interface TransferErrorBody {
  code: string;
  message: string;
  request_id: string;
  resource: string;
}

export class TransferApiError extends Error {
  readonly request_id: string;

  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
    readonly resource: string,
    /**
     * True when the collection's filesystem refused a valid request (missing path, exists,
     * permission). Action providers turn these into a FAILED action rather than
     * ActionUnableToRun, which is reserved for requests that could never run.
     */
    readonly endpointError = false,
    request_id: string = newRequestId(),
  ) {
    super(message);
    this.name = "TransferApiError";
    this.request_id = request_id;
  }

  toJSON(): TransferErrorBody {
    return { code: this.code, message: this.message, request_id: this.request_id, resource: this.resource };
  }
}

const REQUEST_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** Transfer request ids are 9 alphanumerics (e.g. "7HgMVYazI"); clients only echo them. */
export function newRequestId(): string {
  const bytes = randomBytes(9);
  let id = "";
  for (const b of bytes) id += REQUEST_ID_ALPHABET[b % REQUEST_ID_ALPHABET.length];
  return id;
}

export function badRequest(resource: string, message: string, code = "ClientError.BadRequest"): TransferApiError {
  return new TransferApiError(400, code, message, resource);
}

/**
 * The multi-line message Transfer relays from an endpoint ("Path not found, Error (list)\n
 * Endpoint: <name> (<id>)\n..."): clients print it verbatim, so keep the layout.
 */
export function endpointMessage(headline: string, operation: string, endpoint: { id: string; name: string }, detail: string): string {
  return `${headline}, Error (${operation})\nEndpoint: ${endpoint.name} (${endpoint.id})\nServer: localhost\nMessage: ${detail}\n`;
}

/**
 * Globus Compute's wire serialization (globus-compute.md §1) for a client and an endpoint
 * that have no dill: `pack_buffers` framing, the 3-character strategy headers, the
 * pure-source code strategies (`st`, `sd`, and `12` wrapping them) and the JSON data
 * strategy (`11`, and `13` wrapping it). Pickle-based strategies are recognised by name
 * only, so their errors can say what to send instead.
 */
import { parseJsonOrPythonLiteral } from "./python-literal.js";
import type { RegisterFunctionRequestV3 } from "./compute-types.js";

export class DeserializationError extends Error {
  override name = "DeserializationError";
}

export interface StrategyInfo {
  /** Two characters; the header on the wire is `id + "\n"`. */
  id: string;
  className: string;
  kind: "code" | "data";
  /** PickleCode is `_DEPRECATED`: deserialize-only, never selectable. */
  selectable: boolean;
}

const table: [string, string, "code" | "data", boolean][] = [
  ["00", "DillDataBase64", "data", true],
  ["01", "DillCode", "code", true],
  ["02", "PickleCode", "code", false],
  ["03", "DillCodeTextInspect", "code", true],
  ["04", "DillCodeSource", "code", true],
  ["10", "CombinedCode", "code", true],
  ["11", "JSONData", "data", true],
  ["12", "AllCodeStrategies", "code", true],
  ["13", "AllDataStrategies", "data", true],
  ["st", "PureSourceTextInspect", "code", true],
  ["sd", "PureSourceDill", "code", true],
];

/** Every strategy in concretes.py at globus-compute 845796fc (§1.3), by identifier. */
export const STRATEGIES: ReadonlyMap<string, StrategyInfo> = new Map(
  table.map(([id, className, kind, selectable]) => [id, { id, className, kind, selectable }]),
);

export const JSON_DATA_PATH = "globus_compute_sdk.serialize.JSONData";

/**
 * Result strategies used when a submit names none. The real endpoint answers `00\n` +
 * base64(dill) there; this endpoint answers JSON first because no TypeScript consumer can
 * read a pickle, while every Python SDK since 2.28 reads `11` (deserialization dispatches on
 * the header). Values JSON cannot carry still come back as `00` (a stdlib pickle, which
 * dill.loads reads), so a Python client loses nothing.
 */
export const DEFAULT_RESULT_STRATEGIES: readonly string[] = ["11", "00"];

/** `globus_compute_sdk.serialize.<Class>` as used in result_serializers / allowed_serializers. */
export function strategyImportPath(id: string): string {
  const s = STRATEGIES.get(id);
  if (!s) throw new Error(`unknown strategy ${JSON.stringify(id)}`);
  return `globus_compute_sdk.serialize.${s.className}`;
}

/**
 * The strategy named by an import path. The Executor sends the module-qualified
 * `globus_compute_sdk.serialize.concretes.<Class>`; both spellings import in Python (§1.3).
 */
export function strategyFromImportPath(path: string): StrategyInfo | undefined {
  const m = /^globus_compute_sdk\.serialize\.(?:concretes\.)?([A-Za-z0-9_]+)$/.exec(path);
  if (!m) return undefined;
  for (const s of STRATEGIES.values()) if (s.className === m[1]) return s;
  return undefined;
}

// --- pack_buffers -------------------------------------------------------------------------

/** Python `len(str)`: code points, not UTF-16 units (a surrogate pair counts once). */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

export function packBuffers(buffers: readonly string[]): string {
  let out = "";
  for (const b of buffers) out += `${codePointLength(b)}\n${b}`;
  return out;
}

/** The inverse of packBuffers; rejects what `unpack_buffers` rejects (§1.2). */
export function unpackBuffers(packed: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < packed.length) {
    const nl = packed.indexOf("\n", i);
    if (nl < 0) throw new DeserializationError("Invalid packed buffer: missing length prefix newline");
    const prefix = packed.slice(i, nl).trim();
    if (!/^\+?\d+$/.test(prefix)) throw new DeserializationError(`Invalid packed buffer: bad length prefix ${JSON.stringify(prefix)}`);
    const want = Number(prefix);
    let j = nl + 1;
    let got = 0;
    while (got < want && j < packed.length) {
      const c = packed.charCodeAt(j);
      const pair = c >= 0xd800 && c <= 0xdbff && j + 1 < packed.length && packed.charCodeAt(j + 1) >= 0xdc00 && packed.charCodeAt(j + 1) <= 0xdfff;
      j += pair ? 2 : 1;
      got++;
    }
    if (got < want) throw new DeserializationError(`Invalid packed buffer: truncated (wanted ${want} characters, found ${got})`);
    out.push(packed.slice(nl + 1, j));
    i = j;
  }
  return out;
}

// --- headers ------------------------------------------------------------------------------

export function splitHeader(buffer: string): { strategy: StrategyInfo; body: string } {
  const header = buffer.slice(0, 3);
  const strategy = header.endsWith("\n") ? STRATEGIES.get(header.slice(0, 2)) : undefined;
  if (!strategy) throw new DeserializationError(`Invalid header: ${JSON.stringify(header)} in serialized data`);
  return { strategy, body: buffer.slice(3) };
}

function unsupported(s: StrategyInfo, hint: string): DeserializationError {
  return new DeserializationError(
    `${s.kind === "code" ? "Code" : "Data"} serializer ${s.className} (${s.id}) is not supported by this local endpoint, which runs without dill; ${hint}`,
  );
}

// --- code ---------------------------------------------------------------------------------

export interface SourceFunction {
  strategy: "st" | "sd";
  /** The entry point: from the payload's `name:` prefix, not from function_name (§7.7). */
  name: string;
  source: string;
}

/** One code buffer (header + body) to the entry name and source the endpoint would exec. */
export function decodeFunctionBuffer(buffer: string): SourceFunction {
  const { strategy, body } = splitHeader(buffer);
  if (strategy.kind !== "code") throw new DeserializationError(`Data serializer ${strategy.className} used where function code was expected`);
  if (strategy.id === "st" || strategy.id === "sd") {
    const colon = body.indexOf(":");
    if (colon < 0) throw new DeserializationError(`${strategy.className}: expected "<name>:<source>", found no ":"`);
    return { strategy: strategy.id, name: body.slice(0, colon), source: body.slice(colon + 1) };
  }
  if (strategy.id === "12") {
    // AllCodeStrategies: the first sub-buffer that deserializes wins (§1.3).
    const errors: string[] = [];
    for (const sub of unpackBuffers(body)) {
      try {
        return decodeFunctionBuffer(sub);
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    throw new DeserializationError(`AllCodeStrategies: no sub-strategy could be deserialized (${errors.join("; ")})`);
  }
  throw unsupported(strategy, "register the function as pure source (st): pack_buffers([\"st\\n\" + name + \":\" + source])");
}

/** A registration's `function_code`: exactly one packed code buffer (§1.5). */
export function decodeFunctionCode(functionCode: string): SourceFunction {
  const buffers = unpackBuffers(functionCode);
  if (buffers.length !== 1) throw new DeserializationError(`function_code must hold 1 packed buffer, found ${buffers.length}`);
  return decodeFunctionBuffer(buffers[0]);
}

/** `"st\n" + name + ":" + source`: what register_source_code builds (§1.5, §1.8). */
export function encodePureSource(name: string, source: string, strategy: "st" | "sd" = "st"): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`function entry name ${JSON.stringify(name)} is not a Python identifier`);
  return `${strategy}\n${name}:${source}`;
}

export function pureSourceFunctionCode(name: string, source: string): string {
  return packBuffers([encodePureSource(name, source)]);
}

/** The POST /v3/functions body a non-Python client sends (§1.8). */
export function pureSourceRegistration(
  name: string,
  source: string,
  opts: { pythonVersion?: string; sdkVersion?: string; description?: string } = {},
): RegisterFunctionRequestV3 {
  const body: RegisterFunctionRequestV3 = {
    function_name: name,
    function_code: pureSourceFunctionCode(name, source),
    meta: { python_version: opts.pythonVersion ?? "3.11.0", sdk_version: opts.sdkVersion ?? "4.15.0", serde_identifier: "st" },
  };
  if (opts.description !== undefined) body.description = opts.description;
  return body;
}

// --- data ---------------------------------------------------------------------------------

/**
 * `json.dumps(value)` byte for byte for JSON-shaped values: ", " and ": " separators and
 * `\uXXXX` for everything outside printable ASCII, so payloads equal what the Python SDK
 * sends, and NaN/Infinity spelled the way Python writes and reads them.
 */
export function pythonJsonDumps(value: unknown): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (Number.isNaN(value)) return "NaN";
      if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
      return JSON.stringify(value);
    case "bigint":
      return value.toString();
    case "string":
      return asciiJson(value);
    case "object": {
      const v = value as { toJSON?: () => unknown };
      if (typeof v.toJSON === "function") return pythonJsonDumps(v.toJSON());
      if (Array.isArray(value)) return `[${value.map((x) => (x === undefined || typeof x === "function" ? "null" : pythonJsonDumps(x))).join(", ")}]`;
      const parts: string[] = [];
      for (const [k, x] of Object.entries(value as Record<string, unknown>)) {
        if (x === undefined || typeof x === "function") continue;
        parts.push(`${asciiJson(k)}: ${pythonJsonDumps(x)}`);
      }
      return `{${parts.join(", ")}}`;
    }
    default:
      throw new TypeError(`Object of type ${typeof value} is not JSON serializable`);
  }
}

function asciiJson(s: string): string {
  return JSON.stringify(s).replace(/[^\x20-\x7e]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

export function encodeJsonData(value: unknown): string {
  return "11\n" + pythonJsonDumps(value);
}

/**
 * The JSON text inside a data buffer (`11`, or the `11` member of `13`), left as text so
 * Python's json.loads, not JavaScript's, reads it (big ints, NaN).
 */
export function jsonDataText(buffer: string): string {
  const { strategy, body } = splitHeader(buffer);
  if (strategy.id === "11") return body;
  if (strategy.id === "13") {
    for (const sub of unpackBuffers(body)) if (sub.startsWith("11\n")) return sub.slice(3);
    throw new DeserializationError("AllDataStrategies: no JSONData member");
  }
  if (strategy.kind === "code") throw new DeserializationError(`Code serializer ${strategy.className} used where data was expected`);
  throw unsupported(strategy, `serialize arguments with JSONData ("11\\n" + json)`);
}

export function decodeJsonData(buffer: string): unknown {
  return parseJsonOrPythonLiteral(jsonDataText(buffer));
}

/** `pack_buffers([serialize(args), serialize(kwargs)])`, as Batch.add builds it (§1.5). */
export function encodeTaskPayload(args: readonly unknown[] = [], kwargs: Record<string, unknown> = {}): string {
  return packBuffers([encodeJsonData(args), encodeJsonData(kwargs)]);
}

/** A task payload to the JSON texts of its args and kwargs. */
export function decodeTaskPayload(payload: string): { args: string; kwargs: string } {
  const buffers = unpackBuffers(payload);
  if (buffers.length !== 2) throw new DeserializationError(`Unpack expects 3 buffers (function, args, kwargs); the task payload holds ${buffers.length} instead of 2`);
  return { args: jsonDataText(buffers[0]), kwargs: jsonDataText(buffers[1]) };
}

/**
 * A whole task_buffer (`function_code + payload`, §1.5) as the endpoint unpacks it: three
 * buffers, the first code and the other two data.
 */
export function decodeTaskBuffer(taskBuffer: string): { fn: SourceFunction; args: unknown; kwargs: unknown } {
  const buffers = unpackBuffers(taskBuffer);
  if (buffers.length !== 3) throw new DeserializationError(`Unpack expects 3 buffers, found ${buffers.length}`);
  return { fn: decodeFunctionBuffer(buffers[0]), args: decodeJsonData(buffers[1]), kwargs: decodeJsonData(buffers[2]) };
}

/** A task `result` string back to a value, for `11`/`13`; `00` needs a pickle reader. */
export function decodeResult(result: string): unknown {
  return decodeJsonData(result);
}

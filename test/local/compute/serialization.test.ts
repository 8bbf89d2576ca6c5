import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  codePointLength,
  decodeFunctionBuffer,
  decodeFunctionCode,
  decodeJsonData,
  decodeResult,
  decodeTaskBuffer,
  decodeTaskPayload,
  DeserializationError,
  encodeJsonData,
  encodePureSource,
  encodeTaskPayload,
  jsonDataText,
  packBuffers,
  pureSourceFunctionCode,
  pureSourceRegistration,
  pythonJsonDumps,
  strategyFromImportPath,
  strategyImportPath,
  STRATEGIES,
  unpackBuffers,
} from "../../../src/wire/compute-serialization.js";
import { parseJsonOrPythonLiteral, parsePythonLiteral } from "../../../src/wire/python-literal.js";
import { fixture } from "./helpers.js";

const HELLO_SOURCE = "def hello(name):\n    return f'hi {name}'\n";

describe("pack_buffers", () => {
  it("prefixes each buffer with its length in code points, with no separator", () => {
    expect(packBuffers(["abc", "", "de"])).toBe("3\nabc0\n2\nde");
    expect(unpackBuffers("3\nabc0\n2\nde")).toEqual(["abc", "", "de"]);
    expect(unpackBuffers("")).toEqual([]);
  });

  it("counts code points, not UTF-16 units or UTF-8 bytes (§7.1)", () => {
    const s = "héllo 😀";
    expect(s.length).toBe(8);
    expect(codePointLength(s)).toBe(7);
    expect(packBuffers([s])).toBe(`7\n${s}`);
    expect(unpackBuffers(packBuffers([s, "x😀"]))).toEqual([s, "x😀"]);
  });

  it("rejects what unpack_buffers rejects", () => {
    expect(() => unpackBuffers("3abc")).toThrow(DeserializationError);
    expect(() => unpackBuffers("x\nabc")).toThrow(/bad length prefix/);
    expect(() => unpackBuffers("-1\nabc")).toThrow(/bad length prefix/);
    expect(() => unpackBuffers("10\nabc")).toThrow(/truncated/);
  });
});

describe("strategies", () => {
  it("knows every identifier of concretes.py and both import path spellings", () => {
    expect([...STRATEGIES.keys()].sort()).toEqual(["00", "01", "02", "03", "04", "10", "11", "12", "13", "sd", "st"]);
    expect(strategyImportPath("11")).toBe("globus_compute_sdk.serialize.JSONData");
    expect(strategyFromImportPath("globus_compute_sdk.serialize.JSONData")?.id).toBe("11");
    expect(strategyFromImportPath("globus_compute_sdk.serialize.concretes.DillDataBase64")?.id).toBe("00");
    expect(strategyFromImportPath("globus_compute_sdk.serialize.Nope")).toBeUndefined();
  });

  it("rejects an unknown header like ComputeSerializer.deserialize", () => {
    expect(() => decodeJsonData("99\n[]")).toThrow(/Invalid header/);
    expect(() => decodeFunctionBuffer("st:hello:...")).toThrow(/Invalid header/);
  });
});

describe("the §1.8 literal example", () => {
  it("builds the st registration a non-Python client sends", () => {
    expect(encodePureSource("hello", HELLO_SOURCE)).toBe("st\nhello:def hello(name):\n    return f'hi {name}'\n");
    expect(codePointLength(encodePureSource("hello", HELLO_SOURCE))).toBe(50);
    expect(pureSourceFunctionCode("hello", HELLO_SOURCE)).toBe("50\nst\nhello:def hello(name):\n    return f'hi {name}'\n");
  });

  it("equals fixtures/compute/derived_register_hello_pure_source_request.json", () => {
    const body = pureSourceRegistration("hello", HELLO_SOURCE, { pythonVersion: "3.12.0", sdkVersion: "4.15.0" });
    expect(body).toEqual(fixture("derived_register_hello_pure_source_request.json"));
    expect(decodeFunctionCode(body.function_code)).toEqual({ strategy: "st", name: "hello", source: HELLO_SOURCE });
  });

  it("builds the task payload of fixtures/compute/derived_submit_hello_json_args_request.json", () => {
    const req = fixture<{ tasks: Record<string, string[]> }>("derived_submit_hello_json_args_request.json");
    const payload = req.tasks["<FUNCTION_UUID>"][0];
    expect(encodeJsonData(["world"])).toBe('11\n["world"]');
    expect(encodeJsonData({})).toBe("11\n{}");
    expect(encodeTaskPayload(["world"], {})).toBe(payload);
    expect(payload).toBe('12\n11\n["world"]5\n11\n{}');
    expect(decodeTaskPayload(payload)).toEqual({ args: '["world"]', kwargs: "{}" });
  });

  it("decodes the concatenated task_buffer into function, args and kwargs", () => {
    const task = pureSourceFunctionCode("hello", HELLO_SOURCE) + encodeTaskPayload(["world"]);
    expect(task).toBe("50\nst\nhello:def hello(name):\n    return f'hi {name}'\n12\n11\n[\"world\"]5\n11\n{}");
    expect(decodeTaskBuffer(task)).toEqual({ fn: { strategy: "st", name: "hello", source: HELLO_SOURCE }, args: ["world"], kwargs: {} });
  });

  it("reads the result of fixtures/compute/derived_task_result_json_success.json", () => {
    const res = fixture<{ result: string }>("derived_task_result_json_success.json");
    expect(decodeResult(res.result)).toBe("hi world");
  });
});

describe("code strategies", () => {
  it("splits st/sd on the first colon only (§7.7)", () => {
    expect(decodeFunctionBuffer("sd\nf:def f():\n    return {'a': 1}\n")).toEqual({ strategy: "sd", name: "f", source: "def f():\n    return {'a': 1}\n" });
    expect(() => decodeFunctionBuffer("st\nno colon")).toThrow(/no ":"/);
  });

  it("takes the first decodable member of AllCodeStrategies (12)", () => {
    const st = encodePureSource("f", "def f(): pass\n");
    expect(decodeFunctionBuffer("12\n" + packBuffers([st, "01\ngASV...\n"])).name).toBe("f");
    expect(decodeFunctionBuffer("12\n" + packBuffers(["01\ngASV...\n", st])).name).toBe("f");
  });

  it("names the dill strategies it cannot run and says what to send instead", () => {
    const code = fixture<{ function_code: string }>("openapi_v3_register_function_request.json").function_code;
    expect(() => decodeFunctionCode(code)).toThrow(/truncated/); // the example is elided ("...")
    expect(() => decodeFunctionBuffer("01\ngASVZwIAAAAAAACMCmRpbGwuX2RpbGyUjBB\n")).toThrow(/DillCode \(01\).*pure source \(st\)/);
    expect(() => decodeFunctionBuffer("11\n[]")).toThrow(/Data serializer JSONData/);
  });

  it("refuses an entry name that is not a Python identifier", () => {
    expect(() => encodePureSource("not-valid", "x")).toThrow(/identifier/);
  });
});

describe("data strategies", () => {
  it("finds the JSONData member of AllDataStrategies (13)", () => {
    const buf = "13\n" + packBuffers(['11\n{"x": 1}', "00\ngASVCAAAAAAAAAB9lIwBeJRLAXMu\n"]);
    expect(jsonDataText(buf)).toBe('{"x": 1}');
    expect(decodeJsonData(buf)).toEqual({ x: 1 });
  });

  it("refuses pickled data", () => {
    expect(() => decodeJsonData("00\ngASVDAAAAAAAAACMBlJvZG5leZSFlC4=\n")).toThrow(/DillDataBase64 \(00\)/);
  });

  it("reads NaN and Infinity the way Python's json.dumps writes them", () => {
    expect(decodeJsonData("11\n[NaN, Infinity, -Infinity, 1]")).toEqual([Number.NaN, Infinity, -Infinity, 1]);
  });

  it("writes exactly what Python's json.dumps writes", () => {
    const values: unknown[] = [["world"], {}, { a: 1, b: [true, false, null], c: { d: "é😀\u007f\n" } }, [1.5, -2, 1e21, "q\"\\"], "plain"];
    const py = spawnSync("python3", ["-c", "import json,sys\nfor v in json.load(sys.stdin): print(json.dumps(v))"], { input: JSON.stringify(values), encoding: "utf8" });
    expect(py.status).toBe(0);
    expect(values.map(pythonJsonDumps)).toEqual(py.stdout.trimEnd().split("\n"));
    expect(pythonJsonDumps([Number.NaN, Infinity])).toBe("[NaN, Infinity]");
  });
});

describe("Python literals (V2 action input)", () => {
  it("reads the doc's single-quoted args and payload", () => {
    const v2 = fixture<{ args: string; payload: string }>("action_provider_v2_input_legacy_migration_example.json");
    expect(parseJsonOrPythonLiteral(v2.args)).toEqual(["arg1", "arg2"]);
    expect(parseJsonOrPythonLiteral(v2.payload)).toEqual({ foo: "bar", fuzz: "buzz" });
  });

  it("reads Python constants, tuples, escapes and trailing commas", () => {
    expect(parsePythonLiteral("(1, -2.5e3, True, None, 'a\\'b', \"\\u00e9\",)")).toEqual([1, -2500, true, null, "a'b", "é"]);
    expect(parsePythonLiteral("{'k': [1, {'n': False}], 2: 'two',}")).toEqual({ k: [1, { n: false }], "2": "two" });
    expect(() => parsePythonLiteral("__import__('os')")).toThrow(/unexpected/);
    expect(() => parsePythonLiteral("[1, 2")).toThrow();
  });
});

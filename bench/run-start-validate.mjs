#!/usr/bin/env node
// Compile once means once: a local run start reads the flow's input schema afresh from
// SQLite (a new object each time) and validates the input. N starts (default 500, then
// 10,000) of the ALS 8.3.2 schema: time and heap growth after GC, against the schema object
// reused (the floor), and what recompiling per start would cost (a fresh Ajv compile, the
// old behaviour, timed on the first 500).
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc");
const dist = new URL("../dist/src/", import.meta.url);
const { validateRunInput } = await import(new URL("validate/input.js", dist));
const { ajvFor } = await import(new URL("validate/ajv.js", dist));
const text = readFileSync(new URL("../schemas/als832_alcf.json", import.meta.url), "utf8");
const input = { input: {} };
const heap = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

function run(n, fresh) {
  const shared = JSON.parse(text);
  const h0 = heap();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) validateRunInput(fresh ? JSON.parse(text) : shared, input);
  const ms = performance.now() - t0;
  return { ms, mb: heap() - h0 };
}

validateRunInput(JSON.parse(text), input); // warm: the one compile
for (const n of [500, 10_000]) {
  const a = run(n, true);
  const b = run(n, false);
  console.log(`${String(n).padStart(6)} starts, schema read afresh: ${a.ms.toFixed(0).padStart(6)} ms, heap ${a.mb >= 0 ? "+" : ""}${a.mb.toFixed(1)} MB | same object: ${b.ms.toFixed(0).padStart(5)} ms, heap ${b.mb >= 0 ? "+" : ""}${b.mb.toFixed(1)} MB | ratio ${(a.ms / b.ms).toFixed(2)}x`);
}
// The old behaviour for reference: every start compiled the schema again.
const ajv = ajvFor({});
const h0 = heap();
const t0 = performance.now();
for (let i = 0; i < 500; i++) ajv.compile(JSON.parse(text));
console.log(`   500 starts recompiling (before):  ${(performance.now() - t0).toFixed(0).padStart(6)} ms, heap +${(heap() - h0).toFixed(1)} MB (never freed)`);

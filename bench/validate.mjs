#!/usr/bin/env node
// Validation throughput over the public corpus. Prints numbers; never fails.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const here = new URL(".", import.meta.url).pathname;
const corpus = join(here, "..", "..", "shared", "corpus");
const { validateDefinition } = await import(join(here, "..", "dist", "src", "index.js"));

const defs = readdirSync(corpus)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(join(corpus, f), "utf8")))
  .filter((d) => d && typeof d === "object" && "States" in d && "StartAt" in d);

let t = performance.now();
validateDefinition(defs[0]);
const first = performance.now() - t;

const rounds = 200;
t = performance.now();
for (let r = 0; r < rounds; r++) for (const d of defs) validateDefinition(d);
const ms = performance.now() - t;
const per = ms / (rounds * defs.length);
console.log(`flowsmith validateDefinition: ${defs.length} corpus definitions x ${rounds} rounds`);
console.log(`  first call (compiles state schemas): ${first.toFixed(2)} ms`);
console.log(`  steady state: ${(per * 1000).toFixed(1)} us/definition, ${Math.round(1000 / per)} definitions/s`);

let asl;
try {
  asl = (await import("asl-validator")).default;
} catch {
  console.log("asl-validator not installed: `npm i --no-save asl-validator` to compare");
}
if (asl) {
  // asl-validator rejects Globus types; compare on the same graphs with Action -> Task.
  const aslDefs = defs.map((d) => {
    const c = structuredClone(d);
    for (const s of Object.values(c.States)) {
      if (s.Type === "Action" || s.Type === "ExpressionEval" || s.Type === "ActionWait" || /WebInput/.test(s.Type)) {
        s.Type = "Task";
        s.Resource = "arn:aws:lambda:us-east-1:123456789012:function:x";
        for (const k of ["ActionUrl", "Handler", "ActionScope", "WaitTime", "ExceptionOnActionFailure", "RunAs"]) delete s[k];
      }
    }
    return c;
  });
  const r2 = 20;
  t = performance.now();
  for (let r = 0; r < r2; r++) for (const d of aslDefs) asl(d);
  const aslPer = (performance.now() - t) / (r2 * aslDefs.length);
  console.log(`asl-validator: ${(aslPer * 1000).toFixed(1)} us/definition`);
  console.log(`ratio (asl-validator / flowsmith): ${(aslPer / per).toFixed(1)}x`);
}

#!/usr/bin/env node
// Engine throughput: state transitions per second on a Pass/Choice/ExpressionEval loop,
// side by side with aws-local-stepfunctions (npm) on the equivalent AWS machine, with a
// small and a 200 KB run state. Prints numbers; never fails.
import { performance } from "node:perf_hooks";

const dist = new URL("../dist/src/", import.meta.url);
const { step } = await import(new URL("engine/interpreter.js", dist));
const { newRun } = await import(new URL("engine/start.js", dist));

const N = Number(process.env.LOOPS ?? 2000);

// Globus: ExpressionEval increments, Choice loops, Pass ends.
const globus = {
  StartAt: "Init",
  States: {
    Init: { Type: "Pass", Parameters: { i: 0, "n.$": "$.n" }, ResultPath: "$.state", Next: "Step" },
    Step: { Type: "ExpressionEval", Parameters: { "i.=": "state.i + 1", "n.$": "$.state.n" }, ResultPath: "$.state", Next: "More?" },
    "More?": { Type: "Choice", Choices: [{ Variable: "$.state.i", NumericLessThanPath: "$.state.n", Next: "Step" }], Default: "Done" },
    Done: { Type: "Pass", End: true },
  },
};
// AWS ASL (JSONPath mode): intrinsic States.MathAdd instead of an expression.
const aws = {
  StartAt: "Init",
  States: {
    Init: { Type: "Pass", Parameters: { i: 0, "n.$": "$.n" }, ResultPath: "$.state", Next: "Step" },
    Step: { Type: "Pass", Parameters: { "i.$": "States.MathAdd($.state.i, 1)", "n.$": "$.state.n" }, ResultPath: "$.state", Next: "More?" },
    "More?": { Type: "Choice", Choices: [{ Variable: "$.state.i", NumericLessThanPath: "$.state.n", Next: "Step" }], Default: "Done" },
    Done: { Type: "Succeed" },
  },
};
const transitions = 2 + 2 * N; // Init, N x (Step + Choice), Done

function bigPayload(bytes) {
  const items = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const item = { name: `file_${i}.h5`, size: i * 1024, checksum: "0".repeat(32), tags: ["raw", "tomography"] };
    size += JSON.stringify(item).length;
    items.push(item);
  }
  return items;
}

const clock = { now: () => Date.now(), sleep: async () => {} };
async function flowsmith(input) {
  let run = newRun({ run_id: "bench", flow_id: "bench", definition: globus, input, caller: { identity: "urn:globus:auth:identity:00000000-0000-0000-0000-000000000000" }, now: Date.now() }).run;
  const env = { clock, providers: () => { throw new Error("no actions"); } };
  for (;;) {
    // step() is synchronous for non-Action states; await only when it returns a promise.
    let r = step(run, env);
    if (r instanceof Promise) r = await r;
    run = r.run;
    if (r.done) return run;
  }
}

async function time(label, fn, reps) {
  await fn(); // warm-up
  const t = performance.now();
  for (let i = 0; i < reps; i++) await fn();
  const ms = (performance.now() - t) / reps;
  return { label, ms, tps: transitions / (ms / 1000) };
}

let awsLocal;
try {
  awsLocal = await import("aws-local-stepfunctions");
} catch {
  // Optional peer: `npm i --no-save aws-local-stepfunctions` to compare.
}

const results = [];
for (const [name, input] of [["small state", { n: N }], ["200 KB state", { n: N, payload: bigPayload(200 * 1024) }]]) {
  const ours = await time(`flowsmith ${name}`, () => flowsmith(input), 10);
  results.push(ours);
  console.log(`${ours.label}: ${Math.round(ours.tps).toLocaleString()} transitions/s (${ours.ms.toFixed(1)} ms per run of ${transitions} transitions)`);
  if (awsLocal) {
    const machine = new awsLocal.StateMachine(aws, { validationOptions: { checkPaths: false, checkArn: false } });
    const theirs = await time(`aws-local-stepfunctions ${name}`, () => machine.run(input).result, name.startsWith("200") ? 1 : 10);
    console.log(`${theirs.label}: ${Math.round(theirs.tps).toLocaleString()} transitions/s (${theirs.ms.toFixed(1)} ms per run)`);
    console.log(`  ratio flowsmith / aws-local-stepfunctions: ${(ours.tps / theirs.tps).toFixed(1)}x (goal ${name.startsWith("200") ? "20" : "5"}x)`);
  }
}
if (!awsLocal) console.log("aws-local-stepfunctions not installed: `npm i --no-save aws-local-stepfunctions` to compare side by side");

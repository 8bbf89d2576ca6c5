/**
 * The IR and @globus/sdk's generated Flows OpenAPI types agree: same state types, same
 * field names, same Choice operators. Checked by tsc (npm test type-checks test/).
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import type { flows } from "@globus/sdk";
import type { ActionState, ChoiceRule, ChoiceState, ExpressionEvalState, FailState, FlowDefinition, PassState, WaitState, Catcher } from "../../src/index.js";
import { COMPARISON_OPERATORS } from "../../src/index.js";

type S = flows.OpenAPI.components["schemas"];
type Same<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : { onlyLeft: Exclude<A, B>; onlyRight: Exclude<B, A> };

describe("IR vs @globus/sdk Flows OpenAPI", () => {
  it("has the same top level", () => {
    expectTypeOf<Same<keyof FlowDefinition, keyof S["FlowDefinition"]>>().toEqualTypeOf<true>();
  });

  it("has the same six state types with the same fields", () => {
    // The IR adds only what real definitions use beyond the OpenAPI: Handler (registered
    // APIs), End on ExpressionEval (2022 docs), Result on Pass (docs), ErrorPath/CausePath on
    // Fail (docs), and the retired Resource key.
    expectTypeOf<Same<Exclude<keyof ActionState, "Handler" | "Resource">, keyof S["Action"]>>().toEqualTypeOf<true>();
    expectTypeOf<Same<Exclude<keyof PassState, "Result">, keyof S["Pass"]>>().toEqualTypeOf<true>();
    expectTypeOf<Same<Exclude<keyof ExpressionEvalState, "End">, keyof S["ExpressionEval"]>>().toEqualTypeOf<true>();
    expectTypeOf<Same<Exclude<keyof WaitState, "End">, keyof S["Wait"]>>().toEqualTypeOf<true>();
    expectTypeOf<Same<Exclude<keyof FailState, "ErrorPath" | "CausePath">, keyof S["Fail"]>>().toEqualTypeOf<true>();
    expectTypeOf<Same<keyof ChoiceState, keyof S["Choice"]>>().toEqualTypeOf<true>();
    expectTypeOf<Same<keyof Catcher, keyof NonNullable<S["Catch"]["Catch"]>[number]>>().toEqualTypeOf<true>();
  });

  it("has the same Choice operators", () => {
    type Ours = keyof typeof COMPARISON_OPERATORS | "Variable" | "And" | "Or" | "Not";
    expectTypeOf<Same<Ours, keyof S["ChoiceRule"]>>().toEqualTypeOf<true>();
    expect(Object.keys(COMPARISON_OPERATORS)).toHaveLength(39);
  });

  it("accepts an IR definition in the ActionUrl form where the SDK expects a FlowDefinition", () => {
    const def = {
      StartAt: "A",
      States: { A: { Type: "Action", ActionUrl: "https://transfer.actions.globus.org/ls", ExceptionOnActionFailure: true, Parameters: { endpoint_id: "x" }, End: true } },
    } satisfies FlowDefinition;
    expectTypeOf(def).toMatchTypeOf<S["FlowDefinition"]>();
    const rule: ChoiceRule = { Variable: "$.x", IsPresent: true };
    expectTypeOf(rule).toMatchTypeOf<ChoiceRule>();
  });
});

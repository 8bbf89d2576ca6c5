/**
 * flowsmith's public API. Flow sources import the DSL from here (`from "flowsmith"`);
 * tools and tests use the compiler, validator and loaders.
 */

// Definition IR and diagnostics
export type * from "./definition/types.js";
export { COMPARISON_OPERATORS, STRING_OPERATORS, NUMERIC_OPERATORS, TIMESTAMP_OPERATORS, BOOLEAN_OPERATORS, TYPE_TEST_OPERATORS, TRANSITIONING_TYPES } from "./definition/types.js";
export { CATALOG, diag, hasErrors, pointerOf, parsePointer, type Diagnostic, type DiagnosticCode, type Severity, type SourceLocation } from "./definition/diagnostics.js";
export { KNOWN_PROVIDERS, lookupProvider, actionUrlOf, normaliseActionUrl, type ProviderInfo } from "./definition/providers.js";

// DSL
export { days, type FinishedRun, type FollowUpDeclaration, type TimerDeclaration } from "./dsl/timers.js";
export { defineFlow, isFlowSource, type FlowOptions, type FlowSource, type AnyFlowSource, type RunContext, type RunDirectory, type EnvironmentValues, type BuildResult } from "./dsl/flow.js";
export { action, ActionBuilder, type ActionOptions, type GenericActionOptions, type ActionError } from "./dsl/action.js";
export { transfer, deleteItems, mkdir, ls, stat, type TransferParameters, type TransferItem, type DeleteParameters, type LsParameters, type PathParameters, type SyncLevel, type Val } from "./dsl/transfer.js";
export { compute, COMPUTE_V3_URL, type ComputeParameters, type ComputeTask } from "./dsl/compute.js";
export { pass, wait, fail, expressionEval, type PassOptions, type WaitOptions, type FailOptions, type ExpressionEvalOptions } from "./dsl/simple-states.js";
export { choice, rule, ChoiceBuilder, type Rule } from "./dsl/choice.js";
export { rawState } from "./dsl/raw.js";
export { path, expr, env, secret, functionRef, type PathRef, type PathTo, type ExprRef } from "./dsl/values.js";
export { Chain, BaseState, type Chainable } from "./dsl/state.js";
export { FlowSourceError } from "./dsl/callsite.js";

// Compile, validate, import
export { compileFlow, type CompiledFlow, type CompileResult } from "./compile/compile.js";
export { toMermaid, toDot } from "./compile/render-graph.js";
export { definitionToSource } from "./compile/import.js";
export { generateInputType } from "./compile/typegen.js";
export { validateDefinition, validateInputSchema, validateRunInput, type ValidateOptions } from "./validate/index.js";

// Projects
export { loadFlow, listFlowFiles, resolveFlowArg, type LoadedFlow } from "./project/load-flow.js";
export { checkFlowFile, checkDefinitionFile, type FileResult, type CheckOptions } from "./project/check.js";
export { buildFlows, type BuiltFlow } from "./project/build.js";
export { importDefinition } from "./project/import-flow.js";
export { readDocumentFile, parseDocumentText, type SourceDocument } from "./source/document.js";

// The Globus expression language and JSONPath
export * as expressions from "./expr/index.js";
export { compileJsonPath, readPath, writePath, deletePath, type JsonPath } from "./expr/jsonpath.js";

export { CliError, EXIT } from "./errors.js";

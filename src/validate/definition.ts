/** Validate a flow definition: every check, in order, returning all diagnostics as data. */
import { diag, type Diagnostic } from "../definition/diagnostics.js";
import { CheckContext, isObject, type Check, type ValidateOptions } from "./context.js";
import { checkTopLevel } from "./checks/top-level.js";
import { checkStateStructure } from "./checks/state-structure.js";
import { checkGraph } from "./checks/graph.js";
import { checkChoice } from "./checks/choice.js";
import { checkCatch } from "./checks/catch.js";
import { checkActions } from "./checks/action.js";
import { checkPaths } from "./checks/paths.js";
import { checkParameters } from "./checks/parameters.js";
import { checkInputReads } from "./checks/input-reads.js";
import { checkExceptionDefault } from "./checks/exception-default.js";
import { checkTolerated } from "./checks/tolerated.js";
import { checkExpressionAllowList } from "./checks/expression-allow-list.js";

export type { ValidateOptions } from "./context.js";

const CHECKS: Check[] = [checkTopLevel, checkStateStructure, checkGraph, checkChoice, checkCatch, checkActions, checkPaths, checkParameters, checkInputReads, checkExceptionDefault, checkTolerated, checkExpressionAllowList];

export function validateDefinition(definition: unknown, options: ValidateOptions = {}): Diagnostic[] {
  if (!isObject(definition)) {
    return [diag("DEFINITION_NOT_OBJECT", "", `a flow definition must be a JSON object, got ${Array.isArray(definition) ? "an array" : definition === null ? "null" : typeof definition}`)];
  }
  const ctx = new CheckContext(definition, options);
  for (const check of CHECKS) check(ctx);
  return ctx.diagnostics;
}

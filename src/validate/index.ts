export { validateDefinition, type ValidateOptions } from "./definition.js";
export { validateInputSchema, validateRunInput } from "./input.js";

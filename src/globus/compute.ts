/** Compute wire formats a deploying client needs (globus-compute.md §1.5). */
export { pureSourceRegistration } from "../wire/compute-serialization.js";

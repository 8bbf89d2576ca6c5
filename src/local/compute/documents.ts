/**
 * The DocStore kinds the local Compute service keeps, shared by its API surface
 * (service.ts), its executor (executor.ts) and its crash recovery (recovery.ts).
 */
export const FUNCTION = "compute.function";
export const TASK = "compute.task";
/** One marker per unfinished task, deleted with the final state: what recovery walks. */
export const OPEN = "compute.open_task";
export const TASK_GROUP = "compute.task_group";

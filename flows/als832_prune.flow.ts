/**
 * ALS 8.3.2 pruning: delete raw and scratch data on one collection. Not run by hand: the
 * reconstruction flow (als832_alcf) schedules it as follow-up timers, ALCF after
 * `prune.alcf_after_days` and NERSC scratch after `prune.nersc_after_days`, as the
 * beamline's Prefect deployments prune separately from the reconstruction.
 */
import { defineFlow, deleteItems, path } from "flowsmith";
import type { Als832PruneInput } from "./types/als832_prune.input.js";

export default defineFlow<Als832PruneInput>({
  name: "als832_prune",
  title: "ALS 8.3.2 prune",
  subtitle: "Delete raw and scratch data after a reconstruction",
  description: "Deletes the given files and directories on one collection; missing ones are skipped (ignore_missing), so a second prune or a hand-deleted folder is not an error.",
  keywords: ["ALS", "8.3.2", "prune"],
  comment: "ALS 8.3.2 prune (flowsmith)",
  build: ($) =>
    deleteItems("Prune", {
      comment: "Delete every listed path, recursively; a path that is already gone is fine",
      endpoint: $.input.collection,
      DATA: path<{ path: string }[]>("$.input.items"),
      recursive: true,
      ignore_missing: true,
      label: $.input.label,
      waitTime: 3600,
    }),
});

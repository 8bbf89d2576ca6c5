/** Follow-up pre-flight: a real environment must have the follow-up flows deployed before the run starts. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { requireProjectConfig, selectEnvironment } from "../../src/project/config.js";
import { loadFlow } from "../../src/project/load-flow.js";
import { checkFollowUps, followUpTimerName } from "../../src/run/follow-ups.js";
import type { Session } from "../../src/globus/session.js";
import { scratchProject } from "../support/project.js";

describe("checkFollowUps", () => {
  it("names the undeployed follow-up flow and the deploy command; passes once it is in the lock", async () => {
    const dir = scratchProject();
    const config = requireProjectConfig(dir);
    const env = selectEnvironment(config, "production");
    const s = { config, env } as Session;
    const source = (await loadFlow(join(dir, "flows", "als832_alcf.flow.ts"))).source!;
    const err = await checkFollowUps(s, dir, source).catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/schedules runs of als832_prune \(follow-up prune-alcf\), which is not deployed in environment "production"/);
    expect((err as { hint?: string }).hint).toMatch(/flowsmith deploy-flow als832_prune --env production/);
    writeFileSync(join(dir, "flowsmith.lock.json"), JSON.stringify({ version: 1, environments: { production: { functions: {}, flows: { als832_prune: { id: "7f1e2c3a-5b6d-4e8f-9a0b-1c2d3e4f5a6b", scope: "s", hash: "h", keyword: "k" } } } } }));
    await expect(checkFollowUps(s, dir, source)).resolves.toBeUndefined();
    // The local environment deploys follow-up flows on demand.
    await expect(checkFollowUps({ config, env: selectEnvironment(config, "local") } as Session, dir, source)).resolves.toBeUndefined();
    expect(followUpTimerName("als832_alcf", "r-1", "prune-alcf")).toBe("als832_alcf run r-1 prune-alcf");
  });
});

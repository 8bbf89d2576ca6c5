/** A local runtime configuration from the `local` environment of flowsmith.yaml. */
import { isAbsolute, resolve } from "node:path";
import type { EnvironmentConfig } from "../project/config.js";
import type { LocalRuntimeConfig } from "./config.js";

export function runtimeConfigFor(env: EnvironmentConfig, root: string, overrides: { port?: number; dataDir?: string } = {}): LocalRuntimeConfig {
  const collections: LocalRuntimeConfig["collections"] = {};
  for (const [name, c] of Object.entries(env.collections))
    collections[c.id] = {
      root: c.root ?? resolve(root, ".flowsmith", "collections", name),
      display_name: c.display_name ?? name,
      ...(c.entity_type ? { entity_type: c.entity_type } : {}),
      ...(c.owner ? { owner: c.owner.startsWith("urn:") ? c.owner : `urn:globus:auth:identity:${c.owner}` } : {}),
    };
  const computeEndpoints: LocalRuntimeConfig["computeEndpoints"] = {};
  for (const [name, e] of Object.entries(env.compute_endpoints)) {
    computeEndpoints[e.id] = {
      workers: e.workers ?? 2,
      display_name: name,
      ...(e.python ? { python: e.python } : {}),
      ...(e.env ? { env: e.env } : {}),
      ...(e.pass_env ? { passEnv: e.pass_env } : {}),
      ...(e.path_prefix ? { pathPrefix: e.path_prefix.map((p) => (isAbsolute(p) ? p : resolve(root, p))) } : {}),
      ...(e.task_timeout ? { taskTimeoutSeconds: e.task_timeout } : {}),
    };
  }
  const port = overrides.port ?? env.port;
  const chaos = Number(process.env.FLOWSMITH_CHAOS ?? 0);
  const seed = process.env.FLOWSMITH_CHAOS_SEED;
  const em = env.emulation ?? {};
  const engine = {
    ...(em.exception_on_action_failure_default !== undefined ? { exceptionOnActionFailureDefault: em.exception_on_action_failure_default } : {}),
    ...(em.canceled_status ? { canceledStatus: em.canceled_status } : {}),
    ...(em.web_input_expires_in ? { webInputExpiresInSeconds: em.web_input_expires_in } : {}),
  };
  const registeredApis = Object.entries(env.registered_apis ?? {}).map(([name, r]) => ({ name, ...r }));
  const groups = Object.fromEntries(Object.values(env.groups ?? {}).map((g) => [g.id, g.members]));
  return {
    ...(Object.keys(engine).length ? { engine } : {}),
    ...(registeredApis.length ? { registeredApis } : {}),
    ...(Object.keys(groups).length ? { groups } : {}),
    dataDir: overrides.dataDir ?? env.data_dir ?? resolve(root, ".flowsmith", "local"),
    ...(port !== undefined ? { port } : {}),
    collections,
    computeEndpoints,
    ...(chaos > 0 ? { chaos: Math.min(chaos, 0.9) } : {}),
    ...(chaos > 0 && seed && Number.isInteger(Number(seed)) ? { chaosSeed: Number(seed) } : {}),
  };
}

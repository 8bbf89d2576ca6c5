/**
 * The environment a local Compute worker starts with. A function can read (and return)
 * every variable it is given, so workers do not inherit the CLI's environment: it holds
 * GLOBUS_CLIENT_SECRET, cloud keys and tokens. What passes is an allow-list of variables a
 * Python program needs to run like it does in the user's shell, the endpoint's own `env:`
 * values from flowsmith.yaml, and the names the endpoint lists in `pass_env:`. A real
 * globus-compute-endpoint likewise starts workers from its own config, not from the shell
 * of whoever submitted the task.
 */
import { delimiter } from "node:path";

/** Passed through when set: locating programs, the user, locale, temp space, the Python install. */
export const WORKER_ENV_ALLOW = [
  "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TERM",
  "TMPDIR", "TMP", "TEMP", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "CONDA_PREFIX", "PYENV_ROOT", "PYENV_VERSION", "SYSTEMROOT",
] as const;
const ALLOW_PATTERN = /^LC_[A-Z]+$/;

export interface WorkerEnvSpec {
  /** The endpoint's `env:` values (set as given, even over an allowed variable). */
  env?: Record<string, string>;
  /** Further names to take from the parent environment (the endpoint's `pass_env:`). */
  passEnv?: readonly string[];
  /** Directories put in front of PATH. */
  pathPrefix?: readonly string[];
}

export function workerEnv(spec: WorkerEnvSpec, parent: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const allowed = new Set<string>([...WORKER_ENV_ALLOW, ...(spec.passEnv ?? [])]);
  for (const [k, v] of Object.entries(parent)) {
    if (v !== undefined && (allowed.has(k) || ALLOW_PATTERN.test(k))) env[k] = v;
  }
  Object.assign(env, spec.env);
  if (spec.pathPrefix?.length) env.PATH = [...spec.pathPrefix, env.PATH ?? ""].filter((p) => p !== "").join(delimiter);
  return env;
}

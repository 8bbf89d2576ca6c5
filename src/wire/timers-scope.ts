/**
 * Globus Timers' resource server and scope (globus-sdk-python `TimersScopes`, @globus/sdk
 * `RESOURCE_SERVERS.TIMERS`), and the consent a flow timer needs: Timers starts the run
 * with a dependent token for the flow's user scope, so the timer scope must carry the flow
 * scope (and through it Transfer's data_access dependencies) as dependencies —
 * `timer[<flow user scope>[<transfer[*data_access…]>]]`, as globus-cli `timer create flow`
 * and `add_app_flow_user_scope` build it.
 */

import { splitScopes } from "./scopes.js";

export const TIMERS_RESOURCE_SERVER = "524230d7-ea86-4a52-8312-86065a9e0417";
export const TIMER_SCOPE = `https://auth.globus.org/scopes/${TIMERS_RESOURCE_SERVER}/timer`;

/** The timer scope with the run's scope (already carrying its own dependencies) beneath it. */
export function timerScopeFor(runScope: string): string {
  return `${TIMER_SCOPE}[${runScope}]`;
}

/** The dependency list of a `scope[dep dep…]` string, one level deep, brackets kept on each dependency. */
export function dependenciesOf(scope: string): string[] {
  const i = scope.indexOf("[");
  if (i < 0 || !scope.trimEnd().endsWith("]")) return [];
  const inner = scope.slice(i + 1, scope.trimEnd().length - 1);
  // `*` marks an optional dependency; it is the same scope.
  return splitScopes(inner).map((d) => d.replace(/^\*/, ""));
}

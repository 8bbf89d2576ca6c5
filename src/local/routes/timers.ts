/** Timers API routes (fixtures/timers README): every call needs a token for the Timers resource server with the timer scope. */
import type { LocalAuth, TokenRecord } from "../auth/tokens.js";
import type { Request, Router } from "../http.js";
import type { LocalTimersService } from "../timers/service.js";
import { TIMERS_RESOURCE_SERVER, TIMER_SCOPE } from "../../wire/timers-scope.js";

export function timersRoutes(router: Router, auth: LocalAuth, timers: LocalTimersService): void {
  const need = (req: Request): TokenRecord => auth.require(req.headers.authorization, TIMERS_RESOURCE_SERVER, [TIMER_SCOPE]);
  router.add("POST", "/v2/timer", "timers", (req) => timers.create(req.body, need(req)));
  router.add("GET", "/jobs", "timers", (req) => timers.list(req.query, need(req)));
  router.add("GET", "/jobs/:job_id", "timers", (req) => timers.get(req.params.job_id!, need(req)));
  router.add("PATCH", "/jobs/:job_id", "timers", (req) => timers.update(req.params.job_id!, req.body, need(req)));
  router.add("DELETE", "/jobs/:job_id", "timers", (req) => timers.remove(req.params.job_id!, need(req)));
  router.add("POST", "/jobs/:job_id/pause", "timers", (req) => timers.pause(req.params.job_id!, need(req)));
  router.add("POST", "/jobs/:job_id/resume", "timers", (req) => timers.resume(req.params.job_id!, req.body, req.query, need(req)));
}

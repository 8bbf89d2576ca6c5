/**
 * The runtime's clock: a SkippableClock anchored so virtual time never runs backwards
 * across restarts (a run's Wait and a timer's next fire were computed on it), and the
 * `POST /flowsmith/clock/skip` route behind `flowsmith local skip` — open only to the
 * runtime's own client, whose secret is in the data directory (mode 0600).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../../engine/clock.js";
import { SkippableClock } from "../skippable-clock.js";
import { HttpError, type Router } from "../http.js";
import type { LocalAuth } from "../auth/tokens.js";

interface SavedClock {
  virtual_now: number;
}

export function runtimeClock(dataDir: string, rate = 1): { clock: SkippableClock; save: () => void } {
  const file = join(dataDir, "clock.json");
  let saved = 0;
  try {
    saved = (JSON.parse(readFileSync(file, "utf8")) as SavedClock).virtual_now || 0;
  } catch {
    saved = 0;
  }
  const clock = new SkippableClock(rate, Math.max(Date.now(), saved));
  // Only a clock that ran ahead of real time needs remembering.
  const save = () => {
    const now = clock.now();
    if (now > Date.now() + 1000) writeFileSync(file, JSON.stringify({ virtual_now: now } satisfies SavedClock) + "\n", { mode: 0o600 });
  };
  return { clock, save };
}

export function clockRoutes(router: Router, auth: LocalAuth, clock: Clock, ownClientId: string, save: () => void): void {
  router.add("GET", "/flowsmith/clock", "flows", () => ({ status: 200, body: { now: new Date(clock.now()).toISOString(), rate: clock instanceof SkippableClock ? clock.rate : 1 } }));
  router.add("POST", "/flowsmith/clock/skip", "flows", (req) => {
    const t = auth.authenticate(req.headers.authorization);
    if (t.client_id !== ownClientId) throw new HttpError(403, "FORBIDDEN", "only the runtime's own client may move its clock");
    if (!(clock instanceof SkippableClock)) throw new HttpError(409, "CONFLICT", "this runtime's clock cannot be skipped (it was injected)");
    const seconds = (req.body as { seconds?: unknown } | undefined)?.seconds;
    if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) throw new HttpError(422, "UNPROCESSABLE_ENTITY", "seconds must be a number >= 0");
    clock.skip(seconds * 1000);
    save();
    return { status: 200, body: { now: new Date(clock.now()).toISOString(), skipped_seconds: seconds } };
  });
}

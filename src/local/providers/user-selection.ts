/**
 * Wait For User Selection (actions.globus.org/weboption/wait_for_option; docs: hosted-action-
 * providers/ap_wait_for_user_selection): the action stays ACTIVE until someone opens one of
 * its option URLs. Locally each option's URL is `<runtime>/weboption/option/<url_suffix>`
 * (GET, so a link in a local outbox email works); choosing one finishes the action with
 * the chosen option's fields (name, url_suffix, completed_message) and `selected_option` as
 * details.
 */
import { ActionTable } from "../../providers/in-memory.js";
import { ActionProviderError, apTimestamp, type ActionProvider, type ActionStatus } from "../../providers/types.js";
import type { DocStore } from "../store.js";

interface WebOption {
  name: string;
  url_suffix: string;
  completed_message?: string;
  description?: string;
}

export interface UserSelection {
  provider: ActionProvider;
  /** Choose the option with this url_suffix; answers the page text, or undefined if unknown. */
  select(urlSuffix: string): { message: string } | undefined;
}

export function createUserSelectionProvider(store: DocStore, origin: () => string, now: () => Date): UserSelection {
  const table = new ActionTable(store, "weboption");
  const provider: ActionProvider = {
    async run(req, caller) {
      const prior = table.byRequest(req.request_id);
      if (prior) return prior;
      const options = req.body.options;
      if (!Array.isArray(options) || options.length === 0) throw new ActionProviderError("BadRequest", "options must be a non-empty list of {name, url_suffix}");
      const opts: WebOption[] = options.map((o, i) => {
        if (!o || typeof o !== "object" || typeof o.name !== "string" || typeof o.url_suffix !== "string" || !/^[\w.-]+$/.test(o.url_suffix)) throw new ActionProviderError("BadRequest", `options[${i}] needs a string name and a url_suffix of letters, digits, "_", "-" or "."`);
        return { name: o.name, url_suffix: o.url_suffix, ...(typeof o.completed_message === "string" ? { completed_message: o.completed_message } : {}) };
      });
      for (const o of opts) if (store.get("weboption_suffix", o.url_suffix)) throw new ActionProviderError("Conflict", `url_suffix ${o.url_suffix} is already used by another action`, 409);
      const t = now();
      const a = table.create(req.request_id, caller, { details: { options: opts.map((o) => ({ ...o, url: `${origin()}/weboption/option/${o.url_suffix}` })), selected_option: null }, display_status: "Waiting for a selection", label: req.label ?? null, start_time: apTimestamp(t), manage_by: req.manage_by ?? [], monitor_by: req.monitor_by ?? [] }, t);
      store.transaction(() => opts.forEach((o) => store.put("weboption_suffix", o.url_suffix, { action_id: a.action_id, name: o.name })));
      return a;
    },
    async status(id) {
      return table.require(id);
    },
    async cancel(id) {
      const a = table.require(id);
      if (a.status !== "ACTIVE") return a;
      return table.save({ ...a, status: "FAILED", display_status: "Canceled", completion_time: apTimestamp(now()), details: { code: "Canceled", description: "The action was canceled" } });
    },
    async release(id) {
      return table.release(id);
    },
  };
  return {
    provider,
    select(urlSuffix) {
      const ref = store.get<{ action_id: string; name: string }>("weboption_suffix", urlSuffix);
      const a = ref ? table.get(ref.action_id) : undefined;
      if (!ref || !a) return undefined;
      const details = a.details as { options: WebOption[]; selected_option: string | null };
      const opt = details.options.find((o) => o.url_suffix === urlSuffix)!;
      if (a.status === "ACTIVE") {
        // The chosen option's own fields (the automate example mails `$name` from these details), plus which it was.
        const done: ActionStatus = { ...a, status: "SUCCEEDED", display_status: "SUCCEEDED", completion_time: apTimestamp(now()), details: { ...opt, selected_option: ref.name, options: details.options } };
        table.save(done);
        return { message: opt.completed_message ?? `You selected ${ref.name}` };
      }
      return { message: `A selection was already made: ${details.selected_option ?? "none"}` };
    },
  };
}

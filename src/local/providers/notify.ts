/**
 * Send Notification Email (actions.globus.org/notification/notify; docs: hosted-action-
 * providers/ap_notification): the local runtime does not send mail; each message is
 * appended as one JSON line to `<data dir>/outbox.jsonl` (mode 0600) with the body rendered
 * from body_template and body_variables the way the provider does (Python string.Template:
 * `$name`, `${name}`, `$$`). `send_credentials` (an SMTP password or similar) is checked for
 * shape and never written.
 */
import { appendFileSync, chmodSync, existsSync } from "node:fs";
import { ActionProviderError, type ActionProvider } from "../../providers/types.js";
import type { DocStore } from "../store.js";
import { requireString, syncProvider } from "./sync.js";

export function renderTemplate(template: string, vars: Record<string, unknown>): string {
  return template.replace(/\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (m, dollar: string | undefined, braced: string | undefined, bare: string | undefined) => {
    if (dollar) return "$";
    const name = (braced ?? bare)!;
    if (!(name in vars)) throw new ActionProviderError("BadRequest", `body_template uses $${name}, which body_variables does not define`);
    const v = vars[name];
    return typeof v === "string" ? v : JSON.stringify(v);
  });
}

export function createNotifyProvider(store: DocStore, outboxFile: string, now: () => Date): ActionProvider {
  return syncProvider(store, "notify", now, (body, caller, req) => {
    const destination = body.destination;
    const to = typeof destination === "string" ? [destination] : destination;
    if (!Array.isArray(to) || to.length === 0 || to.some((d) => typeof d !== "string" || !d.includes("@"))) throw new ActionProviderError("BadRequest", "destination must be an email address or a list of them");
    const method = String(body.notification_method ?? "email");
    if (method !== "email" && method !== "any") throw new ActionProviderError("BadRequest", `notification_method "${method}" is not supported; use "email"`);
    const template = requireString(body, "body_template");
    const vars = (body.body_variables ?? {}) as Record<string, unknown>;
    if (typeof vars !== "object" || Array.isArray(vars)) throw new ActionProviderError("BadRequest", "body_variables must be an object");
    if (body.send_credentials !== undefined && !Array.isArray(body.send_credentials)) throw new ActionProviderError("BadRequest", "send_credentials must be a list");
    const message = {
      time: now().toISOString(),
      from: typeof body.sender === "string" ? body.sender : "noreply@globus.org",
      to,
      subject: String(body.subject ?? ""),
      mimetype: String(body.body_mimetype ?? "text/plain"),
      body: renderTemplate(template, vars),
      sent_by: caller.identity,
      ...(req.label ? { label: req.label } : {}),
    };
    const fresh = !existsSync(outboxFile);
    appendFileSync(outboxFile, JSON.stringify(message) + "\n", { mode: 0o600 });
    if (fresh) chmodSync(outboxFile, 0o600);
    return { destination: to, subject: message.subject, outbox: outboxFile };
  });
}

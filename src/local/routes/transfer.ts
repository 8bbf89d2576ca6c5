/** Transfer API v0.10 routes (globus-flows.md §4): the subset a flow and the CLI touch. */
import type { LocalAuth, TokenRecord } from "../auth/tokens.js";
import { RESOURCE_SERVERS, SCOPES } from "../../wire/scopes.js";
import { HttpError, type Request, type Router } from "../http.js";
import type { LocalTransferService } from "../transfer/index.js";
import { ownerIdOf } from "../transfer/ids.js";

const num = (v: string | null) => (v === null ? undefined : Number(v));
const bool = (v: string | null) => (v === null ? undefined : !["0", "false", "False", ""].includes(v));

export function transferRoutes(router: Router, auth: LocalAuth, transfer: LocalTransferService): void {
  const need = (req: Request): TokenRecord => auth.require(req.headers.authorization, RESOURCE_SERVERS.transfer, [SCOPES.transferAll]);
  const mine = (req: Request, taskId: string) => {
    const t = need(req);
    const doc = transfer.getTask(taskId);
    if ((doc as { owner_id?: string }).owner_id !== ownerIdOf(t.identity)) throw new HttpError(404, "TaskNotFound", `Task ${taskId} not found`);
    return t;
  };
  const V = "/v0.10";
  router.add("GET", `${V}/submission_id`, "transfer", (req) => (need(req), { status: 200, body: transfer.submissionId() }));
  router.add("POST", `${V}/transfer`, "transfer", async (req) => ({ status: 202, body: await transfer.submitTransfer(req.body as never, need(req).identity) }));
  router.add("POST", `${V}/delete`, "transfer", async (req) => ({ status: 202, body: await transfer.submitDelete(req.body as never, need(req).identity) }));
  router.add("GET", `${V}/task_list`, "transfer", (req) => {
    const t = need(req);
    return { status: 200, body: transfer.taskList({ limit: num(req.query.get("limit")) ?? 10, offset: num(req.query.get("offset")) ?? 0, ...(req.query.get("filter") ? { filter: req.query.get("filter")! } : {}), owner: t.identity }) };
  });
  router.add("GET", `${V}/task/:task_id`, "transfer", (req) => (mine(req, req.params.task_id!), { status: 200, body: transfer.getTask(req.params.task_id!) }));
  router.add("GET", `${V}/task/:task_id/event_list`, "transfer", (req) => {
    mine(req, req.params.task_id!);
    return { status: 200, body: transfer.eventList(req.params.task_id!, { limit: num(req.query.get("limit")) ?? 10, offset: num(req.query.get("offset")) ?? 0 }) };
  });
  router.add("POST", `${V}/task/:task_id/cancel`, "transfer", async (req) => (mine(req, req.params.task_id!), { status: 200, body: await transfer.cancelTask(req.params.task_id!) }));
  router.add("GET", `${V}/operation/endpoint/:id/ls`, "transfer", async (req) => {
    const who = need(req).identity;
    const q = req.query;
    const opts = Object.fromEntries(
      Object.entries({ show_hidden: bool(q.get("show_hidden")), limit: num(q.get("limit")), offset: num(q.get("offset")), orderby: q.get("orderby") ?? undefined, filter: q.get("filter") ?? undefined }).filter(([, v]) => v !== undefined),
    );
    return { status: 200, body: await transfer.ls(req.params.id!, q.get("path") ?? undefined, opts, who) };
  });
  router.add("POST", `${V}/operation/endpoint/:id/mkdir`, "transfer", async (req) => {
    const who = need(req).identity;
    const path = (req.body as { path?: unknown } | undefined)?.path;
    if (typeof path !== "string") throw new HttpError(400, "ClientError.BadRequest", "mkdir needs a JSON body with a string `path`");
    return { status: 202, body: await transfer.mkdir(req.params.id!, path, who) };
  });
  router.add("GET", `${V}/operation/endpoint/:id/stat`, "transfer", async (req) => {
    const who = need(req).identity;
    const path = req.query.get("path");
    if (!path) throw new HttpError(400, "ClientError.BadRequest", "stat needs a `path` query parameter");
    return { status: 200, body: await transfer.stat(req.params.id!, path, who) };
  });
}

/**
 * The Transfer action providers (transfer.actions.globus.org/{transfer,delete,ls,mkdir,stat},
 * and the retired actions.globus.org inputs) over LocalTransferService.
 *
 * transfer/delete are asynchronous: run submits a task whose submission_id is derived from
 * the request_id, so re-issuing a run (e.g. after an engine restart) finds the same task;
 * action_id = task_id; details = the task document plus "event_list" (globus-flows.md §4.1),
 * the task label defaulting to "For Action id <action_id>".
 * ls/mkdir/stat are synchronous: run answers SUCCEEDED with the Transfer result as details,
 * or FAILED with {code, description} when the collection refused the operation (missing
 * path, existing directory, permission) — the FAILED status is what lets a flow's
 * `Catch: ActionFailedException` branch (FRIB's "ls, else mkdir"). Requests that could never
 * run (missing fields, unknown collection, malformed path) throw ActionProviderError, which
 * the engine reports as ActionUnableToRun.
 */
import { ActionProviderError, apTimestamp, type ActionCaller, type ActionProvider, type ActionRequest, type ActionStatus, type ActionStatusValue } from "../../providers/types.js";
import { deleteBody, endpointAndPath, optionalType, transferBody } from "./ap-inputs.js";
import { ActionRecords, bodyDigest, requestUuid, type ActionRecord, type TransferApName } from "./ap-records.js";
import { TransferApiError } from "./errors.js";
import { deriveTaskId, ownerIdOf } from "./ids.js";
import type { LocalTransferService } from "./service.js";
import type { DeleteSubmission, TransferSubmission } from "./types.js";

type Obj = Record<string, unknown>;

/** APT's recommended default retention. */
const RELEASE_AFTER = "P30D";
const EVENT_LIST_LIMIT = 1000;

export function createTransferActionProviders(service: LocalTransferService): Record<TransferApName, ActionProvider> {
  const records = new ActionRecords(service.store);
  return {
    transfer: new TaskActionProvider(service, records, "transfer"),
    delete: new TaskActionProvider(service, records, "delete"),
    ls: new SyncActionProvider(service, records, "ls", async (input, caller) => {
      const { endpoint, path } = endpointAndPath(input, false);
      return service.ls(endpoint, path, {
        show_hidden: optionalType<boolean>(input, "show_hidden", "boolean"),
        limit: optionalType<number>(input, "limit", "number"),
        offset: optionalType<number>(input, "offset", "number"),
        orderby: optionalType<string>(input, "orderby", "string"),
        filter: optionalType<string>(input, "filter", "string"),
      }, caller.identity);
    }),
    mkdir: new SyncActionProvider(service, records, "mkdir", async (input, caller) => {
      const { endpoint, path } = endpointAndPath(input, true);
      return service.mkdir(endpoint, path!, caller.identity);
    }),
    stat: new SyncActionProvider(service, records, "stat", async (input, caller) => {
      const { endpoint, path } = endpointAndPath(input, true);
      return service.stat(endpoint, path!, caller.identity);
    }),
  };
}

abstract class TransferActionProvider implements ActionProvider {
  constructor(
    protected readonly service: LocalTransferService,
    protected readonly records: ActionRecords,
    protected readonly name: TransferApName,
  ) {}

  abstract run(request: ActionRequest, caller: ActionCaller): Promise<ActionStatus>;
  protected abstract current(record: ActionRecord): ActionStatus;

  async status(actionId: string, _caller: ActionCaller): Promise<ActionStatus> {
    return this.current(this.record(actionId));
  }

  async cancel(actionId: string, caller: ActionCaller): Promise<ActionStatus> {
    return this.status(actionId, caller);
  }

  /** APT: only a final action can be released (409 otherwise); afterwards it is gone (404). */
  async release(actionId: string, _caller: ActionCaller): Promise<ActionStatus> {
    const record = this.record(actionId);
    const status = this.current(record);
    if (status.status === "ACTIVE" || status.status === "INACTIVE") {
      throw new ActionProviderError("Conflict", `Action ${actionId} is ${status.status} and cannot be released until it completes`, 409);
    }
    this.records.put({ ...record, released: true });
    return status;
  }

  /** An earlier run with the same request_id: replay it, or refuse a different body under the same id. */
  protected prior(actionId: string, request: ActionRequest): ActionRecord | undefined {
    const record = this.records.get(actionId);
    if (!record) return undefined;
    if (record.released) throw new ActionProviderError("Conflict", `request_id ${request.request_id} belongs to a released action`, 409);
    if (record.body_digest !== bodyDigest(request.body)) {
      throw new ActionProviderError("Conflict", `request_id ${request.request_id} was already used with a different body`, 409);
    }
    return record;
  }

  protected newRecord(actionId: string, request: ActionRequest, caller: ActionCaller): ActionRecord {
    return {
      action_id: actionId,
      provider: this.name,
      body_digest: bodyDigest(request.body),
      creator_id: caller.identity,
      label: request.label ?? null,
      manage_by: request.manage_by ?? [],
      monitor_by: request.monitor_by ?? [],
      start_time: apTimestamp(this.service.clock.now()),
      released: false,
    };
  }

  private record(actionId: string): ActionRecord {
    const record = this.records.get(actionId);
    if (!record || record.released || record.provider !== this.name) {
      throw new ActionProviderError("NotFound", `No ${this.name} action with id ${actionId}`, 404);
    }
    return record;
  }
}

class TaskActionProvider extends TransferActionProvider {
  async run(request: ActionRequest, caller: ActionCaller): Promise<ActionStatus> {
    const submissionId = requestUuid(this.name, caller, request.request_id);
    const actionId = deriveTaskId(ownerIdOf(caller.identity), submissionId);
    const prior = this.prior(actionId, request);
    if (prior) return this.current(prior);
    const input = inputObject(request);
    const label = `For Action id ${actionId}`;
    try {
      if (this.name === "transfer") await this.service.submitTransfer(transferBody(input, submissionId, label) as TransferSubmission, caller.identity);
      else await this.service.submitDelete(deleteBody(input, submissionId, label) as DeleteSubmission, caller.identity);
    } catch (err) {
      throw unableToRun(err);
    }
    const record = this.newRecord(actionId, request, caller);
    this.records.put(record);
    return this.current(record);
  }

  override async cancel(actionId: string, caller: ActionCaller): Promise<ActionStatus> {
    await this.status(actionId, caller);
    await this.service.cancelTask(actionId);
    return this.status(actionId, caller);
  }

  protected current(record: ActionRecord): ActionStatus {
    const task = this.service.getTask(record.action_id);
    const events = this.service.eventList(record.action_id, { limit: EVENT_LIST_LIMIT }).DATA;
    const status: ActionStatusValue = task.status;
    return {
      action_id: record.action_id,
      status,
      display_status: status,
      details: { ...task, event_list: events },
      creator_id: record.creator_id,
      start_time: record.start_time,
      // The task document's completion_time is whole seconds; the action started at a finer
      // instant, so a fast task would otherwise "complete" before it started.
      completion_time: task.completion_time ? apTimestamp(new Date(Math.max(Date.parse(task.completion_time), Date.parse(record.start_time.replace(" ", "T"))))) : null,
      label: record.label,
      manage_by: record.manage_by,
      monitor_by: record.monitor_by,
      release_after: RELEASE_AFTER,
    };
  }
}

class SyncActionProvider extends TransferActionProvider {
  constructor(
    service: LocalTransferService,
    records: ActionRecords,
    name: TransferApName,
    private readonly operation: (input: Obj, caller: ActionCaller) => Promise<unknown>,
  ) {
    super(service, records, name);
  }

  async run(request: ActionRequest, caller: ActionCaller): Promise<ActionStatus> {
    const actionId = requestUuid(this.name, caller, request.request_id);
    const prior = this.prior(actionId, request);
    if (prior) return this.current(prior);
    const record = this.newRecord(actionId, request, caller);
    let status: ActionStatusValue = "SUCCEEDED";
    let details: unknown;
    try {
      details = await this.operation(inputObject(request), caller);
    } catch (err) {
      if (!(err instanceof TransferApiError) || !err.endpointError) throw unableToRun(err);
      status = "FAILED";
      details = { code: err.code, description: err.message };
    }
    const final: ActionStatus = {
      action_id: actionId,
      status,
      display_status: status,
      details,
      creator_id: record.creator_id,
      start_time: record.start_time,
      completion_time: apTimestamp(this.service.clock.now()),
      label: record.label,
      manage_by: record.manage_by,
      monitor_by: record.monitor_by,
      release_after: RELEASE_AFTER,
    };
    this.records.put({ ...record, status: final });
    return final;
  }

  protected current(record: ActionRecord): ActionStatus {
    return record.status!;
  }
}

function inputObject(request: ActionRequest): Obj {
  const body = request.body as unknown;
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ActionProviderError("BadRequest", "The action body must be an object");
  return body as Obj;
}

function unableToRun(err: unknown): unknown {
  if (err instanceof TransferApiError) return new ActionProviderError(err.code, err.message, err.httpStatus, err.toJSON());
  return err;
}

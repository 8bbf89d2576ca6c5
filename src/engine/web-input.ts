/**
 * CreateWebInput and AwaitWebInput: a run asks a person to choose an option, then waits for
 * the answer. The engine turns a state's Parameters into a web-input request and reads the
 * answer back through an injected host (the local Flows service stores web inputs and serves
 * /web_inputs), so the interpreter stays free of storage.
 *
 * Shapes: the request side follows the official globus-flows-examples `web_input_examples`
 * (InputType, Context {PresentationStyle, Title, Rows [{Field, Value}] | Text}, Options
 * [{Value, Label, Description}], RespondentUrns); the stored side follows the globus-sdk-python
 * fixtures (fixtures/flows/sdk-get_web_input.*: options[].option_id, context.presentation_style,
 * rows[].field/value, roles.respondent_urns). Where the result documents written to ResultPath
 * are not published, flowsmith writes `{web_input_id, status}` (CreateWebInput) and
 * `{web_input_id, response, respondent, response_time}` (AwaitWebInput): the examples read
 * `$.web_input_info.web_input_id` and `$.response_info.response` (the chosen option's Value).
 */
import { FlowRunError, runtimeError } from "./errors.js";

export interface WebInputOption {
  option_id: string;
  label: string;
  description: string;
}

export interface WebInputContext {
  title: string;
  presentation_style: "table" | "text";
  rows?: { field: string; value: unknown }[];
  text?: string;
}

/** What a CreateWebInput state asks the host to store. */
export interface WebInputSpec {
  /** Idempotency key (run id + state visit): a re-issued step lands on the same web input. */
  key: string;
  run_id: string;
  flow_id: string;
  state_name: string;
  creator_urn: string;
  input_type: "selection";
  context: WebInputContext;
  options: WebInputOption[];
  respondent_urns: string[];
  viewer_urns: string[];
  expires_at: number;
}

export interface WebInputView {
  id: string;
  status: "open" | "closed";
  expired?: boolean;
  expires_at: number;
  response?: { value: string; respondent: string; time: string };
}

export interface WebInputHost {
  create(spec: WebInputSpec): { id: string };
  get(id: string): WebInputView | undefined;
  /** Close an open web input that nobody answered in time. */
  expire(id: string, now: number): void;
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

function bad(state: string, msg: string): FlowRunError {
  return new FlowRunError("ActionUnableToRun", `CreateWebInput ${state}: ${msg}`, { code: "InvalidWebInput", description: msg });
}

/** Check and convert evaluated CreateWebInput Parameters into a web-input request. */
export function webInputSpec(params: unknown, at: { key: string; run_id: string; flow_id: string; state_name: string; creator_urn: string; expires_at: number }): WebInputSpec {
  const s = at.state_name;
  if (!isObj(params)) throw bad(s, "Parameters must be an object");
  const type = String(params.InputType ?? "Selection");
  if (type.toLowerCase() !== "selection") throw bad(s, `InputType "${type}" is not supported; use "Selection"`);
  const ctx = params.Context;
  if (!isObj(ctx)) throw bad(s, "Context must be an object with PresentationStyle and Title");
  const style = String(ctx.PresentationStyle ?? (ctx.Rows ? "Table" : "Text")).toLowerCase();
  if (style !== "table" && style !== "text") throw bad(s, `Context.PresentationStyle must be "Table" or "Text", got ${JSON.stringify(ctx.PresentationStyle)}`);
  const context: WebInputContext = { title: String(ctx.Title ?? ""), presentation_style: style };
  if (style === "table") {
    if (!Array.isArray(ctx.Rows)) throw bad(s, "Context.Rows must be a list of {Field, Value} for a Table");
    context.rows = ctx.Rows.map((r, i) => {
      if (!isObj(r) || typeof r.Field !== "string") throw bad(s, `Context.Rows[${i}] must be {"Field": string, "Value": …}`);
      return { field: r.Field, value: r.Value ?? null };
    });
  } else context.text = String(ctx.Text ?? "");
  const opts = params.Options;
  if (!Array.isArray(opts) || opts.length === 0) throw bad(s, "Options must be a non-empty list of {Value, Label, Description}");
  const options = opts.map((o, i) => {
    if (!isObj(o) || typeof o.Value !== "string" || !o.Value) throw bad(s, `Options[${i}] needs a string "Value"`);
    return { option_id: o.Value, label: String(o.Label ?? o.Value), description: String(o.Description ?? "") };
  });
  const dup = options.find((o, i) => options.findIndex((p) => p.option_id === o.option_id) !== i);
  if (dup) throw bad(s, `two Options have the Value "${dup.option_id}"`);
  const urns = (v: unknown, name: string): string[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || !x.startsWith("urn:globus:"))) throw bad(s, `${name} must be a list of urn:globus:auth:identity:… or urn:globus:group:id:… strings`);
    return v as string[];
  };
  return {
    ...at,
    input_type: "selection",
    context,
    options,
    respondent_urns: urns(params.RespondentUrns, "RespondentUrns"),
    viewer_urns: urns(params.ViewerUrns, "ViewerUrns"),
  };
}

/** The web input an AwaitWebInput state waits for. */
export function awaitedId(params: unknown, state: string): string {
  const id = isObj(params) ? (params.web_input_id ?? params.WebInputId) : undefined;
  if (typeof id !== "string" || !id) throw runtimeError(`AwaitWebInput ${state} needs Parameters {"web_input_id.$": "$.<CreateWebInput ResultPath>.web_input_id"}`);
  return id;
}

export function webInputExpired(id: string, state: string): FlowRunError {
  return new FlowRunError("Flows.WebInputExpired", `web input ${id} awaited by ${state} expired before anyone responded`, { code: "WebInputExpired", web_input_id: id, state_name: state });
}

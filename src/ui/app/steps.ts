/** A run's event log as steps (state, type, start, end, input, output): the timeline and the duration chart. */
export interface Entry {
  time: string;
  code: string;
  description?: string;
  details?: Record<string, unknown>;
}

export interface Step {
  state: string;
  type: string;
  start: string;
  end?: string;
  input?: unknown;
  output?: unknown;
  codes: string[];
}

/** Log entries as steps: a state's Started entry opens one, the next entry of that state closes it. */
export function stepsOf(entries: Entry[]): Step[] {
  const steps: Step[] = [];
  const open = new Map<string, Step>();
  for (const e of entries) {
    const d = e.details ?? {};
    const state = typeof d.state_name === "string" ? d.state_name : undefined;
    if (!state) continue;
    if (e.code.endsWith("Started")) {
      const s: Step = { state, type: String(d.state_type ?? e.code.replace(/Started$/, "")), start: e.time, input: d.input, codes: [e.code] };
      steps.push(s);
      open.set(state, s);
    } else {
      const s = open.get(state);
      if (!s) continue;
      s.codes.push(e.code);
      if (d.output !== undefined) s.output = d.output;
      if (d.cause !== undefined || d.error !== undefined) s.output = { ...(s.output as object), ...(d.error !== undefined ? { error: d.error } : {}), ...(d.cause !== undefined ? { cause: d.cause } : {}) };
      s.end = e.time;
      if (/Completed|Failed|Caught|Succeeded|Canceled/.test(e.code)) open.delete(state);
    }
  }
  return steps;
}

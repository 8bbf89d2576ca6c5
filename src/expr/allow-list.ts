/**
 * What of the expression language Globus is known to accept. flowsmith's evaluator runs a
 * large Python superset (f-strings, str.format, sorted, range, enumerate, zip, dict and set
 * comprehensions…), so a flow can pass locally on a construct the service rejects. The
 * validator warns (EXPRESSION_UNDOCUMENTED) about anything that is neither documented by
 * Globus nor seen in a public definition. Each entry names its source; add to this list only
 * with a source.
 *
 * Sources:
 *  DOCS   docs.globus.org/api/flows/authoring-flows/expressions (globus-flows.md §1.4)
 *  TAR    globus-flows-examples compute_transfer_examples/tar_and_transfer (example_1, example_2)
 *  MOVE   globus-flows-examples transfer_examples/move
 *  TWOHOP globus-flows-examples transfer_examples/two_hop
 *  WEB    globus-flows-examples web_input_examples/{admin_signoff,approved_publishing}
 *  BATCH  globus-automate-client examples/flows/loop-with-batch-processing
 */

export interface AllowEntry {
  kind: "function" | "method" | "construct";
  sources: string[];
}

export const EXPRESSION_ALLOW_LIST: Readonly<Record<string, AllowEntry>> = {
  // Functions
  pathsplit: { kind: "function", sources: ["DOCS"] },
  is_present: { kind: "function", sources: ["DOCS"] },
  getattr: { kind: "function", sources: ["DOCS", "TAR"] },
  len: { kind: "function", sources: ["TAR", "WEB"] },
  str: { kind: "function", sources: ["WEB"] },
  // String methods
  rstrip: { kind: "method", sources: ["TAR", "TWOHOP"] },
  endswith: { kind: "method", sources: ["TAR"] },
  rpartition: { kind: "method", sources: ["MOVE", "TWOHOP"] },
  split: { kind: "method", sources: ["TWOHOP"] },
  // Constructs (AST node types)
  ListComp: { kind: "construct", sources: ["DOCS", "BATCH", "TAR"] },
  Slice: { kind: "construct", sources: ["DOCS", "BATCH"] },
  Conditional: { kind: "construct", sources: ["DOCS", "TAR", "TWOHOP"] },
  List: { kind: "construct", sources: ["DOCS"] },
  Dict: { kind: "construct", sources: ["TAR"] },
};

/** Constructs the evaluator accepts that no Globus source shows, with how to say them instead. */
export const UNDOCUMENTED_CONSTRUCTS: Readonly<Record<string, string>> = {
  FString: "an f-string (use 'a' + str(x))",
  SetComp: "a set comprehension",
  DictComp: "a dict comprehension",
  Set: "a set literal",
  Starred: "*unpacking",
};

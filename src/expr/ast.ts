/**
 * Syntax tree of the Globus expression language (`.=` values, ExpressionEval). Every node
 * carries the [start, end) offsets of its source text so that evaluation errors and
 * validator diagnostics can point at the exact sub-expression.
 */
import type { JsonPath } from "./jsonpath.js";

interface Span {
  readonly start: number;
  readonly end: number;
}

export interface LiteralNode extends Span {
  readonly type: "Literal";
  readonly value: string | number | boolean | null;
  /** Python distinguishes `1` from `1.0` (str() prints them differently); JS numbers do not. */
  readonly float: boolean;
}

export interface NameNode extends Span {
  readonly type: "Name";
  readonly name: string;
}

/** A backtick-quoted JSONPath: `` `$.a.b[0]` `` reads from the run state root. */
export interface PathNode extends Span {
  readonly type: "Path";
  readonly path: JsonPath;
}

/** A list display `[a, b]` or a tuple `(a, b)` / `a, b` (JSON has no tuples). */
export interface ListNode extends Span {
  readonly type: "List";
  /** May contain Starred elements: `[*a, *b]`. */
  readonly elements: readonly Expr[];
}

/** A dict display entry; a null key is `**value` (unpacking, as in Python's ast). */
export interface DictEntry {
  readonly key: Expr | null;
  readonly value: Expr;
}

export interface DictNode extends Span {
  readonly type: "Dict";
  readonly entries: readonly DictEntry[];
}

/**
 * A set display `{a, b}`. JSON has no sets: it evaluates to a list without duplicates
 * (Python equality), in first-occurrence order.
 */
export interface SetNode extends Span {
  readonly type: "Set";
  /** May contain Starred elements: `{*a, b}`. */
  readonly elements: readonly Expr[];
}

/** `*value` inside a list/tuple/set display or a call's positional arguments. */
export interface StarredNode extends Span {
  readonly type: "Starred";
  readonly value: Expr;
}

/** One `{value!conversion:spec}` replacement field of an f-string. */
export interface FormattedValue extends Span {
  readonly value: Expr;
  readonly conversion: "r" | "s" | "a" | null;
  /** The format spec, itself an f-string (`{x:>{width}}`); null when absent. */
  readonly spec: FStringNode | null;
}

/**
 * An f-string (adjacent plain string literals are merged into it): literal text and
 * replacement fields. `f'{x=}'` is stored as the text `x=` followed by the field, as
 * Python's ast does.
 */
export interface FStringNode extends Span {
  readonly type: "FString";
  readonly parts: readonly (string | FormattedValue)[];
}

export type UnaryOp = "-" | "+" | "not";

export interface UnaryNode extends Span {
  readonly type: "Unary";
  readonly op: UnaryOp;
  readonly operand: Expr;
}

export type BinaryOp = "+" | "-" | "*" | "/" | "//" | "%" | "**";

export interface BinaryNode extends Span {
  readonly type: "Binary";
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}

/** `a and b and c` is one node so that evaluation short-circuits without nesting. */
export interface BoolOpNode extends Span {
  readonly type: "BoolOp";
  readonly op: "and" | "or";
  readonly values: readonly Expr[];
}

export type CompareOp = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not in" | "is" | "is not";

/** Python chains comparisons: `a < b < c` means `a < b and b < c` with `b` evaluated once. */
export interface CompareNode extends Span {
  readonly type: "Compare";
  readonly left: Expr;
  readonly ops: readonly CompareOp[];
  readonly comparators: readonly Expr[];
}

export interface ConditionalNode extends Span {
  readonly type: "Conditional";
  readonly body: Expr;
  readonly test: Expr;
  readonly orelse: Expr;
}

export interface AttributeNode extends Span {
  readonly type: "Attribute";
  readonly object: Expr;
  readonly name: string;
}

export interface CallNode extends Span {
  readonly type: "Call";
  /** A Name (builtin function) or an Attribute (method); anything else fails at run time. */
  readonly callee: Expr;
  /** May contain Starred arguments: `max(*xs)`. */
  readonly args: readonly Expr[];
  /** A null name is `**value` (keyword unpacking, as in Python's ast). */
  readonly kwargs: readonly { readonly name: string | null; readonly value: Expr }[];
}

export interface IndexNode extends Span {
  readonly type: "Index";
  readonly object: Expr;
  readonly index: Expr;
}

export interface SliceNode extends Span {
  readonly type: "Slice";
  readonly object: Expr;
  readonly lower: Expr | null;
  readonly upper: Expr | null;
  readonly step: Expr | null;
}

/**
 * The target of a comprehension's `for`: a name, a (possibly nested, possibly
 * parenthesised or bracketed) tuple of targets, or `*name` inside a tuple.
 */
export type Target =
  | { readonly kind: "name"; readonly name: string }
  | { readonly kind: "tuple"; readonly elements: readonly Target[] }
  | { readonly kind: "starred"; readonly target: Target };

/** `for a, b in iter if cond if cond2` */
export interface ComprehensionClause {
  /**
   * Every name the target binds, in source order: one name, or several for unpacking
   * (`for i, x in enumerate(xs)`, `for (a, (b, c)) in ...`).
   */
  readonly targets: readonly string[];
  /**
   * The target's structure. The parser always sets it; when a hand-built clause omits it,
   * `targets` binds as a flat tuple (one name binds the whole item).
   */
  readonly target?: Target;
  readonly iter: Expr;
  readonly conditions: readonly Expr[];
}

export interface ListCompNode extends Span {
  readonly type: "ListComp";
  readonly element: Expr;
  readonly clauses: readonly ComprehensionClause[];
}

/** `{x for x in xs}`: a list without duplicates, like SetNode. */
export interface SetCompNode extends Span {
  readonly type: "SetComp";
  readonly element: Expr;
  readonly clauses: readonly ComprehensionClause[];
}

export interface DictCompNode extends Span {
  readonly type: "DictComp";
  readonly key: Expr;
  readonly value: Expr;
  readonly clauses: readonly ComprehensionClause[];
}

export type Expr =
  | LiteralNode
  | NameNode
  | PathNode
  | ListNode
  | DictNode
  | UnaryNode
  | BinaryNode
  | BoolOpNode
  | CompareNode
  | ConditionalNode
  | AttributeNode
  | CallNode
  | IndexNode
  | SliceNode
  | ListCompNode
  | DictCompNode
  | SetNode
  | SetCompNode
  | StarredNode
  | FStringNode;

/**
 * The root of a parsed expression additionally remembers its source text, which error
 * messages quote. Hand-built trees may omit it.
 */
export type RootExpr = Expr & { readonly source?: string };

/** Direct children of a node, in source order (for generic walks). */
export function childrenOf(e: Expr): Expr[] {
  switch (e.type) {
    case "Literal":
    case "Name":
    case "Path":
      return [];
    case "List":
      return [...e.elements];
    case "Dict":
      return e.entries.flatMap((x) => (x.key === null ? [x.value] : [x.key, x.value]));
    case "Set":
      return [...e.elements];
    case "Starred":
      return [e.value];
    case "FString":
      return e.parts.flatMap((p) => (typeof p === "string" ? [] : p.spec === null ? [p.value] : [p.value, p.spec]));
    case "Unary":
      return [e.operand];
    case "Binary":
      return [e.left, e.right];
    case "BoolOp":
      return [...e.values];
    case "Compare":
      return [e.left, ...e.comparators];
    case "Conditional":
      return [e.body, e.test, e.orelse];
    case "Attribute":
      return [e.object];
    case "Call":
      return [e.callee, ...e.args, ...e.kwargs.map((k) => k.value)];
    case "Index":
      return [e.object, e.index];
    case "Slice":
      return [e.object, ...[e.lower, e.upper, e.step].filter((x): x is Expr => x !== null)];
    case "ListComp":
    case "SetComp":
      return [e.element, ...e.clauses.flatMap((c) => [c.iter, ...c.conditions])];
    case "DictComp":
      return [e.key, e.value, ...e.clauses.flatMap((c) => [c.iter, ...c.conditions])];
  }
}

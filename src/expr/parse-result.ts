/**
 * Parsers in this directory report failure as data rather than throwing: the validator
 * turns a failed parse into a diagnostic and keeps going, and the caches store failures
 * as well as successes.
 */

export interface SyntaxProblem {
  message: string;
  /** 0-based offset into the parsed text where the problem was detected. */
  offset: number;
  /**
   * Set when the text is valid Python expression syntax that flowsmith deliberately does not
   * support (lambda, walrus `:=`, `yield`/`await`, bitwise operators, Ellipsis, tuple
   * subscripts, bytes and complex literals, ...). Globus's own parser may accept such text,
   * so a validator can report it with a lower severity than a plain syntax error. Absent
   * (never `false`) for ordinary syntax errors.
   */
  unsupported?: true;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: SyntaxProblem };

export function parseOk<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

export function parseFail<T>(message: string, offset: number, unsupported = false): ParseResult<T> {
  return { ok: false, error: unsupported ? { message, offset, unsupported: true } : { message, offset } };
}

/**
 * A small LRU used for the parse caches: definitions repeat the same few paths and
 * expressions on every state visit, but a long-lived runtime must not grow without bound.
 */
export class BoundedCache<V> {
  private readonly map = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string): V | undefined {
    // Hits do not reorder: eviction is by insertion age. Re-inserting on every hit cost a
    // measurable share of each engine transition, and the limit is rarely reached.
    return this.map.get(key);
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.limit) {
      const oldest = this.map.keys().next();
      if (!oldest.done) this.map.delete(oldest.value);
    }
  }

  get size(): number {
    return this.map.size;
  }
}

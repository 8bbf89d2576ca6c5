/**
 * A local Globus Search index: the hosted ingest and delete action providers
 * (actions.globus.org/search/{ingest,delete}; docs: hosted-action-providers/ap_search_ingest,
 * ap_search_delete — input search_index, subject, visible_to, content, optional id) write
 * entries, and a Search API subset reads them (`GET /v1/index/{id}/subject?subject=`,
 * `GET|POST /v1/index/{id}/search`). Entries are visible to the principals in visible_to
 * ("public" is everyone), as Search filters results.
 */
import { randomUUID } from "node:crypto";
import { ActionProviderError, type ActionProvider } from "../../providers/types.js";
import type { DocStore } from "../store.js";
import { requireString, syncProvider } from "./sync.js";

export interface SearchEntry {
  search_index: string;
  subject: string;
  entry_id: string | null;
  content: unknown;
  visible_to: string[];
  ingested_at: string;
}

const key = (index: string, subject: string, entryId: string | null) => JSON.stringify([index, subject, entryId]);

export class LocalSearch {
  constructor(
    private readonly store: DocStore,
    private readonly now: () => Date,
  ) {}

  ingest(e: Omit<SearchEntry, "ingested_at">): SearchEntry {
    const entry = { ...e, ingested_at: this.now().toISOString() };
    const k = key(e.search_index, e.subject, e.entry_id);
    this.store.transaction(() => {
      this.store.put("search_entry", k, entry);
      this.store.index("search_entry", k, "index", e.search_index);
    });
    return entry;
  }

  /** Delete one entry (entry_id given) or every entry of the subject; answers how many went. */
  remove(index: string, subject: string, entryId?: string | null): number {
    const gone = this.entries(index).filter((e) => e.subject === subject && (entryId === undefined || e.entry_id === entryId));
    this.store.transaction(() => gone.forEach((e) => this.store.delete("search_entry", key(e.search_index, e.subject, e.entry_id))));
    return gone.length;
  }

  entries(index: string): SearchEntry[] {
    return this.store.find<SearchEntry>("search_entry", "index", index);
  }

  private visible(e: SearchEntry, principals: string[]): boolean {
    return e.visible_to.includes("public") || e.visible_to.some((p) => principals.includes(p));
  }

  /** GMetaResult-shaped documents of the entries `principals` may see. */
  subject(index: string, subject: string, principals: string[]) {
    const entries = this.entries(index).filter((e) => e.subject === subject && this.visible(e, principals));
    if (!entries.length) return undefined;
    return { "@datatype": "GMetaResult", "@version": "2019-08-27", subject, entries: entries.map((e) => ({ entry_id: e.entry_id, content: e.content, matched_principal_sets: [] })) };
  }

  /** A plain substring query over the JSON of each entry's content ("*" matches all). */
  search(index: string, q: string, principals: string[], limit = 10, offset = 0) {
    const needle = q.trim().toLowerCase();
    const hits = this.entries(index).filter((e) => this.visible(e, principals) && (needle === "" || needle === "*" || JSON.stringify(e.content).toLowerCase().includes(needle) || e.subject.toLowerCase().includes(needle)));
    const subjects = [...new Set(hits.map((e) => e.subject))];
    const page = subjects.slice(offset, offset + limit);
    return {
      "@datatype": "GSearchResult",
      "@version": "2017-09-01",
      count: page.length,
      offset,
      total: subjects.length,
      has_next_page: offset + limit < subjects.length,
      gmeta: page.map((s) => this.subject(index, s, principals)),
    };
  }
}

export function createSearchProviders(store: DocStore, search: LocalSearch, now: () => Date): { search_ingest: ActionProvider; search_delete: ActionProvider } {
  return {
    search_ingest: syncProvider(store, "search_ingest", now, (body) => {
      const index = requireString(body, "search_index");
      const subject = requireString(body, "subject");
      const visible = body.visible_to;
      if (!Array.isArray(visible) || visible.length === 0 || visible.some((v) => typeof v !== "string")) throw new ActionProviderError("BadRequest", 'visible_to must be a non-empty list of principal URNs or "public"');
      if (!body.content || typeof body.content !== "object") throw new ActionProviderError("BadRequest", "content must be a JSON object");
      const entryId = body.id === undefined || body.id === null ? null : String(body.id);
      search.ingest({ search_index: index, subject, entry_id: entryId, content: body.content, visible_to: visible as string[] });
      return { task_id: randomUUID(), search_index: index, subject, entry_id: entryId, state: "SUCCESS" };
    }),
    search_delete: syncProvider(store, "search_delete", now, (body) => {
      const index = requireString(body, "search_index");
      const subject = requireString(body, "subject");
      const removed = search.remove(index, subject, body.entry_id === undefined ? undefined : (body.entry_id as string | null));
      return { task_id: randomUUID(), search_index: index, subject, removed, state: "SUCCESS" };
    }),
  };
}

import { describe, expect, it } from "vitest";
import { FilterRules } from "../../../src/local/transfer/filter-rules.js";
import { globMatch, hasGlobMagic } from "../../../src/local/transfer/glob.js";
import { deriveTaskId, defaultUsername, uuidV5 } from "../../../src/local/transfer/ids.js";
import { parseTaskFilter } from "../../../src/local/transfer/task-list.js";
import type { TaskDocument } from "../../../src/local/transfer/types.js";

describe("globs on names", () => {
  it("supports * ? [..] [!..] and escapes, with * matching dots", () => {
    expect(globMatch("*.txt", "a.b.txt")).toBe(true);
    expect(globMatch("*", ".hidden")).toBe(true);
    expect(globMatch("f?.log", "f1.log")).toBe(true);
    expect(globMatch("f?.log", "f10.log")).toBe(false);
    expect(globMatch("[ab]*", "beta")).toBe(true);
    expect(globMatch("[!ab]*", "beta")).toBe(false);
    expect(globMatch("\\*.txt", "*.txt")).toBe(true);
    expect(globMatch("\\*.txt", "a.txt")).toBe(false);
    expect(globMatch("a+b(c)", "a+b(c)")).toBe(true);
    expect(hasGlobMagic("plain.txt")).toBe(false);
    expect(hasGlobMagic("x[0-9]")).toBe(true);
  });
});

describe("filter rules", () => {
  const rules = new FilterRules([
    { DATA_TYPE: "filter_rule", method: "include", name: "keep*", type: "file" },
    { DATA_TYPE: "filter_rule", method: "exclude", name: "*.tmp" },
    { DATA_TYPE: "filter_rule", method: "exclude", name: "cache", type: "dir" },
  ]);
  it("first matching rule wins, type restricts a rule, unmatched names are included", () => {
    expect(rules.includes("keep.tmp", "file")).toBe(true);
    expect(rules.includes("keep.tmp", "dir")).toBe(false);
    expect(rules.includes("x.tmp", "file")).toBe(false);
    expect(rules.includes("cache", "dir")).toBe(false);
    expect(rules.includes("cache", "file")).toBe(true);
    expect(rules.includes("other", "file")).toBe(true);
  });
});

describe("derived identifiers", () => {
  it("uuidV5 matches RFC 4122 (DNS namespace, 'python.org')", () => {
    expect(uuidV5("python.org", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe("886313e1-3b8a-5372-9b90-0c9aee199e5d");
  });

  it("task ids are stable per (owner, submission_id)", () => {
    expect(deriveTaskId("a", "s")).toBe(deriveTaskId("a", "s"));
    expect(deriveTaskId("a", "s")).not.toBe(deriveTaskId("b", "s"));
  });

  it("usernames are u_ + 26 base32 characters of the identity id", () => {
    expect(defaultUsername("ae332d86-d274-11e5-b885-b31714a110e9")).toMatch(/^u_[a-z2-7]{26}$/);
    expect(defaultUsername("not-a-uuid")).toBe("not-a-uuid");
  });
});

describe("task_list filter", () => {
  const doc = { task_id: "t1", status: "SUCCEEDED", type: "DELETE", label: "Nightly Sync", owner_id: "o", request_time: "2021-01-15T18:11:31+00:00", completion_time: null } as unknown as TaskDocument;
  it("combines clauses with / and supports ranges and ~ label search", () => {
    expect(parseTaskFilter("status:ACTIVE,SUCCEEDED/type:DELETE", "/task_list")(doc)).toBe(true);
    expect(parseTaskFilter("label:~nightly", "/task_list")(doc)).toBe(true);
    expect(parseTaskFilter("request_time:2021-01-01,2021-02-01", "/task_list")(doc)).toBe(true);
    expect(parseTaskFilter("request_time:2022-01-01,", "/task_list")(doc)).toBe(false);
    expect(parseTaskFilter("completion_time:2021-01-01,", "/task_list")(doc)).toBe(false);
    expect(() => parseTaskFilter("colour:red", "/task_list")).toThrow();
  });
});

import { describe, expect, it } from "vitest";
import { freeNames, readAccesses, readPaths } from "../../src/expr/index.js";
import { parse } from "./helpers.js";

describe("freeNames", () => {
  it.each([
    ["foo + ' ' + object_val.sub_val1", ["foo", "object_val"]],
    ["source.path.rstrip('/')", ["source"]],
    ["`$.compute_results.low` + x", ["compute_results", "x"]],
    ["'/' + _context.run_id + '/'", ["_context"]],
    ["[f.name for f in ls.details.DATA[state.i:state.i+step]]", ["ls", "state", "step"]],
    ["[a + b for a in xs for b in ys if a > limit]", ["xs", "ys", "limit"]],
    ["[x for x in x]", ["x"]],
    ["{k: v for k, v in d.items()}", ["d"]],
    ["len(items) + str(count)", ["items", "count"]],
    ["len", ["len"]],
    ["is_present('a.b') and getattr('c.d', e)", ["e"]],
    ["True and None or 1", []],
    ["[[y for y in row] for row in rows]", ["rows"]],
    ["[y for row in rows for y in row] + [row]", ["rows", "row"]],
  ])("%s", (src, names) => {
    expect(freeNames(parse(src))).toEqual(names);
  });
});

describe("readPaths", () => {
  it.each([
    ["source.path.rstrip('/')", ["source.path"]],
    ["`$.compute_results.low`", ["compute_results.low"]],
    ["`$.file_manager_settings.DATA[0].source_path`", ["file_manager_settings.DATA[0].source_path"]],
    ["`$.a[*].b` + `$.c[1:]` + `$..d`", ["a[*].b", "c"]],
    ["`$['odd key'].x`", ["['odd key'].x"]],
    ["foo + ' ' + object_val.sub_val1", ["foo", "object_val.sub_val1"]],
    ["d['key'].x + d[0] + d[-1] + d[i]", ["d.key.x", "d[0]", "d[-1]", "i", "d[*]"]],
    ["is_present('a.b')", ["a.b"]],
    ["getattr('destination_path', '/~/' + pathsplit(compute_func_result.details.result[0])[1])", ["destination_path", "compute_func_result.details.result[0]"]],
    ["d.get('k', 1)", ["d", "d.k"]],
    ["'/' + _context.run_id", ["_context.run_id"]],
    [
      "state.batches + [[file.name for file in ls.details.DATA[state.i:state.i+step]]]",
      ["state.batches", "state.i", "step", "ls.details.DATA", "ls.details.DATA[*].name"],
    ],
    [
      "[{'path': source.path.rstrip('/') + '/' + item.name} for item in ls_results.details.DATA]",
      ["ls_results.details.DATA", "source.path", "ls_results.details.DATA[*].name"],
    ],
    [
      "[{'source_path': source_path, 'recursive': True if source_path.endswith('/') else False} for source_path in source_paths]",
      ["source_paths"],
    ],
    [
      "['~' in t.source_path or t.source_path == '/' for t in transfer_settings.DATA] == [False] * len(transfer_settings.DATA)",
      ["transfer_settings.DATA", "transfer_settings.DATA[*].source_path"],
    ],
    ["[[c for c in row.cells] for row in table.rows]", ["table.rows", "table.rows[*].cells"]],
    ["[i for i, v in enumerate(xs)]", ["xs"]],
    ["(a or b).c", ["a", "b"]],
    ["x if c else y.z", ["x", "c", "y.z"]],
  ])("%s", (src, paths) => {
    expect(readPaths(parse(src))).toEqual(paths);
  });
});

describe("readAccesses", () => {
  it("marks is_present/getattr/dict.get reads as optional and gives spans", () => {
    const src = "getattr('a.b', 1) + d.get('k') + is_present('p') + x.y";
    const accesses = readAccesses(parse(src));
    expect(accesses.map(({ path, optional }) => [path, optional])).toEqual([
      ["a.b", true],
      ["d", false],
      ["d.k", true],
      ["p", true],
      ["x.y", false],
    ]);
    const xy = accesses.find((a) => a.path === "x.y")!;
    expect(src.slice(xy.start, xy.end)).toBe("x.y");
  });
});

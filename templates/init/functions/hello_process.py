"""Globus Compute function: summarise the text files of a run directory.

Registered as pure source: the endpoint execs this whole file in an empty
namespace and calls ``hello_process(**kwargs)``.  Standard library only;
nothing runs at import time.
"""

import fnmatch
import json
import os

_SUMMARY_NAME = "summary.json"


def hello_process(input_dir, output_dir, pattern="*.txt"):
    """Count the lines, words and bytes of the matching files of a run directory.

    Runs on the flow's Globus Compute endpoint (the local runtime's endpoint, or
    one on an HPC login node such as ALCF Polaris or NERSC Perlmutter), after
    the flow has copied the run directory to storage that endpoint can read.
    Walks ``input_dir`` (skipping ``output_dir`` when it is inside it), counts
    every file whose path relative to ``input_dir`` matches ``pattern``, and
    writes the counts to ``<output_dir>/summary.json`` (atomically).

    Args:
        input_dir: absolute path of the run directory on the endpoint's
            filesystem.
        output_dir: absolute path of the directory summary.json is written to
            (created if missing).
        pattern: glob matched against each file's relative path and against
            its name, e.g. ``"*.txt"``.

    Returns:
        dict: ``input_dir``, ``summary`` (path of summary.json), ``files`` (a
        list of ``{path, lines, words, bytes}``, ``path`` relative to
        input_dir, sorted) and ``totals`` (``{files, lines, words, bytes}``).

    Raises:
        ValueError: an argument is malformed (the message names it).
        FileNotFoundError: input_dir does not exist.
        RuntimeError: no file of input_dir matches the pattern.
    """
    input_dir = _check_abs(input_dir, "input_dir")
    output_dir = _check_abs(output_dir, "output_dir")
    if not isinstance(pattern, str) or not pattern or "\0" in pattern:
        raise ValueError(f"pattern must be a non-empty string, got {pattern!r}")
    if not os.path.isdir(input_dir):
        raise FileNotFoundError(f"input_dir not found: {input_dir}")

    files = []
    for dirpath, dirnames, filenames in os.walk(input_dir):
        dirnames[:] = sorted(d for d in dirnames if os.path.join(dirpath, d) != output_dir)
        for name in sorted(filenames):
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, input_dir).replace(os.sep, "/")
            if not (fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(name, pattern)):
                continue
            with open(full, "rb") as f:
                data = f.read()
            files.append({"path": rel, "lines": _count_lines(data), "words": len(data.split()), "bytes": len(data)})
    if not files:
        raise RuntimeError(f"no file in {input_dir} matches {pattern!r}")
    files.sort(key=lambda entry: entry["path"])

    totals = {"files": len(files)}
    for key in ("lines", "words", "bytes"):
        totals[key] = sum(entry[key] for entry in files)
    os.makedirs(output_dir, exist_ok=True)
    summary = os.path.join(output_dir, _SUMMARY_NAME)
    partial = summary + ".partial"
    with open(partial, "w", encoding="utf-8") as f:
        json.dump({"input_dir": input_dir, "pattern": pattern, "files": files, "totals": totals}, f, indent=2)
        f.write("\n")
    os.replace(partial, summary)
    return {"input_dir": input_dir, "summary": summary, "files": files, "totals": totals}


def _check_abs(value, name):
    if not isinstance(value, str) or not value or "\0" in value:
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    if not os.path.isabs(value):
        raise ValueError(f"{name} must be an absolute path, got {value!r}")
    return os.path.normpath(value)


def _count_lines(data):
    """Lines as `wc -l` counts them, plus a last line without a newline."""
    if not data:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)

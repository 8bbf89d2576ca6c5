"""One persistent worker of a local Globus Compute endpoint (flowsmith's local runtime).

The pool (pool.ts) starts it as ``python3 worker.py <result_dir> <endpoint_id>`` in its own
process group and talks JSON lines over stdin/stdout:

  -> {"type": "run", "task_id", "function_id", "name"?, "source"?, "args": "<json list>",
      "kwargs": "<json object>", "serializers": ["11", ...]}
  <- {"type": "ready", "pid", "python_version", "executable"}        (once, at start)
  <- {"type": "done", "task_id", "status", "result"|"exception", "completion_t", "details"}

``name``/``source`` come only the first time this worker sees a function; the source is
exec'd once in a fresh namespace (as the endpoint's pure-source strategy does) and the
function is reused.  Every answer is first written to ``<result_dir>/<task_id>.json``
(temporary file + rename) so that a runtime killed while the task ran can collect it on
restart; an end of input (the runtime closed the pipe, or died) lets the current task
finish and then exits.  Standard library only.
"""

import codecs
import json
import linecache
import os
import pickle
import platform
import sys
import time
import traceback

RESULT_SIZE_LIMIT = 10 * 1024 * 1024  # the endpoint's _RESULT_SIZE_LIMIT
ERROR_DETAILS = {"code": "RemoteExecutionError", "user_message": "An error occurred during the execution of this task"}


class SerializationError(Exception):
    pass


class MaxResultSizeExceeded(Exception):
    pass


def pack_buffers(buffers):
    return "".join(f"{len(b)}\n{b}" for b in buffers)


def serialize_one(value, strategy):
    if strategy == "11":
        return "11\n" + json.dumps(value)
    if strategy == "00":
        # dill.loads reads a plain pickle, so a Python client still gets its value back.
        return "00\n" + codecs.encode(pickle.dumps(value), "base64").decode()
    if strategy == "13":
        parts = []
        for sub in ("11", "00"):
            try:
                parts.append(serialize_one(value, sub))
            except Exception:
                pass
        if not parts:
            raise SerializationError("All strategies failed.")
        return "13\n" + pack_buffers(parts)
    raise SerializationError(f"Unknown result strategy {strategy!r}")


def serialize_from_list(value, strategies):
    for strategy in strategies:
        try:
            return serialize_one(value, strategy)
        except Exception:
            continue
    raise SerializationError("All strategies failed.")


def error_text(exc):
    # Drop this file's frames so the traceback starts in the user's code.
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(exc), exc, tb))


class Worker:
    def __init__(self, result_dir, endpoint_id):
        self.result_dir = result_dir
        self.sources = {}
        self.functions = {}
        self.static_details = {
            "os": platform.platform(),
            "python_version": platform.python_version(),
            "endpoint_id": endpoint_id,
            "worker_pid": os.getpid(),
        }

    def function(self, function_id):
        fn = self.functions.get(function_id)
        if fn is None:
            name, source = self.sources[function_id]
            filename = f"<compute function {name} {function_id}>"
            # Registering the source lets tracebacks show the failing lines.
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
            namespace = {}
            exec(compile(source, filename, "exec"), namespace)
            fn = namespace[name]
            self.functions[function_id] = fn
        return fn

    def run(self, msg):
        function_id = msg["function_id"]
        if "source" in msg:
            self.sources[function_id] = (msg["name"], msg["source"])
        start = time.time()
        record = {"task_id": msg["task_id"]}
        try:
            fn = self.function(function_id)
            args = json.loads(msg["args"])
            kwargs = json.loads(msg["kwargs"])
            value = fn(*args, **kwargs)
            result = serialize_from_list(value, msg["serializers"])
            if len(result) > RESULT_SIZE_LIMIT:
                raise MaxResultSizeExceeded(f"Task result of {len(result)}B exceeded current limit of {RESULT_SIZE_LIMIT}B")
            record["status"] = "success"
            record["result"] = result
        except BaseException as exc:  # SystemExit and KeyboardInterrupt from user code fail the task, not the worker
            record["status"] = "failed"
            record["exception"] = error_text(exc)
            record["error_details"] = ERROR_DETAILS
        end = time.time()
        record["completion_t"] = repr(end)
        record["details"] = dict(self.static_details, task_transitions={"execution-start": start, "execution-end": end})
        return record

    def persist(self, record):
        task_id = record["task_id"]
        final = os.path.join(self.result_dir, task_id + ".json")
        tmp = os.path.join(self.result_dir, f".{task_id}.{os.getpid()}.tmp")
        # 0600: results can hold anything a function returned (the runtime's data dir is 0700 too).
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.replace(tmp, final)


def main():
    result_dir, endpoint_id = sys.argv[1], sys.argv[2]
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0] or ".") == here:
        sys.path.pop(0)
    # Keep private copies of the protocol pipes, then point fds 0/1 elsewhere so that
    # print() and child processes in user code cannot read or corrupt the protocol.
    # os.dup makes non-inheritable descriptors, so children never hold the pipes.
    proto_in = os.fdopen(os.dup(0), "rb")
    proto_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    os.makedirs(result_dir, exist_ok=True)

    worker = Worker(result_dir, endpoint_id)
    parent_gone = False

    def reply(msg):
        nonlocal parent_gone
        if parent_gone:
            return
        try:
            proto_out.write(json.dumps(msg).encode() + b"\n")
            proto_out.flush()
        except OSError:
            parent_gone = True

    reply({"type": "ready", "pid": os.getpid(), "python_version": platform.python_version(), "executable": sys.executable})
    while True:
        line = proto_in.readline()
        if not line:
            return
        try:
            msg = json.loads(line)
        except ValueError:
            print(f"worker {os.getpid()}: ignoring malformed line {line[:200]!r}", file=sys.stderr, flush=True)
            continue
        if msg.get("type") != "run":
            continue
        task_id = str(msg.get("task_id", ""))
        if not task_id or "/" in task_id or task_id.startswith("."):
            print(f"worker {os.getpid()}: refusing task id {task_id!r}", file=sys.stderr, flush=True)
            continue
        record = worker.run(msg)
        try:
            worker.persist(record)
        except OSError as exc:
            print(f"worker {os.getpid()}: could not write the result file of {task_id}: {exc}", file=sys.stderr, flush=True)
        reply(dict(record, type="done"))


if __name__ == "__main__":
    main()

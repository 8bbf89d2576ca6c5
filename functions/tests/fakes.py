"""Shared test helpers: load a function the way the endpoint does, fake programs on PATH.

Not a test module (the name does not start with ``test``).  Importable because
``unittest discover -t functions/tests`` puts functions/tests on sys.path.
"""

import json
import os
import shlex
import shutil
import sys
import tempfile
import textwrap
import unittest
from unittest import mock

FUNCTIONS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if FUNCTIONS_DIR not in sys.path:  # lets a test import a function module directly if it wants to
    sys.path.insert(0, FUNCTIONS_DIR)

ENV_KEYS = ("OMP_NUM_THREADS", "FIT_CONFIGFILE")

_PREAMBLE = '''#!{python}
import json, os, sys, time
with open({log!r}, "a") as _f:
    _f.write(json.dumps({{"prog": os.path.basename(sys.argv[0]), "argv": sys.argv[1:],
                          "cwd": os.getcwd(),
                          "env": {{k: os.environ.get(k) for k in {keys!r}}}}}) + "\\n")
'''


def function_path(name):
    return os.path.join(FUNCTIONS_DIR, name + ".py")


def load_function(name):
    """Exec functions/<name>.py in an empty namespace and return <name> (what the endpoint does)."""
    path = function_path(name)
    with open(path, encoding="utf-8") as f:
        source = f.read()
    namespace = {}
    exec(compile(source, path, "exec"), namespace)
    return namespace[name]


class FakeProgramsTestCase(unittest.TestCase):
    """Base class: a temp dir per test, a fake bin dir first on PATH, and a call log.

    Every fake program/script appends ``{"prog", "argv" (without argv[0]),
    "cwd", "env"}`` to ``calls.jsonl`` before running its body.
    """

    def setUp(self):
        super().setUp()
        self.tmp = os.path.realpath(tempfile.mkdtemp(prefix="flowsmith-fn-"))
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.bin = os.path.join(self.tmp, "bin")
        os.mkdir(self.bin)
        self.log = os.path.join(self.tmp, "calls.jsonl")
        patcher = mock.patch.dict(os.environ, {"PATH": self.bin + os.pathsep + os.environ.get("PATH", "")})
        patcher.start()  # restores the whole environment afterwards
        self.addCleanup(patcher.stop)
        for key in ENV_KEYS:  # so "set by the function" is distinguishable from "inherited"
            os.environ.pop(key, None)

    def write_script(self, path, body=""):
        """Write an executable Python stand-in at ``path`` (parent dirs created)."""
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(_PREAMBLE.format(python=sys.executable, log=self.log, keys=ENV_KEYS))
            f.write(textwrap.dedent(body))
        os.chmod(path, 0o755)
        return path

    def add_program(self, name, body=""):
        """Put a fake program called ``name`` first on PATH."""
        return self.write_script(os.path.join(self.bin, name), body)

    def add_passthrough_python(self, name="python"):
        """A fake ``python`` that logs its argv then execs the real interpreter."""
        return self.add_program(name, "os.execv(sys.executable, [sys.executable] + sys.argv[1:])\n")

    def calls(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def touch(self, path, content="x"):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(content)
        return path

    # -- assertions -------------------------------------------------------
    def assertRejects(self, fn, arg, exc=ValueError, **kwargs):
        """fn(**kwargs) raises ``exc`` whose message names ``arg``, and nothing was executed."""
        before = len(self.calls())
        with self.assertRaises(exc) as ctx:
            fn(**kwargs)
        self.assertIn(arg, str(ctx.exception))
        self.assertEqual(len(self.calls()), before, "no program may run when validation fails")
        return ctx.exception

    def assertJsonRoundTrip(self, value):
        self.assertIsInstance(value, dict)
        self.assertEqual(json.loads(json.dumps(value)), value)

    def assertFailureMessage(self, exc, argv, code, present=(), absent=()):
        """The RuntimeError names the command line, the exit code and the stderr tail."""
        msg = str(exc)
        self.assertIn(shlex.join(argv), msg)
        self.assertIn(f"exit code {code}", msg)
        for text in present:
            self.assertIn(text, msg)
        for text in absent:
            self.assertNotIn(text, msg)


FAIL_BODY = '''
for i in range(1, 31):
    sys.stderr.write(f"err-line-{i:02d}\\n")
print("some stdout")
sys.exit(3)
'''
"""A program body that writes 30 stderr lines and exits 3 (only the last 20 should be reported)."""

SLEEP_BODY = "time.sleep(30)\n"

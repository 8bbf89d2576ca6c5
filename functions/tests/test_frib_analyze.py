import os
import time

import fakes

ANALYSIS_BODY = '''
args = sys.argv[1:]
out = args[args.index("--output-dir") + 1]
os.makedirs(os.path.join(out, "hists"), exist_ok=True)
open(os.path.join(out, "run0123-sorted.root"), "w").close()
open(os.path.join(out, "hists", "summary.txt"), "w").close()
print("analysis complete")
'''


class AnalyzeTest(fakes.FakeProgramsTestCase):
    def setUp(self):
        super().setUp()
        self.fn = fakes.load_function("frib_analyze")
        self.converted = self.path("converted", "run0123")
        self.touch(os.path.join(self.converted, "run-0123-00.root"))
        self.analyzed = self.path("analyzed", "run0123")
        self.add_program("e21062-analysis", ANALYSIS_BODY)

    def kwargs(self, **over):
        kw = dict(converted_dir=self.converted, analyzed_dir=self.analyzed)
        kw.update(over)
        return kw

    def test_success(self):
        result = self.fn(**self.kwargs())
        expected = ["e21062-analysis", "--input-dir", self.converted, "--output-dir", self.analyzed]
        self.assertEqual(result["command"], expected)
        call, = self.calls()
        self.assertEqual(call["argv"], expected[1:])
        self.assertEqual(call["cwd"], self.analyzed)
        self.assertEqual(result["files"], [os.path.join(self.analyzed, "hists", "summary.txt"),
                                           os.path.join(self.analyzed, "run0123-sorted.root")])
        self.assertEqual(result["file_count"], 2)
        self.assertEqual(result["returncode"], 0)
        self.assertIn("analysis complete", result["stdout_tail"])
        self.assertJsonRoundTrip(result)

    def test_analysis_args_appended(self):
        self.add_program("betasort", ANALYSIS_BODY)
        result = self.fn(**self.kwargs(analysis_program="betasort", analysis_args=["--segments", "2", "-v"]))
        self.assertEqual(result["command"], ["betasort", "--input-dir", self.converted, "--output-dir",
                                             self.analyzed, "--segments", "2", "-v"])
        self.assertEqual(self.calls()[0]["argv"], result["command"][1:])

    def test_rejects_bad_dirs(self):
        for arg in ("converted_dir", "analyzed_dir"):
            for bad in ("rel/dir", "", None):
                with self.subTest(arg=arg, bad=bad):
                    self.assertRejects(self.fn, arg, **self.kwargs(**{arg: bad}))
        self.assertRejects(self.fn, "converted_dir", FileNotFoundError,
                           **self.kwargs(converted_dir=self.path("missing")))

    def test_rejects_bad_analysis_args(self):
        for bad in ("-v", [1], [None], {"a": "b"}):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "analysis_args", **self.kwargs(analysis_args=bad))

    def test_rejects_bad_program(self):
        self.assertRejects(self.fn, "analysis_program", FileNotFoundError,
                           **self.kwargs(analysis_program="no-such-analysis"))
        self.assertRejects(self.fn, "analysis_program", **self.kwargs(analysis_program="bin/x"))

    def test_rejects_bad_timeout(self):
        for bad in (0, -3, "2", True):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "timeout", **self.kwargs(timeout=bad))

    def test_failure_reports_command_exit_code_and_stderr_tail(self):
        self.add_program("e21062-analysis", fakes.FAIL_BODY)
        with self.assertRaises(RuntimeError) as ctx:
            self.fn(**self.kwargs())
        self.assertFailureMessage(ctx.exception, ["e21062-analysis", "--input-dir", self.converted,
                                                  "--output-dir", self.analyzed], 3,
                                  present=("err-line-11", "err-line-30"), absent=("err-line-10",))

    def test_empty_output_is_an_error(self):
        self.add_program("e21062-analysis", "pass\n")
        with self.assertRaisesRegex(RuntimeError, "analyzed_dir is empty"):
            self.fn(**self.kwargs())

    def test_killed_by_signal_is_reported(self):
        self.add_program("e21062-analysis", "import signal\nos.kill(os.getpid(), signal.SIGTERM)\n")
        with self.assertRaisesRegex(RuntimeError, r"exit code -15 \(killed by signal 15\)"):
            self.fn(**self.kwargs())

    def test_timeout(self):
        self.add_program("e21062-analysis", fakes.SLEEP_BODY)
        start = time.monotonic()
        with self.assertRaisesRegex(RuntimeError, "timed out after 0.25 s"):
            self.fn(**self.kwargs(timeout=0.25))
        self.assertLess(time.monotonic() - start, 10)

    def test_timeout_kills_grandchildren_holding_the_pipes(self):
        self.add_program("e21062-analysis", '''
import subprocess
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
time.sleep(30)
''')
        start = time.monotonic()
        with self.assertRaisesRegex(RuntimeError, "timed out after 0.25 s"):
            self.fn(**self.kwargs(timeout=0.25))
        self.assertLess(time.monotonic() - start, 4, "the whole process group must be killed")

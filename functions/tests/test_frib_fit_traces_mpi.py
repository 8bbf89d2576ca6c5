import os
import time

import fakes

# Fake srun: emulates "srun -n N [launcher args] EventEditor --source file://in --sink file://out ...".
SRUN_BODY = '''
args = sys.argv[1:]
src = args[args.index("--source") + 1][len("file://"):]
sink = args[args.index("--sink") + 1][len("file://"):]
if src.endswith({fail_suffix!r}):
    sys.stderr.write("EventEditor: fit failed\\n" * 3 + "rank 3 aborted\\n")
    sys.exit(7)
with open(src) as fi, open(sink, "w") as fo:
    fo.write("fitted:" + fi.read())
print("fitted", os.path.basename(src))
'''


class FitTracesMpiTest(fakes.FakeProgramsTestCase):
    def setUp(self):
        super().setUp()
        self.fn = fakes.load_function("frib_fit_traces_mpi")
        self.run_dir = self.path("rawdata", "run0123")
        for seg in ("run-0123-01.evt", "run-0123-00.evt", "run-0123-10.evt"):
            self.touch(os.path.join(self.run_dir, seg), seg)
        self.touch(os.path.join(self.run_dir, "run-0124-00.evt"))  # another run: ignored
        self.touch(os.path.join(self.run_dir, "readme.txt"))       # not a segment: ignored
        self.fit_dir = self.path("fit", "run0123")
        self.add_program("srun", SRUN_BODY.format(fail_suffix="NEVER"))

    def kwargs(self, **over):
        kw = dict(run_dir=self.run_dir, fit_dir=self.fit_dir)
        kw.update(over)
        return kw

    def expected_argv(self, seg, nranks="64", launcher="srun", launcher_args=(), editor="EventEditor",
                      lib="/usr/opt/ddastoys/lib/libFitEditorAnalytic.so"):
        return [launcher, "-n", nranks, *launcher_args, editor,
                "--source", "file://" + os.path.join(self.run_dir, seg),
                "--sink", "file://" + os.path.join(self.fit_dir, seg),
                "--editorlib", lib, "--workers", nranks, "--parallel-strategy", "mpi"]

    def test_success_fits_every_segment_in_order(self):
        result = self.fn(**self.kwargs())
        segs = ["run-0123-00.evt", "run-0123-01.evt", "run-0123-10.evt"]
        calls = self.calls()
        self.assertEqual([c["argv"] for c in calls], [self.expected_argv(s)[1:] for s in segs])
        self.assertTrue(all(c["cwd"] == self.fit_dir for c in calls))
        self.assertTrue(all(c["env"]["FIT_CONFIGFILE"] is None for c in calls))
        self.assertEqual(result["run"], 123)
        self.assertEqual(result["run_dir"], self.run_dir)
        self.assertEqual(result["fit_dir"], self.fit_dir)
        self.assertEqual([s["input"] for s in result["segments"]], [os.path.join(self.run_dir, s) for s in segs])
        self.assertEqual(result["outputs"], [os.path.join(self.fit_dir, s) for s in segs])
        self.assertEqual([s["returncode"] for s in result["segments"]], [0, 0, 0])
        self.assertEqual(result["commands"], [self.expected_argv(s) for s in segs])
        self.assertEqual(result["command"], self.expected_argv(segs[-1]))
        self.assertEqual(result["returncode"], 0)
        self.assertEqual(result["env"], {})
        with open(result["outputs"][0]) as f:
            self.assertEqual(f.read(), "fitted:run-0123-00.evt")
        self.assertIn("fitted run-0123-10.evt", result["stdout_tail"])
        self.assertJsonRoundTrip(result)

    def test_options_and_fit_config_env(self):
        cfg = self.touch(self.path("cfg", "fitconfig.txt"))
        self.add_program("mpirun-wrap", SRUN_BODY.format(fail_suffix="NEVER"))
        launcher_args = ["--mpi=pmi2", "shifter", "--image=docker:fribdaq/frib-bullseye:v4.2"]
        result = self.fn(**self.kwargs(nranks=8, editor="/usr/opt/daq/bin/EventEditor",
                                       editor_lib="/opt/lib/libFitEditorTemplate.so", fit_config=cfg,
                                       launcher="mpirun-wrap", launcher_args=launcher_args))
        first = self.expected_argv("run-0123-00.evt", nranks="8", launcher="mpirun-wrap",
                                   launcher_args=launcher_args, editor="/usr/opt/daq/bin/EventEditor",
                                   lib="/opt/lib/libFitEditorTemplate.so")
        self.assertEqual(result["commands"][0], first)
        self.assertEqual(self.calls()[0]["argv"], first[1:])
        self.assertEqual({c["env"]["FIT_CONFIGFILE"] for c in self.calls()}, {cfg})
        self.assertEqual(result["env"], {"FIT_CONFIGFILE": cfg})
        self.assertJsonRoundTrip(result)

    def test_creates_fit_dir(self):
        self.assertFalse(os.path.exists(self.fit_dir))
        self.fn(**self.kwargs())
        self.assertTrue(os.path.isdir(self.fit_dir))

    def test_rejects_bad_run_dir(self):
        for bad in ("rawdata/run0123", self.path("rawdata", "notarun"), self.path("run12"), "", None):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "run_dir", **self.kwargs(run_dir=bad))

    def test_missing_run_dir_and_no_segments(self):
        self.assertRejects(self.fn, "run_dir", FileNotFoundError, **self.kwargs(run_dir=self.path("x", "run0999")))
        os.makedirs(self.path("x", "run0999"))
        self.touch(self.path("x", "run0999", "run-0123-00.evt"))  # wrong run number
        self.assertRejects(self.fn, "run_dir", FileNotFoundError, **self.kwargs(run_dir=self.path("x", "run0999")))

    def test_rejects_bad_fit_dir(self):
        for bad in ("fit/run0123", "", None):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "fit_dir", **self.kwargs(fit_dir=bad))

    def test_rejects_bad_nranks(self):
        for bad in (0, -2, "64", 2.0, True, None):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "nranks", **self.kwargs(nranks=bad))

    def test_rejects_bad_editor(self):
        for bad in ("", "bin/EventEditor", None, 3):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "editor", **self.kwargs(editor=bad))

    def test_rejects_bad_editor_lib(self):
        for bad in ("libFitEditorAnalytic.so", "", None):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "editor_lib", **self.kwargs(editor_lib=bad))

    def test_rejects_bad_fit_config(self):
        for bad in ("fitconfig.txt", "", 5):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "fit_config", **self.kwargs(fit_config=bad))

    def test_rejects_bad_launcher(self):
        self.assertRejects(self.fn, "launcher", FileNotFoundError, **self.kwargs(launcher="no-such-srun"))
        self.assertRejects(self.fn, "launcher", **self.kwargs(launcher="./srun"))

    def test_rejects_bad_launcher_args(self):
        for bad in ("--mpi=pmi2", [""], [None], ["ok", 1]):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "launcher_args", **self.kwargs(launcher_args=bad))

    def test_rejects_bad_timeout(self):
        for bad in (0, -1, "30", True):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "timeout", **self.kwargs(timeout=bad))

    def test_failure_stops_at_failing_segment_and_names_it(self):
        self.add_program("srun", SRUN_BODY.format(fail_suffix="-01.evt"))
        with self.assertRaises(RuntimeError) as ctx:
            self.fn(**self.kwargs())
        msg = str(ctx.exception)
        self.assertIn(os.path.join(self.run_dir, "run-0123-01.evt"), msg)
        self.assertIn("1 of 3 segments done", msg)
        self.assertFailureMessage(ctx.exception, self.expected_argv("run-0123-01.evt"), 7,
                                  present=("rank 3 aborted",))
        self.assertEqual(len(self.calls()), 2, "must not continue after the failing segment")

    def test_missing_output_is_an_error(self):
        self.add_program("srun", "pass\n")
        with self.assertRaisesRegex(RuntimeError, "wrote no output"):
            self.fn(**self.kwargs())

    def test_timeout(self):
        self.add_program("srun", fakes.SLEEP_BODY)
        start = time.monotonic()
        with self.assertRaisesRegex(RuntimeError, "timed out after 0.25 s"):
            self.fn(**self.kwargs(timeout=0.25))
        self.assertLess(time.monotonic() - start, 10)

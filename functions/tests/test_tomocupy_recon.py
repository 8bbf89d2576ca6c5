import os
import time

import fakes

# Fake tomocupy: writes into tomocupy's conventional output directory.
TOMOCUPY_BODY = '''
args = sys.argv[1:]
fname = args[args.index("--file-name") + 1]
rtype = args[args.index("--reconstruction-type") + 1]
parent, stem = os.path.dirname(fname), os.path.basename(fname)[:-3]
out = [a.split("=", 1)[1] for a in args if a.startswith("--out-path-name=")]
if out:
    out = out[0]
elif rtype == "full":
    out = parent + "_rec/" + stem + "_rec"
else:
    out = parent + "_rec/try_center/" + stem
os.makedirs(out, exist_ok=True)
for i in range(4 if rtype == "full" else 2):
    open(os.path.join(out, "recon_%05d.tiff" % i), "w").close()
print("Reconstruction done, output:", out)
'''


class TomocupyReconTest(fakes.FakeProgramsTestCase):
    def setUp(self):
        super().setUp()
        self.fn = fakes.load_function("tomocupy_recon")
        self.h5 = self.touch(self.path("data", "test_data.h5"))
        self.add_program("tomocupy", TOMOCUPY_BODY)

    def kwargs(self, **over):
        kw = dict(file_name=self.h5)
        kw.update(over)
        return kw

    def test_full_recon_with_defaults(self):
        result = self.fn(**self.kwargs())
        expected = ["tomocupy", "recon", "--file-name", self.h5, "--reconstruction-type", "full",
                    "--rotation-axis", "782.5", "--nsino-per-chunk", "4"]
        self.assertEqual(result["command"], expected)
        call, = self.calls()
        self.assertEqual(call["argv"], expected[1:])
        self.assertEqual(call["env"]["OMP_NUM_THREADS"], "8")
        self.assertEqual(call["cwd"], self.path("data"))
        self.assertEqual(result["env"], {"OMP_NUM_THREADS": "8"})
        self.assertEqual(result["output_dir"], self.path("data_rec", "test_data_rec"))
        self.assertTrue(result["output_dir_exists"])
        self.assertEqual(result["output_files"], 4)
        self.assertEqual(result["returncode"], 0)
        self.assertIn("Reconstruction done", result["stdout_tail"])
        self.assertJsonRoundTrip(result)

    def test_try_recon_steps_with_string_inputs_and_extra_args(self):
        result = self.fn(**self.kwargs(command="recon_steps", reconstruction_type="try", rotation_axis="700",
                                       nsino_per_chunk="8", cores=2,
                                       extra_args=["--center-search-width=100", "--binning=1"]))
        self.assertEqual(result["command"], ["tomocupy", "recon_steps", "--file-name", self.h5,
                                             "--reconstruction-type", "try", "--rotation-axis", "700.0",
                                             "--nsino-per-chunk", "8", "--center-search-width=100", "--binning=1"])
        self.assertEqual(self.calls()[0]["env"]["OMP_NUM_THREADS"], "2")
        self.assertEqual(result["output_dir"], self.path("data_rec", "try_center", "test_data"))
        self.assertEqual(result["output_files"], 2)
        self.assertJsonRoundTrip(result)

    def test_out_path_name_is_reported(self):
        result = self.fn(**self.kwargs(extra_args=["--out-path-name=" + self.path("elsewhere")]))
        self.assertEqual(result["output_dir"], self.path("elsewhere"))
        self.assertEqual(result["output_files"], 4)

    def test_missing_output_dir_is_reported_not_fatal(self):
        self.add_program("tomocupy", "print('configured to write elsewhere')\n")
        result = self.fn(**self.kwargs())
        self.assertFalse(result["output_dir_exists"])
        self.assertEqual(result["output_files"], 0)
        self.assertJsonRoundTrip(result)

    def test_rejects_bad_command(self):
        for bad in ("rec", "status", "", None):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "command", **self.kwargs(command=bad))

    def test_rejects_bad_reconstruction_type(self):
        for bad in ("part", "FULL", None):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "reconstruction_type", **self.kwargs(reconstruction_type=bad))

    def test_rejects_bad_rotation_axis(self):
        for bad in (0, -1.5, "abc", "", "nan", float("nan"), float("inf"), True, None, [782.5]):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "rotation_axis", **self.kwargs(rotation_axis=bad))

    def test_rejects_non_positive_nsino_per_chunk(self):
        for bad in (0, -4, 4.0, "four", True, None):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "nsino_per_chunk", **self.kwargs(nsino_per_chunk=bad))

    def test_rejects_nsino_per_chunk_not_power_of_two(self):
        for bad in (3, 6, 12, "24"):
            with self.subTest(bad=bad):
                exc = self.assertRejects(self.fn, "nsino_per_chunk", **self.kwargs(nsino_per_chunk=bad))
                self.assertIn("power of two", str(exc))

    def test_rejects_bad_cores(self):
        for bad in (0, -8, 2.5, True, None):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "cores", **self.kwargs(cores=bad))

    def test_rejects_bad_file_name(self):
        for bad in ("data/test_data.h5", self.path("data", "test_data.hdf"), "", None):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "file_name", **self.kwargs(file_name=bad))
        self.assertRejects(self.fn, "file_name", FileNotFoundError,
                           **self.kwargs(file_name=self.path("data", "missing.h5")))

    def test_rejects_bad_extra_args(self):
        for bad in ("--binning=1", ["-b"], ["binning"], ["--"], [1], ["--ok", None]):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "extra_args", **self.kwargs(extra_args=bad))

    def test_rejects_bad_tomocupy_and_timeout(self):
        self.assertRejects(self.fn, "tomocupy", FileNotFoundError, **self.kwargs(tomocupy="no-such-tomocupy"))
        self.assertRejects(self.fn, "tomocupy", **self.kwargs(tomocupy="rel/tomocupy"))
        for bad in (0, "5", False):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "timeout", **self.kwargs(timeout=bad))

    def test_failure_reports_command_exit_code_and_stderr_tail(self):
        self.add_program("tomocupy", fakes.FAIL_BODY)
        with self.assertRaises(RuntimeError) as ctx:
            self.fn(**self.kwargs())
        self.assertFailureMessage(ctx.exception, ["tomocupy", "recon", "--file-name", self.h5,
                                                  "--reconstruction-type", "full", "--rotation-axis", "782.5",
                                                  "--nsino-per-chunk", "4"], 3,
                                  present=("err-line-30",), absent=("err-line-10",))

    def test_timeout(self):
        self.add_program("tomocupy", fakes.SLEEP_BODY)
        start = time.monotonic()
        with self.assertRaisesRegex(RuntimeError, "timed out after 0.25 s"):
            self.fn(**self.kwargs(timeout=0.25))
        self.assertLess(time.monotonic() - start, 10)

import os
import time

import fakes

FOLDER = "BLS-00564_dyparkinson"
H5 = "20240315_142530_sample.h5"
TILED_H5 = "20240315_142530_sample_x01y02.h5"

RECON_BODY = '''
h5, folder = sys.argv[1], sys.argv[2]
assert os.path.isfile(os.path.join(folder, h5)), "input not found relative to cwd"
out = os.path.join({scratch!r}, folder, "rec" + h5[:-3])
os.makedirs(out, exist_ok=True)
for i in range(3):
    open(os.path.join(out, "rec_%05d.tiff" % i), "w").close()
open(os.path.join(out, "notes.txt"), "w").close()
print("reconstruction done")
'''


class TomopyReconstructTest(fakes.FakeProgramsTestCase):
    def setUp(self):
        super().setUp()
        self.fn = fakes.load_function("als832_tomopy_reconstruct")
        self.raw = self.path("raw")
        self.scratch = self.path("scratch")
        self.touch(os.path.join(self.raw, FOLDER, H5))
        self.touch(os.path.join(self.raw, FOLDER, TILED_H5))
        self.script = self.write_script(self.path("scripts", "globus_reconstruction.py"),
                                        RECON_BODY.format(scratch=self.scratch))
        self.add_passthrough_python()

    def kwargs(self, **over):
        kw = dict(folder_path=FOLDER, h5_file_name=H5, raw_root=self.raw,
                  scratch_root=self.scratch, recon_script=self.script)
        kw.update(over)
        return kw

    def test_success_runs_script_from_raw_root_and_counts_tiffs(self):
        result = self.fn(**self.kwargs())
        self.assertEqual(result["command"], ["python", self.script, H5, FOLDER])
        python_call, script_call = self.calls()
        self.assertEqual(python_call["prog"], "python")
        self.assertEqual(python_call["argv"], [self.script, H5, FOLDER])
        self.assertEqual(python_call["cwd"], self.raw)
        self.assertEqual(script_call["argv"], [H5, FOLDER])
        self.assertEqual(result["dataset"], "20240315_142530_sample")
        self.assertFalse(result["tiled"])
        self.assertIsNone(result["tile"])
        self.assertEqual(result["recon_dir"], os.path.join(self.scratch, FOLDER, "rec20240315_142530_sample"))
        self.assertEqual(result["tiff_count"], 3)
        self.assertEqual(result["returncode"], 0)
        self.assertEqual(result["cwd"], self.raw)
        self.assertIn("reconstruction done", result["stdout_tail"])
        self.assertEqual(result["stderr_tail"], "")
        self.assertJsonRoundTrip(result)

    def test_tiled_scan(self):
        result = self.fn(**self.kwargs(h5_file_name=TILED_H5))
        self.assertTrue(result["tiled"])
        self.assertEqual(result["tile"], {"x": 1, "y": 2})
        self.assertEqual(result["dataset"], "20240315_142530_sample_x01y02")
        self.assertTrue(result["recon_dir"].endswith("/rec20240315_142530_sample_x01y02"))
        self.assertJsonRoundTrip(result)

    def test_accepts_valid_folder_names(self):
        for folder in ("ALS-12345_a.b-c_d", "BLS-00564_dyparkinson"):
            with self.subTest(folder=folder):
                self.touch(os.path.join(self.raw, folder, H5))
                self.assertEqual(self.fn(**self.kwargs(folder_path=folder))["tiff_count"], 3)

    def test_rejects_bad_folder_path(self):
        for bad in ("BLS-0564_user", "BLS-000564_user", "BLS-00564", "00564_user", "BLS-00564_",
                    "BLS-00564_a/b", "../BLS-00564_user", "BLS-00564_..", "BLS-00564_us er", "", None, 5):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "folder_path", **self.kwargs(folder_path=bad))

    def test_rejects_bad_h5_name_pattern(self):
        for bad in ("sample.h5", "20240315_142530_sample.hdf5", "20240315_142530_.h5",
                    "2024031_142530_sample.h5", "20240315-142530_sample.h5", "20240315_142530_sample",
                    "20240315_142530_a/b.h5", "../20240315_142530_sample.h5", None, 7):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "h5_file_name", **self.kwargs(h5_file_name=bad))

    def test_rejects_dotdot_in_h5_name(self):
        self.assertRejects(self.fn, "h5_file_name", **self.kwargs(h5_file_name="20240315_142530_a..b.h5"))

    def test_rejects_impossible_date_or_time(self):
        for bad in ("20241315_142530_sample.h5", "20240230_142530_sample.h5",
                    "20240315_246000_sample.h5", "20240315_145960_sample.h5"):
            with self.subTest(bad=bad):
                exc = self.assertRejects(self.fn, "h5_file_name", **self.kwargs(h5_file_name=bad))
                self.assertIn("date/time", str(exc))

    def test_rejects_relative_roots_and_script(self):
        for arg in ("raw_root", "scratch_root", "recon_script"):
            for bad in ("relative/dir", "", None):
                with self.subTest(arg=arg, bad=bad):
                    self.assertRejects(self.fn, arg, **self.kwargs(**{arg: bad}))

    def test_rejects_bad_python(self):
        for bad in ("bin/python", "", None, ["python"]):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "python", **self.kwargs(python=bad))
        self.assertRejects(self.fn, "python", FileNotFoundError, **self.kwargs(python="no-such-python-xyz"))

    def test_rejects_bad_timeout(self):
        for bad in (0, -1, "10", True, float("nan"), float("inf")):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "timeout", **self.kwargs(timeout=bad))

    def test_missing_raw_file(self):
        exc = self.assertRejects(self.fn, os.path.join(self.raw, FOLDER, "20240315_142530_other.h5"),
                                 FileNotFoundError, **self.kwargs(h5_file_name="20240315_142530_other.h5"))
        self.assertIn("raw file not found", str(exc))

    def test_missing_recon_script(self):
        self.assertRejects(self.fn, "recon_script", FileNotFoundError,
                           **self.kwargs(recon_script=self.path("nope.py")))

    def test_failure_reports_command_exit_code_and_stderr_tail(self):
        script = self.write_script(self.path("scripts", "fail.py"), fakes.FAIL_BODY)
        with self.assertRaises(RuntimeError) as ctx:
            self.fn(**self.kwargs(recon_script=script))
        self.assertFailureMessage(ctx.exception, ["python", script, H5, FOLDER], 3,
                                  present=("err-line-11", "err-line-30"), absent=("err-line-10",))

    def test_no_tiffs_is_an_error(self):
        script = self.write_script(self.path("scripts", "noop.py"), "print('did nothing')\n")
        with self.assertRaises(RuntimeError) as ctx:
            self.fn(**self.kwargs(recon_script=script))
        self.assertIn("rec20240315_142530_sample", str(ctx.exception))
        os.makedirs(os.path.join(self.scratch, FOLDER, "rec20240315_142530_sample"))
        with self.assertRaisesRegex(RuntimeError, "no .tif/.tiff files"):
            self.fn(**self.kwargs(recon_script=script))

    def test_timeout(self):
        script = self.write_script(self.path("scripts", "slow.py"), fakes.SLEEP_BODY)
        start = time.monotonic()
        with self.assertRaisesRegex(RuntimeError, r"timed out after 0.25 s"):
            self.fn(**self.kwargs(recon_script=script, timeout=0.25))
        self.assertLess(time.monotonic() - start, 10)

import os
import time

import fakes

FOLDER = "BLS-00564_dyparkinson"
H5 = "20240315_142530_sample.h5"
DATASET = "20240315_142530_sample"

ZARR_BODY = '''
tiff_dir = sys.argv[1]
assert tiff_dir.endswith("/")
zarr = tiff_dir.rstrip("/") + ".zarr"
for level in ("0", "1"):
    os.makedirs(os.path.join(zarr, level), exist_ok=True)
    open(os.path.join(zarr, level, ".zarray"), "w").close()
    open(os.path.join(zarr, level, "0.0.0"), "w").close()
open(os.path.join(zarr, ".zgroup"), "w").close()
print("zarr written")
'''


class TiffToZarrTest(fakes.FakeProgramsTestCase):
    def setUp(self):
        super().setUp()
        self.fn = fakes.load_function("als832_tiff_to_zarr")
        self.scratch = self.path("scratch")
        self.tiff_dir = os.path.join(self.scratch, FOLDER, "rec" + DATASET)
        self.touch(os.path.join(self.tiff_dir, "rec_00000.tiff"))
        self.script = self.write_script(self.path("scripts", "tiff_to_zarr.py"), ZARR_BODY)
        self.add_passthrough_python()

    def kwargs(self, **over):
        kw = dict(folder_path=FOLDER, h5_file_name=H5, scratch_root=self.scratch, zarr_script=self.script)
        kw.update(over)
        return kw

    def test_success(self):
        result = self.fn(**self.kwargs())
        self.assertEqual(result["command"], ["python", self.script, self.tiff_dir + "/"])
        python_call = self.calls()[0]
        self.assertEqual(python_call["argv"], [self.script, self.tiff_dir + "/"])
        self.assertEqual(python_call["cwd"], os.path.join(self.scratch, FOLDER))
        self.assertEqual(result["dataset"], DATASET)
        self.assertEqual(result["tiff_dir"], self.tiff_dir)
        self.assertEqual(result["zarr_dir"], self.tiff_dir + ".zarr")
        self.assertEqual(result["zarr_entries"], 5)
        self.assertEqual(result["returncode"], 0)
        self.assertIn("zarr written", result["stdout_tail"])
        self.assertJsonRoundTrip(result)

    def test_tiled_dataset_name(self):
        tiled = "20240315_142530_sample_x03y04.h5"
        self.touch(os.path.join(self.scratch, FOLDER, "rec" + tiled[:-3], "a.tif"))
        result = self.fn(**self.kwargs(h5_file_name=tiled))
        self.assertEqual(result["dataset"], tiled[:-3])
        self.assertEqual(result["zarr_dir"], os.path.join(self.scratch, FOLDER, "rec" + tiled[:-3] + ".zarr"))

    def test_rejects_bad_folder_path(self):
        for bad in ("BLS-564_user", "BLS-00564", "x/BLS-00564_user", "BLS-00564_..", None):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "folder_path", **self.kwargs(folder_path=bad))

    def test_rejects_bad_h5_name(self):
        for bad in ("sample.h5", "20240315_142530_sample_x1y2.tif", "20240315_142530_a..b.h5",
                    "../20240315_142530_sample.h5", None):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "h5_file_name", **self.kwargs(h5_file_name=bad))

    def test_rejects_impossible_date(self):
        self.assertRejects(self.fn, "h5_file_name", **self.kwargs(h5_file_name="20230229_000000_sample.h5"))

    def test_rejects_relative_paths(self):
        for arg in ("scratch_root", "zarr_script"):
            with self.subTest(arg=arg):
                self.assertRejects(self.fn, arg, **self.kwargs(**{arg: "rel/path"}))

    def test_rejects_bad_python(self):
        self.assertRejects(self.fn, "python", **self.kwargs(python="./python"))
        self.assertRejects(self.fn, "python", FileNotFoundError, **self.kwargs(python="/no/such/python"))

    def test_rejects_bad_timeout(self):
        for bad in (0, -5, "1", False):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "timeout", **self.kwargs(timeout=bad))

    def test_missing_tiff_dir(self):
        self.assertRejects(self.fn, "rec20240315_142530_other", FileNotFoundError,
                           **self.kwargs(h5_file_name="20240315_142530_other.h5"))

    def test_missing_zarr_script(self):
        self.assertRejects(self.fn, "zarr_script", FileNotFoundError,
                           **self.kwargs(zarr_script=self.path("missing.py")))

    def test_failure_reports_command_exit_code_and_stderr_tail(self):
        script = self.write_script(self.path("scripts", "fail.py"), fakes.FAIL_BODY)
        with self.assertRaises(RuntimeError) as ctx:
            self.fn(**self.kwargs(zarr_script=script))
        self.assertFailureMessage(ctx.exception, ["python", script, self.tiff_dir + "/"], 3,
                                  present=("err-line-30",), absent=("err-line-09",))

    def test_missing_zarr_output_is_an_error(self):
        script = self.write_script(self.path("scripts", "noop.py"), "pass\n")
        with self.assertRaisesRegex(RuntimeError, r"\.zarr is missing or empty"):
            self.fn(**self.kwargs(zarr_script=script))

    def test_timeout(self):
        script = self.write_script(self.path("scripts", "slow.py"), fakes.SLEEP_BODY)
        start = time.monotonic()
        with self.assertRaisesRegex(RuntimeError, "timed out after 0.25 s"):
            self.fn(**self.kwargs(zarr_script=script, timeout=0.25))
        self.assertLess(time.monotonic() - start, 10)

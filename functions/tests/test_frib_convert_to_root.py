import os
import time

import fakes

CONVERTER_BODY = '''
args = sys.argv[1:]
src = args[args.index("--source") + 1][len("file://"):]
out = args[args.index("--fileout") + 1]
if src.endswith({fail_suffix!r}):
    sys.stderr.write("eeconverter: bad ring item\\n")
    sys.exit(4)
open(out, "w").write("root")
print("converted", os.path.basename(src))
'''


class ConvertToRootTest(fakes.FakeProgramsTestCase):
    def setUp(self):
        super().setUp()
        self.fn = fakes.load_function("frib_convert_to_root")
        self.fit_dir = self.path("fit", "run0123")
        for seg in ("run-0123-01.evt", "run-0123-00.evt"):
            self.touch(os.path.join(self.fit_dir, seg))
        self.touch(os.path.join(self.fit_dir, "fit.log"))  # ignored
        self.converted = self.path("converted", "run0123")
        self.add_program("eeconverter", CONVERTER_BODY.format(fail_suffix="NEVER"))

    def kwargs(self, **over):
        kw = dict(fit_dir=self.fit_dir, converted_dir=self.converted)
        kw.update(over)
        return kw

    def argv(self, stem, prog="eeconverter"):
        return [prog, "--source", "file://" + os.path.join(self.fit_dir, stem + ".evt"),
                "--fileout", os.path.join(self.converted, stem + ".root")]

    def test_success(self):
        result = self.fn(**self.kwargs())
        stems = ["run-0123-00", "run-0123-01"]
        self.assertEqual([c["argv"] for c in self.calls()], [self.argv(s)[1:] for s in stems])
        self.assertTrue(all(c["cwd"] == self.converted for c in self.calls()))
        self.assertEqual(result["root_files"], [os.path.join(self.converted, s + ".root") for s in stems])
        self.assertTrue(all(os.path.isfile(p) for p in result["root_files"]))
        self.assertEqual(result["commands"], [self.argv(s) for s in stems])
        self.assertEqual(result["command"], self.argv(stems[-1]))
        self.assertEqual([s["returncode"] for s in result["segments"]], [0, 0])
        self.assertEqual(result["returncode"], 0)
        self.assertEqual(result["fit_dir"], self.fit_dir)
        self.assertEqual(result["converted_dir"], self.converted)
        self.assertIn("converted run-0123-01.evt", result["stdout_tail"])
        self.assertJsonRoundTrip(result)

    def test_custom_converter(self):
        self.add_program("EEConverter-v2", CONVERTER_BODY.format(fail_suffix="NEVER"))
        result = self.fn(**self.kwargs(converter="EEConverter-v2"))
        self.assertEqual(result["commands"][0], self.argv("run-0123-00", prog="EEConverter-v2"))

    def test_rejects_bad_dirs(self):
        for arg in ("fit_dir", "converted_dir"):
            for bad in ("relative", "", None):
                with self.subTest(arg=arg, bad=bad):
                    self.assertRejects(self.fn, arg, **self.kwargs(**{arg: bad}))

    def test_missing_fit_dir_or_no_segments(self):
        self.assertRejects(self.fn, "fit_dir", FileNotFoundError, **self.kwargs(fit_dir=self.path("nope")))
        os.makedirs(self.path("empty"))
        self.assertRejects(self.fn, "fit_dir", FileNotFoundError, **self.kwargs(fit_dir=self.path("empty")))

    def test_rejects_bad_converter(self):
        self.assertRejects(self.fn, "converter", FileNotFoundError, **self.kwargs(converter="no-such-conv"))
        self.assertRejects(self.fn, "converter", **self.kwargs(converter=""))

    def test_rejects_bad_timeout(self):
        for bad in (0, "1", True):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "timeout", **self.kwargs(timeout=bad))

    def test_failure_names_segment(self):
        self.add_program("eeconverter", CONVERTER_BODY.format(fail_suffix="-00.evt"))
        with self.assertRaises(RuntimeError) as ctx:
            self.fn(**self.kwargs())
        self.assertIn(os.path.join(self.fit_dir, "run-0123-00.evt"), str(ctx.exception))
        self.assertFailureMessage(ctx.exception, self.argv("run-0123-00"), 4, present=("bad ring item",))
        self.assertEqual(len(self.calls()), 1)

    def test_missing_root_file_is_an_error(self):
        self.add_program("eeconverter", "pass\n")
        with self.assertRaisesRegex(RuntimeError, "wrote no"):
            self.fn(**self.kwargs())

    def test_timeout(self):
        self.add_program("eeconverter", fakes.SLEEP_BODY)
        start = time.monotonic()
        with self.assertRaisesRegex(RuntimeError, "timed out after 0.25 s"):
            self.fn(**self.kwargs(timeout=0.25))
        self.assertLess(time.monotonic() - start, 10)

import os
import time

import fakes

SBATCH_BODY = '''
print("4242;perlmutter")
'''


class CosmicPtychoReconstructTest(fakes.FakeProgramsTestCase):
    def setUp(self):
        super().setUp()
        self.fn = fakes.load_function("cosmic_ptycho_reconstruct")
        self.cxi = self.touch(self.path("data", "2024", "NS_240315_042.cxi"))
        self.script = self.touch(self.path("c_ptychocam", "ptychocam_reconstruction.sh"), "#!/bin/bash\n")
        self.add_program("sbatch", SBATCH_BODY)

    def kwargs(self, **over):
        kw = dict(cxi_path=self.cxi, recon_script=self.script)
        kw.update(over)
        return kw

    def expected_argv(self, job_name="cosmic-NS_240315_042", extra=(), **opts):
        o = dict(account="als", qos="realtime", constraint="gpu", nodes="1", time_limit="00:30:00")
        o.update(opts)
        return ["sbatch", "--parsable", "-A", o["account"], "-q", o["qos"], "-C", o["constraint"],
                "-N", o["nodes"], "-t", o["time_limit"], "-J", job_name,
                "-o", self.path("data", "2024", "NS_240315_042-%j.out"), *extra, self.script, self.cxi]

    def test_success_with_defaults(self):
        result = self.fn(**self.kwargs())
        self.assertEqual(result["command"], self.expected_argv())
        call, = self.calls()
        self.assertEqual(call["argv"], self.expected_argv()[1:])
        self.assertEqual(call["cwd"], self.path("data", "2024"))
        self.assertEqual(result["job_id"], "4242")
        self.assertEqual(result["cluster"], "perlmutter")
        self.assertEqual(result["job_name"], "cosmic-NS_240315_042")
        self.assertEqual(result["output_log"], self.path("data", "2024", "NS_240315_042-4242.out"))
        self.assertEqual(result["output_log_pattern"], self.path("data", "2024", "NS_240315_042-%j.out"))
        self.assertEqual(result["returncode"], 0)
        self.assertEqual(result["stdout_tail"], "4242;perlmutter")
        self.assertJsonRoundTrip(result)

    def test_success_with_all_options(self):
        self.add_program("my-sbatch", "print('sbatch: warning: something')\nprint('777')\n")
        result = self.fn(**self.kwargs(account="m1234", qos="debug", constraint="gpu&hbm80g", nodes=2,
                                       time_limit="1-02:03:04", job_name="ptycho_42", sbatch="my-sbatch",
                                       extra_sbatch_args=["--reservation=beamtime", "--mail-type", "END"]))
        expected = self.expected_argv(job_name="ptycho_42", extra=("--reservation=beamtime", "--mail-type", "END"),
                                      account="m1234", qos="debug", constraint="gpu&hbm80g", nodes="2",
                                      time_limit="1-02:03:04")
        expected[0] = "my-sbatch"
        self.assertEqual(result["command"], expected)
        self.assertEqual(self.calls()[0]["argv"], expected[1:])
        self.assertEqual(result["job_id"], "777")
        self.assertIsNone(result["cluster"])
        self.assertJsonRoundTrip(result)

    def test_accepts_all_slurm_time_formats(self):
        for ok in ("30", "30:15", "01:30:00", "2-12", "2-12:30", "2-12:30:45", "90"):
            with self.subTest(ok=ok):
                argv = self.fn(**self.kwargs(time_limit=ok))["command"]
                self.assertEqual(argv[argv.index("-t") + 1], ok)

    def test_rejects_bad_time_limit(self):
        for bad in ("", "abc", "1:2:3:4", "00:60", "1:60:00", "1-24", "1-", "-5", "0", "00:00:00",
                    "INFINITE", 30, None):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "time_limit", **self.kwargs(time_limit=bad))

    def test_rejects_bad_cxi_path(self):
        for bad in ("relative/file.cxi", "", None):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "cxi_path", **self.kwargs(cxi_path=bad))
        h5 = self.touch(self.path("data", "x.h5"))
        self.assertRejects(self.fn, "cxi_path", **self.kwargs(cxi_path=h5))

    def test_missing_cxi_file(self):
        self.assertRejects(self.fn, "cxi_path", FileNotFoundError,
                           **self.kwargs(cxi_path=self.path("data", "missing.cxi")))

    def test_rejects_bad_tokens(self):
        for arg in ("account", "qos", "constraint"):
            for bad in ("", "a b", "x;rm", "--x=1 y", "a\nb", 5, None):
                with self.subTest(arg=arg, bad=bad):
                    self.assertRejects(self.fn, arg, **self.kwargs(**{arg: bad}))

    def test_rejects_bad_nodes(self):
        for bad in (0, -1, "1", 1.0, True, None):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "nodes", **self.kwargs(nodes=bad))

    def test_rejects_bad_job_name(self):
        for bad in ("", "has space", "x" * 201, 5):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "job_name", **self.kwargs(job_name=bad))

    def test_rejects_bad_extra_sbatch_args(self):
        for bad in ("--exclusive", ["positional"], ["--a=1", "dangling"], [""], [5], {"a": 1}):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "extra_sbatch_args", **self.kwargs(extra_sbatch_args=bad))

    def test_recon_script_must_be_absolute_and_exist(self):
        self.assertRejects(self.fn, "recon_script", **self.kwargs(recon_script="ptycho.sh"))
        self.assertRejects(self.fn, "recon_script", FileNotFoundError,
                           **self.kwargs(recon_script=self.path("missing.sh")))

    def test_sbatch_not_found(self):
        self.assertRejects(self.fn, "sbatch", FileNotFoundError, **self.kwargs(sbatch="no-such-sbatch-xyz"))
        self.assertRejects(self.fn, "sbatch", **self.kwargs(sbatch="bin/sbatch"))

    def test_rejects_bad_timeout(self):
        for bad in (0, "60", True):
            with self.subTest(bad=bad):
                self.assertRejects(self.fn, "timeout", **self.kwargs(timeout=bad))

    def test_failure_reports_command_exit_code_and_stderr_tail(self):
        self.add_program("sbatch", fakes.FAIL_BODY)
        with self.assertRaises(RuntimeError) as ctx:
            self.fn(**self.kwargs())
        self.assertFailureMessage(ctx.exception, self.expected_argv(), 3,
                                  present=("err-line-11", "err-line-30"), absent=("err-line-10",))

    def test_unparsable_output_is_an_error(self):
        self.add_program("sbatch", "print('Submitted batch job 12')\n")
        with self.assertRaisesRegex(RuntimeError, "could not parse a job id"):
            self.fn(**self.kwargs())
        self.add_program("sbatch", "pass\n")
        with self.assertRaisesRegex(RuntimeError, "could not parse a job id"):
            self.fn(**self.kwargs())

    def test_timeout(self):
        self.add_program("sbatch", fakes.SLEEP_BODY)
        start = time.monotonic()
        with self.assertRaisesRegex(RuntimeError, "timed out after 0.25 s"):
            self.fn(**self.kwargs(timeout=0.25))
        self.assertLess(time.monotonic() - start, 10)

"""Tests of functions/hello_process.py, loaded the way the endpoint runs it.

Run them with:  python3 -m unittest discover -s functions/tests -t functions/tests
"""

import ast
import json
import os
import tempfile
import unittest

FUNCTIONS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE_PATH = os.path.join(FUNCTIONS_DIR, "hello_process.py")


def load_function():
    """Exec the whole file in an empty namespace and return the function (what the endpoint does)."""
    with open(SOURCE_PATH, encoding="utf-8") as f:
        source = f.read()
    namespace = {}
    exec(compile(source, SOURCE_PATH, "exec"), namespace)
    return namespace["hello_process"]


class HelloProcessTest(unittest.TestCase):
    def setUp(self):
        self.fn = load_function()
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.run_dir = os.path.join(self.tmp.name, "run001")
        self.write("notes.txt", "hello world\nsecond line\n")
        self.write("data/readings.txt", "1 2 3\n4 5")
        self.write("image.bin", "\x00\x01")
        self.out = os.path.join(self.run_dir, "summary")

    def write(self, rel, text):
        path = os.path.join(self.run_dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    def test_counts_matching_files_and_writes_the_summary(self):
        result = self.fn(input_dir=self.run_dir, output_dir=self.out)
        self.assertEqual(result["files"], [
            {"path": "data/readings.txt", "lines": 2, "words": 5, "bytes": 9},
            {"path": "notes.txt", "lines": 2, "words": 4, "bytes": 24},
        ])
        self.assertEqual(result["totals"], {"files": 2, "lines": 4, "words": 9, "bytes": 33})
        self.assertEqual(result["summary"], os.path.join(self.out, "summary.json"))
        with open(result["summary"], encoding="utf-8") as f:
            written = json.load(f)
        self.assertEqual(written["totals"], result["totals"])
        self.assertEqual(os.listdir(self.out), ["summary.json"])
        json.dumps(result)  # a Compute result must be JSON-serialisable

    def test_a_second_run_does_not_count_its_own_output(self):
        self.fn(input_dir=self.run_dir, output_dir=self.out, pattern="*")
        again = self.fn(input_dir=self.run_dir, output_dir=self.out, pattern="*")
        self.assertNotIn("summary/summary.json", [f["path"] for f in again["files"]])
        self.assertEqual(again["totals"]["files"], 3)

    def test_pattern_selects_files(self):
        result = self.fn(input_dir=self.run_dir, output_dir=self.out, pattern="data/*")
        self.assertEqual([f["path"] for f in result["files"]], ["data/readings.txt"])

    def test_empty_file_has_no_lines(self):
        self.write("empty.txt", "")
        result = self.fn(input_dir=self.run_dir, output_dir=self.out, pattern="empty.txt")
        self.assertEqual(result["files"], [{"path": "empty.txt", "lines": 0, "words": 0, "bytes": 0}])

    def test_bad_arguments_name_the_argument(self):
        for kwargs, name in (
            ({"input_dir": "relative/run", "output_dir": self.out}, "input_dir"),
            ({"input_dir": self.run_dir, "output_dir": ""}, "output_dir"),
            ({"input_dir": self.run_dir, "output_dir": self.out, "pattern": ""}, "pattern"),
            ({"input_dir": 42, "output_dir": self.out}, "input_dir"),
        ):
            with self.subTest(name=name):
                with self.assertRaisesRegex(ValueError, name):
                    self.fn(**kwargs)

    def test_missing_run_directory(self):
        missing = os.path.join(self.tmp.name, "nope")
        with self.assertRaisesRegex(FileNotFoundError, "nope"):
            self.fn(input_dir=missing, output_dir=self.out)

    def test_no_matching_file(self):
        with self.assertRaisesRegex(RuntimeError, r"\*\.csv"):
            self.fn(input_dir=self.run_dir, output_dir=self.out, pattern="*.csv")
        self.assertFalse(os.path.exists(self.out))

    def test_one_public_function_named_like_the_file(self):
        with open(SOURCE_PATH, encoding="utf-8") as f:
            tree = ast.parse(f.read())
        public = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and not n.name.startswith("_")]
        self.assertEqual(public, ["hello_process"])


if __name__ == "__main__":
    unittest.main()

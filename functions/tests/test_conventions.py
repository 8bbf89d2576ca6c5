"""Checks every functions/*.py against the conventions the deployer relies on.

The deployer registers each WHOLE file as pure source: the endpoint execs it in
an empty namespace and calls the function named like the file.
"""

import ast
import glob
import inspect
import json
import os
import sys
import unittest

import fakes

EXPECTED = {
    "als832_tomopy_reconstruct", "als832_tiff_to_zarr", "cosmic_ptycho_reconstruct", "tomocupy_recon",
    "frib_fit_traces_mpi", "frib_convert_to_root", "frib_analyze",
}


def function_files():
    return sorted(glob.glob(os.path.join(fakes.FUNCTIONS_DIR, "*.py")))


def _is_literal(node):
    try:
        ast.literal_eval(node)
        return True
    except ValueError:
        return False


class ConventionsTest(unittest.TestCase):
    def setUp(self):
        self.files = function_files()

    def sources(self):
        for path in self.files:
            with open(path, encoding="utf-8") as f:
                yield os.path.basename(path)[:-3], path, f.read()

    def test_expected_functions_exist(self):
        names = {os.path.basename(p)[:-3] for p in self.files}
        self.assertTrue(EXPECTED <= names, f"missing: {sorted(EXPECTED - names)}")

    def test_file_compiles(self):
        for name, path, source in self.sources():
            with self.subTest(file=name):
                compile(source, path, "exec")

    def test_exactly_one_public_top_level_def_named_like_the_file(self):
        for name, path, source in self.sources():
            with self.subTest(file=name):
                tree = ast.parse(source, path)
                defs = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
                public = [n.name for n in defs if not n.name.startswith("_")]
                self.assertEqual(public, [name])
                main = next(n for n in defs if n.name == name)
                self.assertIsInstance(main, ast.FunctionDef)
                self.assertEqual(main.col_offset, 0)

    def test_only_definitions_constants_and_stdlib_imports_at_top_level(self):
        for name, path, source in self.sources():
            with self.subTest(file=name):
                tree = ast.parse(source, path)
                for i, node in enumerate(tree.body):
                    if isinstance(node, ast.Expr) and i == 0 and isinstance(node.value, ast.Constant):
                        continue  # module docstring
                    if isinstance(node, ast.FunctionDef):
                        self.assertEqual(node.decorator_list, [], f"{node.name}: no decorators")
                        continue
                    if isinstance(node, (ast.Import, ast.ImportFrom)):
                        self.assertFalse(isinstance(node, ast.ImportFrom) and node.level, "no relative imports")
                        mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
                        for mod in mods:
                            self.assertIn(mod.split(".")[0], sys.stdlib_module_names,
                                          f"line {node.lineno}: only standard-library imports are allowed ({mod})")
                        continue
                    if isinstance(node, ast.Assign):
                        for target in node.targets:
                            self.assertIsInstance(target, ast.Name)
                            self.assertTrue(target.id.startswith("_"), f"constant {target.id} must be private")
                        self.assertTrue(_is_literal(node.value), f"line {node.lineno}: constants must be literals")
                        continue
                    self.fail(f"line {node.lineno}: {type(node).__name__} runs code at import time")

    def test_exec_in_fresh_namespace_defines_the_function(self):
        for name, path, source in self.sources():
            with self.subTest(file=name):
                namespace = {}
                exec(compile(source, path, "exec"), namespace)  # exactly what the endpoint does
                self.assertIn(name, namespace)
                self.assertTrue(callable(namespace[name]))
                public = {k for k in namespace if not k.startswith("_") and not inspect.ismodule(namespace[k])}
                self.assertEqual(public, {name})

    def test_docstring_documents_every_argument(self):
        for name, path, source in self.sources():
            with self.subTest(file=name):
                fn = fakes.load_function(name)
                doc = inspect.getdoc(fn)
                self.assertTrue(doc and len(doc) > 200, "needs a real docstring")
                for section in ("Args:", "Returns:", "Raises:"):
                    self.assertIn(section, doc)
                self.assertRegex(doc, r"(Polaris|Perlmutter|NERSC)", "docstring must say where it runs")
                for param in inspect.signature(fn).parameters:
                    self.assertIn(param + ":", doc, f"argument {param} is not documented")

    def test_defaults_are_json_values_and_timeout_is_accepted(self):
        for name, path, source in self.sources():
            with self.subTest(file=name):
                params = inspect.signature(fakes.load_function(name)).parameters
                self.assertIn("timeout", params)
                for p in params.values():
                    self.assertNotIn(p.kind, (p.VAR_POSITIONAL, p.VAR_KEYWORD))
                    if p.default is not p.empty:
                        json.dumps(p.default)

    def test_never_uses_a_shell(self):
        for name, path, source in self.sources():
            with self.subTest(file=name):
                tree = ast.parse(source, path)
                for node in ast.walk(tree):
                    if isinstance(node, ast.keyword) and node.arg == "shell":
                        self.assertIs(getattr(node.value, "value", None), False)
                    if isinstance(node, ast.Attribute) and node.attr in ("system", "popen", "getoutput",
                                                                          "getstatusoutput", "check_output"):
                        self.fail(f"line {node.lineno}: {node.attr} is not allowed")

    def test_every_function_has_a_test_module(self):
        here = os.path.dirname(os.path.abspath(__file__))
        for name, path, source in self.sources():
            with self.subTest(file=name):
                self.assertTrue(os.path.isfile(os.path.join(here, f"test_{name}.py")))

    def test_copied_helpers_stay_identical(self):
        """The small helpers are duplicated on purpose; a fix in one copy must reach all copies."""
        seen = {}
        for name, path, source in self.sources():
            for node in ast.parse(source, path).body:
                if isinstance(node, ast.FunctionDef) and node.name in (
                        "_run", "_kill", "_tail", "_check_timeout", "_check_program", "_check_abs",
                        "_check_folder"):
                    seen.setdefault(node.name, {})[name] = ast.unparse(node)
        self.assertIn("_run", seen)
        for helper, copies in seen.items():
            with self.subTest(helper=helper):
                self.assertEqual(len(set(copies.values())), 1, f"{helper} differs between {sorted(copies)}")

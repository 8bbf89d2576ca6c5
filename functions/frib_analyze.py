"""Globus Compute function: FRIB e21062 user analysis of converted ROOT files on NERSC Perlmutter.

Registered as pure source: the endpoint execs this whole file in an empty
namespace and calls ``frib_analyze(**kwargs)``.  Standard library only;
nothing runs at import time.
"""

import os
import shlex
import shutil
import signal
import subprocess

_TAIL_LINES = 20
_TAIL_CHARS = 4000


def frib_analyze(converted_dir, analyzed_dir, analysis_program="e21062-analysis",
                 analysis_args=None, timeout=None):
    """Run the e21062 user analysis once over a run's converted ROOT files.

    Runs on the ``frib-analysis`` Globus Compute endpoint at NERSC Perlmutter,
    after ``frib_convert_to_root``.  Executes once (no shell), with working
    directory ``analyzed_dir`` (created if missing)::

        <analysis_program> --input-dir <converted_dir> --output-dir <analyzed_dir> [analysis_args...]

    then checks that ``analyzed_dir`` contains at least one file.

    Args:
        converted_dir: absolute path of an existing directory of .root files.
        analyzed_dir: absolute path of the analysis output directory.
        analysis_program: the analysis program, a name looked up on PATH or an
            absolute path.
        analysis_args: null or a list of extra string arguments appended.
        timeout: seconds before the run is killed (null = no limit).

    Returns:
        dict: ``converted_dir``, ``analyzed_dir``, ``files`` (sorted absolute
        paths of every file under analyzed_dir), ``file_count``, ``command``
        (argv run), ``cwd``, ``returncode``, ``stdout_tail``, ``stderr_tail``.

    Raises:
        ValueError: an argument is malformed (the message names it).
        FileNotFoundError: converted_dir or the analysis program missing.
        RuntimeError: non-zero exit (command, exit code and stderr tail in the
            message), timeout, or no output files.
    """
    converted_dir = _check_abs(converted_dir, "converted_dir")
    analyzed_dir = _check_abs(analyzed_dir, "analyzed_dir")
    if analysis_args is None:
        analysis_args = []
    if not isinstance(analysis_args, list) or not all(
            isinstance(a, str) and "\0" not in a for a in analysis_args):
        raise ValueError(f"analysis_args must be null or a list of strings, got {analysis_args!r}")
    timeout = _check_timeout(timeout)
    _check_program(analysis_program, "analysis_program")
    if not os.path.isdir(converted_dir):
        raise FileNotFoundError(f"converted_dir not found: {converted_dir}")
    os.makedirs(analyzed_dir, exist_ok=True)

    argv = [analysis_program, "--input-dir", converted_dir, "--output-dir", analyzed_dir, *analysis_args]
    rc, out, err = _run(argv, analyzed_dir, timeout)

    files = sorted(os.path.join(root, n) for root, _, names in os.walk(analyzed_dir) for n in names)
    if not files:
        raise RuntimeError(f"analysis finished but analyzed_dir is empty: {analyzed_dir}"
                           f"\ncommand: {shlex.join(argv)}\n--- last lines of stderr ---\n{err}")
    return {"converted_dir": converted_dir, "analyzed_dir": analyzed_dir, "files": files,
            "file_count": len(files), "command": argv, "cwd": analyzed_dir, "returncode": rc,
            "stdout_tail": out, "stderr_tail": err}


def _check_abs(value, arg):
    if not isinstance(value, str) or not os.path.isabs(value) or "\0" in value:
        raise ValueError(f"{arg} must be an absolute path, got {value!r}")
    return os.path.normpath(value)


def _check_timeout(value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < float("inf"):
        raise ValueError(f"timeout must be a positive number of seconds or null, got {value!r}")
    return value


def _check_program(value, arg):
    if not isinstance(value, str) or not value or "\0" in value:
        raise ValueError(f"{arg} must be a non-empty program name or absolute path, got {value!r}")
    if "/" in value and not os.path.isabs(value):
        raise ValueError(f"{arg} must be a bare name (looked up on PATH) or an absolute path, got {value!r}")
    if shutil.which(value) is None:
        raise FileNotFoundError(f"{arg}: program {value!r} not found or not executable (PATH={os.environ.get('PATH', '')})")


def _tail(data):
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else (data or "")
    return "\n".join(text.splitlines()[-_TAIL_LINES:])[-_TAIL_CHARS:]


def _kill(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass
    try:
        return proc.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        return b"", b""


def _run(argv, cwd, timeout, env_extra=None):
    env = dict(os.environ)
    env.update(env_extra or {})
    cmd = shlex.join(argv)
    try:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, shell=False, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    except OSError as exc:
        raise RuntimeError(f"could not start command {cmd} (cwd={cwd}): {exc}") from exc
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        out, err = _kill(proc)
        raise RuntimeError(f"command timed out after {timeout} s and was killed: {cmd}"
                           f"\n--- last lines of stderr ---\n{_tail(err)}") from None
    except BaseException:
        _kill(proc)
        raise
    if proc.returncode != 0:
        rc = proc.returncode
        how = f"exit code {rc}" + (f" (killed by signal {-rc})" if rc < 0 else "")
        msg = f"command failed with {how}: {cmd}\n--- last {_TAIL_LINES} lines of stderr ---\n{_tail(err)}"
        if not _tail(err).strip():
            msg += f"\n--- last {_TAIL_LINES} lines of stdout ---\n{_tail(out)}"
        raise RuntimeError(msg)
    return proc.returncode, _tail(out), _tail(err)

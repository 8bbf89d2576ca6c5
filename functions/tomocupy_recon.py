"""Globus Compute function: Tomocupy GPU tomography reconstruction on ALCF Polaris.

Registered as pure source: the endpoint execs this whole file in an empty
namespace and calls ``tomocupy_recon(**kwargs)``.  Standard library only;
nothing runs at import time.
"""

import math
import os
import re
import shlex
import shutil
import signal
import subprocess

_TAIL_LINES = 20
_TAIL_CHARS = 4000


def tomocupy_recon(file_name, command="recon", reconstruction_type="full", rotation_axis=782.5,
                   nsino_per_chunk=4, cores=8, extra_args=None, tomocupy="tomocupy", timeout=None):
    """Reconstruct an APS-format tomography .h5 file with the tomocupy CLI on ALCF Polaris (GPU).

    Runs on a Globus Compute endpoint on a Polaris GPU node (environment with
    tomocupy/CuPy), after the flow transferred the .h5 file.  Executes (no shell)::

        <tomocupy> <command> --file-name <file_name> --reconstruction-type <type>
                   --rotation-axis <float> --nsino-per-chunk <n> [extra_args...]

    ``cores`` is not a tomocupy flag: it is passed as ``OMP_NUM_THREADS`` in
    the environment.  The working directory is the .h5 file's directory.

    Output location (tomocupy's convention, reported but not required):
    full -> ``<dir of file>_rec/<stem>_rec/``; try ->
    ``<dir of file>_rec/try_center/<stem>/``; if ``extra_args`` contains
    ``--out-path-name=<dir>`` that directory is reported instead.

    Args:
        file_name: absolute path of an existing ``.h5`` file.
        command: ``"recon"`` or ``"recon_steps"``.
        reconstruction_type: ``"full"`` or ``"try"``.
        rotation_axis: rotation centre in pixels, > 0; a number or a numeric
            string (the web form sends ``"782.5"``).
        nsino_per_chunk: sinograms per GPU chunk, a positive power of two
            (an integer or a string of digits).
        cores: CPU threads (OMP_NUM_THREADS), positive integer.
        extra_args: null or a list of extra tomocupy options, each starting
            with ``--`` (use ``--option=value``), e.g. ``["--dtype=float16"]``.
        tomocupy: the tomocupy program, a name looked up on PATH or absolute path.
        timeout: seconds before the run is killed (null = no limit).

    Returns:
        dict: ``command`` (argv run), ``cwd``, ``env`` (``{"OMP_NUM_THREADS"}``),
        ``returncode``, ``output_dir``, ``output_dir_exists`` (bool),
        ``output_files`` (number of files in output_dir), ``stdout_tail``,
        ``stderr_tail``.

    Raises:
        ValueError: an argument is malformed (the message names it).
        FileNotFoundError: the .h5 file or tomocupy missing.
        RuntimeError: non-zero exit (command, exit code and stderr tail in the
            message) or timeout.
    """
    file_name = _check_abs(file_name, "file_name")
    if not file_name.endswith(".h5"):
        raise ValueError(f"file_name must end with .h5, got {file_name!r}")
    if command not in ("recon", "recon_steps"):
        raise ValueError(f"command must be 'recon' or 'recon_steps', got {command!r}")
    if reconstruction_type not in ("full", "try"):
        raise ValueError(f"reconstruction_type must be 'full' or 'try', got {reconstruction_type!r}")
    axis = _number(rotation_axis)
    if axis is None or not math.isfinite(axis) or axis <= 0:
        raise ValueError(f"rotation_axis must be a positive number (or numeric string), got {rotation_axis!r}")
    nsino = _posint(nsino_per_chunk)
    if nsino is None:
        raise ValueError(f"nsino_per_chunk must be a positive integer, got {nsino_per_chunk!r}")
    if nsino & (nsino - 1):
        raise ValueError(f"nsino_per_chunk must be a power of two (1, 2, 4, 8, ...) as tomocupy expects, got {nsino}")
    ncores = _posint(cores)
    if ncores is None:
        raise ValueError(f"cores must be a positive integer, got {cores!r}")
    if extra_args is None:
        extra_args = []
    if not isinstance(extra_args, list) or not all(
            isinstance(a, str) and a.startswith("--") and len(a) > 2 and "\0" not in a for a in extra_args):
        raise ValueError(f"extra_args must be null or a list of strings starting with '--', got {extra_args!r}")
    timeout = _check_timeout(timeout)
    _check_program(tomocupy, "tomocupy")
    if not os.path.isfile(file_name):
        raise FileNotFoundError(f"file_name not found: {file_name}")

    argv = [tomocupy, command, "--file-name", file_name, "--reconstruction-type", reconstruction_type,
            "--rotation-axis", str(axis), "--nsino-per-chunk", str(nsino), *extra_args]
    env = {"OMP_NUM_THREADS": str(ncores)}
    parent = os.path.dirname(file_name)
    rc, out, err = _run(argv, parent, timeout, env)

    stem = os.path.basename(file_name)[:-3]
    output_dir = None
    for arg in extra_args:
        if arg.startswith("--out-path-name="):
            output_dir = os.path.abspath(os.path.join(parent, arg.split("=", 1)[1]))
    if output_dir is None:
        output_dir = (parent + "_rec/" + stem + "_rec" if reconstruction_type == "full"
                      else parent + "_rec/try_center/" + stem)
    exists = os.path.isdir(output_dir)
    count = sum(1 for n in os.listdir(output_dir) if os.path.isfile(os.path.join(output_dir, n))) if exists else 0
    return {"command": argv, "cwd": parent, "env": env, "returncode": rc,
            "output_dir": output_dir, "output_dir_exists": exists, "output_files": count,
            "stdout_tail": out, "stderr_tail": err}


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*", value):
        return float(value)
    return None


def _posint(value):
    if isinstance(value, str) and re.fullmatch(r"[0-9]+", value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return None
    return value


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

"""Globus Compute function: FRIB e21062 conversion of fitted event files to ROOT on NERSC Perlmutter.

Registered as pure source: the endpoint execs this whole file in an empty
namespace and calls ``frib_convert_to_root(**kwargs)``.  Standard library only;
nothing runs at import time.
"""

import os
import re
import shlex
import shutil
import signal
import subprocess

_SEGMENT_RE = r"run-([0-9]{4,})-([0-9]{2,})\.evt"
_TAIL_LINES = 20
_TAIL_CHARS = 4000


def frib_convert_to_root(fit_dir, converted_dir, converter="eeconverter", timeout=None):
    """Convert every fitted FRIBDAQ run segment in fit_dir to a ROOT file with the DDASToys EEConverter.

    Runs on the ``frib-convert`` Globus Compute endpoint at NERSC Perlmutter,
    after ``frib_fit_traces_mpi``.  For each ``run-NNNN-SS.evt`` in
    ``fit_dir`` (sorted by run, then segment), executes (no shell), with
    working directory ``converted_dir`` (created if missing)::

        <converter> --source file://<fit_dir>/<segment> --fileout <converted_dir>/<stem>.root

    and checks the .root file was written.  Stops at the first failure.

    Args:
        fit_dir: absolute path of an existing directory of fitted .evt files.
        converted_dir: absolute path of the output directory for .root files.
        converter: converter program, a name looked up on PATH or absolute path.
        timeout: seconds allowed for EACH segment (null = no limit).

    Returns:
        dict: ``fit_dir``, ``converted_dir``, ``root_files`` (absolute paths of
        the produced .root files), ``segments`` (list of ``{"input", "output",
        "returncode", "command", "stdout_tail", "stderr_tail"}``), ``commands``
        (every argv run), ``command`` (the last argv run), ``returncode`` (0),
        ``stdout_tail``/``stderr_tail`` (of the last segment).

    Raises:
        ValueError: an argument is malformed (the message names it).
        FileNotFoundError: fit_dir missing, no fitted segments, converter missing.
        RuntimeError: a conversion failed (segment, command, exit code and
            stderr tail in the message), timed out, or wrote no .root file.
    """
    fit_dir = _check_abs(fit_dir, "fit_dir")
    converted_dir = _check_abs(converted_dir, "converted_dir")
    timeout = _check_timeout(timeout)
    _check_program(converter, "converter")
    if not os.path.isdir(fit_dir):
        raise FileNotFoundError(f"fit_dir not found: {fit_dir}")
    found = []
    for name in os.listdir(fit_dir):
        m = re.fullmatch(_SEGMENT_RE, name)
        if m and os.path.isfile(os.path.join(fit_dir, name)):
            found.append((int(m.group(1)), int(m.group(2)), name))
    if not found:
        raise FileNotFoundError(f"no fitted run segments run-NNNN-SS.evt found in fit_dir {fit_dir}")
    os.makedirs(converted_dir, exist_ok=True)

    segments = []
    for _, _, name in sorted(found):
        src = os.path.join(fit_dir, name)
        dst = os.path.join(converted_dir, name[:-4] + ".root")
        argv = [converter, "--source", "file://" + src, "--fileout", dst]
        try:
            rc, out, err = _run(argv, converted_dir, timeout)
        except RuntimeError as exc:
            raise RuntimeError(f"ROOT conversion failed for segment {src} "
                               f"({len(segments)} of {len(found)} segments done): {exc}") from None
        if not os.path.isfile(dst):
            raise RuntimeError(f"ROOT conversion of {src} exited 0 but wrote no {dst}"
                               f"\ncommand: {shlex.join(argv)}\n--- last lines of stderr ---\n{err}")
        segments.append({"input": src, "output": dst, "returncode": rc, "command": argv,
                         "stdout_tail": out, "stderr_tail": err})
    last = segments[-1]
    return {"fit_dir": fit_dir, "converted_dir": converted_dir,
            "root_files": [s["output"] for s in segments], "segments": segments,
            "commands": [s["command"] for s in segments], "command": last["command"],
            "returncode": 0, "stdout_tail": last["stdout_tail"], "stderr_tail": last["stderr_tail"]}


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

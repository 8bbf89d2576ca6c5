"""Globus Compute function: FRIB e21062 MPI trace fitting (DDASToys EventEditor) on NERSC Perlmutter.

Registered as pure source: the endpoint execs this whole file in an empty
namespace and calls ``frib_fit_traces_mpi(**kwargs)``.  Standard library only;
nothing runs at import time.
"""

import os
import re
import shlex
import shutil
import signal
import subprocess

_RUN_DIR_RE = r"run([0-9]{4,})"
_SEGMENT_RE = r"run-([0-9]{4,})-([0-9]{2,})\.evt"
_TAIL_LINES = 20
_TAIL_CHARS = 4000


def frib_fit_traces_mpi(run_dir, fit_dir, nranks=64, editor="EventEditor",
                        editor_lib="/usr/opt/ddastoys/lib/libFitEditorAnalytic.so", fit_config=None,
                        launcher="srun", launcher_args=None, timeout=None):
    """Fit the DDAS ADC traces of every segment of one FRIB run with the MPI EventEditor.

    Runs on the ``frib-fit-mpi`` Globus Compute endpoint at NERSC Perlmutter
    (a Slurm allocation provided by the endpoint, so ``srun`` launches MPI
    ranks inside it).  For each run segment ``run-NNNN-SS.evt`` of the run
    directory ``runNNNN`` (FRIBDAQ naming; files of other runs are ignored),
    in segment order, executes (no shell), with working directory ``fit_dir``::

        <launcher> -n <nranks> [launcher_args...] <editor>
            --source file://<run_dir>/<segment> --sink file://<fit_dir>/<segment>
            --editorlib <editor_lib> --workers <nranks> --parallel-strategy mpi

    ``editor`` and ``editor_lib`` are resolved by the launcher on the compute
    nodes (e.g. inside a container named in ``launcher_args``), so they are
    not checked here.  If ``fit_config`` is given it is exported as
    ``FIT_CONFIGFILE``, the environment variable DDASToys reads its fit
    configuration file from (srun propagates the environment to the ranks).
    ``fit_dir`` is created if missing.  Stops at the first failing segment.

    Args:
        run_dir: absolute path of an existing run directory ``runNNNN``.
        fit_dir: absolute path of the output directory for fitted .evt files.
        nranks: number of MPI ranks (and EventEditor workers), positive int.
        editor: EventEditor program (name or absolute path on the compute node).
        editor_lib: absolute path of the DDASToys fit editor library.
        fit_config: null or absolute path of the DDASToys fit configuration file.
        launcher: MPI launcher, a name looked up on PATH or an absolute path.
        launcher_args: null or list of strings placed after ``-n <nranks>``,
            e.g. ``["--mpi=pmi2", "shifter", "--image=..."]``.
        timeout: seconds allowed for EACH segment (null = no limit).

    Returns:
        dict: ``run`` (int), ``run_dir``, ``fit_dir``, ``segments`` (list of
        ``{"input", "output", "returncode", "command", "stdout_tail",
        "stderr_tail"}``), ``outputs`` (fitted files), ``env`` (extra
        environment), ``commands`` (every argv run), ``command`` (the last
        argv run), ``returncode`` (0), ``stdout_tail``/``stderr_tail`` (of the
        last segment).

    Raises:
        ValueError: an argument is malformed (the message names it).
        FileNotFoundError: run_dir missing, no segments, or launcher missing.
        RuntimeError: a segment failed (segment, command, exit code and
            stderr tail in the message), timed out, or wrote no output.
    """
    run_dir = _check_abs(run_dir, "run_dir")
    m = re.fullmatch(_RUN_DIR_RE, os.path.basename(run_dir))
    if m is None:
        raise ValueError(f"run_dir must be a FRIBDAQ run directory named runNNNN, got {run_dir!r}")
    run = m.group(1)
    fit_dir = _check_abs(fit_dir, "fit_dir")
    if isinstance(nranks, bool) or not isinstance(nranks, int) or nranks < 1:
        raise ValueError(f"nranks must be a positive integer, got {nranks!r}")
    if not isinstance(editor, str) or not editor or "\0" in editor or (
            "/" in editor and not os.path.isabs(editor)):
        raise ValueError(f"editor must be a program name or an absolute path, got {editor!r}")
    editor_lib = _check_abs(editor_lib, "editor_lib")
    if fit_config is not None:
        fit_config = _check_abs(fit_config, "fit_config")
    if launcher_args is None:
        launcher_args = []
    if not isinstance(launcher_args, list) or not all(
            isinstance(a, str) and a and "\0" not in a for a in launcher_args):
        raise ValueError(f"launcher_args must be null or a list of non-empty strings, got {launcher_args!r}")
    timeout = _check_timeout(timeout)
    _check_program(launcher, "launcher")
    if not os.path.isdir(run_dir):
        raise FileNotFoundError(f"run_dir not found: {run_dir}")
    found = []
    for name in os.listdir(run_dir):
        sm = re.fullmatch(_SEGMENT_RE, name)
        if sm and sm.group(1) == run and os.path.isfile(os.path.join(run_dir, name)):
            found.append((int(sm.group(2)), name))
    if not found:
        raise FileNotFoundError(f"no run segments run-{run}-SS.evt found in run_dir {run_dir}")
    os.makedirs(fit_dir, exist_ok=True)
    env = {"FIT_CONFIGFILE": fit_config} if fit_config else {}

    segments = []
    for _, name in sorted(found):
        src, dst = os.path.join(run_dir, name), os.path.join(fit_dir, name)
        argv = [launcher, "-n", str(nranks), *launcher_args, editor,
                "--source", "file://" + src, "--sink", "file://" + dst,
                "--editorlib", editor_lib, "--workers", str(nranks), "--parallel-strategy", "mpi"]
        try:
            rc, out, err = _run(argv, fit_dir, timeout, env)
        except RuntimeError as exc:
            raise RuntimeError(f"trace fitting failed for segment {src} "
                               f"({len(segments)} of {len(found)} segments done): {exc}") from None
        if not os.path.isfile(dst):
            raise RuntimeError(f"trace fitting of segment {src} exited 0 but wrote no output {dst}"
                               f"\ncommand: {shlex.join(argv)}\n--- last lines of stderr ---\n{err}")
        segments.append({"input": src, "output": dst, "returncode": rc, "command": argv,
                         "stdout_tail": out, "stderr_tail": err})
    last = segments[-1]
    return {"run": int(run), "run_dir": run_dir, "fit_dir": fit_dir, "segments": segments,
            "outputs": [s["output"] for s in segments], "env": env,
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

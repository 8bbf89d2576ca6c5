"""Globus Compute function: ALS 8.3.2 TomoPy reconstruction on ALCF Polaris.

Registered as pure source: the endpoint execs this whole file in an empty
namespace and calls ``als832_tomopy_reconstruct(**kwargs)``.  Standard library
only; nothing runs at import time.
"""

import datetime
import os
import re
import shlex
import shutil
import signal
import subprocess

_FOLDER_RE = r"[A-Za-z]+-[0-9]{5}_[A-Za-z0-9._-]+"
_H5_RE = r"([0-9]{8})_([0-9]{6})_([A-Za-z0-9._-]+?)(?:_x([0-9]{2})y([0-9]{2}))?\.h5"
_TAIL_LINES = 20
_TAIL_CHARS = 4000


def als832_tomopy_reconstruct(folder_path, h5_file_name,
                              raw_root="/eagle/IRIBeta/als/bl832/raw",
                              scratch_root="/eagle/IRIBeta/als/bl832/scratch",
                              recon_script="/eagle/IRIBeta/als/example/globus_reconstruction.py",
                              python="python", timeout=None):
    """Reconstruct one ALS beamline 8.3.2 tomography scan with TomoPy on ALCF Polaris.

    Runs on the ALS Globus Compute endpoint on Polaris (conda env with tomopy),
    after the raw .h5 file was transferred from NERSC to
    ``<raw_root>/<folder_path>/<h5_file_name>``.  Executes (no shell)::

        <python> <recon_script> <h5_file_name> <folder_path>

    with the working directory set to ``raw_root`` (as the upstream
    ``reconstruction_wrapper`` did with ``os.chdir(rundir)``), so the script
    finds its input at the relative path ``<folder_path>/<h5_file_name>``.
    The script writes a stack of TIFFs to
    ``<scratch_root>/<folder_path>/rec<dataset>/``; this function checks that
    the directory exists and holds at least one .tif/.tiff file.

    Args:
        folder_path: experiment folder name
            ``<proposal prefix>-<5 digits>_<first part of email>``,
            e.g. ``BLS-00564_dyparkinson`` (a name, not a path).
        h5_file_name: ``YYYYMMDD_HHMMSS_<user string>.h5`` or, for tiled scans,
            ``YYYYMMDD_HHMMSS_<user string>_x##y##.h5``; date and time must be
            real.  The dataset name is the file name without ``.h5``.
        raw_root: absolute directory holding the experiment folders (input).
        scratch_root: absolute directory where the reconstruction is written.
        recon_script: absolute path of the reconstruction script.
        python: interpreter, a name looked up on PATH or an absolute path.
        timeout: seconds before the run is killed (null = no limit).

    Returns:
        dict: ``dataset``, ``tiled`` (bool), ``tile`` (``{"x": int, "y": int}``
        or null), ``recon_dir``, ``tiff_count``, ``command`` (argv run),
        ``cwd``, ``returncode``, ``stdout_tail``, ``stderr_tail``.

    Raises:
        ValueError: an argument is malformed (the message names it).
        FileNotFoundError: raw file, script or interpreter missing.
        RuntimeError: non-zero exit (command, exit code and stderr tail in the
            message), timeout, or no TIFFs produced.
    """
    folder_path = _check_folder(folder_path)
    dataset, tile = _check_h5(h5_file_name)
    raw_root = _check_abs(raw_root, "raw_root")
    scratch_root = _check_abs(scratch_root, "scratch_root")
    recon_script = _check_abs(recon_script, "recon_script")
    timeout = _check_timeout(timeout)
    _check_program(python, "python")
    if not os.path.isfile(recon_script):
        raise FileNotFoundError(f"recon_script not found: {recon_script}")
    raw_file = os.path.join(raw_root, folder_path, h5_file_name)
    if not os.path.isfile(raw_file):
        raise FileNotFoundError(f"raw file not found (h5_file_name/folder_path): {raw_file}")

    argv = [python, recon_script, h5_file_name, folder_path]
    rc, out, err = _run(argv, raw_root, timeout)

    recon_dir = os.path.join(scratch_root, folder_path, "rec" + dataset)
    if not os.path.isdir(recon_dir):
        raise RuntimeError(f"reconstruction finished but output directory is missing: {recon_dir}"
                           f"\ncommand: {shlex.join(argv)}\n--- last lines of stderr ---\n{err}")
    tiffs = [n for n in os.listdir(recon_dir)
             if n.lower().endswith((".tif", ".tiff")) and os.path.isfile(os.path.join(recon_dir, n))]
    if not tiffs:
        raise RuntimeError(f"reconstruction produced no .tif/.tiff files in {recon_dir}"
                           f"\ncommand: {shlex.join(argv)}\n--- last lines of stderr ---\n{err}")
    return {"dataset": dataset, "tiled": tile is not None, "tile": tile,
            "recon_dir": recon_dir, "tiff_count": len(tiffs), "command": argv,
            "cwd": raw_root, "returncode": rc, "stdout_tail": out, "stderr_tail": err}


def _check_folder(value):
    if not isinstance(value, str) or not re.fullmatch(_FOLDER_RE, value) or ".." in value:
        raise ValueError("folder_path must be an experiment folder name like "
                         f"'BLS-00564_dyparkinson' (no '/' or '..'), got {value!r}")
    return value


def _check_h5(value):
    m = re.fullmatch(_H5_RE, value) if isinstance(value, str) else None
    if m is None or ".." in value:
        raise ValueError("h5_file_name must be 'YYYYMMDD_HHMMSS_<name>.h5' or "
                         f"'YYYYMMDD_HHMMSS_<name>_x##y##.h5' (no '/' or '..'), got {value!r}")
    try:
        datetime.datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        raise ValueError(f"h5_file_name has an invalid date/time {m.group(1)}_{m.group(2)}: {value!r}") from None
    tile = None if m.group(4) is None else {"x": int(m.group(4)), "y": int(m.group(5))}
    return value[:-3], tile


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

"""Globus Compute function: ALS 8.3.2 TIFF stack -> multiresolution Zarr on ALCF Polaris.

Registered as pure source: the endpoint execs this whole file in an empty
namespace and calls ``als832_tiff_to_zarr(**kwargs)``.  Standard library only;
nothing runs at import time.
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


def als832_tiff_to_zarr(folder_path, h5_file_name,
                        scratch_root="/eagle/IRIBeta/als/bl832/scratch",
                        zarr_script="/eagle/IRIBeta/als/example/tiff_to_zarr.py",
                        python="python", timeout=None):
    """Convert an ALS 8.3.2 reconstruction (TIFF stack) to a .zarr tree on ALCF Polaris.

    Runs on the ALS Globus Compute endpoint on Polaris, after
    ``als832_tomopy_reconstruct`` wrote ``<scratch_root>/<folder_path>/rec<dataset>/``.
    Executes (no shell), with the working directory ``<scratch_root>/<folder_path>``::

        <python> <zarr_script> <scratch_root>/<folder_path>/rec<dataset>/

    and then checks that ``<scratch_root>/<folder_path>/rec<dataset>.zarr/``
    exists and contains at least one file.

    Args:
        folder_path: experiment folder name
            ``<proposal prefix>-<5 digits>_<first part of email>``, e.g.
            ``BLS-00564_dyparkinson`` (a name, not a path).
        h5_file_name: raw file name ``YYYYMMDD_HHMMSS_<user string>.h5`` or
            ``..._x##y##.h5``; the dataset is the name without ``.h5``.
        scratch_root: absolute directory holding the reconstructions.
        zarr_script: absolute path of the TIFF-to-Zarr script.
        python: interpreter, a name looked up on PATH or an absolute path.
        timeout: seconds before the run is killed (null = no limit).

    Returns:
        dict: ``dataset``, ``tiff_dir``, ``zarr_dir``, ``zarr_entries`` (number
        of files in the .zarr tree), ``command`` (argv run), ``cwd``,
        ``returncode``, ``stdout_tail``, ``stderr_tail``.

    Raises:
        ValueError: an argument is malformed (the message names it).
        FileNotFoundError: TIFF directory, script or interpreter missing.
        RuntimeError: non-zero exit (command, exit code and stderr tail in the
            message), timeout, or no .zarr tree produced.
    """
    folder_path = _check_folder(folder_path)
    dataset = _check_h5(h5_file_name)
    scratch_root = _check_abs(scratch_root, "scratch_root")
    zarr_script = _check_abs(zarr_script, "zarr_script")
    timeout = _check_timeout(timeout)
    _check_program(python, "python")
    if not os.path.isfile(zarr_script):
        raise FileNotFoundError(f"zarr_script not found: {zarr_script}")
    folder_dir = os.path.join(scratch_root, folder_path)
    tiff_dir = os.path.join(folder_dir, "rec" + dataset)
    if not os.path.isdir(tiff_dir):
        raise FileNotFoundError(f"reconstruction directory not found (run the reconstruction first): {tiff_dir}")

    argv = [python, zarr_script, tiff_dir + "/"]
    rc, out, err = _run(argv, folder_dir, timeout)

    zarr_dir = tiff_dir + ".zarr"
    entries = sum(len(files) for _, _, files in os.walk(zarr_dir)) if os.path.isdir(zarr_dir) else 0
    if entries == 0:
        raise RuntimeError(f"conversion finished but {zarr_dir} is missing or empty"
                           f"\ncommand: {shlex.join(argv)}\n--- last lines of stderr ---\n{err}")
    return {"dataset": dataset, "tiff_dir": tiff_dir, "zarr_dir": zarr_dir,
            "zarr_entries": entries, "command": argv, "cwd": folder_dir,
            "returncode": rc, "stdout_tail": out, "stderr_tail": err}


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
    return value[:-3]


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

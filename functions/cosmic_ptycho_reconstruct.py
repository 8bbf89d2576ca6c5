"""Globus Compute function: COSMIC BL7012 ptychography reconstruction at NERSC via Slurm.

Registered as pure source: the endpoint execs this whole file in an empty
namespace and calls ``cosmic_ptycho_reconstruct(**kwargs)``.  Standard library
only; nothing runs at import time.
"""

import os
import re
import shlex
import shutil
import signal
import subprocess

_TOKEN_RE = r"[A-Za-z0-9_.-]+"
_CONSTRAINT_RE = r"[A-Za-z0-9_.-]+(?:[&|][A-Za-z0-9_.-]+)*"
_TIME_RES = (
    r"(?P<m>[0-9]+)",
    r"(?P<m>[0-9]+):(?P<s>[0-9]{1,2})",
    r"(?P<h>[0-9]+):(?P<m>[0-9]{1,2}):(?P<s>[0-9]{1,2})",
    r"(?P<d>[0-9]+)-(?P<h>[0-9]{1,2})",
    r"(?P<d>[0-9]+)-(?P<h>[0-9]{1,2}):(?P<m>[0-9]{1,2})",
    r"(?P<d>[0-9]+)-(?P<h>[0-9]{1,2}):(?P<m>[0-9]{1,2}):(?P<s>[0-9]{1,2})",
)
_JOB_RE = r"([0-9]+)(?:;([A-Za-z0-9_.-]+))?"
_TAIL_LINES = 20
_TAIL_CHARS = 4000


def cosmic_ptycho_reconstruct(cxi_path,
                              recon_script="/global/cfs/cdirs/als/data_mover/ptycho/cosmic_reconstruction_at_nersc/c_ptychocam/ptychocam_reconstruction.sh",
                              account="als", qos="realtime", constraint="gpu", nodes=1,
                              time_limit="00:30:00", job_name=None, sbatch="sbatch",
                              extra_sbatch_args=None, timeout=60):
    """Submit the COSMIC (ALS BL7012) ptychocam reconstruction of one .cxi file to Slurm at NERSC.

    Runs on a Globus Compute endpoint at NERSC (Perlmutter login/workflow node,
    where ``sbatch`` and CFS are available) after the .cxi file was transferred.
    It does not wait for the job: it submits it and returns the Slurm job id.
    Executes (no shell), with the working directory set to the .cxi file's
    directory::

        <sbatch> --parsable -A <account> -q <qos> -C <constraint> -N <nodes>
                 -t <time_limit> -J <job_name or cosmic-<stem>>
                 -o <dir of cxi>/<stem>-%j.out [extra_sbatch_args...]
                 <recon_script> <cxi_path>

    Args:
        cxi_path: absolute path of an existing ``.cxi`` file.
        recon_script: absolute path of the reconstruction batch script.
        account: Slurm account (simple token, e.g. ``als``).
        qos: Slurm QOS (simple token, e.g. ``realtime``).
        constraint: Slurm node constraint, tokens optionally joined by ``&``
            or ``|`` (e.g. ``gpu``, ``gpu&hbm80g``).
        nodes: number of nodes, positive integer.
        time_limit: Slurm time: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or
            D-HH:MM:SS (must be non-zero).
        job_name: Slurm job name (default ``cosmic-<stem>``), no whitespace.
        sbatch: ``sbatch`` program, a name looked up on PATH or absolute path.
        extra_sbatch_args: null or a list of extra sbatch options placed before
            the script, e.g. ``["--reservation=beamtime", "--mail-type", "END"]``;
            the first must start with ``-`` and a non-option element may only
            follow an option element without ``=``.
        timeout: seconds before sbatch is killed (null = no limit).

    Returns:
        dict: ``job_id`` (str), ``cluster`` (str or null), ``output_log`` (the
        job's stdout file with ``%j`` replaced), ``output_log_pattern``,
        ``job_name``, ``command`` (argv run), ``cwd``, ``returncode``,
        ``stdout_tail``, ``stderr_tail``.

    Raises:
        ValueError: an argument is malformed (the message names it).
        FileNotFoundError: .cxi file, script or sbatch missing.
        RuntimeError: sbatch failed (command, exit code and stderr tail in the
            message), timed out, or printed no job id.
    """
    cxi_path = _check_abs(cxi_path, "cxi_path")
    if not cxi_path.endswith(".cxi"):
        raise ValueError(f"cxi_path must end with .cxi, got {cxi_path!r}")
    recon_script = _check_abs(recon_script, "recon_script")
    for arg, value, pattern in (("account", account, _TOKEN_RE), ("qos", qos, _TOKEN_RE),
                                ("constraint", constraint, _CONSTRAINT_RE)):
        if not isinstance(value, str) or not re.fullmatch(pattern, value):
            raise ValueError(f"{arg} must be a simple token ([A-Za-z0-9_.-]), got {value!r}")
    if isinstance(nodes, bool) or not isinstance(nodes, int) or nodes < 1:
        raise ValueError(f"nodes must be a positive integer, got {nodes!r}")
    _check_time_limit(time_limit)
    stem = os.path.basename(cxi_path)[:-4]
    if job_name is None:
        job_name = "cosmic-" + stem
    elif not isinstance(job_name, str) or not re.fullmatch(r"[^\s\x00]{1,200}", job_name):
        raise ValueError(f"job_name must be null or a 1-200 character string without whitespace, got {job_name!r}")
    extra = _check_extra(extra_sbatch_args)
    timeout = _check_timeout(timeout)
    _check_program(sbatch, "sbatch")
    if not os.path.isfile(cxi_path):
        raise FileNotFoundError(f"cxi_path not found: {cxi_path}")
    if not os.path.isfile(recon_script):
        raise FileNotFoundError(f"recon_script not found: {recon_script}")

    cxi_dir = os.path.dirname(cxi_path)
    log_pattern = os.path.join(cxi_dir, stem + "-%j.out")
    argv = [sbatch, "--parsable", "-A", account, "-q", qos, "-C", constraint,
            "-N", str(nodes), "-t", time_limit, "-J", job_name, "-o", log_pattern,
            *extra, recon_script, cxi_path]
    rc, out, err = _run(argv, cxi_dir, timeout)

    lines = [line.strip() for line in out.splitlines() if line.strip()]
    m = re.fullmatch(_JOB_RE, lines[-1]) if lines else None
    if m is None:
        raise RuntimeError(f"could not parse a job id from sbatch --parsable output: {shlex.join(argv)}"
                           f"\n--- stdout ---\n{out}\n--- stderr ---\n{err}")
    job_id = m.group(1)
    return {"job_id": job_id, "cluster": m.group(2), "job_name": job_name,
            "output_log": log_pattern.replace("%j", job_id), "output_log_pattern": log_pattern,
            "command": argv, "cwd": cxi_dir, "returncode": rc,
            "stdout_tail": out, "stderr_tail": err}


def _check_time_limit(value):
    if isinstance(value, str):
        for pattern in _TIME_RES:
            m = re.fullmatch(pattern, value)
            if m is None:
                continue
            d = m.groupdict()
            days, hours = int(d.get("d") or 0), int(d.get("h") or 0)
            minutes, seconds = int(d.get("m") or 0), int(d.get("s") or 0)
            leading = "d" if d.get("d") else ("h" if d.get("h") else "m")
            bad = ((seconds > 59) or (leading != "m" and minutes > 59)
                   or (leading == "d" and hours > 23))
            if bad:
                break
            if days + hours + minutes + seconds == 0:
                raise ValueError(f"time_limit must be non-zero, got {value!r}")
            return
    raise ValueError("time_limit must be a Slurm time (MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, "
                     f"D-HH:MM:SS) with minutes/seconds < 60 and hours < 24 after a day count, got {value!r}")


def _check_extra(value):
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(a, str) and a and "\0" not in a for a in value):
        raise ValueError(f"extra_sbatch_args must be null or a list of non-empty strings, got {value!r}")
    for i, arg in enumerate(value):
        prev = value[i - 1] if i else ""
        if not arg.startswith("-") and not (prev.startswith("-") and "=" not in prev):
            raise ValueError(f"extra_sbatch_args[{i}] = {arg!r} is neither an option (starting with '-') "
                             "nor the value of the preceding option")
    return list(value)


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

"""Whether the process that started a piece of work is still alive (#13 item 3).

An import marks its batch 导入中 with ``this_process()``: the host, the pid and the pid's
start time (Linux ``/proc/<pid>/stat`` field 22, so a pid reused by a later process is not
taken for the one that died). ``is_alive`` answers True or False on the same host, and None
on another host, where it cannot look.
"""

from __future__ import annotations

import os
import socket


def this_process() -> str:
    return describe(os.getpid())


def describe(pid: int) -> str:
    return f"{socket.gethostname()} {pid} {_started(pid) or '-'}"


def is_alive(runner: str) -> bool | None:
    try:
        host, pid, started = runner.split(" ")
        pid_number = int(pid)
    except ValueError:
        return None
    if host != socket.gethostname():
        return None
    now = _started(pid_number)
    if now is not None:
        return started in ("-", now)
    if os.path.isdir("/proc"):
        return False  # no such process, or a zombie: it has ended
    try:  # no /proc (a developer's Mac): does the pid exist at all?
        os.kill(pid_number, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _started(pid: int) -> str | None:
    """The start time of a running (not zombie) process, in clock ticks after boot."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read().decode("ascii", "replace")
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()  # after the command name, which may hold spaces
    if not fields or fields[0] in ("Z", "X"):
        return None
    return fields[19]

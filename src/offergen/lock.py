"""Turn an output folder into one build's at a time: a lock that the system releases when
its holder dies, that no worker process inherits, and that a build takes over at once
from a build that is gone.

The lock is a `flock` on out/.offergen.lock, which records the holder as `<pid> <host>`.
A flock belongs to the open file, which a fork shares, so every forked child lets go of
its copy at once (`os.register_at_fork`): a worker left behind by a killed build holds
nothing. A build that finds the lock held by a pid that no longer runs on this host (a
build from before that rule, whose workers still hold the file) replaces the file and
goes on, with a note.
"""

from __future__ import annotations

import fcntl
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from .errors import OffergenError
from .write import cannot_write

LOCK_FILE = ".offergen.lock"
POLL = 0.1  # seconds between two tries while another build holds the lock


class BuildLocked(OffergenError):
    """Another build holds the output folder."""


@dataclass(frozen=True)
class Holder:
    """The build a lock file names."""

    pid: int
    host: str = ""  # empty in the files of offergen before hosts were recorded

    @classmethod
    def of(cls, text: str) -> Holder | None:
        parts = text.split()
        if not parts or not parts[0].isdigit():
            return None
        return cls(int(parts[0]), parts[1] if len(parts) > 1 else "")

    def __str__(self) -> str:
        return f"{self.pid} {self.host}".strip()

    @property
    def gone(self) -> bool:
        """Sure to have ended: it ran on this host and no process has its pid (or only
        a zombie, which holds no file)."""
        if self.pid <= 0 or self.host not in ("", socket.gethostname()):
            return False
        try:
            state = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            return state in ("Z", "X")
        except (OSError, IndexError):
            pass
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except OSError:  # it exists and is someone else's
            return False
        return False


@dataclass
class Lock:
    """What taking the lock found."""

    notes: list[str] = field(default_factory=list)

    def took_over(self, holder: Holder) -> None:
        note = f"took over the lock of build pid {holder.pid}, which is gone"
        if note not in self.notes:
            self.notes.append(note)


_HELD: set[int] = set()  # descriptors of the locks this process holds


def _let_go_in_child() -> None:
    # Point each held descriptor at /dev/null rather than closing it: the number stays
    # taken, so nothing in the child can reuse it and have it closed from under it.
    for descriptor in _HELD:
        with suppress(OSError):
            null = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
            os.dup2(null, descriptor, inheritable=False)
            os.close(null)
    _HELD.clear()


os.register_at_fork(after_in_child=_let_go_in_child)


@contextmanager
def locked(target: Path, timeout: float) -> Iterator[Lock]:
    """Hold `target`'s lock while the block runs, waiting up to `timeout` seconds for a
    running build; `BuildLocked` after that."""
    path, lock = target / LOCK_FILE, Lock()
    descriptor = _take(path, time.monotonic() + timeout, lock)
    _HELD.add(descriptor)
    try:
        previous = Holder.of(_read(descriptor))
        if previous is not None and previous.pid != os.getpid() and previous.gone:
            lock.took_over(previous)  # it died holding the lock, which the system released
        _write(descriptor, f"{os.getpid()} {socket.gethostname()}\n")
        yield lock
    finally:
        _HELD.discard(descriptor)
        with suppress(OSError):
            os.ftruncate(descriptor, 0)  # a clean release names no holder
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)


def _take(path: Path, deadline: float, lock: Lock) -> int:
    while True:
        descriptor = _open(path)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = Holder.of(_read(descriptor))
            os.close(descriptor)
            if holder is not None and holder.gone:
                _replace(path, holder)
                lock.took_over(holder)
                continue
            if time.monotonic() >= deadline:
                raise BuildLocked(
                    f"another offergen build (pid {holder.pid if holder else '?'}) is "
                    f"writing to {path.parent}; wait for it to finish and run again"
                ) from None
            time.sleep(POLL)
            continue
        if _is_at(descriptor, path):
            return descriptor
        os.close(descriptor)  # replaced while we waited for it: lock the new one


def _replace(path: Path, holder: Holder) -> None:
    """Remove a lock file that a gone build's leftovers hold, unless another build has
    done so first: the folder's own flock makes two takeovers one after the other."""
    guard = os.open(path.parent, os.O_RDONLY | os.O_CLOEXEC)
    try:
        fcntl.flock(guard, fcntl.LOCK_EX)
        try:
            descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            return
        try:
            if Holder.of(_read(descriptor)) == holder and _is_at(descriptor, path):
                path.unlink()
        finally:
            os.close(descriptor)
    finally:
        os.close(guard)


def _open(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as error:
        raise cannot_write(error, path.parent) from None


def _is_at(descriptor: int, path: Path) -> bool:
    try:
        here, there = os.fstat(descriptor), os.stat(path)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _read(descriptor: int) -> str:
    return os.pread(descriptor, 256, 0).decode("utf-8", "replace")


def _write(descriptor: int, text: str) -> None:
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, text.encode("utf-8"), 0)

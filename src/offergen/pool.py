"""Turn tasks into their results in worker processes, each result as soon as it is ready.

Workers are forked where the system can: they start with everything the parent has
loaded (a validated workspace), and set themselves up once with `initializer`. They end
with their parent, however it ends: a parent killed with SIGKILL runs no clean-up, and
a worker left waiting on its pipe would live on (holding whatever it inherited).

What the parent holds stays shared with the workers (copy-on-write) as long as nobody
writes to its pages: the parent's objects are frozen out of the garbage collector
before the fork (a collection in a worker would otherwise write to every object it
inherited), and free heap is handed back to the system first and after every task, so
that a worker's pages are the ones it uses.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from functools import cache
from typing import Any, TypeVar

from .errors import OffergenError

Task = TypeVar("Task")
Result = TypeVar("Result")
Unit = TypeVar("Unit")


def in_workers(
    work: Callable[[Task], Result],
    tasks: Sequence[Task],
    jobs: int,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
    lost: Callable[[Task, BaseException], Result],
) -> Iterator[Result]:
    """`work(task)` for every task in up to `jobs` processes, in the order they finish;
    `lost(task, error)` for those whose worker died (killed, out of memory). `work` and
    `initializer` must be module-level functions (they are sent by name)."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    gc.collect()
    release_free_memory()
    gc.freeze()  # until the workers are gone: what they inherit stays shared
    try:
        with ProcessPoolExecutor(
            max_workers=min(jobs, len(tasks)),
            mp_context=context,
            initializer=_start_worker,
            initargs=(os.getpid(), initializer, initargs),
        ) as pool:
            pending: dict[Future[Result], Task] = {
                pool.submit(_run, work, task): task for task in tasks
            }
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    task = pending.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool as error:
                        yield lost(task, error)
    finally:
        gc.unfreeze()


def _run(work: Callable[[Task], Result], task: Task) -> Result:
    try:
        return work(task)
    finally:
        release_free_memory()  # a worker's peak is one task's, not the sum of its leftovers


def release_free_memory() -> None:
    """Hand the free parts of the C heap back to the system (glibc's malloc_trim; a
    no-op elsewhere): memory freed by Python stays in the heap, resident, otherwise."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim() -> Any:
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def attempt(work: Callable[[], Result]) -> Result | str:
    """What `work` gives, or why it failed: a failure ends one task, never the others."""
    try:
        return work()
    except OffergenError as error:
        return str(error)
    except Exception as error:  # a worker must report, not die: the others go on
        return f"internal error: {type(error).__name__}: {error}"


def outcomes(
    units: Sequence[Unit], made: list[bytes] | str
) -> list[tuple[Unit, bytes | None, str | None]]:
    """Each unit with its bytes, or all of them with the one error that stopped them."""
    if isinstance(made, str):
        return [(unit, None, made) for unit in units]
    return [(unit, data, None) for unit, data in zip(units, made, strict=True)]


PR_SET_PDEATHSIG = 1  # linux/prctl.h
WATCH = 0.5  # seconds between two looks at the parent, where the system cannot signal


def _start_worker(parent: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
    die_with(parent)
    initializer(*initargs)


def die_with(parent: int) -> None:
    """End this process as soon as `parent` ends: Linux signals it (PR_SET_PDEATHSIG);
    elsewhere, and should that fail, a thread watches who the parent is."""
    if sys.platform.startswith("linux"):
        with suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL))
    if os.getppid() != parent:  # it ended before we asked to be told
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), name="parent-watch", daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH)
    os._exit(1)

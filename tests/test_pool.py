"""Worker processes: results as they finish, a dead worker fails only its tasks, a
worker never outlives its parent, and workers share what the parent loaded."""

from __future__ import annotations

import gc
import multiprocessing
import os
import subprocess
import sys

from offergen.pool import in_workers

from .conftest import skip_outside_ci


def _square(number: int) -> int:
    return number * number


def _ends_on_three(number: int) -> int:
    if number == 3:
        os._exit(1)  # as if killed, or out of memory
    return number


def _nothing() -> None:
    pass


def _lost(number: int, error: BaseException) -> int:
    return -number


def test_every_task_comes_back_from_the_workers() -> None:
    assert sorted(in_workers(_square, [1, 2, 3, 4], 2, _nothing, (), _lost)) == [1, 4, 9, 16]


def test_a_worker_that_dies_loses_its_task_and_stops_nothing() -> None:
    results = list(in_workers(_ends_on_three, [1, 2, 3, 4], 2, _nothing, (), _lost))
    assert len(results) == 4
    assert -3 in results  # the pool breaks: tasks not yet done are lost with it
    assert all(abs(result) in (1, 2, 3, 4) for result in results)


def test_a_worker_whose_parent_is_already_gone_ends_at_once() -> None:
    script = (
        "from offergen.pool import die_with\ndie_with(-1)\nprint('still here')\n"  # not its parent
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (1, "")


def _frozen(_: int) -> int:
    return gc.get_freeze_count()


def test_workers_inherit_the_parents_objects_frozen_and_the_parent_thaws_after() -> None:
    # Frozen, the objects a worker inherits are never touched by its garbage collector,
    # so their pages stay shared with the parent instead of being copied into each worker.
    assert gc.get_freeze_count() == 0
    results = in_workers(_frozen, [1, 2, 3], 2, _nothing, (), _lost)
    assert next(results) > 1000
    results.close()  # the caller stops early: the parent collects normally again
    assert gc.get_freeze_count() == 0


LOADED_IN_WORKERS = """
from offergen import grammar
from offergen.rendering import load_for_workers
from offergen.pool import in_workers

def loaded(_):
    return grammar._morph.cache_info().currsize  # without loading: what it inherited

def nothing():
    pass

{load}
print(sorted(in_workers(loaded, [1, 2], 2, nothing, (), lambda task, error: -1)))
"""


def test_workers_share_the_dictionaries_the_build_loads_before_they_fork() -> None:
    if multiprocessing.get_start_method() != "fork":
        skip_outside_ci("workers are not forked on this system: each loads its own")
    for load, expected in (("", "[0, 0]"), ("load_for_workers()", "[1, 1]")):
        script = LOADED_IN_WORKERS.format(load=load)
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
        assert (done.returncode, done.stdout.strip()) == (0, expected), done.stderr

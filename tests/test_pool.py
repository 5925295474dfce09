"""Worker processes: results as they finish, a dead worker fails only its tasks, and a
worker never outlives its parent."""

from __future__ import annotations

import os
import subprocess
import sys

from offergen.pool import in_workers


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

"""Turn tasks into their results in worker processes, each result as soon as it is ready.

Workers are forked where the system can: they start with everything the parent has
loaded (a validated workspace), and set themselves up once with `initializer`.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

Task = TypeVar("Task")
Result = TypeVar("Result")


def in_workers(
    work: Callable[[Task], Result],
    tasks: Sequence[Task],
    jobs: int,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
) -> Iterator[Result]:
    """`work(task)` for every task in up to `jobs` processes, in the order they finish.
    `work` and `initializer` must be module-level functions (they are sent by name)."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(
        max_workers=min(jobs, len(tasks)),
        mp_context=context,
        initializer=initializer,
        initargs=initargs,
    ) as pool:
        pending: set[Future[Result]] = {pool.submit(work, task) for task in tasks}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()

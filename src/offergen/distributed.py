"""Turn render tasks into bytes on a Dask distributed cluster: this process plans, builds
each document's context and writes (build.py); workers render contexts into bytes with
the templates shipped to them by content hash.

Dask is optional (`pip install 'offergen[dask]'`) and imported only when a build asks for
a scheduler. What a worker needs besides its installation travels with the tasks: the
templates folder as one archive named by its sha256, sent once to every worker and
unpacked into the worker's own folder; a worker never reads the workspace by its path.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import tarfile
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .build import Rendered, Renderer, Revisions, Task, lost
from .confine import Refused, read_template
from .documents import KINDS
from .errors import OffergenError
from .inputs import renderer_versions, sha256
from .pool import attempt, outcomes
from .render import DocumentMeta, Templates
from .rendering import render_context, resolve
from .workspace import Workspace

if TYPE_CHECKING:
    from distributed import Client, Future

SCHEDULER_ENV = "OFFERGEN_SCHEDULER"
LOCAL = "local"  # an in-process LocalCluster, to try it out
INSTALL = "pip install 'offergen[dask]'"
# Dask reschedules the tasks of a lost worker by itself; these retries are for a task
# that raised anyway (a render failure comes back as a value and is never retried).
RETRIES = 2
CACHE = "offergen-templates"  # under a worker's local directory, one folder per hash
ROOT_MARK = "\x00templates\x00"  # a worker's templates folder in an error it returns


class ClusterError(OffergenError):
    """The cluster cannot be used: Dask is missing or the scheduler cannot be reached."""


@dataclass(frozen=True)
class Bundle:
    """A templates folder as one archive, named by the sha256 of its bytes."""

    digest: str
    data: bytes


# --- this process: connect, ship, submit, collect -----------------------------------------


@contextmanager
def on_cluster(address: str, *, jobs: int, connect_timeout: float) -> Iterator[Renderer]:
    """A renderer for build() that renders on the Dask scheduler at `address` (`local`:
    a LocalCluster of `jobs` worker processes), connected before anything is built."""
    try:
        import distributed
    except ImportError:
        raise ClusterError(f"--scheduler needs Dask, here and on every worker: {INSTALL}") from None
    with ExitStack() as stack:
        stack.enter_context(_quiet())
        if address == LOCAL:
            cluster = distributed.LocalCluster(
                n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=":0"
            )
            address = stack.enter_context(cluster).scheduler_address
        try:
            client = distributed.Client(address, timeout=connect_timeout, set_as_default=False)
        except (OSError, ValueError, TypeError) as error:  # TimeoutError is an OSError
            raise ClusterError(
                f"cannot reach the Dask scheduler at {address} within {connect_timeout:g} s"
                f" ({error}); start one with `dask scheduler`, or see --connect-timeout"
            ) from None
        stack.enter_context(client)
        yield ClusterRenderer(client)


@contextmanager
def _quiet() -> Iterator[None]:
    # Dask logs its own view of a lost connection, tracebacks included; the build reports
    # each offer that suffered from it instead.
    names = [n for n in logging.root.manager.loggerDict if n.split(".")[0] == "distributed"]
    loggers = [logging.getLogger(name) for name in ["distributed", *names]]
    levels = [logger.level for logger in loggers]  # some are set on their own by Dask
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class ClusterRenderer:
    """build.Renderer on a Dask client: contexts are built here, rendered on workers."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def __call__(
        self, workspace: Workspace, revisions: Revisions, tasks: list[Task]
    ) -> Iterator[Rendered]:
        from distributed import as_completed

        templates = Templates(workspace.templates_dir)
        bundle = pack(templates.root)
        # A task that gives the archive, named by its hash: each worker fetches it once
        # (from a peer) and keeps it, and should every worker that held it be lost, the
        # scheduler makes it again. Builds with the same templates share it.
        shipped = self.client.submit(_archive, bundle.data, key=f"{CACHE}-{bundle.digest}")
        versions = renderer_versions()
        pending: dict[Future, Task] = {}
        finished = as_completed(loop=self.client.loop)
        try:
            for task in tasks:
                prepared = attempt(partial(_context, workspace, revisions, templates, task))
                if isinstance(prepared, str):  # a context that fails here fails its offer
                    yield from outcomes(task, prepared)
                    continue
                future = self.client.submit(
                    render_on_worker,
                    shipped,
                    bundle.digest,
                    task[0].document,
                    [unit.fmt for unit in task],
                    *prepared,
                    versions,
                    pure=False,
                    retries=RETRIES,
                )
                pending[future] = task
                finished.add(future)
                while finished.has_ready():  # write what is ready while submitting the rest
                    yield from _collected(pending, next(finished), templates.root)
            for future in finished:
                yield from _collected(pending, future, templates.root)
        finally:  # what is left when the build stopped early
            self.client.cancel(list(pending))
            shipped.release()


def _archive(data: bytes) -> bytes:
    return data


def _context(
    workspace: Workspace, revisions: Revisions, templates: Templates, task: Task
) -> tuple[dict[str, Any], DocumentMeta]:
    first = task[0]
    view = resolve(workspace, templates, first.offer_id, revisions.get(first.offer_id))
    return KINDS[first.document].context(view)


def _collected(pending: dict[Future, Task], future: Future, root: Path) -> list[Rendered]:
    task = pending.pop(future)
    try:
        made: list[bytes] | str = future.result()
    except Exception as error:  # its worker was lost too often, or the cluster went away
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        return lost(task, ClusterError(reason.replace(str(future.key), "the task")))
    if isinstance(made, str):
        made = made.replace(ROOT_MARK, str(root))
    return outcomes(task, made)


def pack(root: Path) -> Bundle:
    """Every file of a templates folder that a render may read, in a reproducible archive:
    links are followed as the renderers follow them, those leading outside are left out."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for name in _files(root):
            try:
                data = read_template(root, name)
            except Refused:
                continue  # the worker refuses it as a local build does: it is not there
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            archive.addfile(info, io.BytesIO(data))
    data = buffer.getvalue()
    return Bundle(sha256(data), data)


def _files(root: Path) -> Iterator[str]:
    base = root.resolve()
    for folder, folders, files in os.walk(base, followlinks=True):
        path = Path(folder)
        real = path.resolve()
        above = [(base / parent).resolve() for parent in path.relative_to(base).parents]
        if not real.is_relative_to(base) or real in above:
            folders.clear()  # a link outside, or back up into its own path (a loop)
            continue
        folders.sort()
        for name in sorted(files):
            yield Path(folder, name).relative_to(base).as_posix()


# --- a worker: unpack once, render many ---------------------------------------------------

_UNPACKED: dict[str, Templates] = {}
_UNPACKING = threading.Lock()


def render_on_worker(
    bundle: bytes,
    digest: str,
    document: str,
    formats: Sequence[str],
    context: dict[str, Any],
    meta: DocumentMeta,
    versions: dict[str, str],
) -> list[bytes] | str:
    """One document's bytes in each format, or why it cannot be rendered; runs on a
    worker, with nothing of the client's disk."""

    def render() -> list[bytes]:
        _same_versions(versions)
        return render_context(_templates(bundle, digest), document, formats, context, meta)

    made = attempt(render)
    if isinstance(made, str) and digest in _UNPACKED:
        return made.replace(str(_UNPACKED[digest].root), ROOT_MARK)
    return made


def _same_versions(expected: dict[str, str]) -> None:
    # The same inputs give the same bytes only with the same renderers.
    mine = renderer_versions()
    differ = [
        f"{name} {mine.get(name, 'missing')} (the build's: {wanted})"
        for name, wanted in expected.items()
        if mine.get(name) != wanted
    ]
    if differ:
        raise ClusterError(
            "a worker runs other versions than this build: "
            + ", ".join(differ)
            + f"; install the same ones there ({INSTALL})"
        )


def _templates(bundle: bytes, digest: str) -> Templates:
    with _UNPACKING:
        if digest not in _UNPACKED:
            _UNPACKED[digest] = Templates(unpack(bundle, digest, _cache_folder()))
        return _UNPACKED[digest]


def _cache_folder() -> Path:
    from distributed import get_worker

    try:
        return Path(get_worker().local_directory) / CACHE
    except ValueError:  # not in a worker (a test calling it directly)
        return Path(tempfile.gettempdir()) / CACHE


def unpack(bundle: bytes, digest: str, cache: Path) -> Path:
    """The folder `bundle` unpacks into under `cache`, named by its hash; unpacked once."""
    folder = cache / digest
    if folder.is_dir():
        return folder
    if sha256(bundle) != digest:
        raise ClusterError(f"the templates arrived damaged (sha256 is not {digest})")
    cache.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{digest[:12]}-", dir=cache))
    with tarfile.open(fileobj=io.BytesIO(bundle)) as archive:
        archive.extractall(scratch, filter="data")
    try:
        scratch.rename(folder)  # whole or not at all
    except OSError:  # another process of this worker was first
        shutil.rmtree(scratch, ignore_errors=True)
    return folder

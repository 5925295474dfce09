"""Turn saves in a workspace into rebuilt documents: one warm process builds the offers
asked for, then rebuilds, after each batch of saves, the documents those saves made stale.

The process keeps what a cold build pays for again each time: the imports, WeasyPrint's
fonts and parsed stylesheet, the Jinja environments and the compiled clause texts. A save
under the templates folder drops the warm templates (so a changed layout or stylesheet
is read again); every other save reloads the workspace, and the build's input hashes
(see inputs.py and the manifests) leave every document whose inputs did not change alone.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import OffergenError, Problem, ValidationFailed
from .workspace import templates_of

if TYPE_CHECKING:
    from .build import BlockedOffer, BuildReport
    from .render import Templates
    from .workspace import Workspace

ROOT_FILES = ("offergen.yaml", "catalog.yaml", "discounts.yaml")
RECORD_FOLDERS = ("clients", "offers")
# Editors save through files like these; the save that counts is the rename that follows.
_SCRATCH_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".part", ".bak")
STEP_MS = 50  # a batch of saves ends after this long without another one
MAX_BATCH_MS = 1600  # ... or after this long in any case
TICK_MS = 200  # how often the watcher wakes without a save (to notice a stop)
LOCK_TIMEOUT = 60.0  # seconds to wait for an `offergen build` writing the same out/


# The PDF first, each in a build of its own: the PDF is what a preview shows, and it need
# not wait for the DOCX (the manifest keeps each format's inputs apart).
PREVIEW_ORDER = ("pdf", "docx")


@dataclass(frozen=True)
class Rebuilt:
    offer_id: str
    written: tuple[str, ...]  # file names, in the order they were written
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Round:
    """One build of the watcher: the first one, or one after a batch of saves."""

    changed: tuple[str, ...]  # the files saved, relative to the workspace (none at first)
    problems: tuple[Problem, ...]  # errors and warnings of the offers watched, as `check`
    reports: tuple[BuildReport, ...]  # one per format; none when nothing could be built
    error: str | None = None  # what kept the whole build from running
    seconds: float = 0.0

    @property
    def built(self) -> bool:
        return bool(self.reports)

    @property
    def rebuilt(self) -> list[Rebuilt]:
        """The offers some of whose documents were written (or removed) in this round."""
        found: dict[str, Rebuilt] = {}
        for report in self.reports:
            for r in report.results:
                if r.written or r.removed:
                    before = found.get(r.offer_id, Rebuilt(r.offer_id, ()))
                    written = before.written + tuple(path.name for path in r.written)
                    found[r.offer_id] = Rebuilt(r.offer_id, written, (*before.removed, *r.removed))
        return list(found.values())

    @property
    def failed(self) -> dict[str, str]:
        """Each offer whose rendering or writing failed, with the first reason."""
        found: dict[str, str] = {}
        for report in self.reports:
            for result in report.failed:
                found.setdefault(result.offer_id, result.error or "")
        return found

    @property
    def blocked(self) -> list[BlockedOffer]:
        return self.reports[0].blocked if self.reports else []


@dataclass
class Watcher:
    """The warm state of `offergen watch`: what stays loaded between builds."""

    root: Path
    offers: Sequence[str] = ()
    out_dir: Path | None = None
    _templates: Templates | None = field(default=None, repr=False)

    @property
    def templates_dir(self) -> Path:
        return templates_of(self.root).resolve()

    def folders(self) -> list[Path]:
        """The folders whose entries are the inputs; each watched on its own (not the
        workspace's whole tree, which holds out/, .git and perhaps a virtualenv)."""
        templates = self.templates_dir
        found = [self.root, *(self.root / name for name in RECORD_FOLDERS), templates]
        found += sorted(p for p in templates.rglob("*") if p.is_dir() and not p.is_symlink())
        return [folder for folder in dict.fromkeys(found) if folder.is_dir()]

    def is_input(self, path: Path) -> bool:
        """Whether a save of `path` can change a document."""
        name = path.name
        if name.startswith((".", "#")) or name.endswith(_SCRATCH_SUFFIXES):
            return False
        if path.is_relative_to(self.templates_dir):
            return True
        if path.parent == self.root:
            return name in ROOT_FILES
        return path.parent.parent == self.root and (
            path.parent.name in RECORD_FOLDERS and path.suffix == ".yaml"
        )

    def shown(self, path: Path) -> str:
        for base in (self.root, self.templates_dir.parent):
            if path.is_relative_to(base):
                return path.relative_to(base).as_posix()
        return str(path)

    def build(self, changed: Iterable[Path] = ()) -> Round:
        """Reload the workspace and bring the documents watched up to date."""
        from .build import build
        from .past import stamps
        from .render import Templates

        started = time.perf_counter()
        changed = sorted(set(changed))
        if self._templates is None or any(p.is_relative_to(self.templates_dir) for p in changed):
            self._templates = Templates(self.templates_dir)  # layouts, styles or fonts changed
        shown = tuple(self.shown(path) for path in changed)
        try:
            workspace = _load(self.root)
        except ValidationFailed as failed:  # nothing can be built before it is fixed
            return Round(shown, tuple(failed.problems), (), seconds=_since(started))
        try:
            stamped = stamps(workspace, self.offers)
            reports = tuple(
                build(
                    workspace,
                    self.offers or None,
                    (fmt,),
                    self.out_dir,
                    jobs=1,  # in this process: no worker to start, everything warm
                    lock_timeout=LOCK_TIMEOUT,
                    revisions=stamped.revisions,
                    templates=self._templates,
                )
                for fmt in PREVIEW_ORDER
            )
        except OffergenError as error:
            problems = _problems(workspace, self.offers, [])
            return Round(shown, problems, (), str(error), _since(started))
        problems = _problems(workspace, self.offers, stamped.warnings)
        return Round(shown, problems, reports, seconds=_since(started))


def _load(root: Path) -> Workspace:
    from .validate import load_workspace

    return load_workspace(root)


def _problems(
    workspace: Workspace, offers: Sequence[str], more: Iterable[Problem]
) -> tuple[Problem, ...]:
    """What `check` would show of the offers watched (all by default): errors and warnings,
    those of the files they use included."""
    if offers:
        found = {p for offer_id in offers for p in workspace.findings.get(offer_id, ())}
    else:
        found = set(workspace.problems)
    found |= set(more)
    return tuple(sorted(p for p in found if p.severity != "note"))


def _since(started: float) -> float:
    return time.perf_counter() - started


def rounds(
    root: Path,
    offers: Sequence[str] = (),
    out_dir: Path | None = None,
    stop: threading.Event | None = None,
) -> Iterator[Round]:
    """The first build, then one round per batch of saves, until `stop` is set (or the
    process gets Ctrl-C in its main thread). Unknown offer ids fail before anything runs."""
    import watchfiles

    # Its notice of a Ctrl-C would print through logging's last resort; the CLI says it.
    logging.getLogger("watchfiles").addHandler(logging.NullHandler())
    watcher = Watcher(root.resolve(), tuple(dict.fromkeys(offers)), out_dir)
    _known(watcher)
    changes = watchfiles.watch(
        *watcher.folders(),
        watch_filter=lambda _, path: watcher.is_input(Path(path)),
        debounce=MAX_BATCH_MS,
        step=STEP_MS,
        stop_event=stop,
        rust_timeout=TICK_MS,
        yield_on_timeout=True,  # the first tick says the watch has begun
        raise_interrupt=False,
        recursive=False,
    )
    # Watching begins before the first build, so that no save during it is missed.
    if next(changes, None) is None:
        return
    yield watcher.build()
    for batch in changes:
        if batch:
            yield watcher.build(Path(path) for _, path in batch)


def _known(watcher: Watcher) -> None:
    """`NotFound` for an offer id no offer file has, when the workspace can say."""
    if not watcher.offers:
        return
    try:
        workspace = _load(watcher.root)
    except ValidationFailed:
        return  # the first round shows why; the ids are checked once it loads
    for offer_id in watcher.offers:
        workspace.known(offer_id)


def round_lines(done: Round, before: Round | None) -> list[tuple[str, bool]]:
    """What the watcher says after a round, each line with whether it is a complaint (for
    stderr): the files saved, the problems when they changed ("ok" when they are gone),
    the documents rebuilt."""
    lines: list[tuple[str, bool]] = []
    if done.changed:
        lines.append((f"changed: {', '.join(done.changed)}", False))
    if before is None or done.problems != before.problems:
        lines += [(str(problem), True) for problem in done.problems]
        if not done.problems and before is not None:
            lines.append(("ok: no problems left", False))
    if done.error is not None:
        lines.append((f"error: {done.error}", True))
    if not done.built:
        if done.error is None:
            lines.append(("nothing built until the problems above are fixed", True))
        return lines
    lines += [(f"FAILED {offer_id}: {error}", True) for offer_id, error in done.failed.items()]
    lines += [(f"BLOCKED {offer.offer_id}: {offer.first}", True) for offer in done.blocked]
    for rebuilt in done.rebuilt:
        removed = f" (removed {', '.join(rebuilt.removed)})" if rebuilt.removed else ""
        lines.append((f"rebuilt {rebuilt.offer_id}: {', '.join(rebuilt.written)}{removed}", False))
    if not done.rebuilt and not done.failed and not done.blocked:
        lines.append(("up to date", False))
    lines.append((f"done in {done.seconds:.2f} s", False))
    return lines


__all__ = ["Rebuilt", "Round", "Watcher", "round_lines", "rounds"]

"""Turn a validated workspace into documents in out/: plan what is stale, render it in
warm worker processes, write each offer atomically with its manifest.

A document is rebuilt when the hash of its inputs (see inputs.py) differs from the one
its offer's manifest records, or when its file is missing or altered: its size or mtime
differs from the manifest's (`verify_outputs` hashes every file instead). An offer whose
rendering fails keeps every earlier file; the others are built regardless. The plan comes
from the workspace, or from what plan_cache recalls of an unchanged one: then the
workspace is loaded only if something is to be rendered or written.
"""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import nullcontext, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from .documents import FORMATS, KINDS
from .errors import OffergenError, Problem
from .inputs import InputHasher, renderer_versions, sha256
from .lock import Lock, locked
from .manifest import MANIFEST, read_manifest
from .plan_cache import Loaded, Recalled
from .pool import attempt, in_workers, outcomes
from .render import Templates
from .rendering import load_for_workers, render_formats, resolve
from .workspace import Workspace
from .write import (
    OutputProblem,
    cannot_write,
    make_output_root,
    output_folder,
    output_path,
    remove_leftovers,
    write_atomic,
    write_files,
)

if TYPE_CHECKING:
    from .history import Revision

OUT_DIR = "out"


@dataclass(frozen=True)
class Unit:
    """One file to produce: a document of an offer in one format."""

    offer_id: str
    document: str
    fmt: str
    filename: str
    inputs: str


@dataclass
class OfferResult:
    offer_id: str
    written: list[Path] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    error: str | None = None
    stale: bool = False  # it failed, and outputs of an earlier build are still there
    # Documents a broken layout kept from being built (file stem: its first problem);
    # their earlier files, if any, stay.
    blocked: dict[str, Problem] = field(default_factory=dict)


@dataclass(frozen=True)
class BlockedOffer:
    """An offer asked for that problems block: nothing of it was rendered."""

    offer_id: str
    first: Problem  # its first problem; `offergen check` lists them all
    kept: bool  # documents of an earlier build are still in out/, now stale


@dataclass
class BuildReport:
    results: list[OfferResult]
    removed_offers: list[str] = field(default_factory=list)
    seconds: float = 0.0
    blocked: list[BlockedOffer] = field(default_factory=list)
    others_blocked: int = 0  # blocked offers that were not asked for
    notes: list[str] = field(default_factory=list)  # e.g. a lock taken over from a dead build

    @property
    def failed(self) -> list[OfferResult]:
        return [result for result in self.results if result.error is not None]

    @property
    def documents_built(self) -> int:
        return sum(len(result.written) for result in self.results)

    @property
    def documents_skipped(self) -> int:
        return sum(len(result.skipped) for result in self.results)

    @property
    def documents_blocked(self) -> int:
        return sum(len(result.blocked) for result in self.results)


OnOffer = Callable[[OfferResult, int, int], None]


Revisions = Mapping[str, "Revision"]  # each offer's version in git, when it has one


def build(
    workspace: Workspace | Loaded | Recalled,
    offer_ids: Sequence[str] | None = None,
    formats: Sequence[str] = FORMATS,
    out_dir: Path | None = None,
    *,
    jobs: int = 1,
    force: bool = False,
    verify_outputs: bool = False,
    lock_timeout: float = 600.0,
    on_offer: OnOffer | None = None,
    revisions: Revisions | None = None,
    templates: Templates | None = None,
    renderer: Renderer | None = None,
) -> BuildReport:
    """Bring out/ up to date for the offers named (all by default). Blocked offers are
    not rendered: their earlier documents stay, and the report names them. `revisions`
    (see past.revisions) give each offer's documents their version in git. `renderer`
    renders elsewhere (distributed.py); by default, `jobs` local processes do, or this
    process with `templates` when given: fonts and stylesheet already loaded (a watcher
    keeps one across builds). A `Loaded` or `Recalled` plan (see plan_cache) brings its
    own revisions. `verify_outputs` hashes every earlier file instead of trusting the size
    and mtime its manifest records."""
    source = Loaded(workspace, revisions or {}) if isinstance(workspace, Workspace) else workspace
    started = time.perf_counter()
    ids = list(dict.fromkeys(offer_ids)) if offer_ids else source.offer_ids
    for offer_id in ids:
        source.known(offer_id)  # unknown ids fail before anything is rendered
    problems = source.blocked
    sound = [offer_id for offer_id in ids if offer_id not in problems]
    target = (out_dir or source.root / OUT_DIR).resolve()
    if sound:
        make_output_root(target)
    with locked(target, lock_timeout) if sound else nullcontext(Lock()) as lock:
        if sound:  # the lock is held: no other build is writing
            remove_leftovers(target)  # of a build killed while it wrote
        plans = {oid: _plan(source, target, oid, formats, force, verify_outputs) for oid in sound}
        job = _Job(source, renderer or in_processes(jobs, templates))
        results = _run(job, target, plans, on_offer)
        removed = [] if offer_ids or not sound else _remove_vanished(target, set(source.offer_ids))
    blocked = [
        BlockedOffer(oid, problems[oid][0], bool(read_manifest(target / oid)))
        for oid in ids
        if oid in problems
    ]
    return BuildReport(
        [results[offer_id] for offer_id in sound],
        removed,
        time.perf_counter() - started,
        blocked,
        len(set(problems) - set(ids)),
        lock.notes,
    )


# --- planning -----------------------------------------------------------------------------


@dataclass
class _Plan:
    units: list[Unit]  # every file the offer should have in the formats asked for
    stale: list[Unit]  # those to render
    manifest: dict[str, Any]  # the previous manifest ({} when none)
    documents: set[str]  # every document the offer gets now (any format)
    blocked: dict[str, Problem] = field(default_factory=dict)  # stem: a broken layout's
    error: str | None = None  # what in out/ keeps the offer from being written


def _plan(
    source: Loaded | Recalled,
    target: Path,
    offer_id: str,
    formats: Sequence[str],
    force: bool,
    verify: bool,
) -> _Plan:
    files = source.files(offer_id, formats)
    units = [Unit(offer_id, f.document, f.fmt, f"{f.stem}.{f.fmt}", f.inputs) for f in files]
    stems = {f.stem for f in files}
    try:
        folder = output_folder(target, offer_id)
    except OutputProblem as problem:  # nothing of the offer is read through it, or written
        return _Plan(units, [], {}, stems, error=str(problem))
    manifest = read_manifest(folder)
    broken = source.blocked_documents(offer_id)
    stale = [
        u
        for u in units
        if u.document not in broken
        and (force or not _fresh(folder, u, manifest.get("documents", {}), verify))
    ]
    blocked = {KINDS[name].file_stem: problems[0] for name, problems in broken.items()}
    try:  # nothing stale: its manifest was read, and writing it is checked as it is written
        if stale:
            output_folder(target, offer_id, [u.filename for u in stale] + [MANIFEST])
    except OutputProblem as problem:  # found before anything is rendered for it
        return _Plan(units, [], manifest, stems, blocked, str(problem))
    return _Plan(units, stale, manifest, stems, blocked)


def _fresh(folder: Path, unit: Unit, recorded: dict[str, Any], verify: bool) -> bool:
    """Up to date by its manifest: the same inputs, and a regular file of the size and
    mtime recorded (an edit gives a new mtime). With `verify`, or for an older build's
    entry without an mtime: of the hash recorded (finds an edit whose mtime was set back)."""
    entry = recorded.get(unit.filename)
    if not isinstance(entry, dict) or entry.get("inputs") != unit.inputs:
        return False
    path = folder / unit.filename
    try:
        found = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(found.st_mode):  # a link is never read, and refused when written
        return False
    if verify or "mtime_ns" not in entry:
        with suppress(OSError):
            return bool(entry.get("sha256") == sha256(path.read_bytes()))
        return False
    return (entry.get("bytes"), entry.get("mtime_ns")) == (found.st_size, found.st_mtime_ns)


# --- rendering ----------------------------------------------------------------------------


@dataclass
class _Job:
    """What every render and write of one build reads. A recalled plan loads the
    workspace here, at the first render or write."""

    source: Loaded | Recalled
    renderer: Renderer

    @cached_property
    def workspace(self) -> Workspace:
        return self.source.loaded().workspace

    @cached_property
    def hasher(self) -> InputHasher:
        return self.source.loaded().hasher

    @property
    def revisions(self) -> Revisions:
        return self.source.revisions


_WORKER: tuple[Workspace, Revisions, Templates] | None = None


def _init_worker(workspace: Workspace, revisions: Revisions) -> None:
    global _WORKER
    _WORKER = (workspace, revisions, Templates(workspace.templates_dir))


Rendered = tuple[Unit, bytes | None, str | None]
Task = list[Unit]  # the formats of one document of one offer, rendered from one context


class Renderer(Protocol):
    """Renders tasks, yielding each unit's bytes or error as soon as it is ready: local
    processes (`in_processes`) or a cluster (distributed.py). Planning, progress, writing
    and manifests stay in build.py, whichever renders."""

    def __call__(
        self, workspace: Workspace, revisions: Revisions, tasks: list[Task]
    ) -> Iterator[Rendered]: ...


def _render_in_worker(units: list[Unit]) -> list[Rendered]:
    assert _WORKER is not None
    return _render_group(*_WORKER, units)


def _render_group(
    workspace: Workspace, revisions: Revisions, templates: Templates, units: list[Unit]
) -> list[Rendered]:
    """The formats of one document, sharing its context."""
    first = units[0]

    def render() -> list[bytes]:
        view = resolve(workspace, templates, first.offer_id, revisions.get(first.offer_id))
        return render_formats(view, templates, first.document, [unit.fmt for unit in units])

    return outcomes(units, attempt(render))


def _run(
    job: _Job, target: Path, plans: dict[str, _Plan], on_offer: OnOffer | None
) -> dict[str, OfferResult]:
    rendered: dict[str, dict[str, bytes]] = {oid: {} for oid in plans}
    errors: dict[str, str] = {}
    waiting = {oid: len(plan.stale) for oid, plan in plans.items()}
    results: dict[str, OfferResult] = {}

    def finish(offer_id: str) -> None:
        plan = plans[offer_id]
        error = errors.get(offer_id, plan.error)
        if error is None:
            try:
                result = _write_offer(job, target, offer_id, plan, rendered.pop(offer_id))
            except OffergenError as problem:
                error = str(problem)
            except OSError as failed:
                error = str(cannot_write(failed, target))
        if error is not None:
            result = OfferResult(offer_id, error=error, stale=bool(plan.manifest))
        results[offer_id] = result
        if on_offer is not None:
            on_offer(result, len(results), len(plans))

    for offer_id in [oid for oid, count in waiting.items() if count == 0]:
        finish(offer_id)
    for unit, data, error in _render_all(job, plans):
        if error is not None:
            errors.setdefault(unit.offer_id, error)
        elif data is not None:
            rendered[unit.offer_id][unit.filename] = data
        waiting[unit.offer_id] -= 1
        if waiting[unit.offer_id] == 0:
            finish(unit.offer_id)
    return results


def _render_all(job: _Job, plans: dict[str, _Plan]) -> Iterator[Rendered]:
    groups: dict[tuple[str, str], Task] = {}
    for plan in plans.values():
        for unit in plan.stale:
            groups.setdefault((unit.offer_id, unit.document), []).append(unit)
    if groups:
        yield from job.renderer(job.workspace, job.revisions, list(groups.values()))


def in_processes(jobs: int, warm: Templates | None = None) -> Renderer:
    """Render in up to `jobs` local processes (in this one for a single job or task, or
    with `warm` templates already loaded)."""

    def render(workspace: Workspace, revisions: Revisions, tasks: list[Task]) -> Iterator[Rendered]:
        if jobs <= 1 or len(tasks) == 1 or warm is not None:
            templates = warm or Templates(workspace.templates_dir)
            for task in tasks:
                yield from _render_group(workspace, revisions, templates, task)
            return
        # Each worker loads fonts, the parsed stylesheet and the templates once and
        # renders many documents with them; what every one of them needs is loaded here,
        # once, and shared.
        load_for_workers()
        for rendered in in_workers(
            _render_in_worker, tasks, jobs, _init_worker, (workspace, revisions), lost
        ):
            yield from rendered

    return render


def lost(units: Task, error: BaseException) -> list[Rendered]:
    """What the units of a task get whose worker ended before it finished."""
    return outcomes(units, f"a render worker ended before it finished ({error}); build again")


# --- writing ------------------------------------------------------------------------------


def _write_offer(
    job: _Job, target: Path, offer_id: str, plan: _Plan, files: dict[str, bytes]
) -> OfferResult:
    result = OfferResult(offer_id, blocked=plan.blocked)
    folder = target / offer_id
    paths = {name: output_path(target, offer_id, name) for name in files}
    write_files({paths[name]: data for name, data in sorted(files.items())})
    result.written = [paths[name] for name in sorted(files)]
    result.skipped = sorted(
        u.filename
        for u in plan.units
        if u.filename not in files and u.filename.rsplit(".", 1)[0] not in plan.blocked
    )
    previous = plan.manifest.get("documents", {})  # a mapping (see manifest.read_manifest)
    documents = {
        name: entry
        for name, entry in previous.items()
        if isinstance(entry, dict) and name.rsplit(".", 1)[0] in plan.documents
    }
    for unit in plan.units:
        if unit.filename in files:
            data = files[unit.filename]
            documents[unit.filename] = {
                "inputs": unit.inputs,
                "sha256": sha256(data),
                "bytes": len(data),
                "mtime_ns": paths[unit.filename].stat().st_mtime_ns,
            }
    for name in sorted(set(previous) - set(documents)):
        if (folder / name).is_file() and name.rsplit(".", 1)[-1] in FORMATS:
            (folder / name).unlink()
            result.removed.append(name)
    if files or result.removed or not plan.manifest:
        manifest = _manifest(job, offer_id, documents)
        write_atomic(
            output_path(target, offer_id, MANIFEST),
            json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8") + b"\n",
        )
    return result


def _manifest(job: _Job, offer_id: str, documents: dict[str, Any]) -> dict[str, Any]:
    offer, priced = job.workspace.offer(offer_id), job.workspace.price(offer_id)
    return {
        "offergen": renderer_versions()["offergen"],
        "offer": offer_id,
        "number": offer.number,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": job.hasher.offer_inputs(offer_id),
        "documents": dict(sorted(documents.items())),
        "totals": {
            "currency": priced.currency,
            "net": format(priced.totals.net, "f"),
            "vat": format(priced.totals.vat, "f"),
            "gross": format(priced.totals.gross, "f"),
        },
    }


def _remove_vanished(target: Path, offers: set[str]) -> list[str]:
    """Outputs of offers that no longer exist (only folders with our manifest)."""
    removed = []
    for folder in sorted(p for p in target.iterdir() if p.is_dir() and not p.is_symlink()):
        if folder.name in offers:  # the usual case, known without reading its manifest
            continue
        manifest = read_manifest(folder)
        if not manifest or manifest.get("offer") != folder.name:
            continue
        for name in manifest.get("documents", {}):
            path = folder / name
            if path.is_file() and path.parent == folder:
                path.unlink()
        (folder / MANIFEST).unlink()
        if not any(folder.iterdir()):
            folder.rmdir()
        removed.append(folder.name)
    return removed

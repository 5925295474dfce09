"""Turn a validated workspace into documents in out/: plan what is stale, render it in
warm worker processes, write each offer atomically with its manifest.

A document is rebuilt when the hash of its inputs (see inputs.py) differs from the one
its offer's manifest records, or when its file is missing or altered. An offer whose
rendering fails keeps every earlier file; the others are built regardless.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .documents import FORMATS, KINDS, documents_for
from .documents.view import OfferView
from .errors import OffergenError, Problem
from .inputs import InputHasher, renderer_versions, sha256
from .lock import Lock, locked
from .pool import in_workers
from .render import Templates
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
MANIFEST = "manifest.json"


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


def render_document(
    workspace: Workspace, templates: Templates, unit: Unit, revision: Revision | None = None
) -> bytes:
    """One unit's bytes; nothing touches the disk."""
    view = resolve(workspace, templates, unit.offer_id, revision)
    return render_formats(view, templates, unit.document, [unit.fmt])[0]


def resolve(
    workspace: Workspace, templates: Templates, offer_id: str, revision: Revision | None = None
) -> OfferView:
    """The view every document of one offer is built from, in the offer's language."""
    labels = templates.labels(workspace.settings(offer_id).locale)
    return OfferView.of(workspace, offer_id, labels, revision)


def render_formats(
    view: OfferView, templates: Templates, document: str, formats: Sequence[str]
) -> list[bytes]:
    """One document in several formats, from one context."""
    from .render import render_docx, render_pdf  # a build with nothing stale loads neither

    kind = KINDS[document]
    context, meta = kind.context(view)
    return [
        (render_pdf if fmt == "pdf" else render_docx)(templates, kind.template(fmt), context, meta)
        for fmt in formats
    ]


def build(
    workspace: Workspace,
    offer_ids: Sequence[str] | None = None,
    formats: Sequence[str] = FORMATS,
    out_dir: Path | None = None,
    *,
    jobs: int = 1,
    force: bool = False,
    lock_timeout: float = 600.0,
    on_offer: OnOffer | None = None,
    revisions: Revisions | None = None,
    templates: Templates | None = None,
) -> BuildReport:
    """Bring out/ up to date for the offers named (all by default). Blocked offers are
    not rendered: their earlier documents stay, and the report names them. `revisions`
    (see past.revisions) give each offer's documents their version in git. `templates`,
    when given, renders in this process with fonts and stylesheet already loaded (a
    watcher keeps one across builds)."""
    revisions = revisions or {}
    started = time.perf_counter()
    ids = list(dict.fromkeys(offer_ids)) if offer_ids else workspace.offer_ids
    for offer_id in ids:
        workspace.known(offer_id)  # unknown ids fail before anything is rendered
    problems = workspace.blocked
    sound = [offer_id for offer_id in ids if offer_id not in problems]
    target = (out_dir or workspace.root / OUT_DIR).resolve()
    if sound:
        make_output_root(target)
    with locked(target, lock_timeout) if sound else nullcontext(Lock()) as lock:
        if sound:  # the lock is held: no other build is writing
            remove_leftovers(target)  # of a build killed while it wrote
        hasher = InputHasher(workspace, revisions)
        plans = {oid: _plan(workspace, hasher, target, oid, formats, force) for oid in sound}
        job = _Job(workspace, revisions, hasher, templates)
        results = _run(job, target, plans, jobs, on_offer)
        removed = (
            [] if offer_ids or not sound else _remove_vanished(target, set(workspace.offer_ids))
        )
    blocked = [
        BlockedOffer(oid, problems[oid][0], bool(_read_manifest(target / oid)))
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
    workspace: Workspace,
    hasher: InputHasher,
    target: Path,
    offer_id: str,
    formats: Sequence[str],
    force: bool,
) -> _Plan:
    kinds = documents_for(workspace, offer_id)
    units = [
        Unit(
            offer_id,
            kind.name,
            fmt,
            f"{kind.file_stem}.{fmt}",
            hasher.document_hash(offer_id, kind.name, fmt),
        )
        for kind in kinds
        for fmt in formats
    ]
    stems = {kind.file_stem for kind in kinds}
    try:
        folder = output_folder(target, offer_id)
    except OutputProblem as problem:  # nothing of the offer is read through it, or written
        return _Plan(units, [], {}, stems, error=str(problem))
    manifest = _read_manifest(folder)
    broken = workspace.blocked_documents(offer_id)
    stale = [
        u
        for u in units
        if u.document not in broken
        and (force or not _fresh(folder, u, manifest.get("documents", {})))
    ]
    blocked = {KINDS[name].file_stem: problems[0] for name, problems in broken.items()}
    try:
        output_folder(target, offer_id, [u.filename for u in stale] + [MANIFEST])
    except OutputProblem as problem:  # found before anything is rendered for it
        return _Plan(units, [], manifest, stems, blocked, str(problem))
    return _Plan(units, stale, manifest, stems, blocked)


def _fresh(folder: Path, unit: Unit, recorded: dict[str, Any]) -> bool:
    entry = recorded.get(unit.filename)
    if not isinstance(entry, dict) or entry.get("inputs") != unit.inputs:
        return False
    path = folder / unit.filename
    if path.is_symlink():  # never read, and refused when written
        return False
    try:
        data = path.read_bytes()
    except OSError:
        return False
    # Read and hashed every time: a file edited in place keeps its size and may keep its
    # mtime, and hashing costs about a millisecond a document.
    return bool(entry.get("sha256") == sha256(data))


def _read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of an earlier build, `{}` when there is none. Whatever shape it has,
    its `documents` are a mapping of file names to mappings: a damaged manifest
    (`"documents": null`, a list, a name that is no file name) only makes its offer's
    documents be built again."""
    path = folder / MANIFEST
    if folder.is_symlink() or path.is_symlink():  # nothing is read through a link
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    documents = data.get("documents")
    data["documents"] = {
        name: entry
        for name, entry in (documents.items() if isinstance(documents, dict) else ())
        if re.fullmatch(r"[a-z0-9._-]+", name) and isinstance(entry, dict)
    }
    return data


# --- rendering ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Job:
    """What every render and write of one build reads."""

    workspace: Workspace
    revisions: Revisions
    hasher: InputHasher
    templates: Templates | None = None  # warm ones, to render with in this process


_WORKER: tuple[Workspace, Revisions, Templates] | None = None


def _init_worker(workspace: Workspace, revisions: Revisions) -> None:
    global _WORKER
    _WORKER = (workspace, revisions, Templates(workspace.templates_dir))


Rendered = tuple[Unit, bytes | None, str | None]


def _render_in_worker(units: list[Unit]) -> list[Rendered]:
    assert _WORKER is not None
    return _render_group(*_WORKER, units)


def _render_group(
    workspace: Workspace, revisions: Revisions, templates: Templates, units: list[Unit]
) -> list[Rendered]:
    """The formats of one document, sharing its context."""
    first = units[0]
    try:
        view = resolve(workspace, templates, first.offer_id, revisions.get(first.offer_id))
        data = render_formats(view, templates, first.document, [unit.fmt for unit in units])
        return [(unit, blob, None) for unit, blob in zip(units, data, strict=True)]
    except OffergenError as error:
        return [(unit, None, str(error)) for unit in units]
    except Exception as error:  # a worker must report, not die: the others go on
        return [(unit, None, f"internal error: {type(error).__name__}: {error}") for unit in units]


def _run(
    job: _Job, target: Path, plans: dict[str, _Plan], jobs: int, on_offer: OnOffer | None
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
    for unit, data, error in _render_all(job, plans, jobs):
        if error is not None:
            errors.setdefault(unit.offer_id, error)
        elif data is not None:
            rendered[unit.offer_id][unit.filename] = data
        waiting[unit.offer_id] -= 1
        if waiting[unit.offer_id] == 0:
            finish(unit.offer_id)
    return results


def _render_all(job: _Job, plans: dict[str, _Plan], jobs: int) -> Iterator[Rendered]:
    groups: dict[tuple[str, str], list[Unit]] = {}
    for plan in plans.values():
        for unit in plan.stale:
            groups.setdefault((unit.offer_id, unit.document), []).append(unit)
    tasks = list(groups.values())
    if not tasks:
        return
    workspace, revisions = job.workspace, job.revisions
    if jobs <= 1 or len(tasks) == 1 or job.templates is not None:
        templates = job.templates or Templates(workspace.templates_dir)
        for task in tasks:
            yield from _render_group(workspace, revisions, templates, task)
        return
    # Each worker loads fonts, the parsed stylesheet and the templates once and renders
    # many documents with them; what every one of them needs is loaded here, once.
    load_for_workers()
    for rendered in in_workers(
        _render_in_worker, tasks, jobs, _init_worker, (workspace, revisions), _lost
    ):
        yield from rendered


def load_for_workers() -> None:
    """Load the renderers and the Russian dictionaries in this process before workers
    fork from it: they share these pages (about 55 MB) instead of each loading its own."""
    from . import grammar
    from .render import docx, pdf  # noqa: F401  (imported for their side: loaded)

    grammar.load()


def _lost(units: list[Unit], error: BaseException) -> list[Rendered]:
    reason = f"a render worker ended before it finished ({error}); build again"
    return [(unit, None, reason) for unit in units]


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
    previous = plan.manifest.get("documents", {})  # a mapping (see _read_manifest)
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
        manifest = _read_manifest(folder)
        if not manifest or folder.name in offers or manifest.get("offer") != folder.name:
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

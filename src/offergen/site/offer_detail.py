"""Turn one offer of a checked workspace into what its page shows: the built documents,
the priced lines, the discount trail, the review findings, the negotiation and the
version history. Values stay values; rendering formats them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from ..clause_index import IndexedClause, clause_index
from ..documents import documents_for
from ..errors import OffergenError, Problem
from ..history import Repo
from ..pricing import PricedOffer
from ..workspace import Workspace
from .gather import OfferRow

DOCUMENT_SUFFIXES = (".pdf", ".docx")
OUTSIDE_GIT, LEFT_OUT = "outside git", "left out"  # why a history is not shown
STALE = "stale"  # the documents of a blocked offer that an earlier build left


@dataclass(frozen=True)
class BuiltDocument:
    """A document the offer gets, and its files in out/ (none: not built yet)."""

    name: str
    files: tuple[Path, ...]


@dataclass(frozen=True)
class Version:
    """The offer as one commit left it."""

    short: str
    day: date
    author: str
    subject: str
    status: str | None
    gross: Decimal | None
    currency: str | None
    problem: str | None


@dataclass(frozen=True)
class History:
    """The versions, newest first, or why there are none to show."""

    versions: tuple[Version, ...]
    uncommitted: tuple[str, ...] = ()
    unavailable: str | None = None  # "outside git", a shallow clone, …


@dataclass(frozen=True)
class OfferDetail:
    row: OfferRow
    findings: tuple[Problem, ...]
    history: History
    priced: PricedOffer | None = None  # None: blocked
    locale: str = "ru"
    trail: tuple[str, ...] = ()
    points: tuple[IndexedClause, ...] = ()
    documents: tuple[BuiltDocument, ...] = ()
    redlines: tuple[Path, ...] = ()


def offer_detail(
    workspace: Workspace,
    row: OfferRow,
    documents_dir: Path,
    repo: Repo | None,
    *,
    history: bool = True,
) -> OfferDetail:
    """Everything the offer page of `row` shows; a blocked offer gets its findings and
    history only. `history=False` leaves git alone."""
    offer_id, findings = row.offer_id, row.findings
    versions = (
        offer_history(workspace, offer_id, repo) if history else History((), unavailable=LEFT_OUT)
    )
    folder = documents_dir / offer_id
    redlines = _files(folder, "redline-")
    if offer_id not in workspace.offers:  # what an earlier build left, now stale
        earlier = tuple(f for f in _files(folder, "") if f not in redlines)
        stale = (BuiltDocument(STALE, earlier),) if earlier else ()
        return OfferDetail(row, findings, versions, documents=stale, redlines=redlines)
    from ..report import price_explanation

    locale = workspace.settings(offer_id).locale
    labels = workspace.templates.labels(locale)
    offer = workspace.offer(offer_id)
    negotiated = offer.contract is not None and bool(offer.contract.points)
    points = clause_index(workspace, offer_id) if negotiated else []
    return OfferDetail(
        row=row,
        findings=findings,
        history=versions,
        priced=workspace.price(offer_id),
        locale=locale,
        trail=tuple(price_explanation(workspace, offer_id, labels).splitlines()[2:]),
        points=tuple(point for point in points if point.state is not None),
        documents=tuple(
            BuiltDocument(kind.name, _files(folder, kind.file_stem + "."))
            for kind in documents_for(workspace, offer_id)
        ),
        redlines=redlines,
    )


def _files(folder: Path, prefix: str) -> tuple[Path, ...]:
    """The document files in `folder` whose names start with `prefix`."""
    if not folder.is_dir():
        return ()
    return tuple(
        sorted(
            path
            for path in folder.iterdir()
            if path.name.startswith(prefix) and path.suffix in DOCUMENT_SUFFIXES and path.is_file()
        )
    )


def offer_history(workspace: Workspace, offer_id: str, repo: Repo | None) -> History:
    """The commits that changed the offer or what it is built from, as `offergen history`
    lists them."""
    if repo is None:
        return History((), unavailable=OUTSIDE_GIT)
    if not repo.has_commits:
        return History((), unavailable="no commits yet")
    from ..past import changed_inputs
    from ..past import offer_history as past_history

    try:
        repo.require_history()
        rows = past_history(repo, workspace, offer_id)
        dirty = changed_inputs(repo, workspace, offer_id)
    except OffergenError as error:
        return History((), unavailable=str(error))
    versions = []
    for row in rows:
        gross = row.gross
        versions.append(
            Version(
                short=row.commit.short,
                day=row.commit.authored.date(),
                author=row.commit.author,
                subject=row.commit.subject,
                status=row.state.status,
                gross=gross[0] if gross else None,
                currency=gross[1] if gross else None,
                problem=row.state.problem,
            )
        )
    return History(tuple(versions), tuple(dirty))

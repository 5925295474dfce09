"""Turn the contract a client sent back into their proposals, clause by clause, and
located findings for what they changed outside the clauses.

Their file is read with every tracked change accepted, then compared with the contract
as offergen builds it for the offer now, block by block: a tracked change and an
untracked edit read alike. A clause whose words differ from ours becomes a client round
of its negotiation record; a change to the requisites, the specification, the preamble
or an appendix is data, never wording, and is reported with the file it lives in.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path

from lxml import etree  # type: ignore[import-untyped]

from ..diff import change_line
from ..documents import KINDS
from ..errors import NotFound, OffergenError, counted
from ..history import Repo, Revision
from ..models import Negotiation
from ..negotiation import in_locale
from ..past import load_at
from ..render import render_docx
from ..rendering import resolve
from ..workspace import CONFIG_FILE, Workspace, client_source, offer_source
from .marks import CLAUSE_PREFIX, bookmark_map
from .read import Block, clause_number, plain, read_blocks, read_comments
from .yaml_edit import ClientRound, append_rounds

SENT_AT = re.compile(r"·\s*([0-9a-f]{7,40})(\s*\+[^,]*)?\s*$")  # "… · 1a2b3c4 + изменения"
CORE = "docProps/core.xml"
KEYWORDS = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}keywords"


class ForeignDocument(OffergenError):
    """The file is not this offer's contract as offergen made it."""


@dataclass(frozen=True)
class Proposal:
    """The client's wording of one clause, as it differs from ours."""

    number: str
    clause_id: str
    ours: str
    theirs: str
    recorded: bool  # False: the record has this wording as the client's latest already

    def line(self) -> str:
        return change_line(f"п. {self.number} {self.clause_id}", self.ours, self.theirs)


@dataclass(frozen=True)
class ImportReport:
    offer_id: str
    offer_file: str
    proposals: list[Proposal]
    findings: list[str]
    comments: list[str]

    @property
    def recorded(self) -> list[Proposal]:
        return [p for p in self.proposals if p.recorded]

    def lines(self) -> list[str]:
        """What `negotiate import` prints: each point, each finding, each comment, a total."""
        return [
            *(p.line() + ("" if p.recorded else " (recorded already)") for p in self.proposals),
            *(f"finding: {finding}" for finding in self.findings),
            *(f"comment: {comment}" for comment in self.comments),
            f"{counted(len(self.recorded), 'client round')} written to {self.offer_file}; "
            f"{counted(len(self.findings), 'finding')} to settle by hand",
        ]


@dataclass(frozen=True)
class _Clause:
    number: str
    text: str


def import_contract(
    workspace: Workspace, offer_id: str, docx: bytes, *, name: str, day: date
) -> ImportReport:
    """Read `docx` (the client's copy of OFFER's contract, called `name` in messages),
    append the client's rounds to the offer file and report every change found."""
    offer = workspace.offer(offer_id)
    if offer.contract is None:
        raise NotFound(f"{offer_id} has no contract (contract: in its offer file)")
    theirs = read_blocks(docx)
    base, notes = sent_contract(workspace, offer_id, _keywords(docx))
    ours = read_blocks(base)
    ids = _clause_ids(workspace, offer_id)
    _check_ours(name, docx, theirs, ours, offer.number, ids)
    their_clauses, unknown = _clauses(theirs, ids)
    our_clauses, _ = _clauses(ours, ids)
    proposals, changes = _clause_changes(workspace, offer_id, our_clauses, their_clauses)
    findings = [
        *(f"{name}: {message}" for message in [*notes, *unknown]),
        *changes,
        *data_findings(ours, theirs, workspace, offer_id),
    ]
    offer_file = offer_source(offer_id)
    rounds = [ClientRound(p.clause_id, day, p.theirs) for p in proposals if p.recorded]
    if rounds:
        append_rounds(workspace.root / offer_file, rounds)
    return ImportReport(offer_id, offer_file, proposals, findings, read_comments(docx))


def _clause_changes(
    workspace: Workspace, offer_id: str, ours: dict[str, _Clause], theirs: dict[str, _Clause]
) -> tuple[list[Proposal], list[str]]:
    """The client's wording of each clause that differs from ours, and what cannot be
    recorded as a wording: a clause deleted or added, a point no longer open."""
    proposals: list[Proposal] = []
    findings = [
        f"п. {found.number} {clause_id}: in the client's copy, not in the contract we sent; "
        "record it by hand if they want it"
        for clause_id, found in theirs.items()
        if clause_id not in ours
    ]
    for clause_id, mine in ours.items():
        found = theirs.get(clause_id)
        if found is None or not found.text:
            findings.append(
                f"п. {mine.number} {clause_id}: deleted in the client's copy; a deletion is "
                f"not a wording: record it by hand in {offer_source(offer_id)} "
                f"contract.negotiation.{clause_id}"
            )
        elif found.text != mine.text:
            proposal = _proposal(workspace, offer_id, clause_id, mine, found.text)
            if isinstance(proposal, str):
                findings.append(proposal)
            else:
                proposals.append(proposal)
    return proposals, findings


def _proposal(
    workspace: Workspace, offer_id: str, clause_id: str, mine: _Clause, theirs: str
) -> Proposal | str:
    """The client's wording as a proposal (recorded already when it is their latest
    round), or why it cannot be recorded."""
    contract = workspace.offer(offer_id).contract
    assert contract is not None
    point = contract.points.get(clause_id)
    problem = _unrecordable(point, clause_id, contract.overrides)
    if problem:
        return f"п. {mine.number} {clause_id}: {problem}"
    latest = point.latest("client") if point is not None else None
    locale = workspace.settings(offer_id).locale
    again = latest is not None and plain(in_locale(latest.text, locale)) == theirs
    return Proposal(mine.number, clause_id, mine.text, theirs, not again)


def sent_contract(workspace: Workspace, offer_id: str, keywords: str) -> tuple[bytes, list[str]]:
    """The contract as we sent it, which the client's copy is compared with: as built at
    the commit its keywords name ("<offer number>, версия 3 · 1a2b3c4"), else as built
    now, with a note why."""
    commit = SENT_AT.search(keywords)
    if commit is None:
        return our_contract(workspace, offer_id), []
    if commit.group(2):
        note = (
            f"was built from changes not committed after {commit.group(1)}: compared with "
            "the contract as it stands now"
        )
        return our_contract(workspace, offer_id), [note]
    repo = Repo.find(workspace.root)
    if repo is None:
        return our_contract(workspace, offer_id), []
    try:
        sha = repo.resolve(commit.group(1))
        with tempfile.TemporaryDirectory(prefix="offergen-import-") as scratch:
            past, versions = load_at(repo, sha, Path(scratch), [offer_id])
            return our_contract(past, offer_id, versions.get(offer_id)), []
    except OffergenError as error:
        note = (
            f"its version {commit.group(1)} cannot be built ({error}): compared with the "
            "contract as it stands now"
        )
        return our_contract(workspace, offer_id), [note]


def our_contract(workspace: Workspace, offer_id: str, revision: Revision | None = None) -> bytes:
    """The contract DOCX as offergen builds it for the workspace (at `revision`)."""
    view = resolve(workspace, workspace.templates, offer_id, revision)
    kind = KINDS["contract"]
    context, meta = kind.context(view)
    return render_docx(workspace.templates, kind.template("docx"), context, meta)


def _clause_ids(workspace: Workspace, offer_id: str) -> list[str]:
    offer = workspace.offer(offer_id)
    assert offer.contract is not None
    library = workspace.clause_library(offer.contract.type).library
    return [*library.ids(), *offer.contract.points]


def _check_ours(
    name: str,
    docx: bytes,
    theirs: list[Block],
    ours: list[Block],
    offer_number: str,
    ids: list[str],
) -> None:
    marks = [block.bookmark for block in theirs if block.bookmark is not None]
    if not marks:
        raise ForeignDocument(
            f"{name} is not a contract offergen made: it carries none of the clause "
            f"bookmarks ({CLAUSE_PREFIX}…) that offergen's contracts have"
        )
    known = bookmark_map(ids)
    if not any(mark in known for mark in marks):
        raise ForeignDocument(
            f"{name} is a contract of another kind: none of its clauses is in this "
            "offer's clause library"
        )
    heading = next((b.text for b in ours if b.region == "header"), "")
    their_heading = next((b.text for b in theirs if b.region == "header"), "")
    if heading != their_heading:
        raise ForeignDocument(
            f"{name} is «{their_heading}», not «{heading}»: the contract of another offer"
        )
    stamped = _keywords(docx).split(",")[0].strip()
    if stamped and stamped != offer_number:
        raise ForeignDocument(f"{name} was made for offer {stamped}, not {offer_number}")


def _keywords(docx: bytes) -> str:
    """The file's keywords property: offergen writes "<offer number>, <version>"."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as archive:
            root = etree.fromstring(archive.read(CORE))
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):
        return ""
    found = root.find(KEYWORDS)
    return (found.text or "") if found is not None else ""


def _clauses(blocks: list[Block], ids: list[str]) -> tuple[dict[str, _Clause], list[str]]:
    """Clause id -> its number and text; and messages for bookmarks of unknown clauses."""
    known = bookmark_map(ids)
    found: dict[str, _Clause] = {}
    unknown = []
    for block in blocks:
        if block.bookmark is None:
            continue
        clause_id = known.get(block.bookmark)
        if clause_id is None:
            unknown.append(f"a clause this offer's library lacks ({block.text[:40]}…)")
            continue
        number, text = clause_number(block.text)
        # A paragraph moved with tracking keeps the bookmark where its text went.
        if clause_id not in found or not found[clause_id].text:
            found[clause_id] = _Clause(number, text)
    return found, unknown


def _unrecordable(
    point: Negotiation | None, clause_id: str, overrides: Mapping[str, object]
) -> str | None:
    if clause_id in overrides:
        return (
            "the client changed it, but it is negotiated in contract.overrides, the older "
            "form: rewrite it as contract.negotiation (offergen check says how), then import"
        )
    if point is not None and point.state != "open":
        return (
            f"the client changed it, but the point is {point.state} already: record a new "
            "round by hand if it is reopened"
        )
    return None


# --- edits outside the clauses ---------------------------------------------------------------

WHERE = {
    "header": "the contract's number, city and date live in {offer} (contract)",
    "preamble": "the parties' names and signatories live in {client} and {config} (seller)",
    "sections": "section titles and clause texts live in the clause library "
    "(templates/clauses); a paragraph the client adds has no clause id: raise it by hand",
    "appendix": "appendix headings are built from {offer} (contract)",
    "specification": "quantities and prices are the offer's data, never taken from the "
    "client's file: change {offer} (items) if agreed",
    "discounts": "the discount terms live in discounts.yaml and {offer} (schemes)",
}
TITLES = {
    "header": "heading",
    "preamble": "preamble",
    "sections": "contract text outside the clauses",
    "appendix": "appendix heading",
    "specification": "specification",
    "discounts": "discount appendix",
}


def data_findings(
    ours: list[Block], theirs: list[Block], workspace: Workspace, offer_id: str
) -> list[str]:
    """Each change outside the clauses, with the file its data lives in."""
    client = workspace.client_id(offer_id) or "?"
    files = {
        "offer": offer_source(offer_id),
        "client": client_source(client),
        "config": CONFIG_FILE,
    }
    mine, yours = _by_region(ours), _by_region(theirs)
    findings: list[str] = []
    for region in dict.fromkeys([*mine, *yours]):
        if region == "parties":
            findings += _party_findings(mine[region], yours[region], files)
        else:
            advice = WHERE[region].format(**files)
            findings += [
                f"{line}: {advice}"
                for line in _changes(TITLES[region], mine[region], yours[region])
            ]
    return findings


def _by_region(blocks: list[Block]) -> defaultdict[str, list[Block]]:
    regions: defaultdict[str, list[Block]] = defaultdict(list)
    for block in blocks:
        if block.region != "clause":
            regions[block.region].append(block)
    return regions


def _changes(title: str, ours: list[Block], theirs: list[Block]) -> Iterator[str]:
    header = next((b.cells for b in ours if b.cells), ())
    matcher = SequenceMatcher(None, [b.text for b in ours], [b.text for b in theirs])
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        old, new = ours[i1:i2], theirs[j1:j2]
        if op == "replace" and len(old) == len(new):
            for before, after in zip(old, new, strict=True):
                yield from _replaced(title, before, after, header)
            continue
        for block in old:
            yield change_line(f"{title}, removed", block.text, "(none)")
        for block in new:
            yield change_line(f"{title}, added", "(none)", block.text)


def _replaced(title: str, old: Block, new: Block, header: tuple[str, ...]) -> Iterator[str]:
    if old.cells and len(old.cells) == len(new.cells):
        line = old.cells[0] or "?"
        for column, (before, after) in enumerate(zip(old.cells, new.cells, strict=True)):
            if before != after:
                label = header[column] if column < len(header) else str(column + 1)
                yield change_line(f"{title}, line {line}, {label}", before, after)
        return
    yield change_line(title, old.text, new.text)


def _party_findings(ours: list[Block], theirs: list[Block], files: dict[str, str]) -> list[str]:
    findings: list[str] = []
    for column, side, where in ((0, "Seller", "config"), (1, "Buyer", "client")):
        mine = _first_table_column(ours, column)
        yours = _first_differing_column(ours, theirs, column)
        lines = _changes(f"{side}'s requisites", mine, yours)
        findings += [f"{line}: update {files[where]}" for line in lines]
    return list(dict.fromkeys(findings))


def _first_table_column(blocks: list[Block], column: int) -> list[Block]:
    tables = sorted({b.table for b in blocks if b.table is not None})
    return [b for b in blocks if b.column == column and tables and b.table == tables[0]]


def _first_differing_column(ours: list[Block], theirs: list[Block], column: int) -> list[Block]:
    """The client's copy of one party's block: of the parties tables (the contract's and
    each appendix's), the first whose lines differ from ours, else the first."""
    reference = [b.text for b in _first_table_column(ours, column)]
    tables = sorted({b.table for b in theirs if b.table is not None})
    copies = [[b for b in theirs if b.table == t and b.column == column] for t in tables]
    changed = [copy for copy in copies if [b.text for b in copy] != reference]
    return changed[0] if changed else (copies[0] if copies else [])

"""Turn a validated workspace into legal's checklist: each offer's findings, located, by severity.

A finding is a `Problem` whose severity says what legal must do with it: an `error` blocks
the offer (CI gates on it), a `warning` is to be read and decided, a `note` is for the
record. An offer's review holds everything `offergen check` found for it (rules.py: the
policy, the client's reliability, requisites) and legal's checklist: wording that
deviates from the clause library, placeholders, a validity shorter than delivery.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .documents.contract import contract_sections
from .documents.view import OfferView
from .errors import Problem
from .load import Document, Loc
from .models import Override
from .rules import Subject
from .workspace import (
    CATALOG_FILE,
    CONFIG_FILE,
    DISCOUNTS_FILE,
    Workspace,
    offer_source,
)

SEVERITIES = ("error", "warning", "note")

# Text left to be filled in. Latin markers are whole words in any case (`todo` is no
# word of Russian or English contracts); XXX/ХХХ (Latin or Cyrillic X) only in capitals,
# three or more, so that the roman XX of "XX век" passes; ХХ.ХХ is a date to fill in.
PLACEHOLDER = re.compile(
    r"_{3,}"
    r"|(?<!\w)(?i:TODO|TBD|FIXME)(?!\w)"
    r"|(?<!\w)[XХ]{3,}(?!\w)"
    r"|(?<!\w)[XХ]{2}\.[XХ]{2}(?!\w)"
    r"|\?{3,}"
    r"|\[\s*(?:…|\.{3})\s*\]"
    r"|<\s*(?:…|\.{3})\s*>"
)


@dataclass(frozen=True)
class OfferReview:
    """One offer's findings, sorted by file, line and column; `invalid` when problems
    block it (its findings then are the problems `check` reports for it)."""

    offer_id: str
    number: str
    client: str
    status: str
    findings: tuple[Problem, ...]
    invalid: bool = False

    def count(self, severity: str) -> int:
        return sum(1 for finding in self.findings if finding.severity == severity)


def review(workspace: Workspace, offer_ids: Iterable[str] = ()) -> list[OfferReview]:
    """Review the named offers (every open one when none is named: an accepted or rejected
    offer cannot be fixed any more); `NotFound` for an unknown id. A blocked offer is
    reviewed too: its row is marked invalid and lists what blocks it."""
    ids = list(dict.fromkeys(offer_ids)) or [
        offer_id
        for offer_id in workspace.offer_ids
        if offer_id not in workspace.offers or workspace.offers[offer_id].is_open
    ]
    for offer_id in ids:
        workspace.known(offer_id)  # an unknown id fails before any work is done
    return [_review_offer(workspace, offer_id) for offer_id in ids]


def _review_offer(workspace: Workspace, offer_id: str) -> OfferReview:
    checked = set(workspace.findings.get(offer_id, ()))
    offer = workspace.offers.get(offer_id)
    if offer is None:
        header = _raw_header(workspace, offer_id)
        return OfferReview(offer_id, *header, tuple(sorted(checked)), invalid=True)
    subject = Subject(workspace, offer_id)
    found = checked | {finding for rule in RULES for finding in rule(subject)}
    found |= {p for problems in workspace.blocked_documents(offer_id).values() for p in problems}
    client = workspace.clients[offer.client]
    return OfferReview(offer_id, offer.number, client.name, offer.status, tuple(sorted(found)))


def _raw_header(workspace: Workspace, offer_id: str) -> tuple[str, str, str]:
    """Number, client and status of a blocked offer, as far as its file says them."""
    source = workspace.sources.get(offer_source(offer_id))
    data = source.data if source is not None and isinstance(source.data, dict) else {}

    def text(key: str, default: str) -> str:
        value = data.get(key)
        return value if isinstance(value, str) else default

    client_id = text("client", "?")
    client = workspace.clients.get(client_id)
    return text("number", "?"), client.name if client else client_id, text("status", "draft")


# --- clauses that deviate from the library ----------------------------------------------


def _overrides(subject: Subject) -> Iterator[Problem]:
    contract = subject.offer.contract
    if contract is None or not contract.overrides:
        return
    workspace, offer_id = subject.workspace, subject.offer_id
    locale = workspace.settings(offer_id).locale
    view = OfferView.of(workspace, offer_id, workspace.templates.labels(locale))
    sections = contract_sections(view)
    numbers = {clause.id: clause.number for section in sections for clause in section.clauses}
    for clause_id, override in contract.overrides.items():
        loc: Loc = ("contract", "overrides", clause_id)
        number = numbers.get(clause_id)
        if number is None:
            yield subject.offer_doc.problem(
                loc,
                f"clause {clause_id} is left out of this contract (its condition does not "
                "hold): the override changes nothing and is not in the protocol of "
                "disagreements",
                key=True,
                severity="warning",
            )
            continue
        yield _override_finding(subject.offer_doc, loc, f"clause {number} ({clause_id})", override)
        if override.status == "agreed" and override.text.get(locale) is None:
            other = "ru" if locale == "en" else "en"
            yield subject.offer_doc.problem(
                (*loc, "text"),
                f"the agreed wording has no {locale!r} text: the {locale} contract would "
                f"print the {other!r} one",
            )


def _override_finding(doc: Document, loc: Loc, clause: str, override: Override) -> Problem:
    by = f"proposed by the {override.proposed_by}"
    if override.status == "proposed":
        message = f"{clause} deviates from the library: {by}, not decided"
        return doc.problem(loc, message, key=True, severity="warning")
    if override.status == "agreed":
        message = (
            f"{clause} deviates from the library: {by} and agreed; the contract prints "
            "this wording instead of the library's"
        )
        return doc.problem(loc, message, key=True, severity="warning")
    message = (
        f"{clause}: the wording {by} is rejected; the contract keeps the library's and the "
        "disagreement goes into the protocol of disagreements"
    )
    return doc.problem(loc, message, key=True, severity="note")


# --- validity -----------------------------------------------------------------------------


def _validity(subject: Subject) -> Iterator[Problem]:
    offer = subject.offer
    delivery = offer.terms.delivery_days
    if delivery is None:
        return
    valid_until = subject.workspace.settings(subject.offer_id).valid_until
    days = (valid_until - offer.date).days
    if days >= delivery:
        return
    inherited = "" if offer.valid_until else ", the default validity_days"
    yield subject.offer_doc.problem(
        ("valid_until",) if offer.valid_until else ("date",),
        f"valid for {days} days (until {valid_until}{inherited}), shorter than the "
        f"{delivery} days of delivery (terms.delivery_days)",
        severity="warning",
    )


# --- placeholders -------------------------------------------------------------------------


def _placeholders(subject: Subject) -> Iterator[Problem]:
    for doc, loc in _texts_of(subject):
        yield from _placeholders_in(doc, loc)


def _texts_of(subject: Subject) -> Iterator[tuple[Document, Loc]]:
    """Every source whose text reaches the offer's documents, and where in it."""
    workspace, offer = subject.workspace, subject.offer
    yield subject.offer_doc, ()
    yield subject.client_doc, ()
    yield workspace.sources[CONFIG_FILE], ()
    skus = {item.sku for item in offer.items if item.sku is not None}
    catalog = workspace.sources[CATALOG_FILE]
    for index, entry in enumerate(catalog.data["items"]):  # as written, broken ones too
        if entry.get("sku") in skus:
            yield catalog, ("items", index)
    if offer.schemes and DISCOUNTS_FILE in workspace.sources:
        for name in dict.fromkeys(offer.schemes):
            yield workspace.sources[DISCOUNTS_FILE], ("schemes", name)
    if offer.contract is not None:
        yield workspace.clause_library(offer.contract.type).source, ()


def _placeholders_in(doc: Document, loc: Loc) -> Iterator[Problem]:
    for where, value in _strings(_at(doc.data, loc), loc):
        marks = list(dict.fromkeys(match.group() for match in PLACEHOLDER.finditer(value)))
        if marks:
            shown = ", ".join(f'"{mark}"' for mark in marks)
            yield doc.problem(where, f"placeholder {shown} left in the text: {_excerpt(value)}")


def _at(data: Any, loc: Loc) -> Any:
    for part in loc:
        data = data[part]
    return data


def _strings(data: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*loc, index))


def _excerpt(value: str, width: int = 60) -> str:
    """The text around the first placeholder, on one line, at most `width` characters."""
    flat = " ".join(value.split())
    match = PLACEHOLDER.search(flat)
    middle = (match.start() if match else 0) - width // 2
    start = max(0, min(middle, len(flat) - width))
    piece = flat[start : start + width]
    return f'"{"…" if start else ""}{piece}{"…" if start + width < len(flat) else ""}"'


# Legal's checklist; `check`'s rules (rules.py) have judged the offer already.
RULES: tuple[Callable[[Subject], Iterator[Problem]], ...] = (_overrides, _validity, _placeholders)


# --- reports --------------------------------------------------------------------------------


def review_text(reviews: Iterable[OfferReview]) -> str:
    """A header line per offer, its findings as `check` prints problems, then the counts."""
    lines: list[str] = []
    reviews = list(reviews)
    for index, offer in enumerate(reviews):
        if index:
            lines.append("")
        invalid = "  INVALID: blocked, not built" if offer.invalid else ""
        lines.append(f"{offer.offer_id}  {offer.number}  {offer.client}  {offer.status}{invalid}")
        lines += [str(finding) for finding in offer.findings] or ["no findings"]
    counts = [_counted(sum(r.count(s) for r in reviews), s) for s in SEVERITIES]
    offers = f"{len(reviews)} offer{'' if len(reviews) == 1 else 's'}"
    lines += ["", f"{', '.join(counts)} in {offers}"]
    return "\n".join(lines)


def _counted(n: int, severity: str) -> str:
    return f"{n} {severity}{'' if n == 1 else 's'}"


def review_json(reviews: Iterable[OfferReview]) -> list[dict[str, Any]]:
    """Every finding of every offer as a flat record."""
    return [
        {
            "offer": offer.offer_id,
            "severity": finding.severity,
            "path": finding.path,
            "line": finding.line,
            "column": finding.column,
            "field": finding.field,
            "message": finding.message,
        }
        for offer in reviews
        for finding in offer.findings
    ]

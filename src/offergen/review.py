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
from datetime import date
from typing import Any

from .clauses import Clause
from .documents.contract import contract_sections
from .documents.view import OfferView
from .errors import Problem
from .load import Document, Loc, strings
from .models import Contract, Negotiation
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


def _negotiation(subject: Subject) -> Iterator[Problem]:
    """Each negotiated clause by its state, with the number the contract gives it."""
    contract = subject.offer.contract
    if contract is None or not contract.points:
        return
    workspace, offer_id = subject.workspace, subject.offer_id
    locale = workspace.settings(offer_id).locale
    view = OfferView.of(workspace, offer_id, workspace.templates.labels(locale))
    sections = contract_sections(view)
    numbers = {clause.id: clause.number for section in sections for clause in section.clauses}
    for loc, point in _records(contract):
        clause_id = str(loc[-1])
        number = numbers.get(clause_id)
        if number is None:
            yield subject.offer_doc.problem(
                loc,
                f"clause {clause_id} is left out of this contract (its condition does not "
                "hold): the negotiation changes nothing and is not in the protocol of "
                "disagreements",
                key=True,
                severity="warning",
            )
            continue
        severity, message = _point_finding(point)
        yield subject.offer_doc.problem(
            loc, f"clause {number} ({clause_id}) {message}", key=True, severity=severity
        )
        agreed = point.agreed_text()
        if agreed is not None:
            yield from _fixed_over_terms(
                subject, loc, point, view.clauses.clause(clause_id), number
            )
        if agreed is not None and agreed.get(locale) is None:
            other = "ru" if locale == "en" else "en"
            yield subject.offer_doc.problem(
                _agreed_loc(loc, point),
                f"the agreed wording has no {locale!r} text: the {locale} contract would "
                f"print the {other!r} one",
            )


def _fixed_over_terms(
    subject: Subject, loc: Loc, point: Negotiation, clause: Clause, number: str
) -> Iterator[Problem]:
    """An agreed text fixes words that the library's wording takes from the terms: the
    other documents keep printing the terms, and a later change of terms misses it."""
    read = clause.terms_read()
    if not read:
        return
    names = ", ".join(f"terms.{name}" for name in read)
    way_out = (
        "drop the text and let the library word the agreed terms"
        if point.agreed is not None and point.agreed.changes_terms
        else "record the agreed terms instead (agreed: {date: …, terms: {…}}), and the "
        "contract, the proposal and the specification print them alike"
    )
    yield subject.offer_doc.problem(
        _agreed_loc(loc, point),
        f"clause {number} ({clause.id}) reads {names}; agreed text cannot follow a change of "
        f"terms: {way_out}",
        severity="warning",
    )


def _records(contract: Contract) -> Iterator[tuple[Loc, Negotiation]]:
    """Each record where it is written: `negotiation:`, or the older `overrides:`."""
    for clause_id, override in contract.overrides.items():
        if clause_id not in contract.negotiation:  # check reports a clause in both
            yield ("contract", "overrides", clause_id), override.as_negotiation()
    for clause_id, point in contract.negotiation.items():
        yield ("contract", "negotiation", clause_id), point


def _agreed_loc(loc: Loc, point: Negotiation) -> Loc:
    """Where the agreed wording is written: its own text, or the round it takes."""
    if loc[1] == "overrides":
        return (*loc, "text")
    if point.agreed is not None and point.agreed.text is not None:
        return (*loc, "agreed", "text")
    wording = point.agreed.wording if point.agreed is not None else None
    last = max(n for n, r in enumerate(point.rounds) if r.by == wording)
    return (*loc, "rounds", last, "text")


def _point_finding(point: Negotiation) -> tuple[str, str]:
    """The severity and the words of a point's finding, after "clause 3.6 (id)"."""
    last = point.rounds[-1]
    kept = "the draft's wording" if point.draft is not None else "the library's"
    if point.state == "open":
        whose = "the client's wording" if last.by == "client" else "our counter-proposal"
        waits = "our answer" if last.by == "client" else "the client's answer"
        return "warning", (
            f"is open: {whose}{_on(last.date)} waits for {waits} (round {len(point.rounds)}); "
            f"the contract keeps {kept} until it is agreed"
        )
    if point.state == "agreed" and point.agreed is not None and point.agreed.by_terms:
        agreed = point.agreed.terms.model_dump(exclude_unset=True) if point.agreed.terms else {}
        terms = ", ".join(f"{key}: {value}" for key, value in agreed.items())
        return "note", (
            f"is agreed{_on(point.agreed.date, 'on')} as terms ({terms}); the contract keeps "
            "the library's wording with them, and every document prints them"
        )
    if point.state == "agreed" and point.agreed is not None:
        agreement = point.agreed
        taken = (
            f"the {agreement.wording}'s wording" if agreement.wording else "a wording of its own"
        )
        return "warning", (
            f"deviates from the library: agreed{_on(agreement.date, 'on')} in {taken}; the "
            "contract prints it instead of the library's"
        )
    by = "the client's wording" if last.by == "client" else "our wording"
    done = "is rejected" if point.state == "rejected" else "is withdrawn"
    return "note", (
        f"is settled: {by}{_on(last.date)} {done}; the contract keeps {kept} and the "
        "protocol of disagreements records both sides' wording"
    )


def _on(day: date | None, word: str = "of") -> str:
    return f" {word} {day}" if day is not None else ""


# --- validity -----------------------------------------------------------------------------


def _validity(subject: Subject) -> Iterator[Problem]:
    offer = subject.offer
    delivery = offer.effective_terms.delivery_days
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
    for where, value in strings(_at(doc.data, loc), loc):
        marks = list(dict.fromkeys(match.group() for match in PLACEHOLDER.finditer(value)))
        if marks:
            shown = ", ".join(f'"{mark}"' for mark in marks)
            yield doc.problem(where, f"placeholder {shown} left in the text: {_excerpt(value)}")


def _at(data: Any, loc: Loc) -> Any:
    for part in loc:
        data = data[part]
    return data


def _excerpt(value: str, width: int = 60) -> str:
    """The text around the first placeholder, on one line, at most `width` characters."""
    flat = " ".join(value.split())
    match = PLACEHOLDER.search(flat)
    middle = (match.start() if match else 0) - width // 2
    start = max(0, min(middle, len(flat) - width))
    piece = flat[start : start + width]
    return f'"{"…" if start else ""}{piece}{"…" if start + width < len(flat) else ""}"'


# --- goods and services ---------------------------------------------------------------------


def _services_in_supply(subject: Subject) -> Iterator[Problem]:
    """A supply contract covers goods (ГК РФ ст. 506); work sold with them, such as
    installation and commissioning, is priced in the same specification, and the supply
    library's clause payment.services states its own total. Legal decides whether that
    suffices or the work needs a services contract of its own."""
    offer = subject.offer
    if offer.contract is None or offer.contract.type != "supply":
        return
    priced = subject.workspace.price(subject.offer_id)
    services = [line for line in priced.lines if line.service]
    if not services:
        return
    view = OfferView.of(
        subject.workspace, subject.offer_id, subject.workspace.templates.labels("ru")
    )
    numbers = {c.id: c.number for s in contract_sections(view) for c in s.clauses}
    clause = f"clause {numbers.get('payment.services', '?')} (payment.services)"
    for line in services:
        why = (
            "kind: service in catalog.yaml"
            if line.sku
            else f"its unit «{line.unit.ru or line.unit.en}»"
        )
        yield subject.offer_doc.problem(
            ("items", line.number - 1),
            f"a service ({why}) in a supply contract: {clause} states the services' total "
            "within the price of the Goods; for work beyond installation and commissioning, "
            "move these lines into an offer of their own with contract.type: services",
            severity="warning",
        )


# Legal's checklist; `check`'s rules (rules.py) have judged the offer already.
RULES: tuple[Callable[[Subject], Iterator[Problem]], ...] = (
    _negotiation,
    _validity,
    _services_in_supply,
    _placeholders,
)


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

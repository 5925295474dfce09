"""Turn a validated workspace into legal's checklist: each offer's findings, located, by severity.

A finding is a `Problem` whose severity says what legal must do with it: an `error` blocks
the offer (CI gates on it), a `warning` is to be read and decided, a `note` is for the
record. `offergen check` has already refused malformed data; these rules judge valid data
against the clause library, the payment policy, the client's reliability and common sense.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from . import requisites
from .documents.contract import contract_sections
from .documents.text import Text
from .errors import Problem
from .load import Document, Loc
from .models import Bank, Offer, Override
from .render import Templates
from .workspace import (
    CATALOG_FILE,
    CLIENTS_DIR,
    CLOSED,
    CONFIG_FILE,
    DISCOUNTS_FILE,
    OFFERS_DIR,
    Workspace,
)

SEVERITIES = ("error", "warning", "note")
HUNDRED = Decimal(100)
CENT = Decimal("0.01")

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
    """One offer's findings, sorted by file, line and column."""

    offer_id: str
    number: str
    client: str
    status: str
    findings: tuple[Problem, ...]

    def count(self, severity: str) -> int:
        return sum(1 for finding in self.findings if finding.severity == severity)


def review(workspace: Workspace, offer_ids: Iterable[str] = ()) -> list[OfferReview]:
    """Review the named offers (every open one when none is named: an accepted or rejected
    offer cannot be fixed any more); `NotFound` for an unknown id."""
    ids = list(dict.fromkeys(offer_ids)) or sorted(
        offer_id for offer_id, offer in workspace.offers.items() if offer.status not in CLOSED
    )
    for offer_id in ids:
        workspace.offer(offer_id)  # an unknown id fails before any work is done
    templates = Templates(workspace.templates_dir)
    return [_review_offer(workspace, offer_id, templates) for offer_id in ids]


def _review_offer(workspace: Workspace, offer_id: str, templates: Templates) -> OfferReview:
    subject = _Subject(workspace, offer_id, templates)
    found = {finding for rule in RULES for finding in rule(subject)}
    offer = workspace.offer(offer_id)
    client = workspace.clients[offer.client]
    return OfferReview(offer_id, offer.number, client.name, offer.status, tuple(sorted(found)))


@dataclass(frozen=True)
class _Subject:
    """One offer under review, with the sources its findings point into."""

    workspace: Workspace
    offer_id: str
    templates: Templates

    @property
    def offer(self) -> Offer:
        return self.workspace.offer(self.offer_id)

    @property
    def offer_doc(self) -> Document:
        return self.workspace.sources[f"{OFFERS_DIR}/{self.offer_id}.yaml"]

    @property
    def client_file(self) -> str:
        return f"{CLIENTS_DIR}/{self.offer.client}.yaml"

    @property
    def client_doc(self) -> Document:
        return self.workspace.sources[self.client_file]

    @property
    def prepayment(self) -> Decimal:
        return self.offer.terms.prepayment_percent or Decimal(0)

    def prepayment_given(self) -> str:
        if self.offer.terms.prepayment_percent is None:
            return "no prepayment (0 %)"
        return f"a prepayment of {_number(self.prepayment)} %"


Rule = Callable[[_Subject], Iterator[Problem]]
PREPAYMENT: Loc = ("terms", "prepayment_percent")


# --- clauses that deviate from the library ----------------------------------------------


def _overrides(subject: _Subject) -> Iterator[Problem]:
    contract = subject.offer.contract
    if contract is None or not contract.overrides:
        return
    workspace, offer_id = subject.workspace, subject.offer_id
    locale = workspace.settings(offer_id).locale
    text = Text(subject.templates.labels(locale), locale, workspace.price(offer_id).currency)
    sections = contract_sections(workspace, offer_id, text)
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


# --- discount approval ------------------------------------------------------------------


def _discount(subject: _Subject) -> Iterator[Problem]:
    offer, priced = subject.offer, subject.workspace.price(subject.offer_id)
    if not priced.approval.needed:
        return
    above = (
        f"the effective discount {_number(priced.effective_discount.quantize(CENT))} % is "
        f"above the {_number(priced.approval.threshold or Decimal(0))} % of "
        f"policy.approval_above_percent ({DISCOUNTS_FILE})"
    )
    approvers = _approvers(offer)
    if not approvers:
        where = "schemes" if offer.schemes else "discount" if offer.discount else "items"
        yield subject.offer_doc.problem(
            (where,),
            f"{above} and nobody approved it: add approval: {{by: …, position: …, date: …}} "
            "or a review by the head of sales (role: sales_head, verdict: approved)",
        )
        return
    loc, _ = approvers[0]
    names = "; ".join(who for _, who in approvers)
    yield subject.offer_doc.problem(loc, f"{above}; approved by {names}", severity="note")


def _approvers(offer: Offer) -> list[tuple[Loc, str]]:
    found: list[tuple[Loc, str]] = []
    if offer.approval is not None:
        position = f", {offer.approval.position}" if offer.approval.position else ""
        found.append((("approval",), f"{offer.approval.by}{position}, on {offer.approval.date}"))
    index = offer.standing_reviews().get("sales_head")
    if index is not None and offer.review[index].verdict == "approved":
        entry = offer.review[index]
        found.append((("review", index), f"{entry.by}, head of sales, on {entry.date}"))
    return found


# --- payment policy and credit ----------------------------------------------------------


def _payment_policy(subject: _Subject) -> Iterator[Problem]:
    policy, terms = subject.workspace.config.policy, subject.offer.terms
    days, most = terms.payment_days, policy.max_deferral_days
    # With everything paid in advance nothing is deferred, whatever payment_days says.
    if most is not None and days is not None and days > most and subject.prepayment < HUNDRED:
        yield subject.offer_doc.problem(
            ("terms", "payment_days"),
            f"payment {days} days after delivery is beyond the {most} days of "
            f"policy.max_deferral_days ({CONFIG_FILE})",
        )
    least = policy.min_prepayment_percent
    if least is not None and subject.prepayment < least:
        yield subject.offer_doc.problem(
            PREPAYMENT,
            f"{subject.prepayment_given()} is below the {_number(least)} % of "
            f"policy.min_prepayment_percent ({CONFIG_FILE})",
        )


def _credit(subject: _Subject) -> Iterator[Problem]:
    reliability = subject.workspace.clients[subject.offer.client].reliability
    if reliability is None:
        return
    client_doc, client_file = subject.client_doc, subject.client_file
    if reliability.rating == "C":
        yield client_doc.problem(
            ("reliability", "rating"),
            "the client is rated C (pays late or disputes): finance should agree to the terms",
            severity="warning",
        )
    if reliability.prepayment_required and subject.prepayment < HUNDRED:
        yield subject.offer_doc.problem(
            PREPAYMENT,
            f"{subject.prepayment_given()}, but {client_file} requires full prepayment "
            "(reliability.prepayment_required)",
        )
    limit = reliability.credit_limit
    if limit is None:
        return
    priced = subject.workspace.price(subject.offer_id)
    unpaid = (priced.totals.gross * (HUNDRED - subject.prepayment) / HUNDRED).quantize(
        CENT, rounding=ROUND_HALF_UP
    )
    currency = reliability.currency or subject.workspace.config.defaults.currency
    if not unpaid:
        return
    if currency != priced.currency:
        loc: Loc = ("reliability", "currency" if reliability.currency else "credit_limit")
        yield client_doc.problem(
            loc,
            f"the credit limit is in {currency} and {subject.offer_id} in {priced.currency}: "
            f"the {unpaid} {priced.currency} due after delivery cannot be compared with it",
            severity="note",
        )
    elif unpaid > limit:
        yield subject.offer_doc.problem(
            PREPAYMENT,
            f"{unpaid} {currency} due after delivery ({_number(HUNDRED - subject.prepayment)} % "
            f"of the total {priced.totals.gross} {currency}) is above the credit limit of "
            f"{_number(limit)} {currency} in {client_file} (reliability.credit_limit)",
        )


# --- requisites ---------------------------------------------------------------------------


def _requisites(subject: _Subject) -> Iterator[Problem]:
    """What the contract or the invoice needs from the parties beyond what `check` requires."""
    offer = subject.offer
    client, doc = subject.workspace.clients[offer.client], subject.client_doc
    contract = offer.contract is not None
    if contract:
        seller = subject.workspace.config.seller
        if seller.signatory.basis is None and len(seller.inn) != 12:
            yield subject.workspace.sources[CONFIG_FILE].problem(
                ("seller", "signatory", "basis"), _NO_BASIS
            )
        signatory = client.signatory
        # An ИП acts on its ОГРНИП, which the preamble names when no basis is given.
        if signatory is not None and signatory.basis is None and client.kind != "entrepreneur":
            yield doc.problem(("signatory", "basis"), _NO_BASIS)
        if client.bank is None:
            fields = "name, account, swift" if client.kind == "foreign" else _RUSSIAN_BANK
            yield doc.problem(
                ("bank",), f"a contract states the buyer's bank details: add bank: {{{fields}}}"
            )
    if client.kind == "foreign":
        yield from _foreign(client.registration_number, client.vat_id, client.bank, doc, contract)


_RUSSIAN_BANK = "name, bik, account, corr_account"
_NO_BASIS = (
    "the contract's preamble says on what authority the signatory acts: add basis "
    "(Устава, Доверенности № … от …)"
)


def _foreign(
    registration: str | None, vat_id: str | None, bank: Bank | None, doc: Document, contract: bool
) -> Iterator[Problem]:
    if registration is None:
        yield doc.problem(
            ("registration_number",),
            "a foreign buyer is identified by its registration number in the "
            + ("contract" if contract else "invoice"),
            severity="error" if contract else "warning",
        )
    if vat_id is None:
        yield doc.problem(
            ("vat_id",),
            "no VAT number: an export invoice usually states the buyer's (if its country has one)",
            severity="note",
        )
    if bank is None:
        return
    if bank.bik is None:
        if bank.swift is None and contract:
            yield doc.problem(
                ("bank", "swift"),
                "a payment from abroad needs the bank's SWIFT code",
                severity="warning",
            )
        return
    # A foreign client with an account in a Russian bank: `check` leaves it alone.
    checks: list[tuple[Loc, str | None]] = [(("bank", "bik"), requisites.check_bik(bank.bik))]
    if checks[0][1] is None:
        checks.append(
            (("bank", "account"), requisites.check_settlement_account(bank.account, bank.bik))
        )
        if bank.corr_account is not None:
            checks.append(
                (
                    ("bank", "corr_account"),
                    requisites.check_correspondent_account(bank.corr_account, bank.bik),
                )
            )
    for loc, message in checks:
        if message is not None:
            yield doc.problem(loc, message)


# --- validity -----------------------------------------------------------------------------


def _validity(subject: _Subject) -> Iterator[Problem]:
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


def _placeholders(subject: _Subject) -> Iterator[Problem]:
    for doc, loc in _texts_of(subject):
        yield from _placeholders_in(doc, loc)


def _texts_of(subject: _Subject) -> Iterator[tuple[Document, Loc]]:
    """Every source whose text reaches the offer's documents, and where in it."""
    workspace, offer = subject.workspace, subject.offer
    yield subject.offer_doc, ()
    yield subject.client_doc, ()
    yield workspace.sources[CONFIG_FILE], ()
    skus = {item.sku for item in offer.items if item.sku is not None}
    for index, entry in enumerate(workspace.catalog.items):
        if entry.sku in skus:
            yield workspace.sources[CATALOG_FILE], ("items", index)
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


RULES: tuple[Rule, ...] = (
    _overrides,
    _discount,
    _payment_policy,
    _credit,
    _requisites,
    _validity,
    _placeholders,
)


def _number(value: Decimal) -> str:
    """A percent or limit as people write it: 50 (not 50.00 or 5E+1), 12.5."""
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)


# --- reports --------------------------------------------------------------------------------


def review_text(reviews: Iterable[OfferReview]) -> str:
    """A header line per offer, its findings as `check` prints problems, then the counts."""
    lines: list[str] = []
    reviews = list(reviews)
    for index, offer in enumerate(reviews):
        if index:
            lines.append("")
        lines.append(f"{offer.offer_id}  {offer.number}  {offer.client}  {offer.status}")
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

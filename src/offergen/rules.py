"""Turn one offer of a workspace into its problems: references, pricing, the contract's
clauses and the policy. `check`, `build` and `review` all judge an offer by these rules.

A policy rule's severity follows the offer's status: a warning while it is a draft or
under review, an error once it is approved, sent or accepted, unless an approval covers
the exception (`approval: {…, covers: [deferral]}` or an approving finance or sales_head
review that `covers` it), when it is a note naming who approved it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .errors import Problem, ValidationFailed, did_you_mean
from .formatting import MAX_AMOUNT_IN_WORDS
from .load import Document, Loc
from .models import Client, Locale, Offer, Terms
from .negotiation import older_form, record_problems
from .pricing import catalog_price
from .workspace import (
    CATALOG_FILE,
    CLIENTS_DIR,
    CONFIG_FILE,
    DISCOUNTS_FILE,
    Workspace,
    client_source,
    offer_source,
)

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
PREPAYMENT: Loc = ("terms", "prepayment_percent")


def offer_problems(workspace: Workspace, offer_id: str) -> Iterator[Problem]:
    """Pricing, clauses and policy: the rules of an offer whose references hold."""
    subject = Subject(workspace, offer_id)
    for rule in RULES:
        yield from rule(subject)


# --- references ---------------------------------------------------------------------------


def reference_problems(workspace: Workspace, offer_id: str, offer: Offer) -> Iterator[Problem]:
    """What an offer names that does not exist: judged for every offer that parses, even
    one that something else blocks, so that one run shows all of them."""
    doc = workspace.sources[offer_source(offer_id)]
    client = workspace.clients.get(offer.client)
    if client is None and not (workspace.root / client_source(offer.client)).is_file():
        hint = did_you_mean(offer.client, workspace.clients)
        yield doc.problem(("client",), f"no client {offer.client!r} in {CLIENTS_DIR}/{hint}")
    if offer.valid_until is not None and offer.valid_until < offer.date:
        yield doc.problem(
            ("valid_until",), f"{offer.valid_until} is before the offer date {offer.date}"
        )
    if client is not None:
        yield from _contact(doc, offer, client)
    defaults = workspace.config.defaults
    locale = offer.locale or (client.locale if client else None) or defaults.locale
    yield from _items(workspace, doc, offer, locale if client else None)
    yield from _schemes(workspace, doc, offer)
    yield from _documents(workspace, doc, offer)


def _contact(doc: Document, offer: Offer, client: Client) -> Iterator[Problem]:
    if offer.contact is not None and offer.contact not in {c.name for c in client.contacts}:
        names = ", ".join(c.name for c in client.contacts) or "none"
        yield doc.problem(
            ("contact",),
            f"{offer.contact!r} is not among the contacts of "
            f"{client_source(offer.client)} ({names})",
        )


def _items(
    workspace: Workspace, doc: Document, offer: Offer, locale: Locale | None
) -> Iterator[Problem]:
    by_sku = {item.sku: item for item in workspace.catalog.items}
    broken = _broken_skus(workspace)
    defaults = workspace.config.defaults
    currency = offer.currency or defaults.currency
    for index, item in enumerate(offer.items):
        if item.sku is None:
            for name in ("name", "unit"):
                text = getattr(item, name)
                if locale and text is not None and text.get(locale) is None:
                    yield doc.problem(
                        ("items", index, name), f"has no {locale!r} text for this {locale} offer"
                    )
            continue
        entry = by_sku.get(item.sku)
        if entry is None:
            if item.sku not in broken:  # a broken item says what is wrong with it
                yield doc.problem(
                    ("items", index, "sku"),
                    f"unknown sku {item.sku!r} (not in {CATALOG_FILE})"
                    f"{did_you_mean(item.sku, by_sku)}",
                )
            continue
        if catalog_price(entry, currency, defaults.currency) is None:
            yield doc.problem(
                ("items", index, "sku"),
                f"{item.sku} has no price in {currency} in {CATALOG_FILE} "
                f"(add prices: {{{currency}: …}})",
            )
        for name in ("name", "unit"):
            if locale and getattr(entry, name).get(locale) is None:
                yield doc.problem(
                    ("items", index, "sku"),
                    f"{item.sku} has no {locale!r} {name} in {CATALOG_FILE} "
                    f"for this {locale} offer",
                )


def _broken_skus(workspace: Workspace) -> set[str]:
    """Skus listed in the catalog file whose entries did not survive validation."""
    data = workspace.sources[CATALOG_FILE].data
    items = data.get("items") if isinstance(data, dict) else None
    listed = [item.get("sku") for item in items or [] if isinstance(item, dict)]
    return {sku for sku in listed if isinstance(sku, str)} - {
        i.sku for i in workspace.catalog.items
    }


def _schemes(workspace: Workspace, doc: Document, offer: Offer) -> Iterator[Problem]:
    book, source = workspace.discounts, workspace.sources.get(DISCOUNTS_FILE)
    written = source.data.get("schemes") if source and isinstance(source.data, dict) else None
    seen: set[str] = set()
    for index, name in enumerate(offer.schemes):
        if name in seen:
            yield doc.problem(("schemes", index), f"{name!r} is listed twice")
        elif name not in book.schemes and not (isinstance(written, dict) and name in written):
            where = DISCOUNTS_FILE if book.schemes else f"{DISCOUNTS_FILE}, which has none"
            yield doc.problem(
                ("schemes", index),
                f"unknown scheme {name!r} (not in {where}){did_you_mean(name, book.schemes)}",
            )
        seen.add(name)
    if offer.documents is not None and "discount_scheme" in offer.documents and not offer.schemes:
        index = offer.documents.index("discount_scheme")
        yield doc.problem(("documents", index), "a discount_scheme needs the offer to name schemes")


def _documents(workspace: Workspace, doc: Document, offer: Offer) -> Iterator[Problem]:
    names = offer.documents or []
    for name, missing, need in (
        ("contract", offer.contract is None, "the offer to have a contract"),
        (
            "disagreements",
            not (offer.contract and offer.contract.points),
            "a negotiation record (contract.negotiation) to disagree about",
        ),
    ):
        if name in names and missing:
            yield doc.problem(("documents", names.index(name)), f"a {name} needs {need}")
    contract = offer.contract
    if contract is None:
        return
    client = workspace.clients.get(offer.client)
    if client is not None and client.signatory is None:
        yield doc.problem(
            ("contract",),
            f"{client_source(offer.client)} has no signatory, whom a contract names",
        )
    yield from older_form(doc, contract)
    try:
        library = workspace.clause_library(contract.type).library
    except ValidationFailed:
        return  # the library's own problems block the offer already
    yield from record_problems(doc, contract, library.ids())


# --- the rules of a sound offer -------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """One offer under judgement, with the sources its problems point into."""

    workspace: Workspace
    offer_id: str

    @property
    def offer(self) -> Offer:
        return self.workspace.offers[self.offer_id]

    @property
    def client(self) -> Client:
        return self.workspace.clients[self.offer.client]

    @property
    def offer_doc(self) -> Document:
        return self.workspace.sources[offer_source(self.offer_id)]

    @property
    def client_file(self) -> str:
        return client_source(self.offer.client)

    @property
    def client_doc(self) -> Document:
        return self.workspace.sources[self.client_file]

    @property
    def prepayment(self) -> Decimal:
        return self.offer.effective_terms.prepayment_percent or Decimal(0)

    def prepayment_given(self) -> str:
        if self.offer.effective_terms.prepayment_percent is None:
            return "no prepayment (0 %)"
        return f"a prepayment of {number(self.prepayment)} %"

    @property
    def severity(self) -> str:
        """What a broken rule is: an error once the offer binds, a warning before."""
        return "error" if self.offer.binds else "warning"

    def exception(self, doc: Document, loc: Loc, message: str, covers: str) -> Problem:
        """A departure from the policy: a note when an approval covers it, else a warning
        or an error by the offer's status, saying how to approve it."""
        approvers = self.offer.covered(covers)
        if approvers:
            names = "; ".join(who for _, who in approvers)
            return doc.problem(loc, f"{message}; approved by {names}", severity="note")
        hint = (
            f"; approve the exception with approval: {{by: …, position: …, date: …, "
            f"covers: [{covers}]}} or a finance review that covers it"
        )
        return doc.problem(loc, message + hint, severity=self.severity)


Rule = Callable[[Subject], Iterator[Problem]]


def _pricing(subject: Subject) -> Iterator[Problem]:
    priced = subject.workspace.price(subject.offer_id)
    if priced.totals.gross > MAX_AMOUNT_IN_WORDS:
        yield subject.offer_doc.problem(
            ("items",), f"the total {priced.totals.gross} is too large to state in words"
        )


def _clauses(subject: Subject) -> Iterator[Problem]:
    """Clause conditions and texts are templates of legal's library: whether they
    evaluate for one offer is only known with that offer's data."""
    from .documents import contract_problems

    yield from contract_problems(subject.workspace, subject.offer_id)


def _discount(subject: Subject) -> Iterator[Problem]:
    offer, priced = subject.offer, subject.workspace.price(subject.offer_id)
    if not priced.approval.needed:
        return
    above = (
        f"the effective discount {number(priced.effective_discount.quantize(CENT))} % is "
        f"above the {number(priced.approval.threshold or Decimal(0))} % of "
        f"policy.approval_above_percent ({DISCOUNTS_FILE})"
    )
    approvers = offer.covered("discount")
    if approvers:
        loc, _ = approvers[0]
        names = "; ".join(who for _, who in approvers)
        yield subject.offer_doc.problem(loc, f"{above}; approved by {names}", severity="note")
        return
    where = "schemes" if offer.schemes else "discount" if offer.discount else "items"
    loc = ("status",) if offer.binds else (where,)
    message = (
        f"{above} and nobody approved it: add approval: {{by: …, position: …, date: …}} "
        "or a review by the head of sales (role: sales_head, verdict: approved)"
    )
    prefix = f"{offer.status} offer: " if offer.binds else ""
    yield subject.offer_doc.problem(loc, prefix + message, severity=subject.severity)


def _legal_approval(subject: Subject) -> Iterator[Problem]:
    offer = subject.offer
    if offer.contract is None or not offer.binds or offer.approved_by("legal"):
        return
    standing = offer.standing_reviews().get("legal")
    if standing is None:
        yield subject.offer_doc.problem(
            ("status",),
            f"{offer.status} offer with a contract needs legal's approval: add review: "
            "[{by: …, role: legal, date: …, verdict: approved}]",
        )
    else:
        yield subject.offer_doc.problem(
            ("review", standing, "verdict"),
            f"legal's latest review ({offer.review[standing].date}) requests changes, "
            f"so the offer cannot be {offer.status}: make the changes and record a new "
            "approving review, or set the status back to review",
        )


def _payment_policy(subject: Subject) -> Iterator[Problem]:
    policy, terms = subject.workspace.config.policy, subject.offer.effective_terms
    days, most = calendar_days(terms), policy.max_deferral_days
    # With everything paid in advance nothing is deferred, whatever payment_days says.
    if most is not None and days is not None and days > most and subject.prepayment < HUNDRED:
        yield subject.exception(
            subject.offer_doc,
            terms_loc(subject.offer, "payment_days", "payment_days_basis"),
            f"payment {_deferral(terms)} after delivery is beyond the {most} days of "
            f"policy.max_deferral_days ({CONFIG_FILE})",
            "deferral",
        )
    least = policy.min_prepayment_percent
    if least is not None and subject.prepayment < least:
        yield subject.exception(
            subject.offer_doc,
            terms_loc(subject.offer, "prepayment_percent"),
            f"{subject.prepayment_given()} is below the {number(least)} % of "
            f"policy.min_prepayment_percent ({CONFIG_FILE})",
            "prepayment",
        )


def calendar_days(terms: Terms) -> int | None:
    """The payment deferral in calendar days, as the policy counts it: banking days count
    as 7/5 calendar days each, rounded up (30 banking days are 42 calendar days)."""
    days = terms.payment_days
    if days is None or terms.payment_days_basis == "calendar":
        return days
    return -(-days * 7 // 5)


def _deferral(terms: Terms) -> str:
    if terms.payment_days_basis == "calendar":
        return f"{terms.payment_days} days"
    return f"{terms.payment_days} banking days (about {calendar_days(terms)} calendar days)"


def terms_loc(offer: Offer, *fields: str) -> Loc:
    """Where a term is written: the latest agreed point that set it, else the offer's terms."""
    for clause_id, agreed in reversed(offer.contract.agreed_terms() if offer.contract else []):
        if set(fields) & agreed.model_fields_set:
            return ("contract", "negotiation", clause_id, "agreed", "terms", fields[0])
    return ("terms", fields[0])


def _credit(subject: Subject) -> Iterator[Problem]:
    reliability = subject.client.reliability
    if reliability is None:
        return
    if reliability.rating == "C":
        yield subject.client_doc.problem(
            ("reliability", "rating"),
            "the client is rated C (pays late or disputes): finance should agree to the terms",
            severity="note" if subject.offer.covered("credit_limit") else "warning",
        )
    if reliability.prepayment_required and subject.prepayment < HUNDRED:
        yield subject.exception(
            subject.offer_doc,
            PREPAYMENT,
            f"{subject.prepayment_given()}, but {subject.client_file} requires full "
            "prepayment (reliability.prepayment_required)",
            "prepayment_required",
        )
    yield from _credit_limit(subject)


def _credit_limit(subject: Subject) -> Iterator[Problem]:
    reliability = subject.client.reliability
    limit = reliability.credit_limit if reliability else None
    if reliability is None or limit is None:
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
        yield subject.client_doc.problem(
            loc,
            f"the credit limit is in {currency} and {subject.offer_id} in {priced.currency}: "
            f"the {unpaid} {priced.currency} due after delivery cannot be compared with it",
            severity="note",
        )
    elif unpaid > limit:
        yield subject.exception(
            subject.offer_doc,
            PREPAYMENT,
            f"{unpaid} {currency} due after delivery ({number(HUNDRED - subject.prepayment)} % "
            f"of the total {priced.totals.gross} {currency}) is above the credit limit of "
            f"{number(limit)} {currency} in {subject.client_file} (reliability.credit_limit)",
            "credit_limit",
        )


def _requisites(subject: Subject) -> Iterator[Problem]:
    """What the contract or the invoice needs from the parties beyond what the models
    require: a warning while the offer is drafted, an error once it binds."""
    offer, client, doc = subject.offer, subject.client, subject.client_doc
    contract = offer.contract is not None
    severity = subject.severity
    if contract:
        seller = subject.workspace.config.seller
        if seller.signatory.basis is None and not seller.is_entrepreneur:
            yield subject.workspace.sources[CONFIG_FILE].problem(
                ("seller", "signatory", "basis"), _NO_BASIS, severity=severity
            )
        signatory = client.signatory
        # An ИП acts on its ОГРНИП, which the preamble names when no basis is given.
        if signatory is not None and signatory.basis is None and client.kind != "entrepreneur":
            yield doc.problem(("signatory", "basis"), _NO_BASIS, severity=severity)
        if client.bank is None:
            fields = "name, account, swift" if client.kind == "foreign" else _RUSSIAN_BANK
            yield doc.problem(
                ("bank",),
                f"a contract states the buyer's bank details: add bank: {{{fields}}}",
                severity=severity,
            )
    if client.kind == "foreign":
        yield from _foreign(client, doc, contract, severity)
    if contract:
        yield from _signatory_language(subject)


_RUSSIAN_BANK = "name, bik, account, corr_account"
_NO_BASIS = (
    "the contract's preamble says on what authority the signatory acts: add basis "
    "(Устава, Доверенности № … от …)"
)


def _foreign(client: Client, doc: Document, contract: bool, severity: str) -> Iterator[Problem]:
    if client.registration_number is None:
        yield doc.problem(
            ("registration_number",),
            "a foreign buyer is identified by its registration number in the "
            + ("contract" if contract else "invoice"),
            severity=severity if contract else "warning",
        )
    bank = client.bank
    if client.vat_id is None:
        yield doc.problem(
            ("vat_id",),
            "no VAT number: an export invoice usually states the buyer's (if its country has one)",
            severity="note",
        )
    if bank is not None and bank.bik is None and bank.swift is None and contract:
        yield doc.problem(
            ("bank", "swift"),
            "a payment from abroad needs the bank's SWIFT code",
            severity="warning",
        )


def _signatory_language(subject: Subject) -> Iterator[Problem]:
    """A Russian contract declines its signatories' names and positions: a foreign
    client's signatory written only in Latin letters would print undeclined."""
    signatory = subject.client.signatory
    if signatory is None or subject.workspace.settings(subject.offer_id).locale != "ru":
        return
    latin = [
        name
        for name in ("name", "position", "basis")
        if (value := getattr(signatory, name)) and not re.search("[А-Яа-яЁё]", value)
    ]
    if not latin:
        return
    fields = ", ".join(f"signatory.{name}" for name in latin)
    yield subject.offer_doc.problem(
        ("contract",),
        f"the contract is in Russian, but {subject.client_file} gives {fields} "
        "in Latin letters only, which the preamble cannot decline: write them in Russian "
        "and keep the Latin forms as name_en, position_en, basis_en",
        severity="warning",
    )


RULES: tuple[Rule, ...] = (
    _pricing,
    _clauses,
    _discount,
    _legal_approval,
    _payment_policy,
    _credit,
    _requisites,
)


def number(value: Decimal) -> str:
    """A percent or limit as people write it: 50 (not 50.00 or 5E+1), 12.5."""
    return format(value.normalize(), "f") if value == value.to_integral_value() else str(value)

"""Turn `offers/<id>.yaml` into an `Offer`: lines, terms, approvals, reviews, contract.

Also the status vocabulary: how far along an offer is, and what each status makes binding.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from ..limits import MAX_OFFER_LINES
from .fields import (
    Code,
    Count,
    Currency,
    Day,
    Flag,
    Id,
    Locale,
    Localized,
    LocalizedParagraph,
    Model,
    Paragraph,
    Percent,
    Price,
    Quantity,
    Text,
    VatRate,
)
from .mail import SentRecord
from .parties import Person

Status = Literal["draft", "review", "approved", "sent", "accepted", "rejected"]
STATUSES: tuple[Status, ...] = ("draft", "review", "approved", "sent", "accepted", "rejected")
DRAFTS: tuple[Status, ...] = ("draft", "review")  # documents carry the ПРОЕКТ watermark
APPROVAL_REQUIRED: tuple[Status, ...] = ("approved", "sent", "accepted")  # rules bind as errors
CLOSED: tuple[Status, ...] = ("accepted", "rejected")  # the outcome is known; nothing to fix
# Exceptions to the payment policy and the client's reliability that an approval may cover.
Exception_ = Literal["discount", "deferral", "prepayment", "credit_limit", "prepayment_required"]
EXCEPTIONS: tuple[str, ...] = (
    "discount",
    "deferral",
    "prepayment",
    "credit_limit",
    "prepayment_required",
)


class OfferItem(Model):
    """A catalog line (`sku`) or an ad-hoc line (`name`, `unit`, `price`)."""

    sku: Code | None = None
    name: Localized | None = None
    unit: Localized | None = None
    price: Price | None = None
    vat_rate: VatRate | None = None
    qty: Quantity
    discount: Percent = Decimal(0)

    @model_validator(mode="after")
    def _catalog_or_ad_hoc(self) -> OfferItem:
        ad_hoc = {"name": self.name, "unit": self.unit, "price": self.price}
        if self.sku is not None:
            given = [key for key, value in ad_hoc.items() if value is not None]
            if given:
                raise ValueError(
                    f"a catalog line (sku) takes its {', '.join(given)} "
                    "from the catalog; remove it or drop the sku"
                )
        else:
            missing = [key for key, value in ad_hoc.items() if value is None]
            if missing:
                raise ValueError(f"a line without sku needs {', '.join(missing)}")
        return self


DayBasis = Literal["calendar", "banking"]


class Terms(Model):
    """The offer's conditions; an agreed point of the contract may change some of them
    (`Agreement.terms`), and every document then prints the effective ones."""

    prepayment_percent: Percent | None = None
    payment_days: Count | None = None
    payment_days_basis: DayBasis = "calendar"  # how payment_days are counted
    delivery_days: Count | None = None
    delivery_place: Text | None = None
    delivery_place_en: Text | None = None  # for English documents
    warranty_months: Count | None = None
    penalty_percent: Percent | None = None  # per day of delay; else the library's params

    def overlaid(self, agreed: Terms) -> Terms:
        """These terms with the ones `agreed` gives (only those written) laid over them."""
        return self.model_copy(update=agreed.model_dump(exclude_unset=True))


class Approval(Model):
    """Who approved an exception: a discount above the policy's threshold by default, or
    the exceptions `covers` names (a longer deferral, less prepayment, a credit limit)."""

    by: Text
    position: Text | None = None
    date: Day
    covers: Annotated[list[Exception_], Field(min_length=1)] = ["discount"]
    note: Paragraph | None = None


class Review(Model):
    """One reviewer's verdict on the offer (legal, finance or the head of sales); an
    approving finance or sales_head review may name the exceptions it `covers`."""

    by: Text
    role: Literal["legal", "finance", "sales_head"]
    date: Day
    verdict: Literal["approved", "changes_requested"]
    covers: list[Exception_] = []
    note: Paragraph | None = None


DocumentName = Literal["proposal", "discount_scheme", "contract", "disagreements"]
ContractType = Literal["supply", "services"]


Party = Literal["client", "seller"]
PointState = Literal["open", "agreed", "withdrawn", "rejected"]


class Round(Model):
    """One side's wording of a clause, proposed on `date`: the client's protocol of
    disagreements, our answer to it, and so on, in the order they went."""

    by: Party
    date: Day | None = None  # the older `overrides:` form had no dates
    text: LocalizedParagraph
    note: Paragraph | None = None


class Agreement(Model):
    """The wording both sides agreed on: a text of its own, or one side's latest round
    word for word (`wording: client`); a plain `client` or `seller` says the latter. Or
    the terms agreed (`terms: {payment_days: 20}`): the clause then reads the library's
    wording with the agreed terms, and so does every document of the offer."""

    date: Day | None = None
    text: LocalizedParagraph | None = None
    wording: Party | None = None
    terms: Terms | None = None

    @model_validator(mode="before")
    @classmethod
    def _party_alone(cls, value: Any) -> Any:
        return {"wording": value} if value in ("client", "seller") else value

    @model_validator(mode="after")
    def _one_wording(self) -> Agreement:
        if self.text is not None and self.wording is not None:
            raise ValueError(
                "give the agreed wording as text: … or as wording: client or seller "
                "(that side's latest round), one of the two"
            )
        if self.text is None and self.wording is None and not self.changes_terms:
            raise ValueError(
                "give the agreed terms (terms: {payment_days: …}), or the agreed wording as "
                "text: … or as wording: client or seller (that side's latest round)"
            )
        return self

    @property
    def changes_terms(self) -> bool:
        return self.terms is not None and bool(self.terms.model_fields_set)

    @property
    def by_terms(self) -> bool:
        """Agreed as terms alone: the clause keeps the library's wording, with those terms."""
        return self.text is None and self.wording is None


class Negotiation(Model):
    """Every side's wording of one clause of the contract: the draft's (`draft`, else the
    clause library's), each round of proposals, the state, and the agreed wording."""

    draft: LocalizedParagraph | None = None  # the wording we sent, where not the library's
    rounds: list[Round] = Field(min_length=1)
    agreed: Agreement | None = None
    state: PointState = Field(default="open", validate_default=True)
    note: Paragraph | None = None

    @field_validator("rounds")
    @classmethod
    def _in_order(cls, rounds: list[Round]) -> list[Round]:
        dated = [(n, r.date) for n, r in enumerate(rounds, start=1) if r.date is not None]
        for (n, before), (m, after) in pairwise(dated):
            if after < before:
                raise ValueError(
                    f"round {m} ({after}) is dated before round {n} ({before}): list the "
                    "rounds in the order they went"
                )
        return rounds

    @field_validator("agreed")
    @classmethod
    def _a_round_to_take(cls, agreed: Agreement | None, info: ValidationInfo) -> Agreement | None:
        rounds, wording = info.data.get("rounds"), agreed.wording if agreed else None
        if wording is not None and rounds is not None and all(r.by != wording for r in rounds):
            raise ValueError(
                f"takes the {wording}'s latest round, but no round is by the {wording}"
            )
        return agreed

    @field_validator("state")
    @classmethod
    def _agreed_with_wording(cls, state: PointState, info: ValidationInfo) -> PointState:
        # `agreed` is validated before `state`: a broken one is reported on its own.
        if "agreed" not in info.data:
            return state
        agreed = info.data["agreed"]
        if state == "agreed" and agreed is None:
            raise ValueError(
                "agreed needs the agreed wording: add agreed: {date: …, text: …}, or "
                "agreed: {date: …, wording: client} to take that side's latest round"
            )
        if state != "agreed" and agreed is not None:
            raise ValueError(
                f"is {state}, but agreed is given: write state: agreed, or leave agreed out"
            )
        return state

    def latest(self, party: Party) -> Round | None:
        """The party's last round: its own words as they stand."""
        return next((r for r in reversed(self.rounds) if r.by == party), None)

    def agreed_text(self) -> Localized | None:
        """The agreed wording, once agreed: its own text or the named side's last round
        (none when agreed as terms alone: the library's wording with those terms)."""
        if self.agreed is None or self.agreed.by_terms:
            return None
        if self.agreed.text is not None:
            return self.agreed.text
        chosen = self.latest(self.agreed.wording or "client")
        return chosen.text if chosen is not None else None


class Override(Model):
    """The older form of a negotiated clause (`contract.overrides`), still read: one
    text, who proposed it and whether it was agreed. See `as_negotiation`."""

    text: LocalizedParagraph
    proposed_by: Party = "client"
    status: Literal["proposed", "agreed", "rejected"] = "proposed"
    note: Paragraph | None = None

    def as_negotiation(self) -> Negotiation:
        """Proposed: an open round by its proposer; agreed: agreed in that wording;
        rejected: rejected. The older form had no dates, so neither has the record."""
        state: PointState = "open" if self.status == "proposed" else self.status
        return Negotiation(
            rounds=[Round(by=self.proposed_by, text=self.text)],
            state=state,
            agreed=Agreement(wording=self.proposed_by) if state == "agreed" else None,
            note=self.note,
        )


class Contract(Model):
    """The contract an offer leads to: its number, place, date and the negotiation of its
    clauses (`negotiation`, or the older `overrides`)."""

    type: ContractType
    number: Code
    city: Text
    city_en: Text | None = None
    date: Day | None = None
    negotiation: dict[Code, Negotiation] = {}
    overrides: dict[Code, Override] = {}

    @property
    def points(self) -> dict[str, Negotiation]:
        """Every negotiated clause by id, the older `overrides` read as records."""
        older = {key: override.as_negotiation() for key, override in self.overrides.items()}
        return {**older, **self.negotiation}

    def agreed_terms(self) -> list[tuple[str, Terms]]:
        """The terms each agreed point changes, by clause id, the earliest agreement first
        (undated ones in the order written) so that a later agreement wins."""
        agreed = [
            (point.agreed.date or date.min, clause_id, point.agreed.terms)
            for clause_id, point in self.negotiation.items()
            if point.state == "agreed" and point.agreed is not None
            if point.agreed.terms is not None
        ]
        return [(clause_id, terms) for _, clause_id, terms in sorted(agreed, key=_by_day)]


class Offer(Model):
    """`offers/<id>.yaml`: one offer to one client."""

    number: Code
    client: Id
    date: Day
    valid_until: Day | None = None
    status: Status = "draft"
    locale: Locale | None = None
    currency: Currency | None = None
    prices_include_vat: Flag | None = None
    vat_rate: VatRate | None = None
    contact: Text | None = None
    manager: Person | None = None
    intro: Paragraph | None = None
    items: list[OfferItem] = Field(min_length=1, max_length=MAX_OFFER_LINES)
    discount: Percent = Decimal(0)
    terms: Terms = Terms()
    schemes: list[Id] = []
    approval: Approval | None = None
    review: list[Review] = []
    contract: Contract | None = None
    documents: list[DocumentName] | None = None
    sent: list[SentRecord] = []  # written by `offergen send`; bookkeeping, no new version

    @property
    def effective_terms(self) -> Terms:
        """The terms every document prints and the policy judges: `terms` with the terms of
        the contract's agreed points laid over them."""
        effective = self.terms
        for _, agreed in self.contract.agreed_terms() if self.contract else []:
            effective = effective.overlaid(agreed)
        return effective

    def standing_reviews(self) -> dict[str, int]:
        """Each role's standing review (an index into `review`): its latest by date, the
        later entry on the same day. A later "changes_requested" withdraws an approval."""
        latest: dict[str, int] = {}
        for index, entry in enumerate(self.review):
            known = latest.get(entry.role)
            if known is None or self.review[known].date <= entry.date:
                latest[entry.role] = index
        return latest

    def approved_by(self, role: str) -> bool:
        index = self.standing_reviews().get(role)
        return index is not None and self.review[index].verdict == "approved"

    @property
    def is_open(self) -> bool:
        """Still to be decided by the client: anything but accepted or rejected."""
        return self.status not in CLOSED

    @property
    def is_draft(self) -> bool:
        return self.status in DRAFTS

    @property
    def binds(self) -> bool:
        """Approved, sent or accepted: the policy's rules are errors, not warnings."""
        return self.status in APPROVAL_REQUIRED

    def covered(self, exception: str) -> list[tuple[tuple[str | int, ...], str]]:
        """Who approved `exception`, as (location in the offer, who and when): the
        `approval:` record, and the standing approving reviews of finance and the head of
        sales (the head of sales approves a discount by approving the offer)."""
        found: list[tuple[tuple[str | int, ...], str]] = []
        if self.approval is not None and exception in self.approval.covers:
            position = f", {self.approval.position}" if self.approval.position else ""
            found.append((("approval",), f"{self.approval.by}{position}, on {self.approval.date}"))
        for role, index in sorted(self.standing_reviews().items()):
            entry = self.review[index]
            if role == "legal" or entry.verdict != "approved":
                continue
            if exception in entry.covers or (exception == "discount" and role == "sales_head"):
                found.append(
                    (("review", index), f"{entry.by}, {_ROLE_NAMES[role]}, on {entry.date}")
                )
        return found


def _by_day(entry: tuple[date, str, Terms]) -> date:
    return entry[0]


_ROLE_NAMES = {"finance": "finance", "sales_head": "head of sales"}

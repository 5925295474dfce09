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

    sku: Code | None = Field(
        default=None, description="A sku of catalog.yaml; without one, give name, unit and price."
    )
    name: Localized | None = Field(default=None, description="Name of an ad-hoc line (no sku).")
    unit: Localized | None = Field(default=None, description="Unit of an ad-hoc line: усл., шт.")
    price: Price | None = Field(
        default=None, description="Unit price of an ad-hoc line, up to 4 decimals."
    )
    vat_rate: VatRate | None = Field(
        default=None, description="VAT rate of this line in percent (22, 10, 7, 5, 0) or none."
    )
    qty: Quantity = Field(description="Quantity, above 0, up to 3 decimals.")
    discount: Percent = Field(
        default=Decimal(0), description="Manual discount of this line, in percent (0 to 100)."
    )

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

    prepayment_percent: Percent | None = Field(
        default=None, description="Prepayment, in percent of the total (0 to 100)."
    )
    payment_days: Count | None = Field(
        default=None, description="Days to pay the balance after delivery."
    )
    payment_days_basis: DayBasis = Field(
        default="calendar", description="How payment_days are counted: calendar or banking days."
    )
    delivery_days: Count | None = Field(
        default=None, description="Calendar days to deliver, after the prepayment or the contract."
    )
    delivery_place: Text | None = Field(default=None, description="Place of delivery.")
    delivery_place_en: Text | None = Field(
        default=None, description="Place of delivery in English documents."
    )
    warranty_months: Count | None = Field(default=None, description="Warranty, in months.")
    penalty_percent: Percent | None = Field(
        default=None, description="Penalty per day of delay, in percent; else the clause library's."
    )

    def overlaid(self, agreed: Terms) -> Terms:
        """These terms with the ones `agreed` gives (only those written) laid over them."""
        return self.model_copy(update=agreed.model_dump(exclude_unset=True))


class Approval(Model):
    """Who approved an exception: a discount above the policy's threshold by default, or
    the exceptions `covers` names (a longer deferral, less prepayment, a credit limit)."""

    by: Text = Field(description="Who approved: Сидоров О. П.")
    position: Text | None = Field(default=None, description="The approver's position.")
    date: Day = Field(description="Date of the approval, YYYY-MM-DD.")
    covers: Annotated[list[Exception_], Field(min_length=1)] = Field(
        default=["discount"], description="The exceptions approved; the discount only by default."
    )
    note: Paragraph | None = Field(default=None, description="A note on the approval.")


class Review(Model):
    """One reviewer's verdict on the offer (legal, finance or the head of sales); an
    approving finance or sales_head review may name the exceptions it `covers`."""

    by: Text = Field(description="The reviewer's name.")
    role: Literal["legal", "finance", "sales_head"] = Field(
        description="legal, finance or sales_head (the head of sales)."
    )
    date: Day = Field(description="Date of the review, YYYY-MM-DD.")
    verdict: Literal["approved", "changes_requested"] = Field(
        description="approved or changes_requested; each role's latest review stands."
    )
    covers: list[Exception_] = Field(
        default=[], description="Exceptions an approving finance or sales_head review approves."
    )
    note: Paragraph | None = Field(default=None, description="The reviewer's remarks.")


DocumentName = Literal["proposal", "discount_scheme", "contract", "disagreements"]
ContractType = Literal["supply", "services"]


Party = Literal["client", "seller"]
PointState = Literal["open", "agreed", "withdrawn", "rejected"]


class Round(Model):
    """One side's wording of a clause, proposed on `date`: the client's protocol of
    disagreements, our answer to it, and so on, in the order they went."""

    by: Party = Field(description="Whose wording: client or seller.")
    date: Day | None = Field(
        # the older `overrides:` form had no dates
        default=None,
        description="When it was proposed, YYYY-MM-DD.",
    )
    text: LocalizedParagraph = Field(description="The proposed wording of the clause.")
    note: Paragraph | None = Field(default=None, description="A note on the round.")


class Agreement(Model):
    """The wording both sides agreed on: a text of its own, or one side's latest round
    word for word (`wording: client`); a plain `client` or `seller` says the latter. Or
    the terms agreed (`terms: {payment_days: 20}`): the clause then reads the library's
    wording with the agreed terms, and so does every document of the offer."""

    date: Day | None = Field(default=None, description="When it was agreed, YYYY-MM-DD.")
    text: LocalizedParagraph | None = Field(default=None, description="The agreed wording.")
    wording: Party | None = Field(
        default=None, description="Take this side's latest round word for word: client or seller."
    )
    terms: Terms | None = Field(
        default=None,
        description="The terms agreed (payment_days: 20); the clause keeps its wording.",
    )

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

    draft: LocalizedParagraph | None = Field(
        default=None, description="The wording we sent, where it was not the clause library's."
    )
    rounds: list[Round] = Field(
        min_length=1, description="Each side's proposals, in the order they went."
    )
    agreed: Agreement | None = Field(
        default=None, description="The agreed wording or terms; with state: agreed only."
    )
    state: PointState = Field(
        default="open",
        validate_default=True,
        description="open, agreed, withdrawn or rejected.",
    )
    note: Paragraph | None = Field(default=None, description="A note on the clause's negotiation.")

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

    text: LocalizedParagraph = Field(description="The proposed wording of the clause.")
    proposed_by: Party = Field(default="client", description="Who proposed it: client or seller.")
    status: Literal["proposed", "agreed", "rejected"] = Field(
        default="proposed", description="proposed, agreed or rejected."
    )
    note: Paragraph | None = Field(default=None, description="A note on the override.")

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

    type: ContractType = Field(
        description="supply or services: the clause library templates/clauses/<type>.yaml."
    )
    number: Code = Field(description='The contract\'s number: "2026/1".')
    city: Text = Field(description="City where it is signed: Москва.")
    city_en: Text | None = Field(default=None, description="The city in English documents.")
    date: Day | None = Field(default=None, description="Date of the contract, YYYY-MM-DD.")
    negotiation: dict[Code, Negotiation] = Field(
        default={}, description="Negotiated clauses by clause id: payment.balance."
    )
    overrides: dict[Code, Override] = Field(
        default={}, description="The older form of negotiated clauses; prefer negotiation."
    )

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

    number: Code = Field(description="The offer's number, unique across offers: КП-2026-0001.")
    client: Id = Field(description="The client's id: the name of its file in clients/.")
    date: Day = Field(description="Date of the offer, YYYY-MM-DD.")
    valid_until: Day | None = Field(
        default=None, description="Last day of validity, YYYY-MM-DD; else date + validity_days."
    )
    status: Status = Field(
        default="draft", description="draft, review, approved, sent, accepted or rejected."
    )
    locale: Locale | None = Field(
        default=None, description="Language of the documents: ru or en; else the client's."
    )
    currency: Currency | None = Field(
        default=None, description="RUB, EUR or USD; else the default."
    )
    prices_include_vat: Flag | None = Field(
        default=None, description="true: prices include VAT; false: VAT is added."
    )
    vat_rate: VatRate | None = Field(
        default=None,
        description="VAT rate of every line, unless a line says otherwise (0: export).",
    )
    contact: Text | None = Field(
        default=None, description="Which of the client's contacts to address; else the first."
    )
    manager: Person | None = Field(
        default=None, description="The account manager; else the default."
    )
    intro: Paragraph | None = Field(
        default=None, description="A tailored opening (blank lines separate paragraphs)."
    )
    items: list[OfferItem] = Field(
        min_length=1,
        max_length=MAX_OFFER_LINES,
        description="The lines: a catalog sku with qty, or an ad-hoc name, unit, price, qty.",
    )
    discount: Percent = Field(
        default=Decimal(0), description="Discount on the whole order, in percent (0 to 100)."
    )
    terms: Terms = Field(default=Terms(), description="Payment, delivery and warranty terms.")
    schemes: list[Id] = Field(
        default=[], description="Discount schemes of discounts.yaml that apply."
    )
    approval: Approval | None = Field(
        default=None, description="Who approved the discount or another exception to the policy."
    )
    review: list[Review] = Field(
        default=[], description="Reviews by legal, finance, the head of sales."
    )
    contract: Contract | None = Field(default=None, description="The contract this offer leads to.")
    documents: list[DocumentName] | None = Field(
        default=None, description="Documents to build; by default every one that applies."
    )
    sent: list[SentRecord] = Field(
        default=[],
        description="What `offergen send` sent: date, recipients, Message-ID, version, the "
        "attachments' hashes. Bookkeeping: recording a send makes no new version.",
    )

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

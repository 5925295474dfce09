"""Turn a clause's negotiation record into its wordings: what the contract prints and what
each column of the protocol of disagreements says.

The draft is the supplier's wording as sent: the record's `draft`, else the library's.
The contract prints the agreed wording once a point is agreed, else the draft's. The
protocol prints each side's own words: the supplier's column the draft's; the buyer's
column the buyer's latest round (the draft's where the buyer proposed nothing); and, once
we have answered (the протокол согласования разногласий), the agreed column: the agreed
wording, the draft's for a rejected or withdrawn point, our counter-proposal while it
waits for the client, nothing while the client's proposal waits for our answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .errors import Problem, did_you_mean
from .load import Document, Loc
from .models import Contract, Locale, Localized, Negotiation, Override


@dataclass(frozen=True)
class ProtocolRow:
    """One point of the protocol: the supplier's, the buyer's and the agreed wording."""

    seller: str
    buyer: str
    agreed: str


def in_locale(text: Localized, locale: Locale) -> str:
    """The text in `locale`, else in the other language: a side's words as it wrote them."""
    return text.get(locale) or text.ru or text.en or ""


def draft_wording(point: Negotiation | None, library: str, locale: Locale) -> str:
    """The supplier's wording as sent: the record's draft, else the library's."""
    if point is None or point.draft is None:
        return library
    return in_locale(point.draft, locale)


def contract_wording(point: Negotiation | None, library: str, locale: Locale) -> str:
    """What the contract prints: the agreed wording, the library's for a point agreed as
    terms (`library` is rendered with the agreed terms), else the draft's."""
    if point is not None and point.agreed is not None and point.agreed.by_terms:
        return library
    agreed = point.agreed_text() if point is not None else None
    return (
        in_locale(agreed, locale) if agreed is not None else draft_wording(point, library, locale)
    )


def answered(points: Iterable[Negotiation]) -> bool:
    """Whether we have answered the client's protocol: a round of ours or a point decided.
    The protocol is then the протокол согласования разногласий, with an agreed column."""
    return any(p.state != "open" or p.latest("seller") is not None for p in points)


def protocol_row(
    point: Negotiation, library: str, locale: Locale, agreed_library: str | None = None
) -> ProtocolRow:
    """`library` is the library's wording with the terms as sent; `agreed_library` with
    the agreed terms, for a point agreed as terms (the same wording where none changed)."""
    draft = draft_wording(point, library, locale)
    theirs = point.latest("client")
    buyer = in_locale(theirs.text, locale) if theirs is not None else draft
    settled = _settled(point, draft, locale, library if agreed_library is None else agreed_library)
    return ProtocolRow(draft, buyer, settled)


def _settled(point: Negotiation, draft: str, locale: Locale, agreed_library: str) -> str:
    if point.agreed is not None and point.agreed.by_terms:
        return agreed_library
    agreed = point.agreed_text()
    if agreed is not None:
        return in_locale(agreed, locale)
    if point.state in ("rejected", "withdrawn"):
        return draft
    last = point.rounds[-1]
    return in_locale(last.text, locale) if last.by == "seller" else ""


# --- the record's problems ------------------------------------------------------------------


def record_problems(doc: Document, contract: Contract, known: list[str]) -> Iterator[Problem]:
    """Clauses the library does not have, and a clause negotiated in both forms."""
    library = f"templates/clauses/{contract.type}.yaml"
    for form in ("negotiation", "overrides"):
        records: dict[str, Any] = getattr(contract, form)
        for clause_id in records:
            loc: Loc = ("contract", form, clause_id)
            if clause_id not in known:
                message = (
                    f"unknown clause {clause_id!r} (not in {library})"
                    f"{did_you_mean(clause_id, known)}"
                )
                yield doc.problem(loc, message, key=True)
            elif form == "overrides" and clause_id in contract.negotiation:
                message = "is negotiated in contract.negotiation too: keep only that record"
                yield doc.problem(loc, message, key=True)


def older_form(doc: Document, contract: Contract) -> Iterator[Problem]:
    """`overrides:` is read as negotiation records; one warning says how to rewrite it."""
    if not contract.overrides:
        return
    states = "; ".join(
        f"{clause_id}: state: {_older_state(override)}"
        for clause_id, override in contract.overrides.items()
    )
    yield doc.problem(
        ("contract", "overrides"),
        "the older form, still read: rename it negotiation and write each override's "
        "`text: T, proposed_by: P` as `rounds: [{by: P, date: YYYY-MM-DD, text: T}]` and "
        f"its status as a state, here {states}",
        key=True,
        severity="warning",
    )


def _older_state(override: Override) -> str:
    if override.status == "agreed":
        return f"agreed, agreed: {override.proposed_by}"
    return "open" if override.status == "proposed" else override.status

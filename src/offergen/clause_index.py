"""Turn an offer's contract into its clause index, what `offergen clauses` shows: each
clause as this offer gets it (number, id, section, its first words, the negotiation's
state), so that the client's "п. 3.6" maps to a clause id in one command."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from .documents.contract import contract_sections
from .documents.view import OfferView
from .errors import NotFound
from .models import Negotiation
from .report import table
from .workspace import Workspace

OPENING = 48  # characters of a clause's text the table shows


@dataclass(frozen=True)
class IndexedClause:
    """One clause of the contract, or a negotiated clause the contract leaves out (then
    without a number or a section)."""

    number: str | None
    id: str
    section: str | None
    text: str | None
    state: str | None  # "open", "agreed", "withdrawn", "rejected"; None: not negotiated
    rounds: int
    last_round_by: str | None


def clause_index(workspace: Workspace, offer_id: str) -> list[IndexedClause]:
    """The contract's clauses in order, then the negotiated ones its conditions drop."""
    offer = workspace.offer(offer_id)
    if offer.contract is None:
        raise NotFound(f"{offer_id} has no contract (contract: in its offer file)")
    points = offer.contract.points
    labels = workspace.templates.labels(workspace.settings(offer_id).locale)
    found = [
        _entry(clause.id, points.get(clause.id), clause.number, section.title, clause.text)
        for section in contract_sections(OfferView.of(workspace, offer_id, labels))
        for clause in section.clauses
    ]
    numbered = {entry.id for entry in found}
    found += [_entry(cid, point) for cid, point in points.items() if cid not in numbered]
    return found


def _entry(
    clause_id: str,
    point: Negotiation | None,
    number: str | None = None,
    section: str | None = None,
    text: str | None = None,
) -> IndexedClause:
    rounds = point.rounds if point is not None else []
    return IndexedClause(
        number,
        clause_id,
        section,
        text,
        point.state if point is not None else None,
        len(rounds),
        rounds[-1].by if rounds else None,
    )


def clause_listing(workspace: Workspace, offer_id: str, *, as_json: bool = False) -> str:
    """The index as a text table, or as JSON: `{offer, contract, clauses: [...]}`."""
    index = clause_index(workspace, offer_id)
    if as_json:
        contract = workspace.offer(offer_id).contract
        data = {
            "offer": offer_id,
            "contract": contract.number if contract is not None else None,
            "clauses": [asdict(entry) for entry in index],
        }
        return json.dumps(data, ensure_ascii=False, indent=2)
    return clause_table(index)


def clause_table(index: list[IndexedClause]) -> str:
    header = ["clause", "id", "section", "text", "negotiation"]
    body = [
        [
            entry.number or "-",
            entry.id,
            entry.section or "",
            _opening(entry.text) if entry.text is not None else "(left out of this contract)",
            _state(entry),
        ]
        for entry in index
    ]
    return table(header, body, right=set())


def _state(entry: IndexedClause) -> str:
    if entry.state is None:
        return ""
    if entry.state != "open":
        return entry.state
    return (
        "open: our counter-proposal"
        if entry.last_round_by == "seller"
        else "open: client's proposal"
    )


def _opening(text: str) -> str:
    """The first words of `text`, cut at a space and marked "…" when it is longer."""
    if len(text) <= OPENING:
        return text
    cut = text[: OPENING - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > OPENING // 2 else cut).rstrip(" ,;:") + "…"

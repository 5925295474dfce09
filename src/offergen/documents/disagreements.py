"""Turn a contract's negotiated overrides into the protocol of disagreements (протокол разногласий).

Each override is one row: the clause number as the contract prints it, the supplier's
and the buyer's wording (the library's on the side that did not propose the change),
and the agreed wording once the override is agreed (the override) or rejected (the
library's), empty while it is still proposed.
"""

from __future__ import annotations

from typing import Any

from ..models import Override
from ..render import DocumentMeta
from .contract import contract_day, contract_header, contract_of, contract_sections, parties
from .parties import local
from .text import Text
from .view import OfferView


def disagreements_context(view: OfferView) -> tuple[dict[str, Any], DocumentMeta]:
    offer, text, client, library = view.offer, view.text, view.client, view.clauses
    contract = contract_of(offer)
    header = contract_header(view)
    seller_name = local(view.seller.name, view.seller.name_en, text.locale)
    kind = contract.type
    clauses = [c for s in contract_sections(view) for c in s.clauses]
    rows = [
        _row(c.number, c.library_text, _override_text(c.override, text), c.override)
        for c in clauses
        if c.override is not None
    ]
    title = text("protocol_title")
    context: dict[str, Any] = {
        **header,
        "title": title,
        "subtitle": text(
            "appendix_to",
            contract_genitive=text(f"{kind}_genitive"),
            contract=text(f"{kind}_genitive"),
            number=contract.number,
            date=header["date"],
        ),
        "intro": text("protocol_intro", seller=seller_name, buyer=client.name),
        "columns": {
            "clause": text("protocol_col_clause"),
            "seller": text(
                "protocol_col_seller",
                role=text.local(library.roles.seller),
                role_genitive=text(f"role_genitive_seller_{kind}"),
            ),
            "buyer": text(
                "protocol_col_buyer",
                role=text.local(library.roles.buyer),
                role_genitive=text(f"role_genitive_buyer_{kind}"),
            ),
            "agreed": text("protocol_col_agreed"),
        },
        "rows": rows,
        "rest": text("protocol_rest"),
        "parties": parties(view),
    }
    return context, view.meta(f"{title} — {header['heading']}", contract_day(offer))


def _override_text(override: Override | None, text: Text) -> str:
    if override is None:
        return ""
    return text.local(override.text)


def _row(number: str, library_text: str, proposed: str, override: Override) -> dict[str, str]:
    seller, buyer = (
        (library_text, proposed) if override.proposed_by == "client" else (proposed, library_text)
    )
    agreed = {"agreed": proposed, "rejected": library_text, "proposed": ""}[override.status]
    return {"clause": f"{number}.", "seller": seller, "buyer": buyer, "agreed": agreed}

"""Turn a contract's negotiation record into the protocol of disagreements.

One row per negotiated clause, numbered as the contract prints it. Before our answer it
is the client's протокол разногласий: the supplier's and the buyer's wording. After it, the
протокол согласования разногласий adds the agreed wording. Each column prints what that
side wrote (see negotiation.py), never the agreed text in the buyer's column.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ..negotiation import answered, protocol_row
from ..render import DocumentMeta
from .contract import contract_day, contract_header, contract_of, contract_sections, parties
from .parties import local
from .view import OfferView


def disagreements_context(view: OfferView) -> tuple[dict[str, Any], DocumentMeta]:
    offer, text, client, library = view.offer, view.text, view.client, view.clauses
    contract = contract_of(offer)
    header = contract_header(view)
    seller_name = local(view.seller.name, view.seller.name_en, text.locale)
    kind = contract.type
    negotiated = [
        (c, c.point) for s in contract_sections(view) for c in s.clauses if c.point is not None
    ]
    settling = answered(point for _, point in negotiated)
    # The supplier's column is the library's wording with the terms as sent; the agreed
    # column of a point agreed as terms, the library's with the agreed terms.
    sent = {c.id: c.library_text for s in contract_sections(view.sent()) for c in s.clauses}
    rows = [
        {
            "clause": f"{c.number}.",
            **asdict(
                protocol_row(point, sent.get(c.id, c.library_text), text.locale, c.library_text)
            ),
        }
        for c, point in negotiated
    ]
    protocol = "settlement" if settling else "protocol"
    title = text(f"{protocol}_title")
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
        "intro": text(f"{protocol}_intro", seller=seller_name, buyer=client.name),
        "settling": settling,
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

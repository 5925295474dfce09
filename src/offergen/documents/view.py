"""Turn an offer id into what every document of it starts from, gathered once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..models import Client, Locale, Offer, Seller
from ..pricing import PricedOffer
from ..render import DocumentMeta
from ..workspace import OfferSettings, Workspace
from .parties import document_meta
from .text import Text


@dataclass(frozen=True)
class OfferView:
    """One offer as its documents see it: the offer, its client, the seller, the priced
    lines, the inherited settings and the labels of its language."""

    workspace: Workspace
    offer_id: str
    offer: Offer
    client: Client
    seller: Seller
    priced: PricedOffer
    settings: OfferSettings
    text: Text

    @classmethod
    def of(cls, workspace: Workspace, offer_id: str, labels: dict[str, str]) -> OfferView:
        offer, priced = workspace.offer(offer_id), workspace.price(offer_id)
        settings = workspace.settings(offer_id)
        return cls(
            workspace,
            offer_id,
            offer,
            workspace.clients[offer.client],
            workspace.config.seller,
            priced,
            settings,
            Text(labels, settings.locale, priced.currency),
        )

    @property
    def locale(self) -> Locale:
        return self.text.locale

    @property
    def labels(self) -> dict[str, str]:
        return self.text.labels

    def page(self) -> dict[str, Any]:
        """What every layout reads: its language and its labels."""
        return {"lang": self.locale, "labels": self.labels}

    def meta(self, title: str, created: date | None = None) -> DocumentMeta:
        return document_meta(self.workspace, self.offer_id, self.locale, title, created)

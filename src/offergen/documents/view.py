"""Turn one sound offer of a workspace into the immutable view every document of it is
built from: the resolve stage, after which nothing looks the workspace up again."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from ..clauses import ClauseLibrary
from ..models import Catalog, Client, Discounts, Locale, Offer, Person, Seller, Terms
from ..pricing import PricedOffer
from ..render import DocumentMeta
from ..workspace import OfferSettings, Workspace
from .parties import local
from .text import Text

if TYPE_CHECKING:
    from ..history import Revision


@dataclass(frozen=True)
class OfferView:
    """One offer as its documents see it: the offer, its client, the seller, the priced
    lines, the inherited settings, the labels of its language, the catalog and discount
    schemes it prices with, its clause library, its version in git and its watermark."""

    offer_id: str
    offer: Offer
    client: Client
    seller: Seller
    manager: Person
    priced: PricedOffer
    settings: OfferSettings
    text: Text
    catalog: Catalog
    discounts: Discounts
    library: ClauseLibrary | None
    revision: Revision | None = None
    as_sent: bool = False

    @classmethod
    def of(
        cls,
        workspace: Workspace,
        offer_id: str,
        labels: dict[str, str],
        revision: Revision | None = None,
    ) -> OfferView:
        offer, priced = workspace.offer(offer_id), workspace.price(offer_id)
        settings = workspace.settings(offer_id)
        contract = offer.contract
        return cls(
            offer_id,
            offer,
            workspace.clients[offer.client],
            workspace.config.seller,
            offer.manager or workspace.config.defaults.manager,
            priced,
            settings,
            Text(labels, settings.locale, priced.currency),
            workspace.catalog,
            workspace.discounts,
            workspace.clause_library(contract.type).library if contract else None,
            revision,
        )

    @property
    def terms(self) -> Terms:
        """The effective terms every document prints: the offer's, with the contract's
        agreed terms laid over them (the terms as sent, for the protocol's draft column)."""
        return self.offer.terms if self.as_sent else self.offer.effective_terms

    def sent(self) -> OfferView:
        """This view with the offer's own terms, as the draft was sent before any
        agreement changed them."""
        return replace(self, as_sent=True)

    @property
    def locale(self) -> Locale:
        return self.text.locale

    @property
    def labels(self) -> dict[str, str]:
        return self.text.labels

    @property
    def clauses(self) -> ClauseLibrary:
        """The clause library of the offer's contract (the workspace checked there is one)."""
        if self.library is None:
            raise ValueError("the offer has no contract")
        return self.library

    @property
    def watermark(self) -> str:
        """ПРОЕКТ / DRAFT on every page while the offer is a draft or under review."""
        return self.labels["watermark"] if self.offer.is_draft else ""

    @property
    def stamp(self) -> str:
        """The version the documents carry in their footer, or nothing outside git."""
        return self.revision.text(self.locale) if self.revision is not None else ""

    def page(self) -> dict[str, Any]:
        """What every layout reads: its language, its labels, the watermark, the offer's
        number and its version."""
        return {
            "lang": self.locale,
            "labels": self.labels,
            "watermark": self.watermark,
            "offer_number": self.offer.number,
            "revision": self.stamp,
        }

    def meta(self, title: str, created: date | None = None) -> DocumentMeta:
        """Properties every document of an offer carries: title, the seller as author,
        the client as subject, the language, a creation date from the data (never now),
        and its version in git."""
        stamp = self.stamp
        return DocumentMeta(
            title=title,
            author=local(self.seller.name, self.seller.name_en, self.locale),
            subject=self.client.name,
            language="ru-RU" if self.locale == "ru" else "en-US",
            created=created or self.offer.date,
            keywords=f"{self.offer.number}, {stamp}" if stamp else "",
            version=stamp,
            revision=max(self.revision.version, 1) if self.revision is not None else 1,
        )

"""Turn validated models into the workspace value every later stage reads: the sound
offers with what they use, and every problem with the offers it blocks.

`validate.load_workspace` makes one; nothing here reads a file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from .clauses import LoadedLibrary, load_library
from .errors import Blocked, NotFound, Problem, did_you_mean
from .load import Document
from .models import (
    APPROVAL_REQUIRED,
    CLOSED,
    Catalog,
    Client,
    Config,
    Discounts,
    Locale,
    Offer,
)
from .pricing import PricedOffer, PricingRules, price_offer
from .shipped import SHIPPED_TEMPLATES, TEMPLATES_DIR, shipped

if TYPE_CHECKING:
    from .render.templates import Templates

__all__ = [
    "APPROVAL_REQUIRED",
    "CATALOG_FILE",
    "CLIENTS_DIR",
    "CLOSED",
    "CONFIG_FILE",
    "DISCOUNTS_FILE",
    "OFFERS_DIR",
    "SHIPPED_TEMPLATES",
    "TEMPLATES_DIR",
    "OfferSettings",
    "Workspace",
    "client_source",
    "offer_source",
    "shipped",
]

CONFIG_FILE = "offergen.yaml"
CATALOG_FILE = "catalog.yaml"
DISCOUNTS_FILE = "discounts.yaml"
CLIENTS_DIR = "clients"
OFFERS_DIR = "offers"


def offer_source(offer_id: str) -> str:
    """An offer's file, relative to the workspace."""
    return f"{OFFERS_DIR}/{offer_id}.yaml"


def client_source(client_id: str) -> str:
    """A client card's file, relative to the workspace."""
    return f"{CLIENTS_DIR}/{client_id}.yaml"


def templates_of(root: Path) -> Path:
    """The workspace's own templates/ when it has one, else the shipped ones."""
    own = root / TEMPLATES_DIR
    if own.is_dir() or not SHIPPED_TEMPLATES.is_dir():
        return own
    return SHIPPED_TEMPLATES


@dataclass(frozen=True)
class OfferSettings:
    """What an offer inherits from its client and the workspace defaults."""

    locale: Locale
    valid_until: date
    rules: PricingRules


@dataclass
class Workspace:
    """The sound part of a workspace: build documents only from its `offers`.

    `findings` holds, for every offer file (sound or not), the problems that concern it:
    in its own file and in everything it uses. An offer with an error among them is
    blocked: it is not in `offers`, and `offer()` raises `Blocked` with them.
    """

    root: Path
    config: Config
    catalog: Catalog
    clients: dict[str, Client]
    offers: dict[str, Offer]
    sources: dict[str, Document] = field(repr=False)
    discounts: Discounts = field(default_factory=Discounts)
    problems: list[Problem] = field(default_factory=list)  # every one, sorted
    findings: dict[str, tuple[Problem, ...]] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)  # what could not be checked, and why
    # Documents whose layouts are broken, with their problems: offers getting one build
    # everything else.
    broken_documents: dict[str, tuple[Problem, ...]] = field(default_factory=dict)
    _priced: dict[str, PricedOffer] = field(default_factory=dict, repr=False)
    _libraries: dict[str, LoadedLibrary] = field(default_factory=dict, repr=False)
    _templates: Templates | None = field(default=None, repr=False)

    @property
    def templates(self) -> Templates:
        """The templates folder's environment and labels, made once."""
        if self._templates is None:
            from .render.templates import Templates  # WeasyPrint loads only for rendering

            self._templates = Templates(self.templates_dir)
        return self._templates

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "warning"]

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]

    def warnings_of(self, offer_ids: Iterable[str]) -> list[Problem]:
        """The warnings of these offers, sound ones only (a blocked one's are its errors)."""
        return sorted(
            {
                problem
                for offer_id in offer_ids
                if offer_id in self.offers
                for problem in self.findings.get(offer_id, ())
                if problem.severity == "warning"
            }
        )

    @property
    def offer_ids(self) -> list[str]:
        """Every offer file's id, sound or blocked, sorted."""
        return sorted(set(self.offers) | set(self.findings))

    @property
    def blocked(self) -> dict[str, tuple[Problem, ...]]:
        """Each blocked offer with its errors, first first."""
        found = {}
        for offer_id, problems in sorted(self.findings.items()):
            errors = tuple(p for p in problems if p.severity == "error")
            if errors:
                found[offer_id] = errors
        return found

    def known(self, offer_id: str) -> None:
        """`NotFound`, with the closest id, unless an offer file has this id."""
        if offer_id not in self.offers and offer_id not in self.findings:
            hint = did_you_mean(offer_id, self.offer_ids)
            raise NotFound(f"no offer {offer_id!r} in {OFFERS_DIR}/{hint}")

    def offer(self, offer_id: str) -> Offer:
        """A sound offer; `Blocked` with its problems, or `NotFound`."""
        if offer_id in self.offers:
            return self.offers[offer_id]
        self.known(offer_id)
        raise Blocked(offer_id, self.findings[offer_id])

    def client_id(self, offer_id: str) -> str | None:
        """The client an offer names, even a blocked offer's, as far as its file says."""
        if offer_id in self.offers:
            return self.offers[offer_id].client
        self.known(offer_id)
        source = self.sources.get(offer_source(offer_id))
        client = source.data.get("client") if source and isinstance(source.data, dict) else None
        return client if isinstance(client, str) else None

    def client_of(self, offer_id: str) -> Client:
        return self.clients[self.offer(offer_id).client]

    def expired(self, offer_id: str, today: date) -> bool:
        """Still open (neither accepted nor rejected) but past its validity on `today`:
        what check warns of, status shows as expired and no open sum counts."""
        return self.offer(offer_id).is_open and self.settings(offer_id).valid_until < today

    def settings(self, offer_id: str) -> OfferSettings:
        offer, defaults = self.offer(offer_id), self.config.defaults
        client = self.clients[offer.client]
        included = _first(offer.prices_include_vat, defaults.prices_include_vat)
        rules = PricingRules(
            currency=offer.currency or defaults.currency,
            prices_include_vat=included,
            # A catalog that does not say otherwise lists prices in the offer's convention.
            catalog_prices_include_vat=_first(self.catalog.prices_include_vat, included),
            default_vat_rate=defaults.vat_rate,
            workspace_currency=defaults.currency,
        )
        locale = offer.locale or client.locale or defaults.locale
        valid_until = offer.valid_until or offer.date + timedelta(days=defaults.validity_days)
        return OfferSettings(locale, valid_until, rules)

    def price(self, offer_id: str) -> PricedOffer:
        if offer_id not in self._priced:
            offer = self.offer(offer_id)
            self._priced[offer_id] = price_offer(
                offer,
                self.catalog,
                self.settings(offer_id).rules,
                client=self.clients[offer.client],
                discounts=self.discounts,
            )
        return self._priced[offer_id]

    @property
    def templates_dir(self) -> Path:
        """The workspace's own templates/ when it has one, else the shipped ones."""
        return templates_of(self.root)

    def clause_library(self, contract_type: str) -> LoadedLibrary:
        """templates/clauses/<type>.yaml, read and validated once."""
        if contract_type not in self._libraries:
            self._libraries[contract_type] = load_library(self.templates_dir, contract_type)
        return self._libraries[contract_type]

    def document_names(self, offer_id: str) -> tuple[str, ...]:
        """The documents an offer gets: those it names, else every one that applies."""
        return document_names(self.offer(offer_id))

    def blocked_documents(self, offer_id: str) -> dict[str, tuple[Problem, ...]]:
        """The documents of a sound offer that a broken layout keeps from being built."""
        offer = self.offers.get(offer_id)
        if offer is None:
            return {}
        return {
            name: self.broken_documents[name]
            for name in document_names(offer)
            if name in self.broken_documents
        }

    @property
    def partly_blocked(self) -> dict[str, list[str]]:
        """Each sound offer with documents a broken layout blocks, and those documents."""
        found = {oid: sorted(self.blocked_documents(oid)) for oid in sorted(self.offers)}
        return {offer_id: names for offer_id, names in found.items() if names}

    def block(self, found: dict[str, list[Problem]]) -> None:
        """Add problems found later (review dates, expiry) to the offers they concern; an
        offer with an error among them leaves `offers`."""
        for offer_id, problems in found.items():
            if not problems:
                continue
            self.findings[offer_id] = tuple(sorted({*self.findings.get(offer_id, ()), *problems}))
            self.problems = sorted({*self.problems, *problems})
            if any(p.severity == "error" for p in problems):
                self.offers.pop(offer_id, None)


def document_names(offer: Offer) -> tuple[str, ...]:
    """The documents an offer gets: those it names, else every one that applies."""
    if offer.documents is not None:
        return tuple(dict.fromkeys(offer.documents))
    names = ["proposal"]
    names += ["discount_scheme"] if offer.schemes else []
    names += ["contract"] if offer.contract else []
    names += ["disagreements"] if offer.contract and offer.contract.points else []
    return tuple(names)


def _first(value: bool | None, default: bool) -> bool:
    return default if value is None else value

"""Turn a workspace folder into validated, cross-referenced models, or every problem in it."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from . import requisites
from .clauses import LoadedLibrary, load_library
from .errors import NotFound, Problem, ValidationFailed
from .formatting import MAX_AMOUNT_IN_WORDS
from .load import Document, Loc, load_document
from .models import (
    ID_PATTERN,
    Bank,
    Catalog,
    Client,
    Config,
    Discounts,
    Locale,
    Model,
    Offer,
    parse,
)
from .pricing import PricedOffer, PricingRules, catalog_price, price_offer

if TYPE_CHECKING:
    from .history import Revision

TEMPLATES_DIR = "templates"
# The templates of the offergen checkout this package runs from (an editable install):
# a workspace without its own templates/ folder is built with these.
SHIPPED_TEMPLATES = Path(__file__).resolve().parents[2] / TEMPLATES_DIR
CONFIG_FILE = "offergen.yaml"
CATALOG_FILE = "catalog.yaml"
DISCOUNTS_FILE = "discounts.yaml"
CLIENTS_DIR = "clients"
OFFERS_DIR = "offers"

ModelT = TypeVar("ModelT", bound=Model)


@dataclass(frozen=True)
class OfferSettings:
    """What an offer inherits from its client and the workspace defaults."""

    locale: Locale
    valid_until: date
    rules: PricingRules


@dataclass
class Workspace:
    """Every file of a workspace, validated; build documents only from one of these."""

    root: Path
    config: Config
    catalog: Catalog
    clients: dict[str, Client]
    offers: dict[str, Offer]
    sources: dict[str, Document] = field(repr=False)
    discounts: Discounts = field(default_factory=Discounts)
    warnings: list[Problem] = field(default_factory=list)
    # Each offer's version in git, when the documents should carry it (see history.py).
    revisions: dict[str, Revision] = field(default_factory=dict)
    _priced: dict[str, PricedOffer] = field(default_factory=dict, repr=False)
    _libraries: dict[str, LoadedLibrary] = field(default_factory=dict, repr=False)

    def offer(self, offer_id: str) -> Offer:
        if offer_id not in self.offers:
            close = difflib.get_close_matches(offer_id, list(self.offers), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise NotFound(f"no offer {offer_id!r} in {OFFERS_DIR}/{hint}")
        return self.offers[offer_id]

    def client_of(self, offer_id: str) -> Client:
        return self.clients[self.offer(offer_id).client]

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
        own = self.root / TEMPLATES_DIR
        if own.is_dir() or not SHIPPED_TEMPLATES.is_dir():
            return own
        return SHIPPED_TEMPLATES

    def clause_library(self, contract_type: str) -> LoadedLibrary:
        """templates/clauses/<type>.yaml, read and validated once."""
        if contract_type not in self._libraries:
            self._libraries[contract_type] = load_library(self.templates_dir, contract_type)
        return self._libraries[contract_type]

    def document_names(self, offer_id: str) -> tuple[str, ...]:
        """The documents an offer gets: those it names, else every one that applies."""
        offer = self.offer(offer_id)
        if offer.documents is not None:
            return tuple(dict.fromkeys(offer.documents))
        names = ["proposal"]
        names += ["discount_scheme"] if offer.schemes else []
        names += ["contract"] if offer.contract else []
        names += ["disagreements"] if offer.contract and offer.contract.overrides else []
        return tuple(names)


def _first(value: bool | None, default: bool) -> bool:
    return default if value is None else value


def load_workspace(root: Path) -> Workspace:
    """Load and check every file under `root`; raise `ValidationFailed` listing all problems."""
    reader = _Reader(root.resolve())
    config = reader.model(CONFIG_FILE, Config)
    catalog = reader.model(CATALOG_FILE, Catalog)
    discounts = reader.model(DISCOUNTS_FILE, Discounts, optional=True) or Discounts()
    clients = reader.folder(CLIENTS_DIR, Client)
    offers = reader.folder(OFFERS_DIR, Offer)
    if config is not None:
        _check_seller(reader, config)
    for client_id, client in clients.items():
        _check_client(reader.sources[f"{CLIENTS_DIR}/{client_id}.yaml"], client, reader.problems)
    if catalog is not None:
        _check_catalog(reader.sources[CATALOG_FILE], catalog, reader.problems)
        if DISCOUNTS_FILE in reader.sources:
            reader.problems += _discount_problems(
                reader.sources[DISCOUNTS_FILE], discounts, catalog
            )
    if reader.problems or config is None or catalog is None:
        raise ValidationFailed(reader.problems)
    workspace = Workspace(
        root.resolve(), config, catalog, clients, offers, reader.sources, discounts
    )
    for offer_id in offers:
        _check_offer(workspace, offer_id, reader.problems)
    _check_unique_numbers(workspace, reader.problems)
    reader.problems = sorted(set(reader.problems))  # a library's problems, once
    errors = [p for p in reader.problems if p.severity == "error"]
    if errors:
        raise ValidationFailed(reader.problems)
    workspace.warnings = sorted(reader.problems)
    return workspace


class _Reader:
    """Reads workspace files, collecting problems instead of stopping at the first."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.sources: dict[str, Document] = {}

    def model(self, relative: str, model: type[ModelT], optional: bool = False) -> ModelT | None:
        path = self.root / relative
        if not path.is_file():
            if not optional:
                self.problems.append(Problem(relative, 1, 1, "", _missing_file_message(relative)))
            return None
        if not path.resolve().is_relative_to(self.root):
            self.problems.append(Problem(relative, 1, 1, "", "links outside the workspace"))
            return None
        try:
            document = load_document(path.read_bytes(), relative)
            self.sources[relative] = document
            return parse(model, document)
        except ValidationFailed as failed:
            self.problems.extend(failed.problems)
            return None

    def folder(self, folder: str, model: type[ModelT]) -> dict[str, ModelT]:
        found: dict[str, ModelT] = {}
        directory = self.root / folder
        if not directory.is_dir():
            return found
        for path in sorted(directory.iterdir()):
            relative = f"{folder}/{path.name}"
            if path.name.startswith(".") or path.is_dir():
                continue
            if path.suffix != ".yaml":
                self.problems.append(Problem(relative, 1, 1, "", _not_yaml_message(path)))
                continue
            if not re.fullmatch(ID_PATTERN, path.stem):
                self.problems.append(Problem(relative, 1, 1, "", _bad_id_message(path.stem)))
                continue
            loaded = self.model(relative, model)
            if loaded is not None:
                found[path.stem] = loaded
        return found


def _missing_file_message(relative: str) -> str:
    return "file not found; is this an offergen workspace? (offergen -C DIR points elsewhere)"


def _not_yaml_message(path: Path) -> str:
    if path.suffix == ".yml":
        return "use the .yaml extension (the file stem is the id)"
    return "only .yaml files belong here"


def _bad_id_message(stem: str) -> str:
    return (
        f"file name {stem!r} is not a valid id: use lower-case latin letters, digits, "
        "'.', '_' and '-', starting with a letter or digit, at most 64 characters"
    )


# --- requisites -------------------------------------------------------------------------


def _check_seller(reader: _Reader, config: Config) -> None:
    doc, seller = reader.sources[CONFIG_FILE], config.seller
    checks = _run(doc, reader.problems)
    company = len(seller.inn) != 12
    checks(("seller", "inn"), requisites.check_inn(seller.inn))
    if company:
        if seller.kpp is None:
            reader.problems.append(
                doc.problem(("seller", "kpp"), "required for a company (ИНН of 10 digits)")
            )
        else:
            checks(("seller", "kpp"), requisites.check_kpp(seller.kpp))
        checks(("seller", "ogrn"), requisites.check_ogrn(seller.ogrn))
    else:
        checks(("seller", "ogrn"), requisites.check_ogrnip(seller.ogrn))
    _check_bank(doc, ("seller", "bank"), seller.bank, reader.problems)


def _check_client(doc: Document, client: Client, problems: list[Problem]) -> None:
    checks = _run(doc, problems)

    def require(name: str, why: str) -> str | None:
        value: str | None = getattr(client, name)
        if value is None:
            problems.append(doc.problem((name,), f"required for {why}"))
        return value

    def forbid(name: str, why: str) -> None:
        if getattr(client, name) is not None:
            problems.append(doc.problem((name,), f"not used for {why}", key=True))

    if client.kind == "company":
        if (inn := require("inn", "a company")) is not None:
            checks(("inn",), requisites.check_inn(inn, "company"))
        if (kpp := require("kpp", "a company")) is not None:
            checks(("kpp",), requisites.check_kpp(kpp))
        if (ogrn := require("ogrn", "a company")) is not None:
            checks(("ogrn",), requisites.check_ogrn(ogrn))
    elif client.kind == "entrepreneur":
        if (inn := require("inn", "an entrepreneur")) is not None:
            checks(("inn",), requisites.check_inn(inn, "entrepreneur"))
        forbid("kpp", "an entrepreneur (an ИП has no КПП)")
        if (ogrn := require("ogrn", "an entrepreneur (ОГРНИП, 15 digits)")) is not None:
            checks(("ogrn",), requisites.check_ogrnip(ogrn))
    else:
        require("country", "a foreign client")
        forbid("kpp", "a foreign client")
        forbid("ogrn", "a foreign client; give registration_number")
        if client.inn is not None:
            checks(("inn",), requisites.check_inn(client.inn))
    if client.bank is not None and client.kind != "foreign":
        _check_bank(doc, ("bank",), client.bank, problems)


def _check_bank(doc: Document, loc: Loc, bank: Bank, problems: list[Problem]) -> None:
    checks = _run(doc, problems)
    if bank.bik is None:
        problems.append(doc.problem((*loc, "bik"), "required for a Russian bank"))
        return
    bik_problem = requisites.check_bik(bank.bik)
    checks((*loc, "bik"), bik_problem)
    if bank.corr_account is None:
        problems.append(doc.problem((*loc, "corr_account"), "required for a Russian bank"))
    if bik_problem is not None:
        return
    checks((*loc, "account"), requisites.check_settlement_account(bank.account, bank.bik))
    if bank.corr_account is not None:
        checks(
            (*loc, "corr_account"),
            requisites.check_correspondent_account(bank.corr_account, bank.bik),
        )


def _run(doc: Document, problems: list[Problem]) -> Callable[[Loc, str | None], None]:
    def check(loc: Loc, message: str | None) -> None:
        if message is not None:
            problems.append(doc.problem(loc, message))

    return check


# --- catalog and offers -----------------------------------------------------------------


def _check_catalog(doc: Document, catalog: Catalog, problems: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for index, item in enumerate(catalog.items):
        if item.sku in seen:
            line = doc.position(("items", seen[item.sku], "sku"))[0]
            problems.append(
                doc.problem(
                    ("items", index, "sku"), f"sku {item.sku!r} is already listed on line {line}"
                )
            )
        else:
            seen[item.sku] = index
        named = catalog.categories
        if named and item.category is not None and item.category not in named:
            close = difflib.get_close_matches(item.category, list(named), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(
                doc.problem(
                    ("items", index, "category"),
                    f"{item.category!r} is not one of the categories: named in this file "
                    f"({', '.join(named)}){hint}",
                )
            )


def _check_offer(workspace: Workspace, offer_id: str, problems: list[Problem]) -> None:
    doc = workspace.sources[f"{OFFERS_DIR}/{offer_id}.yaml"]
    offer = workspace.offers[offer_id]
    problems.extend(_offer_problems(workspace, doc, offer, offer_id))


def _offer_problems(
    workspace: Workspace, doc: Document, offer: Offer, offer_id: str
) -> Iterator[Problem]:
    client = workspace.clients.get(offer.client)
    if client is None:
        close = difflib.get_close_matches(offer.client, list(workspace.clients), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        yield doc.problem(("client",), f"no client {offer.client!r} in {CLIENTS_DIR}/{hint}")
        return
    if offer.valid_until is not None and offer.valid_until < offer.date:
        yield doc.problem(
            ("valid_until",), f"{offer.valid_until} is before the offer date {offer.date}"
        )
    if offer.contact is not None and offer.contact not in {c.name for c in client.contacts}:
        names = ", ".join(c.name for c in client.contacts) or "none"
        yield doc.problem(
            ("contact",),
            f"{offer.contact!r} is not among the contacts of "
            f"{CLIENTS_DIR}/{offer.client}.yaml ({names})",
        )
    settings = workspace.settings(offer_id)
    item_problems = list(_item_problems(workspace, doc, offer, settings))
    item_problems += _scheme_problems(workspace.discounts, doc, offer)
    item_problems += _contract_problems(workspace, doc, offer)
    item_problems += _signatory_language(workspace, doc, offer_id)
    yield from item_problems
    if not item_problems:
        priced = workspace.price(offer_id)
        if priced.totals.gross > MAX_AMOUNT_IN_WORDS:
            yield doc.problem(
                ("items",), f"the total {priced.totals.gross} is too large to state in words"
            )
        if priced.approval.missing:
            yield _approval_problem(doc, offer, priced)
    if (
        offer.contract is not None
        and offer.status in APPROVAL_REQUIRED
        and not offer.approved_by("legal")
    ):
        standing = offer.standing_reviews().get("legal")
        if standing is None:
            yield doc.problem(
                ("status",),
                f"{offer.status} offer with a contract needs legal's approval: add review: "
                "[{by: …, role: legal, date: …, verdict: approved}]",
            )
        else:
            yield doc.problem(
                ("review", standing, "verdict"),
                f"legal's latest review ({offer.review[standing].date}) requests changes, "
                f"so the offer cannot be {offer.status}: make the changes and record a new "
                "approving review, or set the status back to review",
            )


APPROVAL_REQUIRED = ("approved", "sent", "accepted")
CLOSED = ("accepted", "rejected")


def expired_offers(workspace: Workspace, today: date) -> list[Problem]:
    """Open offers whose validity has passed: warnings, since the data is not wrong."""
    found = []
    for offer_id, offer in workspace.offers.items():
        valid_until = workspace.settings(offer_id).valid_until
        if offer.status not in CLOSED and valid_until < today:
            doc = workspace.sources[f"{OFFERS_DIR}/{offer_id}.yaml"]
            loc = ("valid_until",) if offer.valid_until else ("date",)
            found.append(
                doc.problem(
                    loc,
                    f"expired on {valid_until} while {offer.status}; renew or close it",
                    severity="warning",
                )
            )
    return found


def _approval_problem(doc: Document, offer: Offer, priced: PricedOffer) -> Problem:
    effective = priced.effective_discount.quantize(Decimal("0.01"))
    message = (
        f"the effective discount {effective} % is above the "
        f"{priced.approval.threshold} % that needs approval; add "
        "approval: {by: …, position: …, date: …} or a review by the head of sales"
    )
    if offer.status in APPROVAL_REQUIRED:
        return doc.problem(("status",), f"{offer.status} offer: {message}")
    where = "schemes" if offer.schemes else "discount" if offer.discount else "items"
    return doc.problem((where,), message, severity="warning")


def _scheme_problems(book: Discounts, doc: Document, offer: Offer) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for index, name in enumerate(offer.schemes):
        if name not in book.schemes:
            close = difflib.get_close_matches(name, list(book.schemes), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            where = DISCOUNTS_FILE if book.schemes else f"{DISCOUNTS_FILE}, which has none"
            problems.append(
                doc.problem(("schemes", index), f"unknown scheme {name!r} (not in {where}){hint}")
            )
        elif name in seen:
            problems.append(doc.problem(("schemes", index), f"{name!r} is listed twice"))
        seen.add(name)
    if offer.documents is not None and "discount_scheme" in offer.documents and not offer.schemes:
        index = offer.documents.index("discount_scheme")
        problems.append(
            doc.problem(("documents", index), "a discount_scheme needs the offer to name schemes")
        )
    return problems


def _contract_problems(workspace: Workspace, doc: Document, offer: Offer) -> list[Problem]:
    names = offer.documents or []
    problems = [
        doc.problem(("documents", names.index(name)), f"a {name} needs {need}")
        for name, missing, need in (
            ("contract", offer.contract is None, "the offer to have a contract"),
            (
                "disagreements",
                not (offer.contract and offer.contract.overrides),
                "contract overrides to disagree about",
            ),
        )
        if name in names and missing
    ]
    contract = offer.contract
    if contract is None:
        return problems
    client = workspace.clients[offer.client]
    if client.signatory is None:
        problems.append(
            doc.problem(
                ("contract",),
                f"{CLIENTS_DIR}/{offer.client}.yaml has no signatory, whom a contract names",
            )
        )
    try:
        library = workspace.clause_library(contract.type).library
    except ValidationFailed as failed:
        return problems + failed.problems
    known = library.ids()
    for clause_id in contract.overrides:
        if clause_id not in known:
            close = difflib.get_close_matches(clause_id, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(
                doc.problem(
                    ("contract", "overrides", clause_id),
                    f"unknown clause {clause_id!r} (not in templates/clauses/{contract.type}.yaml)"
                    f"{hint}",
                    key=True,
                )
            )
    return problems


def _signatory_language(workspace: Workspace, doc: Document, offer_id: str) -> list[Problem]:
    """A Russian contract declines its signatories' names and positions: a foreign
    client's signatory written only in Latin letters would print undeclined."""
    offer = workspace.offers[offer_id]
    signatory = workspace.clients[offer.client].signatory
    if offer.contract is None or signatory is None or workspace.settings(offer_id).locale != "ru":
        return []
    latin = [
        name
        for name in ("name", "position", "basis")
        if (value := getattr(signatory, name)) and not re.search("[А-Яа-яЁё]", value)
    ]
    if not latin:
        return []
    fields = ", ".join(f"signatory.{name}" for name in latin)
    return [
        doc.problem(
            ("contract",),
            f"the contract is in Russian, but {CLIENTS_DIR}/{offer.client}.yaml gives {fields} "
            "in Latin letters only, which the preamble cannot decline: write them in Russian "
            "and keep the Latin forms as name_en, position_en, basis_en",
            severity="warning",
        )
    ]


def _discount_problems(doc: Document, book: Discounts, catalog: Catalog) -> list[Problem]:
    skus = {item.sku for item in catalog.items}
    categories = {item.category for item in catalog.items if item.category}
    problems = []
    for name, scheme in book.schemes.items():
        loc = ("schemes", name)
        if isinstance(scheme.tiers, list):
            for index in range(1, len(scheme.tiers)):
                before, tier = scheme.tiers[index - 1].from_, scheme.tiers[index].from_
                if tier <= before:
                    problems.append(
                        doc.problem(
                            (*loc, "tiers", index, "from"),
                            f"tiers must rise: {tier} is not above the tier before it ({before})",
                        )
                    )
        if scheme.period is not None and scheme.period.to < scheme.period.from_:
            problems.append(
                doc.problem(
                    (*loc, "period", "to"),
                    f"empty period: {scheme.period.to} is before {scheme.period.from_}",
                )
            )
        if scheme.applies_to is not None:
            for field_name, known in (("skus", skus), ("categories", categories)):
                for index, value in enumerate(getattr(scheme.applies_to, field_name)):
                    if value not in known:
                        close = difflib.get_close_matches(value, sorted(known), n=1)
                        hint = f"; did you mean {close[0]!r}?" if close else ""
                        kind = field_name[:-1] if field_name == "skus" else "category"
                        problems.append(
                            doc.problem(
                                (*loc, "applies_to", field_name, index),
                                f"unknown {kind} {value!r} (not in {CATALOG_FILE}){hint}",
                            )
                        )
    return problems


def _item_problems(
    workspace: Workspace, doc: Document, offer: Offer, settings: OfferSettings
) -> Iterator[Problem]:
    by_sku = {item.sku: item for item in workspace.catalog.items}
    currency, locale = settings.rules.currency, settings.locale
    for index, item in enumerate(offer.items):
        if item.sku is None:
            for name in ("name", "unit"):
                text = getattr(item, name)
                if text is not None and text.get(locale) is None:
                    yield doc.problem(
                        ("items", index, name), f"has no {locale!r} text for this {locale} offer"
                    )
            continue
        entry = by_sku.get(item.sku)
        if entry is None:
            close = difflib.get_close_matches(item.sku, list(by_sku), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            yield doc.problem(
                ("items", index, "sku"), f"unknown sku {item.sku!r} (not in {CATALOG_FILE}){hint}"
            )
            continue
        if catalog_price(entry, currency, settings.rules.workspace_currency) is None:
            yield doc.problem(
                ("items", index, "sku"),
                f"{item.sku} has no price in {currency} in {CATALOG_FILE} "
                f"(add prices: {{{currency}: …}})",
            )
        for name in ("name", "unit"):
            if getattr(entry, name).get(locale) is None:
                yield doc.problem(
                    ("items", index, "sku"),
                    f"{item.sku} has no {locale!r} {name} in {CATALOG_FILE} "
                    f"for this {locale} offer",
                )


def _check_unique_numbers(workspace: Workspace, problems: list[Problem]) -> None:
    first: dict[str, str] = {}
    for offer_id, offer in workspace.offers.items():
        if offer.number in first:
            doc = workspace.sources[f"{OFFERS_DIR}/{offer_id}.yaml"]
            problems.append(
                doc.problem(
                    ("number",),
                    f"{offer.number!r} is already the number of "
                    f"{OFFERS_DIR}/{first[offer.number]}.yaml",
                )
            )
        else:
            first[offer.number] = offer_id

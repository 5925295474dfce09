"""Turn a workspace folder into a `Workspace`: every file read and checked in one run,
every problem located and scoped to the offers it blocks.

A problem blocks only what depends on it: the seller or the catalog file as a whole,
every offer; one catalog item, the offers that sell it; one discount scheme, the offers
that name it; a clause library, the offers whose contract uses it; a template, the offers
that get its document; a client card, its offers; an offer file, that offer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar, get_args

from .cards import client_problems, seller_problems
from .clauses import load_library
from .errors import Problem, ValidationFailed, did_you_mean
from .glyphs import Coverage, coverage, unprintable
from .load import Document, Loc, load_document
from .models import (
    ID_PATTERN,
    Catalog,
    Client,
    Config,
    ContractType,
    Discounts,
    Model,
    Offer,
    parse,
    parse_parts,
)
from .models.mail import mail_problems
from .numbering import numbering_problems
from .rules import offer_problems, reference_problems
from .workspace import (
    CATALOG_FILE,
    CLIENTS_DIR,
    CONFIG_FILE,
    DISCOUNTS_FILE,
    OFFERS_DIR,
    SHIPPED_TEMPLATES,
    Workspace,
    client_source,
    document_names,
    offer_source,
    templates_of,
)

ModelT = TypeVar("ModelT", bound=Model)

# What a problem blocks: (kind, name). EVERYTHING blocks every offer; NOTHING, none.
Scope = tuple[str, str]
EVERYTHING: Scope = ("all", "")
NOTHING: Scope = ("none", "")


@dataclass
class _Uses:
    """What an offer file names, read from its raw data so that even an offer whose
    model fails is blocked by what it uses."""

    client: str | None = None
    skus: set[str] = field(default_factory=set)
    schemes: set[str] = field(default_factory=set)
    contract: str | None = None
    documents: set[str] = field(default_factory=set)
    locale: str | None = None

    def scopes(self, offer_id: str) -> set[Scope]:
        found = {EVERYTHING, ("offer", offer_id)}
        found |= {("sku", sku) for sku in self.skus} | {("scheme", s) for s in self.schemes}
        if self.schemes:
            found.add(("discounts", ""))
        if self.client is not None:
            found.add(("client", self.client))
        if self.contract is not None:
            found.add(("library", self.contract))
        return found


class _Collector:
    """Reads workspace files and gathers every problem with what it blocks."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sources: dict[str, Document] = {}
        self.found: list[tuple[Problem, Scope]] = []

    def add(self, scope: Scope, problems: Iterator[Problem] | list[Problem]) -> None:
        self.found += [(problem, scope) for problem in problems]

    def read(self, relative: str, scope: Scope, optional: bool = False) -> Document | None:
        path = self.root / relative
        if not path.is_file():
            if not optional:
                self.add(scope, [Problem(relative, 1, 1, "", _MISSING_FILE)])
            return None
        if not path.resolve().is_relative_to(self.root):
            self.add(scope, [Problem(relative, 1, 1, "", "links outside the workspace")])
            return None
        try:
            document = load_document(path.read_bytes(), relative)
        except ValidationFailed as failed:
            self.add(scope, failed.problems)
            return None
        self.sources[relative] = document
        return document

    def model(
        self, relative: str, model: type[ModelT], scope: Scope, optional: bool = False
    ) -> ModelT | None:
        document = self.read(relative, scope, optional)
        if document is None:
            return None
        try:
            return parse(model, document)
        except ValidationFailed as failed:
            self.add(scope, failed.problems)
            return None

    def folder(self, folder: str) -> list[str]:
        """The ids of the folder's files; misnamed files are problems that block nothing
        (no offer can name them)."""
        directory = self.root / folder
        if not directory.is_dir():
            return []
        ids = []
        for path in sorted(directory.iterdir()):
            relative = f"{folder}/{path.name}"
            if path.name.startswith(".") or path.is_dir():
                continue
            if path.suffix != ".yaml":
                self.add(NOTHING, [Problem(relative, 1, 1, "", _not_yaml_message(path))])
            elif not re.fullmatch(ID_PATTERN, path.stem):
                self.add(NOTHING, [Problem(relative, 1, 1, "", _bad_id_message(path.stem))])
            else:
                ids.append(path.stem)
        return ids


_MISSING_FILE = "file not found; is this an offergen workspace? (offergen -C DIR points elsewhere)"


def _not_yaml_message(path: Path) -> str:
    if path.suffix == ".yml":
        return "use the .yaml extension (the file stem is the id)"
    return "only .yaml files belong here"


def _bad_id_message(stem: str) -> str:
    return (
        f"file name {stem!r} is not a valid id: use lower-case latin letters, digits, "
        "'.', '_' and '-', starting with a letter or digit, at most 64 characters"
    )


Judge = Callable[[Workspace], list[Problem]]


def load_workspace(
    root: Path, judges: Sequence[Judge] = (), *, layouts: bool = True, rules: bool = True
) -> Workspace:
    """Read and check every file under `root`. The workspace holds the sound offers and
    every problem; `ValidationFailed` only when the seller's configuration or the catalog
    cannot be read at all, which leaves nothing to build.

    `judges` add problems of offers located in their files; they see every offer whose
    references hold, before the rules' errors block any, so no rule hides another.
    `layouts=False` leaves the layouts, labels and fonts unchecked: a past state loaded only to
    tell what its documents say has its clause libraries and nothing else of templates/,
    and `rules=False` leaves the policy alone too: what a past version said does not
    change with today's policy."""
    collector = _Collector(root.resolve())
    config = collector.model(CONFIG_FILE, Config, EVERYTHING)
    if config is not None:
        collector.add(EVERYTHING, seller_problems(collector.sources[CONFIG_FILE], config))
        collector.add(NOTHING, numbering_problems(collector.sources[CONFIG_FILE], config))
        collector.add(NOTHING, mail_problems(collector.sources[CONFIG_FILE]))
    catalog = _read_catalog(collector)
    discounts = _read_discounts(collector, catalog)
    clients = _read_clients(collector)
    offers, uses = _read_offers(collector)
    known_types = set(get_args(ContractType))  # another type is the offer's own problem
    drawn = coverage(templates_of(collector.root)) if layouts else None
    _check_libraries(collector, {u.contract or "" for u in uses.values()} & known_types, drawn)
    if layouts:
        _check_templates(collector, uses, drawn)
        _check_glyphs(collector, drawn)
    if config is None or catalog is None:
        problems = [problem for problem, _ in collector.found]
        raise ValidationFailed(problems, sorted(uses), len(uses))
    workspace = Workspace(
        collector.root, config, catalog, clients, offers, collector.sources, discounts
    )
    parsed = dict(offers)
    _scope(workspace, collector, uses)

    # What an offer names is judged for every offer that parses, even one that something
    # else blocks; the rules only for those whose references hold.
    references = {oid: list(reference_problems(workspace, oid, o)) for oid, o in parsed.items()}
    for offer_id, problem in _duplicate_numbers(parsed, collector.sources):
        references[offer_id].append(problem)
    workspace.block(references)
    found: dict[str, list[Problem]] = {}
    for offer_id in list(workspace.offers) if rules else ():
        found[offer_id] = list(offer_problems(workspace, offer_id))
    for judge in judges:
        for offer_id, problems in by_offer(judge(workspace)).items():
            found.setdefault(offer_id, []).extend(problems)
    workspace.block(found)
    return workspace


def _scope(workspace: Workspace, collector: _Collector, uses: dict[str, _Uses]) -> None:
    """Give each offer the problems of what it uses; drop the blocked from `offers`. A
    broken layout blocks only its document, which the workspace keeps apart."""
    workspace.problems = sorted({problem for problem, _ in collector.found})
    for problem, (kind, name) in collector.found:
        if kind == "document":
            found = workspace.broken_documents.get(name, ())
            workspace.broken_documents[name] = tuple(sorted({*found, problem}))
    for offer_id, used in uses.items():
        # The language comes from the offer, else its client, else the defaults.
        client = workspace.clients.get(used.client or "")
        defaults = workspace.config.defaults.locale
        locale = used.locale or (client.locale if client else None) or defaults
        scopes = used.scopes(offer_id) | {("locale", locale)}
        mine = {problem for problem, scope in collector.found if scope in scopes}
        workspace.findings[offer_id] = tuple(sorted(mine))
        if any(problem.severity == "error" for problem in mine):
            workspace.offers.pop(offer_id, None)


# --- files --------------------------------------------------------------------------------


def _read_catalog(collector: _Collector) -> Catalog | None:
    """The catalog with its sound items; a broken item blocks the offers that sell it."""
    document = collector.read(CATALOG_FILE, EVERYTHING)
    if document is None:
        return None
    try:
        catalog, broken = parse_parts(Catalog, document, "items")
    except ValidationFailed as failed:
        collector.add(EVERYTHING, failed.problems)
        return None
    raw = document.data.get("items") if isinstance(document.data, dict) else None
    for index, problems in broken.items():
        collector.add(_item_scope(raw, index), problems)
    _check_catalog(collector, document)
    return catalog.model_copy(
        update={"items": [i for i in catalog.items if i.sku not in _broken_skus(collector)]}
    )


def _item_scope(raw: Any, index: str | int) -> Scope:
    entry = raw[index] if isinstance(raw, list) and isinstance(index, int) else None
    sku = entry.get("sku") if isinstance(entry, dict) else None
    if isinstance(sku, Decimal):  # unquoted digits: the text an offer would name it by
        sku = format(sku, "f")
    # An item whose sku cannot be read could be any of them.
    return ("sku", sku) if isinstance(sku, str) and sku else EVERYTHING


def _broken_skus(collector: _Collector) -> set[str]:
    return {
        scope[1]
        for problem, scope in collector.found
        if scope[0] == "sku" and problem.severity == "error"
    }


def _check_catalog(collector: _Collector, doc: Document) -> None:
    """Duplicate skus and unknown categories, judged on the file as written."""
    data = doc.data if isinstance(doc.data, dict) else {}
    named = data.get("categories") if isinstance(data.get("categories"), dict) else {}
    seen: dict[str, int] = {}
    for index, item in enumerate(data.get("items") or []):
        sku = item.get("sku") if isinstance(item, dict) else None
        if not isinstance(sku, str):
            continue
        if sku in seen:
            line = doc.position(("items", seen[sku], "sku"))[0]
            message = f"sku {sku!r} is already listed on line {line}"
            collector.add(("sku", sku), [doc.problem(("items", index, "sku"), message)])
        else:
            seen[sku] = index
        category = item.get("category")
        if named and isinstance(category, str) and category not in named:
            message = (
                f"{category!r} is not one of the categories: named in this file "
                f"({', '.join(named)}){did_you_mean(category, named)}"
            )
            collector.add(("sku", sku), [doc.problem(("items", index, "category"), message)])


def _read_discounts(collector: _Collector, catalog: Catalog | None) -> Discounts:
    """The schemes that are sound; a broken one blocks the offers that name it, a broken
    policy every offer that names any."""
    document = collector.read(DISCOUNTS_FILE, ("discounts", ""), optional=True)
    if document is None:
        return Discounts()
    try:
        book, broken = parse_parts(Discounts, document, "schemes")
    except ValidationFailed as failed:
        collector.add(("discounts", ""), failed.problems)
        return Discounts()
    for name, problems in broken.items():
        collector.add(("scheme", str(name)), problems)
    if catalog is not None:
        for name, problems in _scheme_problems(document, book, catalog).items():
            collector.add(("scheme", name), problems)
    return book


def _read_clients(collector: _Collector) -> dict[str, Client]:
    clients = {}
    for client_id in collector.folder(CLIENTS_DIR):
        relative, scope = client_source(client_id), ("client", client_id)
        client = collector.model(relative, Client, scope)
        if client is not None:
            collector.add(scope, client_problems(collector.sources[relative], client))
            clients[client_id] = client
    return clients


def _read_offers(collector: _Collector) -> tuple[dict[str, Offer], dict[str, _Uses]]:
    offers, uses = {}, {}
    for offer_id in collector.folder(OFFERS_DIR):
        relative = offer_source(offer_id)
        offer = collector.model(relative, Offer, ("offer", offer_id))
        document = collector.sources.get(relative)
        uses[offer_id] = _uses(document.data if document else None, offer)
        if offer is not None:
            offers[offer_id] = offer
    return offers, uses


def _uses(data: Any, offer: Offer | None) -> _Uses:
    if offer is not None:
        contract = offer.contract.type if offer.contract else None
        return _Uses(
            offer.client,
            {item.sku for item in offer.items if item.sku is not None},
            set(offer.schemes),
            contract,
            set(document_names(offer)),
            offer.locale,
        )
    if not isinstance(data, dict):
        return _Uses()
    items: list[Any] = data["items"] if isinstance(data.get("items"), list) else []
    schemes: list[Any] = data["schemes"] if isinstance(data.get("schemes"), list) else []
    written: dict[str, Any] = data["contract"] if isinstance(data.get("contract"), dict) else {}
    return _Uses(
        _text(data.get("client")),
        {s for item in items if isinstance(item, dict) and (s := _text(item.get("sku")))},
        {s for name in schemes if (s := _text(name))},
        _text(written.get("type")),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _check_libraries(collector: _Collector, types: set[str], drawn: Coverage | None) -> None:
    """Each clause library an offer's contract uses, read once; its problems block them."""
    templates = templates_of(collector.root)
    for contract_type in sorted(types):
        try:
            loaded = load_library(templates, contract_type)
        except ValidationFailed as failed:
            collector.add(("library", contract_type), failed.problems)
            continue
        if drawn is not None:
            found = [problem for _, problem in unprintable(loaded.source, drawn)]
            collector.add(("library", contract_type), found)


def _check_templates(collector: _Collector, uses: dict[str, _Uses], drawn: Coverage | None) -> None:
    """Each layout the offers' documents use and the labels of their languages."""
    from .render.check import label_problems, template_problems

    templates = templates_of(collector.root)
    documents = sorted({name for used in uses.values() for name in used.documents})
    for name, problems in template_problems(templates, documents).items():
        collector.add(("document", name), problems)
    for locale, problems in label_problems(templates, SHIPPED_TEMPLATES, drawn).items():
        collector.add(EVERYTHING if locale is None else ("locale", locale), problems)


# What no document prints: who reviewed or approved an offer, and why.
_UNPRINTED: tuple[Loc, ...] = (
    ("review",),
    ("approval",),
    ("sent",),
    ("contract", "overrides", "*", "note"),
)


def _check_glyphs(collector: _Collector, drawn: Coverage | None) -> None:
    """Characters no font of the documents draws, in the texts of the data files; each
    blocks what a problem at its place would."""
    if drawn is None:
        return
    for relative, document in collector.sources.items():
        skip = _UNPRINTED if relative.startswith(f"{OFFERS_DIR}/") else ()
        skip = (("mail",),) if relative == CONFIG_FILE else skip  # the SMTP server's
        for loc, problem in unprintable(document, drawn, skip):
            collector.add(_scope_of(relative, loc, document.data), [problem])


def _scope_of(relative: str, loc: Loc, data: Any) -> Scope:
    folder, _, name = relative.partition("/")
    if folder in (CLIENTS_DIR, OFFERS_DIR):
        return ("client" if folder == CLIENTS_DIR else "offer", name.removesuffix(".yaml"))
    inside = loc[1] if len(loc) > 1 else None
    if relative == CATALOG_FILE and loc[0] == "items" and inside is not None:
        return _item_scope(data.get("items"), inside)
    if relative == DISCOUNTS_FILE:
        return ("scheme", str(inside)) if loc[0] == "schemes" and inside else ("discounts", "")
    return EVERYTHING


# --- discount schemes -----------------------------------------------------------------------


def _scheme_problems(doc: Document, book: Discounts, catalog: Catalog) -> dict[str, list[Problem]]:
    skus = {item.sku for item in catalog.items}
    categories = {item.category for item in catalog.items if item.category}
    found: dict[str, list[Problem]] = {}
    for name, scheme in book.schemes.items():
        loc: Loc = ("schemes", name)
        problems = [doc.problem((*loc, *where), message) for where, message in scheme.problems()]
        found[name] = problems
        if scheme.applies_to is not None:
            for field_name, known in (("skus", skus), ("categories", categories)):
                kind = "sku" if field_name == "skus" else "category"
                for index, value in enumerate(getattr(scheme.applies_to, field_name)):
                    if value not in known:
                        problems.append(
                            doc.problem(
                                (*loc, "applies_to", field_name, index),
                                f"unknown {kind} {value!r} (not in {CATALOG_FILE})"
                                f"{did_you_mean(value, sorted(known))}",
                            )
                        )
    return found


def _duplicate_numbers(
    offers: dict[str, Offer], sources: dict[str, Document]
) -> Iterator[tuple[str, Problem]]:
    first: dict[str, str] = {}
    for offer_id, offer in sorted(offers.items()):
        if offer.number in first:
            doc = sources[offer_source(offer_id)]
            message = (
                f"{offer.number!r} is already the number of {offer_source(first[offer.number])}"
            )
            yield offer_id, doc.problem(("number",), message)
        else:
            first[offer.number] = offer_id


def by_offer(problems: list[Problem]) -> dict[str, list[Problem]]:
    """Problems located in offer files, by offer id."""
    found: dict[str, list[Problem]] = {}
    for problem in problems:
        folder, _, name = problem.path.partition("/")
        if folder == OFFERS_DIR and name.endswith(".yaml"):
            found.setdefault(name.removesuffix(".yaml"), []).append(problem)
    return found

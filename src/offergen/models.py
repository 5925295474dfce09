"""Turn loaded YAML data into typed, immutable models, or into located problems.

Models check the shape of one file at a time (types, ranges, unknown keys, real dates);
checks that need several files (a client that exists, a sku in the catalog) live in
`workspace.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Strict,
    Tag,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails

from .errors import Problem, ValidationFailed, did_you_mean
from .load import Document

ID_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,63}$"
LOCALES = ("ru", "en")
CURRENCIES = ("RUB", "EUR", "USD")
VAT_RATES = (22, 10, 7, 5, 0, "none")

Locale = Literal["ru", "en"]
Currency = Literal["RUB", "EUR", "USD"]
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
ClientKind = Literal["company", "entrepreneur", "foreign"]


def _number_as_text(value: Any) -> Any:
    # An unquoted `inn: 7707083893` arrives as a Decimal; its source text is the value.
    return format(value, "f") if isinstance(value, Decimal) else value


def _vat_rate(value: Any) -> Any:
    if isinstance(value, bool):  # False == 0, but `vat_rate: false` is no rate
        raise ValueError(f"must be one of 22, 10, 7, 5, 0, none, got {value}")
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    if value not in VAT_RATES:
        allowed = ", ".join(str(rate) for rate in VAT_RATES)
        raise ValueError(f"must be one of {allowed} (none = без НДС), got {value}")
    return value


def _iso_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    text = _number_as_text(value)
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(f"must be a date written as YYYY-MM-DD, got {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text} is not a real date") from None


def _whole(value: Any) -> Any:
    if isinstance(value, Decimal) and value != value.to_integral_value():
        raise ValueError(f"must be a whole number, got {value}")
    return value


Text = Annotated[str, BeforeValidator(_number_as_text), Field(min_length=1, max_length=2000)]
Id = Annotated[str, BeforeValidator(_number_as_text), Field(pattern=ID_PATTERN)]
Flag = Annotated[bool, Strict()]
Day = Annotated[date, BeforeValidator(_iso_date)]
Count = Annotated[int, BeforeValidator(_whole), Field(ge=0, le=3650)]


def _plain_number(value: Any) -> Any:
    # The loader turns `2.5` into a Decimal; text such as "1e3", "007" or "2,5" is refused
    # rather than read by pydantic's lenient parser.
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        shown = repr(value) if isinstance(value, str) else str(value)
        hint = (
            " (write it without quotes)" if isinstance(value, str) and _looks_plain(value) else ""
        )
        raise ValueError(f"must be a number, got {shown}{hint}")
    return value


def _looks_plain(text: str) -> bool:
    return re.fullmatch(r"[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?", text.strip()) is not None


Money = Annotated[
    Decimal,
    BeforeValidator(_plain_number),
    Field(ge=0, max_digits=15, decimal_places=4, allow_inf_nan=False),
]
Quantity = Annotated[
    Decimal,
    BeforeValidator(_plain_number),
    Field(gt=0, max_digits=12, decimal_places=3, allow_inf_nan=False),
]
Percent = Annotated[
    Decimal,
    BeforeValidator(_plain_number),
    Field(ge=0, le=100, decimal_places=4, allow_inf_nan=False),
]
VatRate = Annotated[int | str, BeforeValidator(_vat_rate)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Localized(Model):
    """Text in Russian and English; a plain string means the same text in both."""

    ru: Text | None = None
    en: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        value = _number_as_text(value)
        return {"ru": value, "en": value} if isinstance(value, str) else value

    @model_validator(mode="after")
    def _some_text(self) -> Localized:
        if self.ru is None and self.en is None:
            raise ValueError("give the text as ru: and/or en:")
        return self

    def get(self, locale: Locale) -> str | None:
        return self.ru if locale == "ru" else self.en


class Bank(Model):
    name: Text
    name_en: Text | None = None  # for English documents: "Sberbank"
    bik: Text | None = None
    account: Text
    corr_account: Text | None = None
    swift: Text | None = None
    address: Text | None = None


def _nominative_position(value: str) -> str:
    return value[:1].upper() + value[1:]


class Signatory(Model):
    name: Text
    position: Annotated[Text, AfterValidator(_nominative_position)]
    basis: Text | None = None  # in the genitive, as contracts print it: "Устава"
    name_en: Text | None = None
    position_en: Text | None = None
    basis_en: Text | None = None  # "the Charter"
    name_genitive: Text | None = None  # wins over the computed form
    position_genitive: Text | None = None


class Person(Model):
    name: Text
    position: Text | None = None
    email: Text | None = None
    phone: Text | None = None
    name_en: Text | None = None
    position_en: Text | None = None


class Seller(Model):
    name: Text
    name_en: Text | None = None
    inn: Text
    kpp: Text | None = None
    ogrn: Text
    address: Text
    address_en: Text | None = None
    phone: Text | None = None
    email: Text | None = None
    website: Text | None = None
    bank: Bank
    signatory: Signatory

    @property
    def is_entrepreneur(self) -> bool:
        """An ИП sells under a personal ИНН of 12 digits; a company's has 10."""
        return len(self.inn) == 12


class Defaults(Model):
    locale: Locale = "ru"
    currency: Currency = "RUB"
    vat_rate: VatRate = 22
    prices_include_vat: Flag = True
    validity_days: Annotated[Count, Field(gt=0)] = 30
    manager: Person


class PaymentPolicy(Model):
    """`policy:` of `offergen.yaml`: the payment terms an offer may give without an exception.

    `offergen review` reports offers beyond them; nothing else depends on them.
    """

    max_deferral_days: Count | None = None  # calendar days to pay after delivery
    min_prepayment_percent: Percent | None = None  # an offer without prepayment gives 0 %


class Config(Model):
    """`offergen.yaml`: who sells, the defaults every offer starts from, the payment policy."""

    seller: Seller
    defaults: Defaults
    policy: PaymentPolicy = PaymentPolicy()


class CatalogItem(Model):
    sku: Text
    name: Localized
    unit: Localized
    price: Money
    prices: dict[Currency, Money] = {}
    vat_rate: VatRate | None = None
    category: Text | None = None
    description: Localized | None = None
    min_price: Money | None = None  # the floor of the net unit price, workspace currency
    min_prices: dict[Currency, Money] = {}  # floors in other currencies


class Catalog(Model):
    """`catalog.yaml`: the price list, in the workspace currency."""

    prices_include_vat: Flag | None = None
    categories: dict[Text, Localized] = {}  # category code: its name as documents print it
    items: list[CatalogItem] = []  # a new workspace starts with none


class Reliability(Model):
    """How far the seller trusts a client to pay: a rating, a credit limit, prepayment only."""

    rating: Literal["A", "B", "C"] | None = None  # C: pays late or disputes; ask finance
    credit_limit: Money | None = None  # the most the client may owe after delivery
    currency: Currency | None = None  # of the credit limit; the workspace's by default
    prepayment_required: Flag = False  # ship nothing that is not paid in full in advance


class Client(Model):
    """`clients/<id>.yaml`: one client card."""

    name: Text
    kind: ClientKind
    locale: Locale | None = None
    inn: Text | None = None
    kpp: Text | None = None
    ogrn: Text | None = None
    country: Text | None = None
    registration_number: Text | None = None
    vat_id: Text | None = None
    address: Text
    phone: Text | None = None
    email: Text | None = None
    bank: Bank | None = None
    signatory: Signatory | None = None
    contacts: list[Person] = []
    tier: Text | None = None
    needs: list[Text] = []
    turnover: dict[Annotated[int, Field(ge=1990, le=2100)], Money] = {}  # purchases per year
    reliability: Reliability | None = None


class OfferItem(Model):
    """A catalog line (`sku`) or an ad-hoc line (`name`, `unit`, `price`)."""

    sku: Text | None = None
    name: Localized | None = None
    unit: Localized | None = None
    price: Money | None = None
    vat_rate: VatRate | None = None
    qty: Quantity
    discount: Percent = Decimal(0)

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


class Terms(Model):
    prepayment_percent: Percent | None = None
    payment_days: Count | None = None
    delivery_days: Count | None = None
    delivery_place: Text | None = None
    delivery_place_en: Text | None = None  # for English documents
    warranty_months: Count | None = None


class Approval(Model):
    """Who approved an exception: a discount above the policy's threshold by default, or
    the exceptions `covers` names (a longer deferral, less prepayment, a credit limit)."""

    by: Text
    position: Text | None = None
    date: Day
    covers: Annotated[list[Exception_], Field(min_length=1)] = ["discount"]
    note: Text | None = None


class Review(Model):
    """One reviewer's verdict on the offer (legal, finance or the head of sales); an
    approving finance or sales_head review may name the exceptions it `covers`."""

    by: Text
    role: Literal["legal", "finance", "sales_head"]
    date: Day
    verdict: Literal["approved", "changes_requested"]
    covers: list[Exception_] = []
    note: Text | None = None


DocumentName = Literal["proposal", "discount_scheme", "contract", "disagreements"]
ContractType = Literal["supply", "services"]


class Override(Model):
    """Negotiated wording of one clause of the contract."""

    text: Localized
    proposed_by: Literal["client", "seller"] = "client"
    status: Literal["proposed", "agreed", "rejected"] = "proposed"
    note: Text | None = None


class Contract(Model):
    """The contract an offer leads to: its number, place, date and negotiated wording."""

    type: ContractType
    number: Text
    city: Text
    city_en: Text | None = None
    date: Day | None = None
    overrides: dict[Text, Override] = {}


class Offer(Model):
    """`offers/<id>.yaml`: one offer to one client."""

    number: Text
    client: Id
    date: Day
    valid_until: Day | None = None
    status: Status = "draft"
    locale: Locale | None = None
    currency: Currency | None = None
    prices_include_vat: Flag | None = None
    vat_rate: VatRate | None = None
    contact: Text | None = None
    manager: Person | None = None
    intro: Text | None = None
    items: list[OfferItem] = Field(min_length=1)
    discount: Percent = Decimal(0)
    terms: Terms = Terms()
    schemes: list[Id] = []
    approval: Approval | None = None
    review: list[Review] = []
    contract: Contract | None = None
    documents: list[DocumentName] | None = None

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


_ROLE_NAMES = {"finance": "finance", "sales_head": "head of sales"}


Basis = Literal["order_total", "line_qty", "client_tier", "annual_turnover", "prepayment", "promo"]
LINE_BASES = ("line_qty", "promo")


class Policy(Model):
    stacking: Literal["sequential", "additive", "best"] = "sequential"
    max_total_percent: Percent = Decimal(100)
    approval_above_percent: Percent | None = None
    base: Literal["net", "gross"] = "net"
    hint_within_percent: Percent = Decimal(20)  # say how close the next volume tier is


class Tier(Model):
    model_config = ConfigDict(populate_by_name=True)

    from_: Annotated[Decimal, BeforeValidator(_plain_number), Field(ge=0, allow_inf_nan=False)] = (
        Field(alias="from")
    )
    percent: Percent


class AppliesTo(Model):
    categories: list[Text] = []
    skus: list[Text] = []

    @model_validator(mode="after")
    def _something(self) -> AppliesTo:
        if not self.categories and not self.skus:
            raise ValueError("name categories: [...] or skus: [...]")
        return self

    def covers(self, sku: str | None, category: str | None) -> bool:
        return (sku is not None and sku in self.skus) or (
            category is not None and category in self.categories
        )


class Period(Model):
    model_config = ConfigDict(populate_by_name=True)

    from_: Day = Field(alias="from")
    to: Day

    def contains(self, day: date) -> bool:
        return self.from_ <= day <= self.to


TierList = Annotated[list[Tier], Field(min_length=1)]
TierMap = dict[str, Percent]
Tiers = Annotated[
    Annotated[TierList, Tag("list")] | Annotated[TierMap, Tag("map")],
    Discriminator(lambda value: "map" if isinstance(value, dict) else "list"),
]


class Scheme(Model):
    """One named discount scheme of `discounts.yaml`."""

    title: Localized
    basis: Basis
    tiers: Tiers | None = None
    percent: Percent | None = None
    applies_to: AppliesTo | None = None
    period: Period | None = None
    currency: Currency | None = None  # of the tier thresholds; the workspace's by default
    note: Localized | None = None  # extra conditions printed in the appendix

    @model_validator(mode="before")
    @classmethod
    def _tier_shape(cls, value: Any) -> Any:
        # Say which tier shape the basis wants; the union then reports one branch only.
        if isinstance(value, dict) and value.get("tiers") is not None:
            tiers = value["tiers"]
            if value.get("basis") == "client_tier" and not isinstance(tiers, dict):
                raise ValueError("tiers of a client_tier scheme map tier names to percents")
            if value.get("basis") != "client_tier" and isinstance(tiers, dict):
                raise ValueError("tiers must be a list of {from: …, percent: …}")
        return value

    @model_validator(mode="after")
    def _fields_for_basis(self) -> Scheme:
        if self.currency is not None and self.basis != "order_total":
            raise ValueError(
                "currency is for order_total thresholds only (turnover is recorded in the "
                "workspace currency)"
            )
        if self.basis == "promo":
            missing = [name for name in ("percent", "period") if getattr(self, name) is None]
            if missing:
                raise ValueError(f"a promo needs {' and '.join(missing)}")
            if self.tiers is not None:
                raise ValueError("a promo has one percent, not tiers")
        elif self.tiers is None:
            raise ValueError(f"a {self.basis} scheme needs tiers")
        elif self.percent is not None:
            raise ValueError(f"a {self.basis} scheme takes its percents from tiers")
        return self

    @property
    def level(self) -> Literal["line", "order"]:
        return "line" if self.basis in LINE_BASES else "order"


class Discounts(Model):
    """`discounts.yaml`: the stacking and approval policy and the named schemes."""

    policy: Policy = Policy()
    schemes: dict[Annotated[str, Field(pattern=ID_PATTERN)], Scheme] = {}


ModelT = TypeVar("ModelT", bound=Model)


def parse(model: type[ModelT], document: Document) -> ModelT:
    """Validate one document against its model; raise every problem, located."""
    try:
        return model.model_validate(document.data)
    except ValidationError as error:
        problems = [_problem(model, document, detail) for detail in error.errors()]
        raise ValidationFailed(problems) from None


def parse_parts(
    model: type[ModelT], document: Document, collection: str
) -> tuple[ModelT, dict[str | int, list[Problem]]]:
    """Validate a document whose `collection` (a list or a mapping of entries) may hold
    broken entries: they are left out and their problems returned by key (index or name).
    A problem outside the collection still raises `ValidationFailed`, with all of them."""
    try:
        return model.model_validate(document.data), {}
    except ValidationError as error:
        details = error.errors()
    broken: dict[str | int, list[Problem]] = {}
    whole: list[Problem] = []
    for detail in details:
        problem = _problem(model, document, detail)
        loc = _data_loc(document.data, detail["loc"])
        if len(loc) >= 2 and loc[0] == collection:
            broken.setdefault(loc[1], []).append(problem)
        else:
            whole.append(problem)
    if whole:
        raise ValidationFailed([*whole, *(p for found in broken.values() for p in found)])
    data = dict(document.data)
    entries = data[collection]
    if isinstance(entries, list):
        data[collection] = [entry for index, entry in enumerate(entries) if index not in broken]
    else:
        data[collection] = {key: entry for key, entry in entries.items() if key not in broken}
    try:
        return model.model_validate(data), broken
    except ValidationError as error:  # what the collection's own rules say of the rest
        problems = [_problem(model, document, detail) for detail in error.errors()]
        raise ValidationFailed([*problems, *(p for v in broken.values() for p in v)]) from None


def _problem(model: type[Model], document: Document, detail: ErrorDetails) -> Problem:
    loc = _data_loc(document.data, detail["loc"])
    kind = detail["type"]
    if kind == "extra_forbidden":
        return document.problem(loc, _unknown_key(model, loc), key=True)
    if kind == "missing":
        return document.problem(loc, "required field is missing")
    return document.problem(loc, _message(detail))


def _data_loc(data: Any, loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """The error's path in the data: parts pydantic adds (union branches) are dropped."""
    path: list[int | str] = []
    node = data
    for index, part in enumerate(loc):
        found = (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        )
        if found:
            node = node[part]
        elif index < len(loc) - 1 or not isinstance(node, dict):
            continue  # a union branch's tag, not a key: only a missing key ends a path
        path.append(part)
    return tuple(path)


def _message(detail: ErrorDetails) -> str:
    kind, ctx, value = detail["type"], detail.get("ctx", {}), detail.get("input")
    shown = format(value, "f") if isinstance(value, Decimal) else repr(value)
    messages: dict[str, Callable[[], str]] = {
        "value_error": lambda: str(ctx.get("error", detail["msg"])),
        "greater_than": lambda: f"must be greater than {ctx['gt']}, got {shown}",
        "greater_than_equal": lambda: f"must be at least {ctx['ge']}, got {shown}",
        "less_than_equal": lambda: f"must be at most {ctx['le']}, got {shown}",
        "decimal_parsing": lambda: f"must be a number, got {shown}",
        "decimal_type": lambda: f"must be a number, got {shown}",
        "int_parsing": lambda: f"must be a whole number, got {shown}",
        "int_type": lambda: f"must be a whole number, got {shown}",
        "finite_number": lambda: "must be a finite number",
        "decimal_max_places": lambda: f"at most {ctx['decimal_places']} digits after the point",
        "decimal_max_digits": lambda: f"too many digits (at most {ctx['max_digits']})",
        "decimal_whole_digits": lambda: (
            f"too many digits before the point (at most {ctx['whole_digits']})"
        ),
        "string_type": lambda: f"must be text, got {shown}",
        "string_too_short": lambda: "must not be empty",
        "string_too_long": lambda: f"is longer than {ctx['max_length']} characters",
        "string_pattern_mismatch": lambda: f"{shown} must match {ctx['pattern']}",
        "bool_type": lambda: f"must be true or false, got {shown}",
        "literal_error": lambda: f"must be one of {ctx['expected']}, got {shown}",
        "list_type": lambda: f"must be a list, got {shown}",
        "too_short": lambda: "must not be empty",
        "dict_type": lambda: f"must be a mapping of keys to values, got {shown}",
        "model_type": lambda: f"must be a mapping of keys to values, got {shown}",
        "model_attributes_type": lambda: f"must be a mapping of keys to values, got {shown}",
    }
    make = messages.get(kind)
    return make() if make else detail["msg"].lower()


def _unknown_key(model: type[Model], loc: tuple[str | int, ...]) -> str:
    owner: Any = model
    for part in loc[:-1]:
        owner = _field_model(owner, part)
    known = (
        list(owner.model_fields) if isinstance(owner, type) and issubclass(owner, BaseModel) else []
    )
    return f"unknown field{did_you_mean(str(loc[-1]), known)}"


def _field_model(owner: Any, part: str | int) -> Any:
    if not (isinstance(owner, type) and issubclass(owner, BaseModel)):
        return owner
    if isinstance(part, int):
        return owner
    info = owner.model_fields.get(part)
    if info is None:
        return None
    annotation = info.annotation
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return annotation

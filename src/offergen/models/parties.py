"""Turn `offergen.yaml` and `clients/<id>.yaml` into the seller and the clients.

The seller comes with the defaults every offer starts from and the payment policy; a client
with its bank, signatory, contacts and how far the seller trusts it to pay.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from ..limits import FIRST_DAY, LAST_DAY
from .fields import Code, Count, Currency, Flag, Locale, Model, Money, Percent, Text, VatRate

ClientKind = Literal["company", "entrepreneur", "foreign"]


class Bank(Model):
    name: Text
    name_en: Text | None = None  # for English documents: "Sberbank"
    bik: Code | None = None
    account: Code
    corr_account: Code | None = None
    swift: Code | None = None
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
    email: Code | None = None
    phone: Code | None = None
    name_en: Text | None = None
    position_en: Text | None = None


class Seller(Model):
    name: Text
    name_en: Text | None = None
    inn: Code
    kpp: Code | None = None
    ogrn: Code
    address: Text
    address_en: Text | None = None
    phone: Code | None = None
    email: Code | None = None
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


NUMBERING = "КП-{year}-{seq:04}"


def numbering_error(pattern: str) -> str | None:
    """Why `pattern` cannot number offers, or None. A pattern has `{seq}` (a format spec
    optional, e.g. `{seq:04}`) and at most `{year}` beside it; the number is
    `pattern.format(year=…, seq=…)`. Only `offergen new offer` uses it, so a bad pattern
    blocks no build: `check` warns, `new offer` refuses."""
    import string

    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    except ValueError as error:
        return f"not a numbering pattern like {NUMBERING!r}: {error}"
    if unknown := sorted(fields - {"year", "seq"}):
        return f"unknown placeholder {{{unknown[0]}}}: use {{year}} and {{seq}}"
    if "seq" not in fields:
        return f"the pattern needs {{seq}}, e.g. {NUMBERING!r}"
    try:
        pattern.format(year=2026, seq=1)
    except (ValueError, IndexError) as error:
        return f"not a numbering pattern like {NUMBERING!r}: {error}"
    return None


class Config(Model):
    """`offergen.yaml`: who sells, the defaults every offer starts from, the payment policy."""

    seller: Seller
    defaults: Defaults
    policy: PaymentPolicy = PaymentPolicy()
    # How `offergen new offer` numbers offers: {year} of the offer's date, {seq} counted
    # per year (per pattern) from the numbers already in offers/.
    numbering: Text = NUMBERING  # checked by numbering_error()
    # The SMTP server of `offergen send`: read as written, checked only where it is used
    # (models.mail.mail_settings), so that a broken one blocks no build.
    mail: Any = None


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
    inn: Code | None = None
    kpp: Code | None = None
    ogrn: Code | None = None
    country: Text | None = None
    registration_number: Code | None = None
    vat_id: Code | None = None
    address: Text
    phone: Code | None = None
    email: Code | None = None
    bank: Bank | None = None
    signatory: Signatory | None = None
    contacts: list[Person] = []
    tier: Code | None = None
    needs: list[Text] = []
    turnover: dict[
        Annotated[int, Field(ge=FIRST_DAY.year, le=LAST_DAY.year)], Money
    ] = {}  # purchases per year
    reliability: Reliability | None = None

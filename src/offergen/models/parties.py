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
    """The bank account payments go to."""

    name: Text = Field(description="The bank's name, as documents print it: ПАО Сбербанк.")
    name_en: Text | None = Field(default=None, description="The bank's name in English documents.")
    bik: Code | None = Field(default=None, description="БИК of a Russian bank: 9 digits.")
    account: Code = Field(
        description="Settlement account (р/с): 20 digits, its control key matching the БИК."
    )
    corr_account: Code | None = Field(
        default=None,
        description="Correspondent account (к/с): 20 digits, 301… ending as the БИК does.",
    )
    swift: Code | None = Field(
        default=None, description="SWIFT/BIC code, for payments from abroad."
    )
    address: Text | None = Field(default=None, description="The bank's address.")


def _nominative_position(value: str) -> str:
    return value[:1].upper() + value[1:]


class Signatory(Model):
    """Who signs contracts for the party, and on what authority."""

    name: Text = Field(description="Full name, surname first: Иванов Иван Иванович.")
    position: Annotated[Text, AfterValidator(_nominative_position)] = Field(
        description="Position in the nominative: Генеральный директор."
    )
    basis: Text | None = Field(
        default=None,
        description="Authority, in the genitive as contracts print it: Устава, доверенности.",
    )
    name_en: Text | None = Field(default=None, description="Full name in English documents.")
    position_en: Text | None = Field(default=None, description="Position in English documents.")
    basis_en: Text | None = Field(default=None, description="Authority in English: the Charter.")
    name_genitive: Text | None = Field(
        default=None,
        description="Name in the genitive (в лице …), where the computed form is wrong.",
    )
    position_genitive: Text | None = Field(
        default=None, description="Position in the genitive, where the computed form is wrong."
    )


class Person(Model):
    """A person to write to or to name: a manager, a client's contact."""

    name: Text = Field(description="Full name: Пётр Петров.")
    position: Text | None = Field(default=None, description="Position.")
    email: Code | None = Field(default=None, description="E-mail address.")
    phone: Code | None = Field(default=None, description="Phone number, as documents print it.")
    name_en: Text | None = Field(default=None, description="Name in English documents.")
    position_en: Text | None = Field(default=None, description="Position in English documents.")


class Seller(Model):
    """Our company: the requisites every document prints."""

    name: Text = Field(description="Full name with its legal form: ООО «Северный ветер».")
    name_en: Text | None = Field(default=None, description="Name in English documents.")
    inn: Code = Field(description="ИНН: 10 digits for a company, 12 for an entrepreneur.")
    kpp: Code | None = Field(
        default=None, description="КПП: 9 characters; a company has one, an ИП not."
    )
    ogrn: Code = Field(description="ОГРН: 13 digits; an entrepreneur's ОГРНИП: 15 digits.")
    address: Text = Field(description="Legal address.")
    address_en: Text | None = Field(default=None, description="Legal address in English documents.")
    phone: Code | None = Field(default=None, description="Phone number, as documents print it.")
    email: Code | None = Field(default=None, description="E-mail address.")
    website: Text | None = Field(default=None, description="Website: example.ru.")
    bank: Bank = Field(description="The account clients pay to.")
    signatory: Signatory = Field(description="Who signs for us.")

    @property
    def is_entrepreneur(self) -> bool:
        """An ИП sells under a personal ИНН of 12 digits; a company's has 10."""
        return len(self.inn) == 12


class Defaults(Model):
    """What every offer starts from, unless the offer or its client says otherwise."""

    locale: Locale = Field(default="ru", description="Language of the documents: ru or en.")
    currency: Currency = Field(default="RUB", description="Currency of prices and totals.")
    vat_rate: VatRate = Field(
        default=22, description="VAT rate in percent; none: not subject to VAT."
    )
    prices_include_vat: Flag = Field(
        default=True, description="true: the catalog's prices include VAT; false: VAT is added."
    )
    validity_days: Annotated[Count, Field(gt=0)] = Field(
        default=30, description="Calendar days an offer is valid from its date."
    )
    manager: Person = Field(description="The account manager offers name by default.")


class PaymentPolicy(Model):
    """`policy:` of `offergen.yaml`: the payment terms an offer may give without an exception.

    `offergen review` reports offers beyond them; nothing else depends on them.
    """

    max_deferral_days: Count | None = Field(
        default=None,
        description="The most calendar days to pay after delivery without an approval.",
    )
    min_prepayment_percent: Percent | None = Field(
        default=None,
        description="The least prepayment, in percent, without an approval (0 to 100).",
    )


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

    seller: Seller = Field(description="Our company: requisites, bank, signatory.")
    defaults: Defaults = Field(description="What every offer starts from.")
    policy: PaymentPolicy = Field(
        default=PaymentPolicy(), description="Payment terms an offer may give without an approval."
    )
    # How `offergen new offer` numbers offers: {year} of the offer's date, {seq} counted
    # per year (per pattern) from the numbers already in offers/; numbering_error() checks it.
    numbering: Text = Field(
        default=NUMBERING,
        description="How `offergen new offer` numbers offers: {year} and {seq}, e.g. "
        "КП-{year}-{seq:04}; the sequence counts per year.",
    )
    # The SMTP server of `offergen send`: read as written, checked only where it is used
    # (models.mail.mail_settings), so that a broken one blocks no build.
    mail: Any = Field(
        default=None,
        description="The SMTP server `offergen send` uses: host, port, security, username, "
        "from, password_env (the password itself never goes in this file).",
    )


class Reliability(Model):
    """How far the seller trusts a client to pay: a rating, a credit limit, prepayment only."""

    rating: Literal["A", "B", "C"] | None = Field(
        default=None,
        description="Payment rating A, B or C; C (pays late or disputes) draws a warning.",
    )
    credit_limit: Money | None = Field(
        default=None, description="The most the client may owe after delivery, in `currency`."
    )
    currency: Currency | None = Field(
        default=None, description="Currency of the credit limit; the workspace's by default."
    )
    prepayment_required: Flag = Field(
        default=False, description="true: ship nothing that is not paid in full in advance."
    )


class Client(Model):
    """`clients/<id>.yaml`: one client card."""

    name: Text = Field(description="Full name with its legal form: ООО «Акме».")
    kind: ClientKind = Field(
        description="company (ООО, АО), entrepreneur (ИП) or foreign (no Russian requisites)."
    )
    locale: Locale | None = Field(
        default=None, description="Language of this client's documents; the workspace's by default."
    )
    inn: Code | None = Field(
        default=None, description="ИНН: 10 digits for a company, 12 for an entrepreneur."
    )
    kpp: Code | None = Field(default=None, description="КПП: 9 characters; companies only.")
    ogrn: Code | None = Field(
        default=None, description="ОГРН: 13 digits; an entrepreneur's ОГРНИП: 15 digits."
    )
    country: Text | None = Field(default=None, description="Country of a foreign client.")
    registration_number: Code | None = Field(
        default=None, description="A foreign client's registration number."
    )
    vat_id: Code | None = Field(default=None, description="A foreign client's VAT ID.")
    address: Text = Field(description="Legal address.")
    phone: Code | None = Field(default=None, description="Phone number, as documents print it.")
    email: Code | None = Field(default=None, description="E-mail address.")
    bank: Bank | None = Field(default=None, description="The client's bank account, for contracts.")
    signatory: Signatory | None = Field(
        default=None, description="Who signs for the client; contracts need one."
    )
    contacts: list[Person] = Field(
        default=[],
        description="People to write to; an offer's `contact` names one, else the first.",
    )
    tier: Code | None = Field(
        default=None,
        description="The client's tier, as client_tier discount schemes name it: gold.",
    )
    needs: list[Text] = Field(
        default=[],
        description="What the client wants solved; the proposal's opening mentions them.",
    )
    turnover: dict[Annotated[int, Field(ge=FIRST_DAY.year, le=LAST_DAY.year)], Money] = Field(
        default={},
        description="Purchases per calendar year (2025: 1500000), in the workspace currency.",
    )
    reliability: Reliability | None = Field(
        default=None, description="How far we trust the client to pay: rating, credit limit."
    )

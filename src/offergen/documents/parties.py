"""Turn the seller and a client into the printed lines that name them, per locale."""

from __future__ import annotations

import re
from typing import Any

from ..models import Bank, Client, Locale, Person, Seller, Signatory


def local(value: str, value_en: str | None, locale: Locale) -> str:
    """The English variant of a text in English documents when one is given."""
    return value_en if locale == "en" and value_en else value


def joined(*parts: str | None, sep: str = ", ") -> str:
    return sep.join(part for part in parts if part)


def _labelled(labels: dict[str, str], pairs: list[tuple[str, str | None]]) -> str:
    return joined(*(f"{labels[key]} {value}" for key, value in pairs if value), sep=" · ")


# An IBAN (country letters, check digits, then the account) is named as such: "р/с" is
# a Russian settlement account, which a foreign bank's account is not.
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}")


def bank_line(bank: Bank | None, labels: dict[str, str], locale: Locale = "ru") -> str:
    if bank is None:
        return ""
    return joined(
        f"{labels['bank']}: {local(bank.name, bank.name_en, locale)}",
        f"{labels['bik']} {bank.bik}" if bank.bik else None,
        f"{'IBAN' if _IBAN.fullmatch(bank.account) else labels['account']} {bank.account}",
        f"{labels['corr_account']} {bank.corr_account}" if bank.corr_account else None,
        f"SWIFT {bank.swift}" if bank.swift else None,
    )


def seller_block(seller: Seller, labels: dict[str, str], locale: Locale) -> dict[str, Any]:
    entrepreneur = seller.is_entrepreneur
    ids = _labelled(
        labels,
        [
            ("inn", seller.inn),
            ("kpp", seller.kpp),
            ("ogrnip" if entrepreneur else "ogrn", seller.ogrn),
        ],
    )
    contacts = joined(
        f"{labels['phone']} {seller.phone}" if seller.phone else None, seller.email, seller.website
    )
    lines = [
        local(seller.address, seller.address_en, locale),
        ids,
        bank_line(seller.bank, labels, locale),
        contacts,
    ]
    return {
        "name": local(seller.name, seller.name_en, locale),
        "lines": [line for line in lines if line],
    }


def client_block(client: Client, labels: dict[str, str]) -> dict[str, Any]:
    if client.kind == "foreign":
        ids = joined(
            client.country,
            _labelled(
                labels,
                [
                    ("registration_number", client.registration_number),
                    ("vat_id", client.vat_id),
                    ("inn", client.inn),
                ],
            ),
        )
    else:
        ogrn_key = "ogrn" if client.kind == "company" else "ogrnip"
        ids = _labelled(labels, [("inn", client.inn), ("kpp", client.kpp), (ogrn_key, client.ogrn)])
    lines = [client.address, ids]
    return {"name": client.name, "lines": [line for line in lines if line]}


def person_block(person: Person | Signatory, locale: Locale) -> dict[str, str]:
    position = person.position or ""
    return {
        "name": local(person.name, person.name_en, locale),
        "position": local(position, person.position_en, locale),
    }


def contact_line(person: Person, labels: dict[str, str], locale: Locale) -> str:
    block = person_block(person, locale)
    return joined(
        block["name"],
        block["position"],
        person.email,
        f"{labels['phone']} {person.phone}" if person.phone else None,
    )

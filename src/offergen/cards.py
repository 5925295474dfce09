"""Turn the seller's configuration and the client cards into their requisite problems,
located: what each kind of party must give, and the checksums of what it gives."""

from __future__ import annotations

from collections.abc import Iterator

from . import requisites
from .errors import Problem
from .load import Document, Loc
from .models import Bank, Client, Config


def seller_problems(doc: Document, config: Config) -> Iterator[Problem]:
    seller = config.seller
    checks = _Checks(doc)
    checks(("seller", "inn"), requisites.check_inn(seller.inn))
    if seller.is_entrepreneur:
        checks(("seller", "ogrn"), requisites.check_ogrnip(seller.ogrn))
    else:
        if seller.kpp is None:
            checks(("seller", "kpp"), "required for a company (ИНН of 10 digits)")
        else:
            checks(("seller", "kpp"), requisites.check_kpp(seller.kpp))
        checks(("seller", "ogrn"), requisites.check_ogrn(seller.ogrn))
    checks.bank(("seller", "bank"), seller.bank)
    return iter(checks.problems)


def client_problems(doc: Document, client: Client) -> list[Problem]:
    checks = _Checks(doc)

    def require(name: str, why: str) -> str | None:
        value: str | None = getattr(client, name)
        if value is None:
            checks((name,), f"required for {why}")
        return value

    def forbid(name: str, why: str) -> None:
        if getattr(client, name) is not None:
            checks.problems.append(doc.problem((name,), f"not used for {why}", key=True))

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
    if client.bank is not None and (client.kind != "foreign" or client.bank.bik is not None):
        # A foreign client may bank in Russia: a БИК given is checked like any other.
        checks.bank(("bank",), client.bank)
    return checks.problems


class _Checks:
    """Collects the messages of requisite checks as located problems."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []

    def __call__(self, loc: Loc, message: str | None) -> None:
        if message is not None:
            self.problems.append(self.doc.problem(loc, message))

    def bank(self, loc: Loc, bank: Bank) -> None:
        if bank.bik is None:
            self((*loc, "bik"), "required for a Russian bank")
            return
        bik_problem = requisites.check_bik(bank.bik)
        self((*loc, "bik"), bik_problem)
        if bank.corr_account is None:
            self((*loc, "corr_account"), "required for a Russian bank")
        if bik_problem is not None:
            return
        self((*loc, "account"), requisites.check_settlement_account(bank.account, bank.bik))
        if bank.corr_account is not None:
            self(
                (*loc, "corr_account"),
                requisites.check_correspondent_account(bank.corr_account, bank.bik),
            )

"""Turn an offer with a contract into the contract draft's context: parties, clauses, appendices.

The clauses come from the legal team's library; the specification appendix is the same
priced table as the proposal's, and the discount appendix the same terms as the
discount-scheme document, so the contract can never disagree with either.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache
from itertools import count
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from ..clauses import ClauseLibrary, NumberedSection, arrange
from ..formatting import amount_in_words, format_date
from ..models import Client, Contract, Offer, Seller, Signatory
from ..negotiate.marks import FIRST_CLAUSE_MARK, clause_bookmark
from ..render import DocumentMeta
from ..render.templates import text_environment
from .discount_scheme import discount_terms
from .discount_text import approval_text
from .parties import bank_line, client_block, local, seller_block
from .specification import specification
from .text import Text
from .view import OfferView


@cache
def clause_environment() -> SandboxedEnvironment:
    return text_environment()


def contract_of(offer: Offer) -> Contract:
    if offer.contract is None:
        raise ValueError("the offer has no contract")
    return offer.contract


def contract_day(offer: Offer) -> date:
    return contract_of(offer).date or offer.date


def contract_sections(view: OfferView) -> tuple[NumberedSection, ...]:
    """The contract's clauses, numbered, in the offer's language (ClauseError if one fails)."""
    contract, library = contract_of(view.offer), view.clauses
    context = clause_context(view)
    return arrange(library, clause_environment(), context, view.locale, contract.points)


def clause_context(view: OfferView) -> dict[str, Any]:
    """The names a clause text and its `when:` may use (see templates/clauses)."""
    offer, priced, library, text = view.offer, view.priced, view.clauses, view.text
    contract, terms = contract_of(offer), view.terms
    client, seller = view.client, view.seller
    locale = text.locale
    rates = [g.rate for g in priced.totals.vat_groups if not isinstance(g.rate, str)]
    # "FCA Saint Petersburg (Incoterms 2020)" -> "FCA"; a place without an Incoterms rule -> None
    rules = ("EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF")
    firsts = [
        place.split()[0] for place in (terms.delivery_place, terms.delivery_place_en) if place
    ]
    incoterm = next((word for word in firsts if word in rules), None)
    services = priced.services
    return {
        "lang": locale,
        "currency": priced.currency,
        "seller": {
            "name": local(seller.name, seller.name_en, locale),
            "role": text.local(library.roles.seller),
        },
        "buyer": {
            "name": client.name,
            "role": text.local(library.roles.buyer),
            "country": client.country,
        },
        # An export contract: the buyer is a foreign company (payment in the contract's
        # currency, Incoterms, customs, shipping documents, international arbitration).
        "export": client.kind == "foreign",
        "contract": {
            "number": contract.number,
            "city": _city(contract, text),
            "date": format_date(contract_day(offer), locale),
        },
        "offer": {"number": offer.number, "date": format_date(offer.date, locale)},
        "terms": {
            "prepayment_percent": _plain(terms.prepayment_percent or Decimal(0)),
            "payment_days": terms.payment_days,
            "banking_days": terms.payment_days_basis == "banking",
            "delivery_days": terms.delivery_days,
            "delivery_place": terms.delivery_place
            and local(terms.delivery_place, terms.delivery_place_en, locale),
            "warranty_months": terms.warranty_months,
            "incoterm": incoterm,
            "penalty_percent": _plain(
                terms.penalty_percent
                if terms.penalty_percent is not None
                else library.params.get("penalty_percent", Decimal(0))
            ),
        },
        "totals": {
            "net": priced.totals.net,
            "vat": priced.totals.vat,
            "gross": priced.totals.gross,
            "words": amount_in_words(priced.totals.gross, priced.currency, locale),
        },
        # Work in a supply contract (installation, commissioning): its own total, from pricing.
        "services": {
            "any": services is not None,
            "gross": services.gross if services else Decimal("0.00"),
            "vat": services.vat if services else Decimal("0.00"),
        },
        "vat": {
            "included": priced.prices_include_vat,
            "exempt": not rates,
            "rates": ", ".join(text.percent(Decimal(rate)) for rate in rates),
        },
        "schemes": bool(offer.schemes),
        "params": {key: _plain(value) for key, value in library.params.items()},
    }


def _plain(value: Any) -> Any:
    """Whole decimals become ints, which clause texts may print as they are."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


def _city(contract: Contract, text: Text) -> str:
    if text.locale == "en" and contract.city_en:
        return contract.city_en
    return contract.city


def contract_context(view: OfferView) -> tuple[dict[str, Any], DocumentMeta]:
    """The contract draft: title, preamble, clauses, requisites, appendices."""
    offer, priced, text, library = view.offer, view.priced, view.text, view.clauses
    title = text.local(library.title)
    context: dict[str, Any] = {
        **contract_header(view),
        "title": title,
        "preamble": preamble(view.seller, view.client, library, text),
        "notice": approval_text(priced, offer, text),
        "sections": _section_contexts(contract_sections(view)),
        "parties": parties(view),
        "specification": _specification(view),
        "discounts": _discounts(view),
    }
    return context, view.meta(f"{title} {context['heading']}", contract_day(offer))


def _section_contexts(sections: tuple[NumberedSection, ...]) -> list[dict[str, Any]]:
    """Sections and their clauses as the template prints them; each clause carries its
    bookmark (name from its id, an id counted through the contract)."""
    marks = count(FIRST_CLAUSE_MARK)
    return [
        {
            "number": f"{section.number}.",
            "title": section.title,
            "clauses": [
                {
                    "number": f"{c.number}.",
                    "text": c.text,
                    "bookmark": clause_bookmark(c.id),
                    "mark": next(marks),
                }
                for c in section.clauses
            ],
        }
        for section in sections
    ]


def contract_header(view: OfferView) -> dict[str, Any]:
    """What the contract and its protocol both start with: number, city, date."""
    contract, text = contract_of(view.offer), view.text
    return {
        **view.page(),
        "number": contract.number,
        "heading": text("contract_number", number=contract.number),
        "city": text("city_prefix") + _city(contract, text),
        "date": format_date(contract_day(view.offer), text.locale),
    }


def appendix_to(view: OfferView, n: int) -> list[str]:
    offer, text = view.offer, view.text
    contract = contract_of(offer)
    return [
        text("appendix_number", n=str(n)),
        text(
            "appendix_to",
            contract_genitive=text(f"{contract.type}_genitive"),
            contract=text(f"{contract.type}_genitive"),
            number=contract.number,
            date=format_date(contract_day(offer), text.locale),
        ),
    ]


def _specification(view: OfferView) -> dict[str, Any]:
    return {
        "heading": appendix_to(view, 1),
        "title": view.text("specification_title"),
        **specification(view.priced, view.text),
    }


def _discounts(view: OfferView) -> dict[str, Any]:
    if not view.offer.schemes:
        return {}
    return {
        "heading": appendix_to(view, 2),
        "title": view.text("discount_title"),
        **discount_terms(view),
    }


# --- parties ------------------------------------------------------------------------------


def preamble(seller: Seller, client: Client, library: ClauseLibrary, text: Text) -> str:
    """ "ООО «…», именуемое в дальнейшем «Поставщик», в лице …, с одной стороны, и …"."""
    seller_kind = "entrepreneur" if seller.is_entrepreneur else "company"
    first = _party_phrase(
        local(seller.name, seller.name_en, text.locale),
        seller_kind,
        seller.signatory,
        text.local(library.roles.seller),
        text,
        f"ОГРНИП {seller.ogrn}",
    )
    second = _party_phrase(
        client.name,
        client.kind,
        client.signatory,
        text.local(library.roles.buyer),
        text,
        f"ОГРНИП {client.ogrn}",
    )
    return f"{first}, {text('on_one_side')} {second}, {text('on_other_side')}"


def _quoted(role: str, text: Text) -> str:
    return f"«{role}»" if text.locale == "ru" else f"“{role}”"


def _party_phrase(
    name: str, kind: str, signatory: Signatory | None, role: str, text: Text, registration: str
) -> str:
    from .. import grammar  # pymorphy3 and pytrovich load only when a contract is drawn up

    if signatory is None:
        raise ValueError("a contract party needs a signatory; the workspace checks this")
    gender = grammar.gender_of(signatory.name) if text.locale == "ru" else None
    basis = _basis(signatory, text) or registration
    if kind == "entrepreneur" and text.locale == "ru":
        person = signatory.name
        named = text("named_female" if gender == "female" else "named_male")
        return (
            f"{text('entrepreneur')} {person}, {named} {_quoted(role, text)}, "
            f"{grammar.acting(gender, 'nom')} {text('acting_on')} {basis}"
        )
    named = text("named_foreign" if kind == "foreign" else "named_company")
    if text.locale == "en":
        person = (
            f"{local(signatory.position, signatory.position_en, 'en')} "
            f"{local(signatory.name, signatory.name_en, 'en')}"
        )
        return (
            f"{name}, {named} {_quoted(role, text)}, {text('represented_by')} {person}, "
            f"{text('acting_en')} {text('acting_on')} {basis}"
        )
    position = signatory.position_genitive or grammar.position_genitive(signatory.position)
    person_name = signatory.name_genitive or grammar.name_genitive(signatory.name, gender)
    return (
        f"{name}, {named} {_quoted(role, text)}, {text('represented_by')} "
        f"{position} {person_name}, {grammar.acting(gender, 'gen')} "
        f"{text('acting_on')} {basis}"
    )


def _basis(signatory: Signatory, text: Text) -> str:
    if text.locale == "en":
        return signatory.basis_en or signatory.basis or ""
    return signatory.basis or ""


def parties(view: OfferView) -> list[dict[str, Any]]:
    """Both parties' requisites and signature lines, seller first."""
    seller, client, library, text = view.seller, view.client, view.clauses, view.text
    seller_named = seller_block(seller, text.labels, text.locale)
    client_named = client_block(client, text.labels)
    client_lines = [*client_named["lines"], bank_line(client.bank, text.labels, text.locale)]
    return [
        _party(
            text.local(library.roles.seller),
            seller_named["name"],
            seller_named["lines"],
            seller.signatory,
            text,
        ),
        _party(
            text.local(library.roles.buyer),
            client_named["name"],
            [line for line in client_lines if line],
            client.signatory,
            text,
        ),
    ]


def _party(
    role: str, name: str, lines: list[str], signatory: Signatory | None, text: Text
) -> dict[str, Any]:
    position = name_short = ""
    if signatory is not None:
        position = local(signatory.position, signatory.position_en, text.locale)
        name_short = short_name(local(signatory.name, signatory.name_en, text.locale))
    return {
        "role": role,
        "name": name,
        "lines": lines,
        "position": position,
        "signer": name_short,
        "seal": text("seal"),
    }


def short_name(full_name: str) -> str:
    """ "Иванов Иван Иванович" -> "Иванов И. И."; other names stay as they are."""
    parts = full_name.split()
    if len(parts) == 3 and all(part[:1].isupper() for part in parts) and _cyrillic(full_name):
        return f"{parts[0]} {parts[1][0]}. {parts[2][0]}."
    return full_name


def _cyrillic(value: str) -> bool:
    return any("а" <= ch.lower() <= "я" or ch.lower() == "ё" for ch in value)

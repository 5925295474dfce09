"""Turn `offergen new client ID [options]` into a commented client card: every field its
kind requires, from the options or as a placeholder to fill in, the optional ones
commented out with what each is for."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..cards import client_problems
from ..errors import OffergenError, Problem, ValidationFailed
from ..load import Document, load_document
from ..models import Client, ClientKind, parse
from ..models.parse import PLACEHOLDER, is_placeholder
from ..workspace import CLIENTS_DIR, client_source
from .lines import check_id, commented, line, quoted, schema_line, write_new

# The fields each kind requires, in the order a card lists them, with their placeholders.
_RU_ADDRESS = "<адрес: индекс, город, улица, дом>"
REQUIRED: dict[str, tuple[tuple[str, str], ...]] = {
    "company": (
        ("name", "<название: ООО «…»>"),
        ("inn", "<ИНН: 10 цифр>"),
        ("kpp", "<КПП: 9 цифр>"),
        ("ogrn", "<ОГРН: 13 цифр>"),
        ("address", _RU_ADDRESS),
    ),
    "entrepreneur": (
        ("name", "<ИП Фамилия Имя Отчество>"),
        ("inn", "<ИНН: 12 цифр>"),
        ("ogrn", "<ОГРНИП: 15 цифр>"),
        ("address", _RU_ADDRESS),
    ),
    "foreign": (
        ("name", "<company name>"),
        ("locale", "en"),
        ("country", "<country>"),
        ("registration_number", "<registration number>"),
        ("vat_id", "<VAT ID>"),
        ("address", "<address: street, city, postcode, country>"),
    ),
}
WHY = {
    "name": "as documents print it",
    "kind": "company | entrepreneur | foreign",
    "locale": "language of its documents: ru | en",
    "inn": "ИНН, checksum checked",
    "kpp": "КПП",
    "ogrn": "ОГРН (ОГРНИП for an entrepreneur)",
    "country": "a foreign client's country",
    "registration_number": "the company register's number",
    "vat_id": "VAT number",
    "address": "legal address",
    "phone": "",
    "email": "",
    "tier": "for client_tier schemes in discounts.yaml",
}
# Optional fields a card offers commented out: the line to uncomment and what it does.
OPTIONAL: tuple[tuple[str, str, str], ...] = (
    ("locale", "locale: en", "language of its documents (default: the workspace's)"),
    ("phone", 'phone: "+7 495 000-00-00"', ""),
    ("email", 'email: "info@example.ru"', ""),
    (
        "bank",
        'bank: {name: ПАО Сбербанк, bik: "044525225", account: "<20 цифр>", '
        'corr_account: "30101810400000000225"}',
        "a contract prints it",
    ),
    (
        "signatory",
        "signatory: {name: Фамилия Имя Отчество, position: Генеральный директор, basis: Устава}",
        "who signs a contract",
    ),
    (
        "contacts",
        "contacts: [{name: Имя Фамилия, position: закупки, email: a@example.ru}]",
        "an offer addresses the first",
    ),
    ("tier", "tier: gold", WHY["tier"]),
    ("needs", "needs: [что клиент хочет решить]", "the proposal's opening is built from them"),
    ("turnover", "turnover: {2025: 1000000}", "purchases per year, for annual_turnover schemes"),
    (
        "reliability",
        "reliability: {rating: B, credit_limit: 500000, prepayment_required: false}",
        "rating A | B | C",
    ),
)
FOREIGN_BANK = 'bank: {name: "<bank>", account: "<IBAN>", swift: "<SWIFT>"}'
FIELDS = (
    "name",
    "inn",
    "kpp",
    "ogrn",
    "address",
    "locale",
    "phone",
    "email",
    "country",
    "registration_number",
    "vat_id",
    "tier",
)


def new_client(root: Path, client_id: str, kind: ClientKind, given: Mapping[str, str]) -> Path:
    """Write clients/<id>.yaml; the options `given` (by field) are checked as `check`
    checks a card, and a problem in one refuses the card before anything is written."""
    check_id(client_id, "client id")
    path = root / client_source(client_id)
    text = "\n".join(card_lines(client_id, kind, given))
    refuse_bad_options(text, client_id)
    write_new(path, text.splitlines())
    return path


def card_lines(client_id: str, kind: ClientKind, given: Mapping[str, str]) -> list[str]:
    required = REQUIRED[kind]
    lines = [
        schema_line("client"),
        f"# The card of client {client_id}. Fill in every <…>; `offergen check` checks the",
        "# requisites. Uncomment an optional field to give it.",
    ]
    written = set()
    for name, placeholder in required[:1]:
        lines.append(line(f"{name}: {quoted(given.get(name, placeholder))}", WHY[name]))
        written.add(name)
    lines.append(line(f"kind: {kind}", WHY["kind"]))
    for name, placeholder in required[1:]:
        lines.append(line(f"{name}: {quoted(given.get(name, placeholder))}", WHY[name]))
        written.add(name)
    for name in FIELDS:
        if name in given and name not in written:
            lines.append(line(f"{name}: {quoted(given[name])}", WHY[name]))
            written.add(name)
    optional = [
        (name, FOREIGN_BANK if name == "bank" and kind == "foreign" else text, why)
        for name, text, why in OPTIONAL
    ]
    lines += [commented(text, why) for name, text, why in optional if name not in written]
    return lines


def refuse_bad_options(text: str, client_id: str) -> None:
    """The card's problems in what the options gave (placeholders are the user's to
    fill in), as `check` would report them, named by option: `--inn: checksum …`."""
    relative = client_source(client_id)
    document = load_document(text.encode("utf-8"), relative)
    # Placeholders stand in for values here, so that the card parses and the requisites
    # the options gave are checked; what is said of a stand-in is left out below.
    standing_in = PLACEHOLDER.sub("0", text)
    judged = load_document(standing_in.encode("utf-8"), relative)
    try:
        problems = client_problems(judged, parse(Client, judged))
    except ValidationFailed as failed:
        problems = failed.problems
    given = [p for p in problems if not is_placeholder(_value(document, p))]
    if given:
        shown = "; ".join(f"--{_option(p)} {_value(document, p)}: {p.message}" for p in given)
        raise OffergenError(f"{shown} (nothing written to {CLIENTS_DIR}/)")


def _value(document: Document, problem: Problem) -> object:
    name = _field(problem)
    return document.data.get(name) if isinstance(document.data, dict) else None


def _field(problem: Problem) -> str:
    return problem.field.split(".")[0].split("[")[0]


def _option(problem: Problem) -> str:
    return _field(problem).replace("_", "-")

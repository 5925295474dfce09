"""Contracts from the clause library, and the protocol of disagreements."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from offergen.clauses import ClauseError, ClauseLibrary, arrange
from offergen.documents.contract import clause_context
from offergen.errors import ValidationFailed
from offergen.models import Negotiation
from offergen.render.templates import text_environment
from offergen.rendering import resolve

from .conftest import ROOT, copy_workspace, docx_text, example_workspace, load_strict, pdf_text, run

NBSP = "\u00a0"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace(NBSP, " ")).strip()


def _read(path: Path) -> str:
    return _flat(pdf_text(path) if path.suffix == ".pdf" else docx_text(path))


# --- the clause engine ------------------------------------------------------------------


def _library(*sections: tuple[str, list[dict[str, Any]]]) -> ClauseLibrary:
    return ClauseLibrary.model_validate(
        {
            "title": "Договор",
            "roles": {"seller": "Поставщик", "buyer": "Покупатель"},
            "sections": [
                {"id": sid, "title": sid.title(), "clauses": clauses} for sid, clauses in sections
            ],
        }
    )


LIBRARY = _library(
    ("subject", [{"id": "subject.goods", "text": "Товар."}]),
    (
        "payment",
        [
            {
                "id": "payment.prepayment",
                "when": "terms.prepay > 0",
                "text": "Предоплата {{ terms.prepay | percent }}.",
            },
            {
                "id": "payment.balance",
                "text": "Остаток — после поставки (п. {{ ref('delivery.term') }}).",
            },
        ],
    ),
    ("extras", [{"id": "extras.only", "when": "terms.extras", "text": "Дополнительно."}]),
    (
        "delivery",
        [
            {
                "id": "delivery.term",
                "text": "Срок поставки; оплата — п. {{ ref('payment.balance') }}.",
            }
        ],
    ),
)


def _arranged(
    library: ClauseLibrary = LIBRARY, points: dict[str, Negotiation] | None = None, **terms: Any
) -> list[tuple[str, str]]:
    context = {"lang": "ru", "currency": "RUB", "terms": {"prepay": 0, "extras": False, **terms}}
    sections = arrange(library, text_environment(), context, "ru", points or {})
    return [(clause.number, clause.text) for s in sections for clause in s.clauses]


def test_numbering_has_no_gaps_and_references_follow() -> None:
    assert _arranged(prepay=50, extras=True) == [
        ("1.1", "Товар."),
        ("2.1", "Предоплата 50\u00a0%."),
        ("2.2", "Остаток — после поставки (п. 4.1)."),
        ("3.1", "Дополнительно."),
        ("4.1", "Срок поставки; оплата — п. 2.2."),
    ]
    # without prepayment 2.2 becomes 2.1; without extras the delivery section becomes 3
    assert _arranged() == [
        ("1.1", "Товар."),
        ("2.1", "Остаток — после поставки (п. 3.1)."),
        ("3.1", "Срок поставки; оплата — п. 2.1."),
    ]


def test_a_reference_to_a_dropped_clause_is_an_error() -> None:
    library = _library(
        (
            "a",
            [
                {"id": "a.one", "when": "terms.extras", "text": "Раз."},
                {"id": "a.two", "text": "См. п. {{ ref('a.one') }}."},
            ],
        ),
    )
    with pytest.raises(ClauseError) as caught:
        _arranged(library)
    assert str(caught.value) == (
        "clause a.two: text: refers to clause a.one, which is dropped for this contract"
    )
    assert _arranged(library, extras=True)[1] == ("1.2", "См. п. 1.1.")


@pytest.mark.parametrize(
    ("clause", "message"),
    [
        (
            {"id": "a.x", "text": "{{ nope }}"},
            "clause a.x: text: cannot render: UndefinedError: 'nope' is undefined",
        ),
        (
            {"id": "a.x", "text": "{% if %}"},
            "clause a.x: text: cannot render: TemplateSyntaxError: Expected an expression, "
            "got 'end of statement block'",
        ),
        (
            {"id": "a.x", "when": "terms.nope > 1", "text": "x"},
            "clause a.x: when: cannot evaluate: UndefinedError: 'dict object' has no "
            "attribute 'nope'",
        ),
        (
            {"id": "a.x", "text": "{{ terms.prepay }} {{ 1.5 }}"},
            "clause a.x: text: prints a number, date or empty value as it is; "
            "use | number, | percent or | money",
        ),
        (
            {"id": "a.x", "text": "{{ ref('a.missing') }}"},
            "clause a.x: text: refers to unknown clause a.missing",
        ),
    ],
)
def test_clause_failures_name_the_clause(clause: dict[str, Any], message: str) -> None:
    with pytest.raises(ClauseError) as caught:
        _arranged(_library(("a", [clause])))
    assert str(caught.value) == message


def test_a_negotiated_clause_takes_the_agreed_wording_only() -> None:
    library = _library(("a", [{"id": "a.one", "text": "Библиотека."}]))
    for record, expected in (
        ({"state": "agreed", "agreed": "client"}, "Согласовано."),
        ({"state": "agreed", "agreed": {"text": "Третья."}}, "Третья."),
        ({}, "Библиотека."),  # open
        ({"state": "rejected"}, "Библиотека."),
        ({"state": "withdrawn"}, "Библиотека."),
    ):
        point = Negotiation.model_validate(
            {"rounds": [{"by": "client", "text": "Согласовано."}], **record}
        )
        assert _arranged(library, {"a.one": point}) == [("1.1", expected)]


# --- the example contracts ----------------------------------------------------------------


@pytest.mark.parametrize("document", ["contract.pdf", "contract.docx"])
def test_russian_contract_names_both_parties_in_the_genitive(
    example_build: Path, document: str
) -> None:
    text = _read(example_build / "acme-2026-005" / document)
    assert "Договор поставки № 2026/015" in text
    assert "г. Москва «03» декабря 2026 г." in text
    assert (
        "ООО «Северный ветер», именуемое в дальнейшем «Поставщик», в лице Генерального "
        "директора Иванова Ивана Ивановича, действующего на основании Устава, с одной "
        'стороны, и ООО «Акме & Партнёры» "Северо-Запад", именуемое в дальнейшем '
        "«Покупатель», в лице Генерального директора Смирнова Алексея Викторовича, "
        "действующего на основании Устава, с другой стороны"
    ) in text
    assert "943 054,32 ₽ (Девятьсот сорок три тысячи пятьдесят четыре рубля 32 копейки)" in text
    assert "Приложение № 1 к договору поставки № 2026/015 от «03» декабря 2026 г." in text
    assert "Приложение № 2 к договору поставки № 2026/015 от «03» декабря 2026 г." in text
    assert "Генеральный директор __________________ / Смирнов А. В." in text


@pytest.mark.parametrize("document", ["contract.pdf", "contract.docx"])
def test_entrepreneur_is_named_in_the_nominative(example_build: Path, document: str) -> None:
    text = _read(example_build / "kuznetsova-2026-002" / document)
    assert "Договор возмездного оказания услуг № 2026/У-007" in text
    assert (
        "Индивидуальный предприниматель Кузнецова Мария Олеговна, именуемая в дальнейшем "
        "«Заказчик», действующая на основании ОГРНИП 321502400123450"
    ) in text
    assert "Приложение № 2" not in text  # no discount schemes, no discount appendix


@pytest.mark.parametrize("document", ["contract.pdf", "contract.docx"])
def test_english_supply_agreement(example_build: Path, document: str) -> None:
    text = _read(example_build / "nordic-2026-003" / document)
    assert "Supply Agreement No. 2026/E-003" in text
    assert "Moscow December 10, 2026" in text
    assert (
        "Severny Veter LLC, hereinafter the “Supplier”, represented by General Director "
        "Ivan Ivanov, acting on the basis of the Charter, on the one hand, and Nordic Pump "
        "Systems AB, hereinafter the “Buyer”"
    ) in text
    assert (
        "A Party affected by force majeure shall notify the other Party in writing within "
        "10 (ten) calendar days" in text
    )  # the agreed override


# --- export contracts (a foreign buyer) ---------------------------------------------------

DOMESTIC_ONLY_EN = (
    "settlement account",
    "TORG-12",
    "universal transfer",
    "arbitrazh",
    "qualified electronic signature",
)
DOMESTIC_ONLY_RU = (
    "квалифицированной электронной подписью",
    "расчётный счёт",
    "ТОРГ-12",
    "УПД",
    "универсальный передаточный",
    "счёт-фактур",
    "арбитражный суд",
    "Арбитражного процессуального",
)


def _clause_numbers_follow(text: str) -> None:
    """Sections 1, 2, … and their clauses n.1, n.2, … without gaps, in order."""
    end = re.search(r"Addresses, details and signatures|Адреса, реквизиты и подписи", text)
    assert end
    numbers = [
        tuple(map(int, m)) for m in re.findall(r"(?:^| )(\d+)\.(\d+)\. ", text[: end.start()])
    ]
    assert len(numbers) > 40
    expected, section, clause = [], 1, 0
    for s, c in numbers:
        if s == section + 1 and c == 1:
            section, clause = s, 1
        else:
            clause += 1
        expected.append((section, clause))
    assert numbers == expected and numbers[0] == (1, 1)


def _has_none(text: str, phrases: tuple[str, ...]) -> None:
    found = [p for p in phrases if p in text]
    assert not found, found
    assert not re.search(r"\bUPD\b", text)


@pytest.mark.parametrize("document", ["contract.pdf", "contract.docx"])
def test_export_supply_agreement_has_export_wording(example_build: Path, document: str) -> None:
    text = _read(example_build / "nordic-2026-003" / document)
    _has_none(text, (*DOMESTIC_ONLY_EN, "VAT invoice"))
    assert (
        "the sale of the Goods exported under the export customs procedure is subject to VAT "
        "at the rate of 0% (Article 164 of the Tax Code of the Russian Federation)" in text
    )
    assert _clause(text, "3.6").startswith(
        "Payments are made in the currency of the price stated in the Specification by bank "
        "transfer to the Supplier's currency account stated in the Supplier's invoice"
    )
    assert "the charges of the Supplier's bank by the Supplier" in _clause(text, "3.6")
    assert _clause(text, "3.7") == (
        "The date of payment is the date on which the funds are credited to the Supplier's account."
    )
    assert "currency laws applicable to it" in _clause(text, "3.10")
    assert _clause(text, "4.3").startswith("Delivery terms: FCA Saint Petersburg (Incoterms 2020).")
    assert "The Supplier shall carry out the export customs clearance" in _clause(text, "4.4")
    assert "import duties, taxes and other charges" in _clause(text, "4.4")
    documents = _clause(text, "4.5")
    for name in ("the commercial invoice", "the packing list", "a CMR consignment note"):
        assert name in documents
    assert "certificate of origin of the Goods at the Buyer's request" in documents
    assert "under the delivery terms set in clause 4.3 of this Agreement" in documents
    assert "number of packages and gross weight upon delivery" in _clause(text, "4.6")
    assert "clauses 4.6 and 4.7 of this Agreement" in _clause(text, "8.3")
    assert _clause(text, "8.4").startswith("All disputes, controversies or claims")
    assert (
        "by arbitration at the International Commercial Arbitration Court at the Chamber of "
        "Commerce and Industry of the Russian Federation (ICAC)"
    ) in _clause(text, "8.4")
    assert "The arbitral award is final and binding on the Parties." in _clause(text, "8.4")
    assert (
        "substantive law of the Russian Federation (Article 1210 of the Civil Code of the "
        "Russian Federation). Matters not settled by this Agreement are governed by the United "
        "Nations Convention on Contracts for the International Sale of Goods (Vienna, 1980)"
    ) in _clause(text, "8.5")
    assert "the English text prevails" in _clause(text, "10.7")
    assert _clause(text, "7.2").startswith("A Party affected by force majeure")  # the override
    _clause_numbers_follow(text)


def _export_variant(tmp_path: Path, *, locale: str, contract_type: str = "supply") -> str:
    """The nordic offer rebuilt in another language or as another type of contract."""
    workspace = copy_workspace(ROOT, tmp_path / "ws")
    offer = workspace / "offers" / "nordic-2026-003.yaml"
    data = offer.read_text(encoding="utf-8")
    data = data.replace("currency: EUR\n", f"currency: EUR\nlocale: {locale}\n")
    offer.write_text(data.replace("type: supply", f"type: {contract_type}"), encoding="utf-8")
    for command in (("check",), ("build", "nordic-2026-003"), ("verify", "nordic-2026-003")):
        result = run("-C", workspace, *command)
        assert result.exit_code == 0, result.output
    return _read(workspace / "out" / "nordic-2026-003" / "contract.pdf")


def test_russian_export_supply_agreement(tmp_path: Path) -> None:
    text = _export_variant(tmp_path, locale="ru")
    _has_none(text, DOMESTIC_ONLY_RU)
    assert "облагается НДС по ставке 0 % (статья 164 Налогового кодекса" in text
    assert _clause(text, "3.6").startswith(
        "Оплата производится в валюте цены, указанной в Спецификации, банковским переводом "
        "на валютный счёт Поставщика"
    )
    assert _clause(text, "3.7") == (
        "Датой оплаты считается дата зачисления денежных средств на счёт Поставщика."
    )
    assert "требования валютного законодательства" in _clause(text, "3.10")
    assert "Экспортное таможенное оформление Товара осуществляет Поставщик" in text
    documents = _clause(text, "4.5")
    for name in ("коммерческий счёт (инвойс)", "упаковочный лист", "накладную CMR"):
        assert name in documents
    assert "Сертификат происхождения Товара Поставщик предоставляет по запросу" in documents
    assert (
        "подлежат разрешению в Международном коммерческом арбитражном суде при "
        "Торгово-промышленной палате Российской Федерации (МКАС при ТПП РФ)"
    ) in _clause(text, "8.4")
    assert "язык арбитражного разбирательства — русский" in _clause(text, "8.4")
    assert (
        "применяется Конвенция Организации Объединённых Наций о договорах международной "
        "купли-продажи товаров (Вена, 1980 г.)"
    ) in _clause(text, "8.5")
    assert "преимущественную силу имеет текст на русском языке" in _clause(text, "10.7")
    _clause_numbers_follow(text)


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_export_services_agreement(tmp_path: Path, locale: str) -> None:
    text = _export_variant(tmp_path, locale=locale, contract_type="services")
    _has_none(text, DOMESTIC_ONLY_EN + DOMESTIC_ONLY_RU)
    assert "Convention" not in text and "Конвенция" not in text  # the CISG is for goods
    if locale == "en":
        assert "International Commercial Arbitration Court" in text
        assert "This Agreement is governed by the substantive law of the Russian" in text
        assert "signed on its part (the “Certificate”) together with an invoice" in text
        assert "credited to the Contractor's account" in text
    else:
        assert "(МКАС при ТПП РФ)" in text
        assert "Договор регулируется материальным правом Российской Федерации" in text
        assert "(далее — «Акт») и счёт (инвойс)" in text
        assert "зачисления денежных средств на счёт Исполнителя" in text
    _clause_numbers_follow(text)


@pytest.mark.parametrize("document", ["contract.pdf", "contract.docx"])
def test_domestic_contracts_keep_the_domestic_wording(example_build: Path, document: str) -> None:
    supply = _read(example_build / "acme-2026-005" / document)
    services = _read(example_build / "kuznetsova-2026-002" / document)
    assert "универсальный передаточный документ (УПД) либо товарную накладную по форме ТОРГ-12" in (
        supply
    )
    assert "арбитражный суд по месту нахождения Поставщика" in supply
    assert "перечисления денежных средств на расчётный счёт Поставщика" in supply
    assert "арбитражный суд по месту нахождения Исполнителя" in services
    assert "на расчётный счёт Исполнителя" in services
    for text in (supply, services):
        assert "Договор регулируется законодательством Российской Федерации." in text
        for phrase in ("МКАС", "Конвенция", "инвойс", "Инкотермс", "таможенное оформление"):
            assert phrase not in text


def test_clause_context_tells_export_from_domestic() -> None:
    workspace = load_strict(example_workspace())
    for offer_id, export, country, incoterm in (
        ("nordic-2026-003", True, "Sweden", "FCA"),
        ("acme-2026-005", False, None, None),
    ):
        context = clause_context(resolve(workspace, workspace.templates, offer_id))
        assert context["export"] is export
        assert context["buyer"]["country"] == country
        assert context["terms"]["incoterm"] == incoterm


def _clause(text: str, number: str) -> str:
    match = re.search(rf"(?:^| ){re.escape(number)}\. (.*?)(?= \d+\.\d+\. |$)", text)
    assert match, number
    return match.group(1)


def test_negotiation_states_in_the_contract(example_build: Path) -> None:
    text = _read(example_build / "acme-2026-005" / "contract.docx")
    # agreed: the agreed wording; open and rejected: the library's
    assert _clause(text, "3.5").startswith(
        "Покупатель оплачивает 100 % (сто процентов) стоимости Товара в течение 10 (десяти)"
    )
    assert _clause(text, "4.5").startswith(
        "Покупатель принимает Товар по количеству и качеству в течение 5 рабочих дней"
    )
    assert "0,1 % от стоимости не поставленного" in _clause(text, "6.3")
    assert "0,2 %" not in text and "0,15 %" not in text  # the client's, our counter-proposal


@pytest.mark.parametrize("document", ["disagreements.pdf", "disagreements.docx"])
def test_protocol_of_disagreements(example_build: Path, document: str) -> None:
    text = _read(example_build / "acme-2026-005" / document)
    assert text.startswith(
        "Протокол согласования разногласий к договору поставки № 2026/015 от «03» декабря 2026 г."
    )
    assert (
        "№ пункта договора Редакция Поставщика Редакция Покупателя Согласованная редакция"
    ) in text
    assert "Остальные условия договора остаются без изменений." in text
    library = {
        "3.5.": "Покупатель оплачивает Товар на условиях полной (100 %) предварительной оплаты "
        "в течение 5 банковских дней с даты получения счёта Поставщика.",
        "6.3.": "За нарушение срока поставки Товара, установленного п. 4.1 Договора, Покупатель "
        "вправе потребовать от Поставщика уплаты неустойки (пени) в размере 0,1 % от стоимости "
        "не поставленного в срок Товара за каждый день просрочки, но не более 10 % от "
        "стоимости такого Товара.",
    }
    theirs = {
        "3.5.": "Покупатель оплачивает 100 % (сто процентов) стоимости Товара в течение 10 "
        "(десяти) банковских дней с даты получения счёта Поставщика.",
        "6.3.": "За нарушение срока поставки Поставщик уплачивает Покупателю неустойку в размере "
        "0,2 % от стоимости непоставленного в срок Товара за каждый день просрочки, но не более "
        "15 % от его стоимости.",
    }
    ours = (
        "За нарушение срока поставки Товара, установленного п. 4.1 Договора, Поставщик "
        "уплачивает Покупателю неустойку в размере 0,15 % от стоимости непоставленного в срок "
        "Товара за каждый день просрочки, но не более 10 % от его стоимости."
    )
    # agreed in the client's wording; open with our counter-proposal for the client to sign
    for number, agreed in (("3.5.", theirs["3.5."]), ("6.3.", ours)):
        assert f"{number} {library[number]} {theirs[number]} {agreed}" in text
    if document.endswith(".docx"):
        rows = [
            line.split("\t")
            for line in docx_text(example_build / "acme-2026-005" / document).splitlines()
        ]
        table = {row[0]: row[1:] for row in rows if len(row) == 4 and row[0][:1].isdigit()}
        assert sorted(table) == ["3.5.", "4.5.", "5.1.", "6.3."]
        seller, buyer, agreed = table["4.5."]  # rejected: the library's wording stands
        assert agreed == seller and buyer.startswith(
            "Покупатель принимает Товар по количеству и качеству в течение 15"
        )
        assert seller.startswith("Покупатель принимает Товар по количеству и качеству в течение 5")
        # agreed as terms: the library's wording with the terms as sent, then as agreed
        seller, buyer, agreed = table["5.1."]
        assert "в течение 24 месяцев с даты поставки" in seller
        assert buyer.startswith("Гарантийный срок на Товар составляет 36 (тридцать шесть)")
        assert agreed == seller.replace("24 месяцев", "30 месяцев")


def test_specification_totals_equal_the_proposals(example_build: Path) -> None:
    for offer in ("acme-2026-005", "kuznetsova-2026-002", "nordic-2026-003"):
        proposal = docx_text(example_build / offer / "proposal.docx").splitlines()
        contract = docx_text(example_build / offer / "contract.docx").splitlines()
        table = [
            line
            for line in proposal
            if line.count("\t") in (1, 6) and re.search(r"\d,\d\d|\d\.\d\d", line)
        ]
        money_rows = [row for row in table if "\t" in row]
        assert money_rows and all(row in contract for row in money_rows), offer
        words = next(
            line for line in proposal if line.startswith(("Всего к оплате:", "Total payable:"))
        )
        assert words in contract


# --- bad input ----------------------------------------------------------------------------

Write = Callable[[str, str], Path]
OFFER = (
    "number: КП-1\nclient: acme\ndate: 2026-11-28\nitems:\n  - sku: pump\n    qty: 2\n"
    'contract:\n  type: supply\n  number: "1"\n  city: Москва\n'
)
SIGNATORY = "signatory: {name: Смирнов Алексей Викторович, position: Директор, basis: Устава}\n"


def _problems(workspace: Path) -> list[str]:
    result = run("-C", workspace, "check")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.stderr.splitlines()[:-1]


def _with_signatory(scratch: Path, write: Write) -> None:
    client = (scratch / "clients" / "acme.yaml").read_text(encoding="utf-8")
    write("clients/acme.yaml", client + SIGNATORY)


def test_a_contract_needs_the_clients_signatory(scratch: Path, write: Write) -> None:
    write("offers/a-1.yaml", OFFER)
    assert _problems(scratch) == [
        "offers/a-1.yaml:8:3: contract: clients/acme.yaml has no signatory, whom a contract names",
    ]


def test_unknown_contract_type_and_clause(scratch: Path, write: Write) -> None:
    _with_signatory(scratch, write)
    write("offers/a-1.yaml", OFFER.replace("type: supply", "type: lease"))
    assert _problems(scratch) == [
        "offers/a-1.yaml:8:9: contract.type: must be one of 'supply' or 'services', got 'lease'",
    ]
    write(
        "offers/a-1.yaml",
        OFFER + "  negotiation:\n    payment.deferal:\n      rounds: [{by: client, text: x}]\n"
        "    payment.price: {state: agreed, agreed: client}\n",
    )
    assert _problems(scratch) == [
        "offers/a-1.yaml:14:20: contract.negotiation.payment.price.rounds: required field is "
        "missing",
    ]
    write(
        "offers/a-1.yaml",
        OFFER + "  negotiation:\n    payment.deferal:\n      rounds: [{by: client, text: x}]\n",
    )
    problems = _problems(scratch)
    assert len(problems) == 1
    assert problems[0].startswith(
        "offers/a-1.yaml:12:5: contract.negotiation.payment.deferal: "
        "unknown clause 'payment.deferal' (not in "
        "templates/clauses/supply.yaml)"
    )


def test_a_clause_that_fails_for_an_offer_is_located_in_the_library(
    scratch: Path, write: Write
) -> None:
    _with_signatory(scratch, write)
    write("offers/a-1.yaml", OFFER)
    library = (scratch / "templates" / "clauses" / "supply.yaml").read_text(encoding="utf-8")
    start = library.index("Поставщик обязуется передать в собственность Покупателя")
    broken = library[:start] + "{{ totals.grosss | money }} " + library[start:]
    write("templates/clauses/supply.yaml", broken)
    (problem,) = _problems(scratch)
    assert re.fullmatch(
        r"templates/clauses/supply\.yaml:\d+:\d+: sections\[\d+\]\.clauses"
        r"\[\d+\]\.text\.ru: cannot render: UndefinedError: 'dict object' has "
        r"no attribute 'grosss'",
        problem,
    ), problem
    assert not (scratch / "out").exists()
    result = run("-C", scratch, "build")
    assert result.exit_code == 1
    assert "cannot render: UndefinedError" in result.stderr
    assert not [p for p in (scratch / "out").rglob("*") if p.suffix in (".pdf", ".docx")]


def test_documents_need_what_they_print(scratch: Path, write: Write) -> None:
    write(
        "offers/a-1.yaml",
        OFFER.split("contract:")[0] + "documents: [proposal, contract, disagreements]\n",
    )
    assert _problems(scratch) == [
        "offers/a-1.yaml:7:23: documents[1]: a contract needs the offer to have a contract",
        "offers/a-1.yaml:7:33: documents[2]: a disagreements needs a negotiation record "
        "(contract.negotiation) to disagree about",
    ]


def test_the_example_workspace_has_contracts() -> None:
    workspace = load_strict(example_workspace())
    assert {o: workspace.document_names(o) for o in ("acme-2026-005", "kuznetsova-2026-002")} == {
        "acme-2026-005": ("proposal", "discount_scheme", "contract", "disagreements"),
        "kuznetsova-2026-002": ("proposal", "contract"),
    }


def test_a_broken_library_is_reported_once(tmp_path: Path) -> None:
    workspace = copy_workspace(ROOT, tmp_path / "ws")
    (workspace / "templates" / "clauses" / "supply.yaml").write_text("title: [\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        load_strict(workspace)
    errors = [str(p) for p in caught.value.problems if p.severity == "error"]
    assert errors == [
        "templates/clauses/supply.yaml:2:1: invalid YAML: expected the node content, but found "
        "'<stream end>' (while parsing a flow node)",
    ]


def test_an_approved_contract_needs_legals_approval(scratch: Path, write: Write) -> None:
    _with_signatory(scratch, write)
    write("offers/a-1.yaml", OFFER + "status: approved\n")
    assert _problems(scratch) == [
        "offers/a-1.yaml:11:9: status: approved offer with a contract needs legal's approval: "
        "add review: [{by: …, role: legal, date: …, verdict: approved}]",
    ]
    write(
        "offers/a-1.yaml",
        OFFER + "status: approved\nreview:\n  - {by: Белова, role: legal, "
        "date: 2026-11-28, verdict: approved}\n",
    )
    assert run("-C", scratch, "check").exit_code == 0


def test_a_later_request_for_changes_withdraws_an_approval(scratch: Path, write: Write) -> None:
    _with_signatory(scratch, write)
    reviews = (
        "review:\n"
        "  - {by: Белова, role: legal, date: 2026-11-28, verdict: approved}\n"
        "  - {by: Белова, role: legal, date: 2026-11-30, verdict: changes_requested}\n"
    )
    write("offers/a-1.yaml", OFFER + "status: sent\n" + reviews)
    assert _problems(scratch) == [
        "offers/a-1.yaml:14:58: review[1].verdict: legal's latest review (2026-11-30) requests "
        "changes, so the offer cannot be sent: make the changes and record a new approving "
        "review, or set the status back to review",
    ]
    approved_again = "  - {by: Белова, role: legal, date: 2026-12-01, verdict: approved}\n"
    write("offers/a-1.yaml", OFFER + "status: sent\n" + reviews + approved_again)
    assert run("-C", scratch, "check").exit_code == 0
    # The same day: the entry written later stands.
    same_day = reviews.replace("2026-11-30", "2026-11-28")
    write("offers/a-1.yaml", OFFER + "status: sent\n" + same_day)
    assert "requests changes" in _problems(scratch)[0]


def test_a_foreign_account_is_named_iban_not_settlement_account() -> None:
    from offergen.documents.parties import bank_line
    from offergen.models import Bank
    from offergen.render import Templates

    labels = Templates(ROOT / "templates").labels("ru")
    foreign = Bank(name="SEB", account="SE45 5000 0000 0583 9825 7466", swift="ESSESESS")
    domestic = Bank(name="ПАО Сбербанк", bik="044525225", account="40702810938000000001")
    assert bank_line(foreign, labels) == (
        "Банк: SEB, IBAN SE45 5000 0000 0583 9825 7466, SWIFT ESSESESS"
    )
    assert "р/с 40702810938000000001" in bank_line(domestic, labels)


def test_a_russian_contract_asks_for_a_foreign_signatory_in_russian(tmp_path: Path) -> None:
    workspace = copy_workspace(ROOT, tmp_path / "ws")
    client = workspace / "clients" / "nordic-pumps.yaml"
    client.write_text(client.read_text("utf-8").replace("locale: en", "locale: ru"), "utf-8")
    result = run("-C", workspace, "check")
    assert result.exit_code == 0
    assert (
        "offers/nordic-2026-003.yaml:32:3: warning: contract: the contract is in Russian, but "
        "clients/nordic-pumps.yaml gives signatory.name, signatory.position, signatory.basis "
        "in Latin letters only"
    ) in result.stderr
    client.write_text(
        client.read_text("utf-8").replace(
            "signatory: {name: Erik Lindqvist, position: Managing Director, "
            "basis: Articles of Association}",
            "signatory: {name: Линдквист Эрик, position: Управляющий директор, basis: Устава, "
            "name_en: Erik Lindqvist, position_en: Managing Director, "
            "basis_en: Articles of Association}",
        ),
        "utf-8",
    )
    result = run("-C", workspace, "check")
    assert "Latin letters" not in result.stderr
    assert run("-C", workspace, "build", "nordic-2026-003", "--format", "docx").exit_code == 0
    text = docx_text(workspace / "out" / "nordic-2026-003" / "contract.docx")
    assert "в лице Управляющего директора Линдквиста Эрика" in text

"""Negotiation records: each side's wording in the protocol of disagreements, the agreed
wording in the contract, the older `overrides:`, and `offergen clauses`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from offergen.models import Negotiation, Override
from offergen.negotiation import ProtocolRow, answered, contract_wording, protocol_row

from .conftest import docx_text, pdf_text, run

NBSP = "\u00a0"
LIBRARY = """\
title: {ru: Договор поставки, en: Supply Agreement}
roles: {seller: {ru: Поставщик, en: Supplier}, buyer: {ru: Покупатель, en: Buyer}}
sections:
  - id: subject
    title: {ru: Предмет договора, en: Subject}
    clauses:
      - id: subject.goods
        text:
          ru: Поставщик передаёт в собственность Покупателя Товар, указанный в Спецификации.
          en: The Supplier transfers to the Buyer the Goods listed in the Specification.
  - id: payment
    title: {ru: Порядок расчётов, en: Payment}
    clauses:
      - id: payment.prepayment
        when: terms.prepayment_percent > 0
        text: {ru: Предоплата., en: Advance payment.}
      - id: payment.balance
        text:
          ru: >-
            Покупатель оплачивает Товар в течение {{ terms.payment_days | number }}
            календарных дней с даты поставки.
          en: >-
            The Buyer pays for the Goods within {{ terms.payment_days | number }} calendar
            days of delivery.
  - id: delivery
    title: {ru: Поставка, en: Delivery}
    clauses:
      - id: delivery.term
        text:
          ru: Поставка производится после оплаты по п. {{ ref("payment.balance") }}.
          en: Delivery follows the payment under clause {{ ref("payment.balance") }}.
"""
OFFER = """\
number: КП-1
client: acme
date: 2026-11-28
items:
  - sku: pump
    qty: 2
terms: {payment_days: 10}
contract:
  type: supply
  number: "7"
  city: Москва
"""
SIGNATORY = "signatory: {name: Смирнов Алексей Викторович, position: Директор, basis: Устава}\n"

OURS_DRAFT = "Покупатель оплачивает Товар в течение 10 календарных дней с даты поставки."
CLIENT = "Покупатель оплачивает Товар в течение 30 банковских дней с даты подписания УПД."
COUNTER = "Покупатель оплачивает Товар в течение 20 банковских дней с даты подписания УПД."
THIRD = "Покупатель оплачивает Товар в течение 25 банковских дней с даты подписания УПД."

PROPOSAL = f"""\
  negotiation:
    payment.balance:
      rounds:
        - {{by: client, date: 2026-11-20, text: {CLIENT}}}
"""
COUNTER_PROPOSAL = PROPOSAL + f"        - {{by: seller, date: 2026-11-22, text: {COUNTER}}}\n"
AGREEMENT = (
    COUNTER_PROPOSAL + "      state: agreed\n      agreed: {date: 2026-11-25, wording: seller}\n"
)
THIRD_WORDING = (
    COUNTER_PROPOSAL + f"      state: agreed\n      agreed: {{date: 2026-11-26, text: {THIRD}}}\n"
)

PROTOCOL = "Протокол разногласий"
SETTLEMENT = "Протокол согласования разногласий"
HEADER = ["№ пункта договора", "Редакция Поставщика", "Редакция Покупателя"]
AGREED = "Согласованная редакция"


@pytest.fixture
def workspace(scratch: Path) -> Path:
    """The minimal workspace with a small clause library and a client who signs."""
    client = scratch / "clients" / "acme.yaml"
    client.write_text(client.read_text(encoding="utf-8") + SIGNATORY, encoding="utf-8")
    clauses = scratch / "templates" / "clauses" / "supply.yaml"
    clauses.write_text(LIBRARY, encoding="utf-8")
    return scratch


def _offer(workspace: Path, negotiation: str) -> None:
    (workspace / "offers" / "a-1.yaml").write_text(OFFER + negotiation, encoding="utf-8")


def _build(workspace: Path) -> Path:
    result = run("-C", workspace, "build")
    assert result.exit_code == 0, result.output
    assert run("-C", workspace, "verify").exit_code == 0  # the PDF and the DOCX say the same
    return workspace / "out" / "a-1"


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace(NBSP, " ")).strip()


def _docx_protocol(out: Path) -> tuple[str, list[list[str]]]:
    """The protocol's title and its table (the header, then each row), from the DOCX."""
    lines = docx_text(out / "disagreements.docx").splitlines()
    table = [line for line in lines if line.startswith(("№ пункта", "Clause", "2.1."))]
    rows = [line.split("\t") for line in table]
    return lines[0], rows


def _clause(out: Path, number: str) -> str:
    """A clause's text in the contract's DOCX, after checking its PDF says the same."""
    lines = docx_text(out / "contract.docx").splitlines()
    (text,) = [line.removeprefix(f"{number}. ") for line in lines if line.startswith(number)]
    assert f" {number}. {_flat(text)} " in _flat(pdf_text(out / "contract.pdf"))
    return text


def _assert_protocol(
    out: Path, title: str, header: list[str], row: list[str], rest: str = "Остальные условия"
) -> None:
    """The protocol says `title`, then a table of `header` and one `row`, in the DOCX
    cell by cell and in the PDF word for word, column after column."""
    docx_title, table = _docx_protocol(out)
    assert docx_title == title
    assert table == [header, row]
    pdf = _flat(pdf_text(out / "disagreements.pdf"))
    assert pdf.startswith(title)
    assert f"{' '.join(header)} {' '.join(row)} {rest}" in pdf  # and no other column
    if AGREED not in header:
        assert AGREED not in pdf and AGREED not in docx_text(out / "disagreements.docx")


# --- the rounds, on real documents -----------------------------------------------------------


def test_the_clients_proposal_is_their_protocol_of_disagreements(workspace: Path) -> None:
    _offer(workspace, PROPOSAL)
    out = _build(workspace)
    _assert_protocol(out, PROTOCOL, HEADER, ["2.1.", OURS_DRAFT, CLIENT])
    assert _clause(out, "2.1") == OURS_DRAFT  # open: the library's


def test_our_counter_proposal_is_the_settlement_protocol(workspace: Path) -> None:
    _offer(workspace, COUNTER_PROPOSAL)
    out = _build(workspace)
    _assert_protocol(out, SETTLEMENT, [*HEADER, AGREED], ["2.1.", OURS_DRAFT, CLIENT, COUNTER])
    assert _clause(out, "2.1") == OURS_DRAFT  # still open


def test_the_agreement_reaches_the_contract_and_the_buyer_keeps_their_words(
    workspace: Path,
) -> None:
    _offer(workspace, AGREEMENT)
    out = _build(workspace)
    # The protocol we sent is the one both sign: the same words, now agreed.
    _assert_protocol(out, SETTLEMENT, [*HEADER, AGREED], ["2.1.", OURS_DRAFT, CLIENT, COUNTER])
    assert _clause(out, "2.1") == COUNTER
    assert _clause(out, "3.1") == "Поставка производится после оплаты по п. 2.1."


def test_a_third_wording_agreed(workspace: Path) -> None:
    _offer(workspace, THIRD_WORDING)
    out = _build(workspace)
    _assert_protocol(out, SETTLEMENT, [*HEADER, AGREED], ["2.1.", OURS_DRAFT, CLIENT, THIRD])
    assert _clause(out, "2.1") == THIRD


@pytest.mark.parametrize("state", ["rejected", "withdrawn"])
def test_a_settled_point_keeps_the_draft(workspace: Path, state: str) -> None:
    _offer(workspace, PROPOSAL + f"      state: {state}\n")
    out = _build(workspace)
    row = ["2.1.", OURS_DRAFT, CLIENT, OURS_DRAFT]
    _assert_protocol(out, SETTLEMENT, [*HEADER, AGREED], row)
    assert _clause(out, "2.1") == OURS_DRAFT


def test_a_pinned_draft_is_the_suppliers_wording(workspace: Path) -> None:
    sent = "Покупатель оплачивает Товар в течение 14 календарных дней с даты поставки."
    _offer(workspace, PROPOSAL.replace("      rounds:", f"      draft: {sent}\n      rounds:"))
    out = _build(workspace)
    _assert_protocol(out, PROTOCOL, HEADER, ["2.1.", sent, CLIENT])
    assert _clause(out, "2.1") == sent


def test_an_english_protocol_prints_each_sides_words(workspace: Path) -> None:
    english = OFFER.replace("date: 2026-11-28\n", "date: 2026-11-28\nlocale: en\n")
    theirs = "The Buyer pays for the Goods within 45 days of the invoice."
    (workspace / "offers" / "a-1.yaml").write_text(
        english
        + "  negotiation:\n    payment.balance:\n      rounds:\n"
        + f"        - {{by: client, date: 2026-11-20, text: {theirs}}}\n",
        encoding="utf-8",
    )
    out = _build(workspace)
    library = "The Buyer pays for the Goods within 10 calendar days of delivery."
    _assert_protocol(
        out,
        "Protocol of disagreements",
        ["Clause", "Supplier's wording", "Buyer's wording"],
        ["2.1.", library, theirs],
        rest="All other terms",
    )


# --- the older `overrides:` ----------------------------------------------------------------


def test_older_overrides_are_read_as_records_with_one_warning(workspace: Path) -> None:
    older = (
        "  overrides:\n    payment.balance:\n"
        f"      text: {CLIENT}\n      proposed_by: client\n      status: agreed\n"
    )
    _offer(workspace, older)
    result = run("-C", workspace, "check")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [
        "offers/a-1.yaml:12:3: warning: contract.overrides: the older form, still read: rename "
        "it negotiation and write each override's `text: T, proposed_by: P` as `rounds: [{by: "
        "P, date: YYYY-MM-DD, text: T}]` and its status as a state, here payment.balance: "
        "state: agreed, agreed: client"
    ]
    out = _build(workspace)
    _assert_protocol(out, SETTLEMENT, [*HEADER, AGREED], ["2.1.", OURS_DRAFT, CLIENT, CLIENT])
    assert _clause(out, "2.1") == CLIENT
    # the rewrite the warning asks for gives the same documents
    rewritten = PROPOSAL + "      state: agreed\n      agreed: client\n"
    _offer(workspace, rewritten)
    assert run("-C", workspace, "check").stderr == ""
    again = _build(workspace)
    assert docx_text(again / "disagreements.docx") == docx_text(out / "disagreements.docx")


@pytest.mark.parametrize(
    ("status", "proposed_by", "state", "row"),
    [
        ("proposed", "client", "open", ProtocolRow(OURS_DRAFT, CLIENT, "")),
        ("rejected", "client", "rejected", ProtocolRow(OURS_DRAFT, CLIENT, OURS_DRAFT)),
        ("proposed", "seller", "open", ProtocolRow(OURS_DRAFT, OURS_DRAFT, CLIENT)),
    ],
)
def test_each_older_status_becomes_a_state(
    status: str, proposed_by: str, state: str, row: ProtocolRow
) -> None:
    older = Override.model_validate({"text": CLIENT, "proposed_by": proposed_by, "status": status})
    point = older.as_negotiation()
    assert (point.state, [r.by for r in point.rounds], point.agreed) == (state, [proposed_by], None)
    assert protocol_row(point, OURS_DRAFT, "ru") == row
    assert contract_wording(point, OURS_DRAFT, "ru") == OURS_DRAFT
    # the client's protocol until we answer: a round of ours or a decision
    assert answered([point]) is (proposed_by == "seller" or status != "proposed")


# --- the rules of the record, as pure functions ------------------------------------------------


def _point(**record: object) -> Negotiation:
    rounds = [{"by": "client", "text": CLIENT}, {"by": "seller", "text": COUNTER}]
    return Negotiation.model_validate({"rounds": rounds, **record})


@pytest.mark.parametrize(
    ("record", "contract", "agreed_column"),
    [
        ({}, OURS_DRAFT, COUNTER),  # our counter-proposal waits for the client
        ({"state": "agreed", "agreed": "seller"}, COUNTER, COUNTER),
        ({"state": "agreed", "agreed": {"wording": "client"}}, CLIENT, CLIENT),
        ({"state": "agreed", "agreed": {"text": {"ru": THIRD, "en": "x"}}}, THIRD, THIRD),
        ({"state": "rejected"}, OURS_DRAFT, OURS_DRAFT),
        ({"state": "withdrawn"}, OURS_DRAFT, OURS_DRAFT),
    ],
)
def test_the_contract_and_the_agreed_column_by_state(
    record: dict[str, object], contract: str, agreed_column: str
) -> None:
    point = _point(**record)
    assert contract_wording(point, OURS_DRAFT, "ru") == contract
    assert protocol_row(point, OURS_DRAFT, "ru") == ProtocolRow(OURS_DRAFT, CLIENT, agreed_column)


def test_the_buyers_latest_round_is_their_wording() -> None:
    again = "Покупатель оплачивает Товар в течение 25 банковских дней."
    point = Negotiation.model_validate(
        {
            "rounds": [
                {"by": "client", "text": CLIENT},
                {"by": "seller", "text": COUNTER},
                {"by": "client", "text": again},
            ]
        }
    )
    row = protocol_row(point, OURS_DRAFT, "ru")
    assert (row.buyer, row.agreed) == (again, "")  # their answer waits for ours


# --- offergen clauses --------------------------------------------------------------------------


CLAUSES_TEXT = [
    "clause  id               section           text" + " " * 44 + "negotiation",
    "------  ---------------  ----------------  ----------------------------------------------"
    + "  --------------------------",
    "1.1     subject.goods    Предмет договора  Поставщик передаёт в собственность Покупателя…",
    "2.1     payment.balance  Порядок расчётов  Покупатель оплачивает Товар в течение 10…"
    + "       open: our counter-proposal",
    "3.1     delivery.term    Поставка          Поставка производится после оплаты по п. 2.1.",
]


def test_clauses_lists_the_contract_as_this_offer_gets_it(workspace: Path) -> None:
    _offer(workspace, COUNTER_PROPOSAL)
    result = run("-C", workspace, "clauses", "a-1")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == CLAUSES_TEXT


def test_clauses_as_json(workspace: Path) -> None:
    _offer(workspace, AGREEMENT)
    result = run("-C", workspace, "clauses", "a-1", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "offer": "a-1",
        "contract": "7",
        "clauses": [
            {
                "number": "1.1",
                "id": "subject.goods",
                "section": "Предмет договора",
                "text": "Поставщик передаёт в собственность Покупателя Товар, указанный в "
                "Спецификации.",
                "state": None,
                "rounds": 0,
                "last_round_by": None,
            },
            {
                "number": "2.1",
                "id": "payment.balance",
                "section": "Порядок расчётов",
                "text": COUNTER,
                "state": "agreed",
                "rounds": 2,
                "last_round_by": "seller",
            },
            {
                "number": "3.1",
                "id": "delivery.term",
                "section": "Поставка",
                "text": "Поставка производится после оплаты по п. 2.1.",
                "state": None,
                "rounds": 0,
                "last_round_by": None,
            },
        ],
    }


def test_clauses_lists_a_negotiated_clause_the_contract_leaves_out(workspace: Path) -> None:
    dropped = "  negotiation:\n    payment.prepayment:\n      rounds: [{by: client, text: Нет.}]\n"
    _offer(workspace, dropped)
    result = run("-C", workspace, "clauses", "a-1")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].split() == [
        "-",
        "payment.prepayment",
        "(left",
        "out",
        "of",
        "this",
        "contract)",
        "open:",
        "client's",
        "proposal",
    ]


@pytest.mark.parametrize(
    ("offer", "message"),
    [
        ("a-2", "error: no offer 'a-2' in offers/; did you mean 'a-1'?\n"),
        ("a-1", "error: a-1 has no contract (contract: in its offer file)\n"),
    ],
)
def test_clauses_of_an_offer_without_a_contract(scratch: Path, offer: str, message: str) -> None:
    result = run("-C", scratch, "clauses", offer)
    assert result.exit_code == 1
    assert result.stderr == message

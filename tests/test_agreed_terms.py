"""Agreed terms on real output: a point of the contract agreed as terms (payment days and
their basis, prepayment, delivery) reaches the proposal, the contract and the
specification alike; the policy judges the agreed values; review and diff say so.

Each test works on a copy of the example workspace, never on the checkout's files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from offergen.models import Terms
from offergen.rules import calendar_days

from .conftest import ROOT, Repo, built_texts, copy_workspace, docx_text, run

OFFER = "acme-2026-001"  # 50 % prepayment, the balance 10 calendar days after delivery
CONTRACT = 'contract:\n  type: supply\n  number: "2026/030"\n  city: Москва\n'
BALANCE = """\
  negotiation:
    payment.balance:
      rounds:
        - {by: client, date: 2026-12-01, text: Остаток — в течение 30 банковских дней.}
        - {by: seller, date: 2026-12-02, text: Остаток — в течение 20 банковских дней.}
"""
AGREED = "      state: agreed\n      agreed: {date: 2026-12-03, terms: {%s}}\n"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    return copy_workspace(ROOT, tmp_path / "example")


def _offer(example: Path, extra: str, offer_id: str = OFFER) -> Path:
    path = example / "offers" / f"{offer_id}.yaml"
    path.write_text(path.read_text("utf-8") + extra, "utf-8")
    return path


def _texts(example: Path, document: str, offer_id: str = OFFER) -> list[str]:
    return built_texts(example, offer_id, document)


def _findings(example: Path, offer_id: str = OFFER) -> list[str]:
    result = run("-C", example, "review", "--json", offer_id)
    return [f"{f['field']}: {f['severity']}: {f['message']}" for f in json.loads(result.stdout)]


# --- every document prints the agreed terms -------------------------------------------------


def test_agreed_payment_days_in_banking_days_reach_every_document(example: Path) -> None:
    _offer(example, CONTRACT + BALANCE + AGREED % "payment_days: 20, payment_days_basis: banking")
    for text in _texts(example, "proposal"):
        assert "остаток — в течение 20 банковских дней с даты поставки" in text
        assert "10 календарных дней" not in text
    for text in _texts(example, "contract"):
        assert (
            "Оставшуюся часть стоимости Товара Покупатель оплачивает в течение 20 банковских "
            "дней с даты поставки Товара" in text
        )


def test_an_open_point_leaves_the_terms_as_sent(example: Path) -> None:
    _offer(example, CONTRACT + BALANCE)
    for text in _texts(example, "proposal"):
        assert "остаток — в течение 10 календарных дней с даты поставки" in text
    for text in _texts(example, "contract"):
        assert "оплачивает в течение 10 календарных дней с даты поставки Товара" in text


def test_the_protocol_keeps_the_terms_as_sent_in_the_suppliers_column(example: Path) -> None:
    _offer(example, CONTRACT + BALANCE + AGREED % "payment_days: 20, payment_days_basis: banking")
    run("-C", example, "build", OFFER)
    rows = docx_text(example / "out" / OFFER / "disagreements.docx").splitlines()
    _, seller, buyer, agreed = next(r.split("\t") for r in rows if "30 банковских" in r)
    assert "в течение 10 календарных дней с даты поставки" in seller
    assert buyer == "Остаток — в течение 30 банковских дней."
    assert agreed == seller.replace("10 календарных дней", "20 банковских дней")


def test_agreed_prepayment_reprices_the_specification_of_both_documents(example: Path) -> None:
    """The prepayment discount (discounts.yaml: prepay, 2 % at 100 %) follows the agreed
    prepayment, so the proposal's and the contract's specifications say the same."""
    path = example / "offers" / f"{OFFER}.yaml"
    path.write_text(
        path.read_text("utf-8").replace("discount: 3\n", "schemes: [prepay]\n"), "utf-8"
    )
    point = """\
  negotiation:
    payment.prepayment:
      rounds: [{by: client, date: 2026-12-01, text: Оплата — 100 % предоплата.}]
"""
    _offer(example, CONTRACT + point + AGREED % "prepayment_percent: 100")
    _, proposal_docx = _texts(example, "proposal")
    contract_pdf, contract_docx = _texts(example, "contract")
    assert "Скидка за предоплату" in proposal_docx
    assert "Оплата 100 % предоплата" in proposal_docx
    total = proposal_docx[proposal_docx.index("Всего к оплате:") :].split(".")[0]
    assert total in contract_docx and total in contract_pdf.replace(" ,", ",")
    assert "на условиях полной (100 %) предварительной оплаты" in contract_docx


# --- the model ------------------------------------------------------------------------------


def test_a_later_agreement_wins_and_unwritten_terms_stay(example: Path) -> None:
    later = """\
    payment.balance_default:
      rounds: [{by: client, date: 2026-12-05, text: Иначе.}]
      state: agreed
      agreed: {date: 2026-12-05, terms: {payment_days: 15}}
"""
    _offer(example, CONTRACT + BALANCE + AGREED % "payment_days: 20, payment_days_basis: banking")
    _offer(example, later)
    for text in _texts(example, "proposal"):
        assert "в течение 15 банковских дней" in text
        assert "21 календарный день" in text  # delivery_days as written


@pytest.mark.parametrize(
    ("days", "basis", "calendar"),
    [(30, "calendar", 30), (30, "banking", 42), (21, "banking", 30), (22, "banking", 31)],
)
def test_banking_days_count_as_seven_fifths_of_calendar_days(
    days: int, basis: str, calendar: int
) -> None:
    terms = Terms.model_validate({"payment_days": days, "payment_days_basis": basis})
    assert calendar_days(terms) == calendar


def test_agreed_terms_need_a_term_or_a_wording(example: Path) -> None:
    _offer(example, CONTRACT + BALANCE + AGREED % "")
    result = run("-C", example, "check")
    assert result.exit_code == 1
    assert (
        "contract.negotiation.payment.balance.agreed: give the agreed terms (terms: "
        "{payment_days: …}), or the agreed wording as text: … or as wording: client or seller "
        "(that side's latest round)"
    ) in result.output


# --- the policy judges the agreed values ----------------------------------------------------


def _sent(example: Path) -> None:
    path = example / "offers" / f"{OFFER}.yaml"
    path.write_text(path.read_text("utf-8").replace("status: draft", "status: sent"), "utf-8")


def test_agreed_banking_days_beyond_the_policy_are_an_error_once_sent(example: Path) -> None:
    _sent(example)
    _offer(example, CONTRACT + BALANCE + AGREED % "payment_days: 30, payment_days_basis: banking")
    result = run("-C", example, "check")
    assert result.exit_code == 1
    assert (
        "offers/acme-2026-001.yaml:39:56: contract.negotiation.payment.balance.agreed.terms"
        ".payment_days: payment 30 banking days (about 42 calendar days) after delivery is beyond "
        "the 30 days of policy.max_deferral_days (offergen.yaml)"
    ) in result.output


def test_agreed_calendar_days_within_the_policy_pass(example: Path) -> None:
    _sent(example)
    _offer(example, CONTRACT + BALANCE + AGREED % "payment_days: 30")
    assert not [f for f in _findings(example) if "max_deferral_days" in f]


def test_an_approval_covers_the_agreed_deferral(example: Path) -> None:
    _sent(example)
    approval = (
        "approval: {by: Сидоров Олег Павлович, date: 2026-12-03, covers: [discount, deferral]}\n"
    )
    _offer(example, approval + CONTRACT + BALANCE)
    _offer(example, AGREED % "payment_days: 30, payment_days_basis: banking")
    deferral = [f for f in _findings(example) if "max_deferral_days" in f]
    assert len(deferral) == 1 and ": note: payment 30 banking days" in deferral[0]


# --- review: a fixed text over a clause that reads the terms --------------------------------


def test_free_agreed_text_over_a_terms_reading_clause_is_a_warning(example: Path) -> None:
    agreed = "      state: agreed\n      agreed: {date: 2026-12-03, wording: seller}\n"
    _offer(example, CONTRACT + BALANCE + agreed)
    assert (
        "contract.negotiation.payment.balance.rounds[1].text: warning: clause 3.6 "
        "(payment.balance) reads terms.banking_days, terms.payment_days, "
        "terms.prepayment_percent; agreed text cannot follow a change of terms: record the "
        "agreed terms instead (agreed: {date: …, terms: {…}}), and the contract, the proposal "
        "and the specification print them alike"
    ) in _findings(example)


def test_agreed_terms_are_a_note_in_review(example: Path) -> None:
    _offer(example, CONTRACT + BALANCE + AGREED % "payment_days: 20, payment_days_basis: banking")
    assert (
        "contract.negotiation.payment.balance: note: clause 3.6 (payment.balance) is agreed on "
        "2026-12-03 as terms (payment_days: 20, payment_days_basis: banking); the contract keeps "
        "the library's wording with them, and every document prints them"
    ) in _findings(example)


# --- diff shows the change in every document it touches -------------------------------------


def test_diff_shows_agreed_terms_in_the_proposal_and_the_contract(tmp_path: Path) -> None:
    root = copy_workspace(ROOT, tmp_path / "repo")
    (root / ".gitignore").write_text("out/\n", "utf-8")
    repo = Repo(root)
    _offer(root, CONTRACT + BALANCE)
    first = repo.commit("Договор, протокол клиента", "2026-12-02")
    _offer(root, AGREED % "payment_days: 20, payment_days_basis: banking")
    repo.commit("Согласовали 20 банковских дней", "2026-12-03")
    result = run("-C", root, "diff", OFFER, first)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "  terms in effect (agreed).payment_days: 10 → 20" in lines
    assert "  terms in effect (agreed).payment_days_basis: calendar → banking" in lines
    written = {path.name.split(".")[0] for path in (root / "out" / OFFER).glob("redline-*")}
    assert written == {"redline-proposal", "redline-contract", "redline-disagreements"}


# --- English, and the penalty rate ------------------------------------------------------------


def test_agreed_banking_days_in_english(example: Path) -> None:
    point = """\
    payment.balance:
      rounds: [{by: client, date: 2026-12-08, text: The balance within 30 banking days.}]
      state: agreed
      agreed: {date: 2026-12-09, terms: {payment_days: 20, payment_days_basis: banking}}
"""
    _offer(example, point, "nordic-2026-003")
    for text in _texts(example, "proposal", "nordic-2026-003"):
        assert "30% prepayment, the balance within 20 banking days of delivery" in text
    for text in _texts(example, "contract", "nordic-2026-003"):
        assert "the balance of the price of the Goods within 20 banking days of their delivery" in (
            text
        )


def test_an_agreed_penalty_rate_reaches_both_liability_clauses(example: Path) -> None:
    point = """\
  negotiation:
    liability.late_delivery:
      rounds: [{by: client, date: 2026-12-01, text: "Неустойка 0,2 % в день."}]
      state: agreed
      agreed: {date: 2026-12-02, terms: {penalty_percent: 0.15}}
"""
    _offer(example, CONTRACT + point)
    for text in _texts(example, "contract"):
        assert text.count("в размере 0,15 % от") == 2  # late payment and late delivery
        assert "0,1 %" not in text


def test_a_text_beside_agreed_terms_is_told_to_go(example: Path) -> None:
    both = "      state: agreed\n      agreed: {text: Иначе., terms: {payment_days: 20}}\n"
    _offer(example, CONTRACT + BALANCE + both)
    found = [f for f in _findings(example) if "agreed text cannot follow" in f]
    assert len(found) == 1
    assert found[0].endswith(
        "agreed text cannot follow a change of terms: drop the text and let the library word "
        "the agreed terms"
    )

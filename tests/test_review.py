"""`offergen review`: legal's checklist, each rule firing and not, every finding located."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from offergen.review import PLACEHOLDER

from .conftest import ROOT, copy_workspace, example_workspace, run

Write = Callable[[str, str], Path]

OFFER = "offers/a-1.yaml"
MINIMAL_OFFER = "number: КП-1\nclient: acme\ndate: 2026-11-28\nitems:\n  - sku: pump\n    qty: 2\n"
# 2 × 1 000,00 with VAT included: the minimal offer's total is 2 000,00 RUB.
SIGNATORY = "signatory: {name: Смирнов Алексей Викторович, position: Директор, basis: Устава}\n"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the example workspace to edit."""
    return copy_workspace(ROOT, tmp_path / "example")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _findings(workspace: Path, *offers: str) -> list[str]:
    """The finding lines of `offergen review` (headers and counts left out)."""
    result = run("-C", workspace, "review", "--today", TODAY, *offers)
    assert result.exit_code in (0, 1), result.output
    assert result.stderr == ""
    return [line for line in result.stdout.splitlines() if ".yaml:" in line]


TODAY = "2026-11-28"  # the findings of expiry depend on the day


def _warned(line: str, covers: str) -> str:
    """A policy finding on a draft: a warning that says how to approve the exception."""
    where, what = line.split(": ", 1)
    return (
        f"{where}: warning: {what}; approve the exception with approval: {{by: …, position: "
        f"…, date: …, covers: [{covers}]}} or a finance review that covers it"
    )


def _offer(write: Write, extra: str) -> None:
    write(OFFER, MINIMAL_OFFER + extra)


def _policy(scratch: Path, policy: str) -> None:
    _append(scratch / "offergen.yaml", f"policy: {policy}\n")


def _reliability(scratch: Path, reliability: str) -> None:
    _append(scratch / "clients" / "acme.yaml", f"reliability: {reliability}\n")


# --- the whole example ----------------------------------------------------------------------

EXAMPLE_REVIEW = """\
acme-2026-001  КП-2026-0001  ООО «Акме & Партнёры» "Северо-Запад"  draft
no findings

acme-2026-005  КП-2026-0005  ООО «Акме & Партнёры» "Северо-Запад"  approved
offers/acme-2026-005.yaml:37:5: warning: contract.negotiation.payment.prepayment: clause 3.5 \
(payment.prepayment) deviates from the library: agreed on 2026-12-03 in the client's wording; \
the contract prints it instead of the library's
offers/acme-2026-005.yaml:41:17: warning: \
contract.negotiation.payment.prepayment.rounds[0].text: clause 3.5 (payment.prepayment) reads \
terms.prepayment_percent; agreed text cannot follow a change of terms: record the agreed terms \
instead (agreed: {date: …, terms: {…}}), and the contract, the proposal and the specification \
print them alike
offers/acme-2026-005.yaml:46:5: warning: contract.negotiation.liability.late_delivery: clause \
6.3 (liability.late_delivery) is open: our counter-proposal of 2026-12-03 waits for the \
client's answer (round 2); the contract keeps the library's until it is agreed
offers/acme-2026-005.yaml:61:5: note: contract.negotiation.delivery.acceptance: clause 4.5 \
(delivery.acceptance) is settled: the client's wording of 2026-12-03 is rejected; the contract \
keeps the library's and the protocol of disagreements records both sides' wording
offers/acme-2026-005.yaml:69:5: note: contract.negotiation.warranty.term: clause 5.1 \
(warranty.term) is agreed on 2026-12-04 as terms (warranty_months: 30); the contract keeps the \
library's wording with them, and every document prints them

kuznetsova-2026-002  КП-2026-0002  ИП Кузнецова Мария Олеговна  review
clients/kuznetsova.yaml:12:23: warning: reliability.rating: the client is rated C (pays late \
or disputes): finance should agree to the terms

nordic-2026-003  CP-2026-0003  Nordic Pump Systems AB  draft
offers/nordic-2026-003.yaml:38:5: warning: contract.negotiation.force_majeure.notice: clause \
7.2 (force_majeure.notice) deviates from the library: agreed on 2026-12-09 in the client's \
wording; the contract prints it instead of the library's

tula-2026-004  КП-2026-0004  ООО «Тулаводсервис»  sent
offers/tula-2026-004.yaml:18:3: note: terms.prepayment_percent: 687262.78 RUB due after \
delivery (100 % of the total 687262.78 RUB) is above the credit limit of 650000 RUB in \
clients/tula-water.yaml (reliability.credit_limit); approved by Орлов Игорь Петрович, finance, \
on 2026-12-01
offers/tula-2026-004.yaml:18:3: note: terms.prepayment_percent: no prepayment (0 %) is below \
the 30 % of policy.min_prepayment_percent (offergen.yaml); approved by Орлов Игорь Петрович, \
finance, on 2026-12-01

tula-2026-006  КП-2026-0006  ООО «Тулаводсервис»  draft
offers/tula-2026-006.yaml:5:10: warning: schemes: the effective discount 16.84 % is above the \
15 % of policy.approval_above_percent (discounts.yaml) and nobody approved it: add approval: \
{by: …, position: …, date: …} or a review by the head of sales (role: sales_head, verdict: \
approved)

0 errors, 6 warnings, 4 notes in 6 offers
"""


def test_the_example_review_lists_every_offer_with_its_findings() -> None:
    result = run("-C", example_workspace(), "review", "--today", TODAY)
    assert result.stdout == EXAMPLE_REVIEW
    assert result.exit_code == 0  # the policy's exceptions in tula-2026-004 are approved


def test_the_minimal_workspace_has_nothing_to_review(scratch: Path) -> None:
    result = run("-C", scratch, "review")
    assert result.exit_code == 0
    assert result.stdout == (
        "a-1  КП-1  ООО «Акме»  draft\nno findings\n\n0 errors, 0 warnings, 0 notes in 1 offer\n"
    )


# --- clauses that deviate from the library ---------------------------------------------------


def test_negotiated_clauses_in_each_state_carry_the_contracts_clause_numbers() -> None:
    assert _findings(example_workspace(), "acme-2026-005") == [
        line for line in EXAMPLE_REVIEW.splitlines() if "acme-2026-005.yaml" in line
    ]
    assert [line.split(": ")[1] for line in _findings(example_workspace(), "acme-2026-005")] == [
        "warning",  # agreed
        "warning",  # agreed in a text that fixes a value of the terms
        "warning",  # open
        "note",  # rejected
        "note",  # agreed as terms
    ]


POINT = "    {clause}:\n      rounds:\n        - {{by: {by}, date: 2026-12-05, text: {text}}}\n"


@pytest.mark.parametrize(
    ("record", "finding"),
    [
        (
            "",
            "warning: contract.negotiation.warranty.repair: clause 5.2 (warranty.repair) is open: "
            "the client's wording of 2026-12-05 waits for our answer (round 1); the contract "
            "keeps the library's until it is agreed",
        ),
        (
            "      state: withdrawn\n",
            "note: contract.negotiation.warranty.repair: clause 5.2 (warranty.repair) is settled: "
            "the client's wording of 2026-12-05 is withdrawn; the contract keeps the library's "
            "and the protocol of disagreements records both sides' wording",
        ),
        (
            "      state: agreed\n      agreed: {text: Гарантия — 36 месяцев.}\n",
            "warning: contract.negotiation.warranty.repair: clause 5.2 (warranty.repair) deviates "
            "from the library: agreed in a wording of its own; the contract prints it instead "
            "of the library's",
        ),
    ],
)
def test_each_state_of_a_point(example: Path, record: str, finding: str) -> None:
    point = POINT.format(clause="warranty.repair", by="client", text="Гарантия — 36 месяцев.")
    _append(example / "offers" / "acme-2026-005.yaml", point + record)
    assert f"offers/acme-2026-005.yaml:81:5: {finding}" in _findings(example, "acme-2026-005")


def test_a_point_on_a_clause_the_contract_leaves_out(example: Path) -> None:
    # Paid in full in advance, the contract has no clause on paying the balance.
    point = POINT.format(clause="payment.balance", by="client", text="Остаток — в течение 60 дней.")
    _append(example / "offers" / "acme-2026-005.yaml", point)
    assert _findings(example, "acme-2026-005")[-1] == (
        "offers/acme-2026-005.yaml:81:5: warning: contract.negotiation.payment.balance: clause "
        "payment.balance is left out of this contract (its condition does not hold): the "
        "negotiation changes nothing and is not in the protocol of disagreements"
    )


def test_an_agreed_wording_without_the_contracts_language_is_an_error(example: Path) -> None:
    point = POINT.format(clause="warranty.term", by="seller", text="{ru: Гарантия — 36 месяцев.}")
    _append(example / "offers" / "nordic-2026-003.yaml", point + "      state: agreed\n")
    _append(example / "offers" / "nordic-2026-003.yaml", "      agreed: seller\n")
    result = run("-C", example, "review", "nordic-2026-003")
    assert result.exit_code == 1
    assert _findings(example, "nordic-2026-003")[-3:] == [
        "offers/nordic-2026-003.yaml:48:5: warning: contract.negotiation.warranty.term: clause "
        "5.1 (warranty.term) deviates from the library: agreed in the seller's wording; the "
        "contract prints it instead of the library's",
        "offers/nordic-2026-003.yaml:50:48: warning: contract.negotiation.warranty.term.rounds[0]"
        ".text: clause 5.1 (warranty.term) reads terms.warranty_months; agreed text cannot follow "
        "a change of terms: record the agreed terms instead (agreed: {date: …, terms: {…}}), and "
        "the contract, the proposal and the specification print them alike",
        "offers/nordic-2026-003.yaml:50:48: contract.negotiation.warranty.term.rounds[0].text: "
        "the agreed wording has no 'en' text: the en contract would print the 'ru' one",
    ]


def test_the_older_overrides_are_reviewed_where_they_are_written(example: Path) -> None:
    offer = example / "offers" / "nordic-2026-003.yaml"
    text = offer.read_text(encoding="utf-8")
    offer.write_text(
        text[: text.index("  negotiation:")]
        + "  overrides:\n    force_majeure.notice:\n      text: Ten days.\n      status: agreed\n",
        encoding="utf-8",
    )
    assert _findings(example, "nordic-2026-003") == [
        "offers/nordic-2026-003.yaml:37:3: warning: contract.overrides: the older form, still "
        "read: rename it negotiation and write each override's `text: T, proposed_by: P` as "
        "`rounds: [{by: P, date: YYYY-MM-DD, text: T}]` and its status as a state, here "
        "force_majeure.notice: state: agreed, agreed: client",
        "offers/nordic-2026-003.yaml:38:5: warning: contract.overrides.force_majeure.notice: "
        "clause 7.2 (force_majeure.notice) deviates from the library: agreed in the client's "
        "wording; the contract prints it instead of the library's",
    ]


# --- discount approval -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("added", "expected"),
    [
        (
            "approval: {by: Сидоров Олег Павлович, position: коммерческий директор, "
            "date: 2026-12-05}\n",
            "offers/tula-2026-006.yaml:20:11: note: approval: the effective discount 16.84 % is "
            "above the 15 % of policy.approval_above_percent (discounts.yaml); approved by "
            "Сидоров Олег Павлович, коммерческий директор, on 2026-12-05",
        ),
        (
            "review: [{by: Белов Игорь Ильич, role: sales_head, date: 2026-12-06, "
            "verdict: approved}]\n",
            "offers/tula-2026-006.yaml:20:10: note: review[0]: the effective discount 16.84 % is "
            "above the 15 % of policy.approval_above_percent (discounts.yaml); approved by "
            "Белов Игорь Ильич, head of sales, on 2026-12-06",
        ),
    ],
)
def test_an_approved_discount_is_a_note_naming_who_approved_it(
    example: Path, added: str, expected: str
) -> None:
    _append(example / "offers" / "tula-2026-006.yaml", added)
    result = run("-C", example, "review", "tula-2026-006")
    assert result.exit_code == 0
    assert _findings(example, "tula-2026-006") == [expected]


def test_a_head_of_sales_asking_for_changes_approves_nothing(example: Path) -> None:
    _append(
        example / "offers" / "tula-2026-006.yaml",
        "review: [{by: Белов Игорь Ильич, role: sales_head, date: 2026-12-06, "
        "verdict: changes_requested}]\n",
    )
    assert run("-C", example, "review", "tula-2026-006").exit_code == 0  # a draft
    assert _findings(example, "tula-2026-006")[0].startswith(
        "offers/tula-2026-006.yaml:5:10: warning: schemes: the effective discount 16.84 % is "
        "above the "
        "15 % of policy.approval_above_percent (discounts.yaml) and nobody approved it"
    )


# --- payment policy --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        (
            "  payment_days: 45\n",
            [
                _warned(
                    "offers/a-1.yaml:8:17: terms.payment_days: payment 45 days after delivery is "
                    "beyond the 30 days of policy.max_deferral_days (offergen.yaml)",
                    "deferral",
                )
            ],
        ),
        ("  payment_days: 30\n", []),
        ("  prepayment_percent: 100\n  payment_days: 45\n", []),  # nothing is deferred
    ],
)
def test_payment_later_than_the_policy_allows_is_an_error(
    scratch: Path, write: Write, terms: str, expected: list[str]
) -> None:
    _policy(scratch, "{max_deferral_days: 30}")
    _offer(write, "terms:\n" + terms)
    assert _findings(scratch) == expected


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "terms:\n  prepayment_percent: 20\n",
            [
                _warned(
                    "offers/a-1.yaml:8:23: terms.prepayment_percent: a prepayment of 20 % is below "
                    "the 30 % of policy.min_prepayment_percent (offergen.yaml)",
                    "prepayment",
                )
            ],
        ),
        (
            "",
            [
                _warned(
                    "offers/a-1.yaml:1:1: terms.prepayment_percent: no prepayment (0 %) is below "
                    "the 30 % of policy.min_prepayment_percent (offergen.yaml)",
                    "prepayment",
                )
            ],
        ),
        ("terms:\n  prepayment_percent: 30\n", []),
    ],
)
def test_prepayment_below_the_policy_is_an_error(
    scratch: Path, write: Write, extra: str, expected: list[str]
) -> None:
    _policy(scratch, "{min_prepayment_percent: 30}")
    _offer(write, extra)
    assert _findings(scratch) == expected
    assert run("-C", scratch, "review").exit_code == 0  # a draft: warnings only


def test_without_a_policy_any_payment_terms_pass(write: Write, scratch: Path) -> None:
    _offer(write, "terms:\n  payment_days: 365\n")
    assert _findings(scratch) == []


# --- the client's reliability ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("prepayment", "expected"),
    [
        (
            "10",
            [
                _warned(
                    "offers/a-1.yaml:8:23: terms.prepayment_percent: 1800.00 RUB due after "
                    "delivery (90 % of the total 2000.00 RUB) is above the credit limit of "
                    "1500 RUB in "
                    "clients/acme.yaml (reliability.credit_limit)",
                    "credit_limit",
                )
            ],
        ),
        ("25", []),  # 1 500,00 due: at the limit, not above it
        ("100", []),
    ],
)
def test_more_credit_than_the_clients_limit_is_an_error(
    scratch: Path, write: Write, prepayment: str, expected: list[str]
) -> None:
    _reliability(scratch, "{rating: A, credit_limit: 1500}")
    _offer(write, f"terms:\n  prepayment_percent: {prepayment}\n")
    assert _findings(scratch) == expected


def test_a_credit_limit_in_another_currency_cannot_be_compared(scratch: Path) -> None:
    _reliability(scratch, "{credit_limit: 1, currency: EUR}")
    assert _findings(scratch) == [
        "clients/acme.yaml:8:42: note: reliability.currency: the credit limit is in EUR and a-1 "
        "in RUB: the 2000.00 RUB due after delivery cannot be compared with it"
    ]
    assert run("-C", scratch, "review").exit_code == 0


@pytest.mark.parametrize(
    ("prepayment", "expected"),
    [
        (
            "terms:\n  prepayment_percent: 50\n",
            [
                _warned(
                    "offers/a-1.yaml:8:23: terms.prepayment_percent: a prepayment of 50 %, but "
                    "clients/acme.yaml requires full prepayment (reliability.prepayment_required)",
                    "prepayment_required",
                )
            ],
        ),
        (
            "",
            [
                _warned(
                    "offers/a-1.yaml:1:1: terms.prepayment_percent: no prepayment (0 %), but "
                    "clients/acme.yaml requires full prepayment (reliability.prepayment_required)",
                    "prepayment_required",
                )
            ],
        ),
        ("terms:\n  prepayment_percent: 100\n", []),
    ],
)
def test_a_client_on_prepayment_only_must_pay_everything_in_advance(
    scratch: Path, write: Write, prepayment: str, expected: list[str]
) -> None:
    _reliability(scratch, "{prepayment_required: true}")
    _offer(write, prepayment)
    assert _findings(scratch) == expected


@pytest.mark.parametrize(
    ("rating", "expected"),
    [
        (
            "C",
            [
                "clients/acme.yaml:8:23: warning: reliability.rating: the client is rated C "
                "(pays late or disputes): finance should agree to the terms"
            ],
        ),
        ("B", []),
    ],
)
def test_a_client_rated_c_is_a_warning(scratch: Path, rating: str, expected: list[str]) -> None:
    _reliability(scratch, f"{{rating: {rating}}}")
    assert _findings(scratch) == expected
    assert run("-C", scratch, "review").exit_code == 0


# --- requisites ------------------------------------------------------------------------------


def test_a_contract_needs_the_buyers_bank(example: Path) -> None:
    _replace(
        example / "clients" / "acme.yaml",
        'bank: {name: ПАО Сбербанк, bik: "044525225", account: "40702810938000012345", '
        'corr_account: "30101810400000000225"}\n',
        "",
    )
    bank = (
        "clients/acme.yaml:1:1: bank: a contract states the buyer's bank details: add bank: "
        "{name, bik, account, corr_account}"
    )
    assert bank in _findings(example, "acme-2026-005")
    assert _findings(example, "acme-2026-001") == []  # no contract, no bank needed


def test_a_company_signatory_needs_a_basis_and_an_entrepreneur_does_not(example: Path) -> None:
    _replace(example / "clients" / "acme.yaml", ", basis: Устава}", "}")
    _replace(example / "clients" / "kuznetsova.yaml", ", basis: ОГРНИП 321502400123450}", "}")
    basis = (
        "clients/acme.yaml:8:12: signatory.basis: the contract's preamble says on what "
        "authority the signatory acts: add basis (Устава, Доверенности № … от …)"
    )
    assert basis in _findings(example, "acme-2026-005")
    assert _findings(example, "kuznetsova-2026-002") == [
        "clients/kuznetsova.yaml:12:23: warning: reliability.rating: the client is rated C "
        "(pays late or disputes): finance should agree to the terms"
    ]


def test_the_seller_signatory_needs_a_basis_for_a_contract(example: Path) -> None:
    _replace(example / "offergen.yaml", "    basis: Устава\n", "")
    basis = (
        "offergen.yaml:21:5: seller.signatory.basis: the contract's preamble says on what "
        "authority the signatory acts: add basis (Устава, Доверенности № … от …)"
    )
    assert basis in _findings(example, "acme-2026-005")
    assert basis not in _findings(example, "acme-2026-001")


NORDIC = "clients/nordic-pumps.yaml"


def test_a_foreign_buyer_is_judged_by_its_own_requisites(example: Path) -> None:
    card = example / NORDIC
    _replace(card, "registration_number: 556677-8899\n", "")
    _replace(card, "vat_id: SE556677889901\n", "")
    _replace(card, ", swift: ESSESESS}", "}")
    assert _findings(example, "nordic-2026-003")[:3] == [
        f"{NORDIC}:1:1: warning: registration_number: a foreign buyer is identified by its "
        "registration number in the contract",
        f"{NORDIC}:1:1: note: vat_id: no VAT number: an export invoice usually states the "
        "buyer's (if its country has one)",
        f"{NORDIC}:6:7: warning: bank.swift: a payment from abroad needs the bank's SWIFT code",
    ]


def test_a_contract_needs_a_foreign_buyers_bank_too(example: Path) -> None:
    _replace(
        example / NORDIC,
        "bank: {name: Skandinaviska Enskilda Banken, account: SE45 5000 0000 0583 9825 7466, "
        "swift: ESSESESS}\n",
        "",
    )
    assert _findings(example, "nordic-2026-003")[0] == (
        f"{NORDIC}:1:1: warning: bank: a contract states the buyer's bank details: add bank: "
        "{name, account, swift}"
    )


def test_without_a_contract_a_missing_registration_number_is_a_warning(example: Path) -> None:
    offer = example / "offers" / "nordic-2026-003.yaml"
    text = offer.read_text(encoding="utf-8")
    offer.write_text(text[: text.index("contract:")], encoding="utf-8")
    _replace(example / NORDIC, "registration_number: 556677-8899\n", "")
    _replace(example / NORDIC, ", swift: ESSESESS}", "}")  # only the contract states it
    assert _findings(example, "nordic-2026-003") == [
        f"{NORDIC}:1:1: warning: registration_number: a foreign buyer is identified by its "
        "registration number in the invoice"
    ]


def test_a_foreign_buyers_account_in_a_russian_bank_is_checked(example: Path) -> None:
    _replace(
        example / NORDIC,
        "bank: {name: Skandinaviska Enskilda Banken, account: SE45 5000 0000 0583 9825 7466, "
        "swift: ESSESESS}",
        'bank: {name: ПАО Сбербанк, bik: "044525225", account: "40702810938000012346", '
        'corr_account: "30101810400000000225"}',
    )
    account = (
        f"{NORDIC}:8:55: bank.account: control key does not match БИК 044525225 (digit 9 "
        "should be 2)"
    )
    assert account in _findings(example, "nordic-2026-003")


# --- validity --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "valid_until: 2026-12-05\nterms: {delivery_days: 10}\n",
            [
                "offers/a-1.yaml:7:14: warning: valid_until: valid for 7 days (until "
                "2026-12-05), shorter than the 10 days of delivery (terms.delivery_days)"
            ],
        ),
        (
            "terms: {delivery_days: 45}\n",
            [
                "offers/a-1.yaml:3:7: warning: date: valid for 30 days (until 2026-12-28, the "
                "default validity_days), shorter than the 45 days of delivery "
                "(terms.delivery_days)"
            ],
        ),
        ("terms: {delivery_days: 30}\n", []),
        ("valid_until: 2026-11-28\n", []),  # no delivery time to compare with
    ],
)
def test_a_validity_shorter_than_the_delivery_is_a_warning(
    scratch: Path, write: Write, extra: str, expected: list[str]
) -> None:
    _offer(write, extra)
    assert _findings(scratch) == expected


# --- placeholders ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "marks"),
    [
        ("Договор № ___ от ___", ["___", "___"]),
        ("подпись ________", ["________"]),
        ("срок TODO", ["TODO"]),
        ("цена: todo, уточнить", ["todo"]),
        ("delivery TBD", ["TBD"]),
        ("FIXME: проверить", ["FIXME"]),
        ("счёт № XXX", ["XXX"]),
        ("счёт № ХХХ", ["ХХХ"]),  # Cyrillic Х
        ("до ХХ.ХХ.2026", ["ХХ.ХХ"]),
        ("сумма ??? руб.", ["???"]),
        ("по адресу […]", ["[…]"]),
        ("по адресу [...]", ["[...]"]),
        ("в лице <…>", ["<…>"]),
        ("snake_case и __init__", []),
        ("с конца XX века", []),
        ("TODOS, mastodon, Xxx", []),
        ("см. п. 3.5 […] выше", ["[…]"]),
        ("Инкотермс 2020 [FCA]", []),
        ("{{ ref('delivery.term') }} и [] в Jinja", []),
    ],
)
def test_placeholders_are_recognised(text: str, marks: list[str]) -> None:
    assert [match.group() for match in PLACEHOLDER.finditer(text)] == marks


def test_placeholders_are_found_where_they_stand(scratch: Path, write: Write) -> None:
    _offer(write, "intro: Поставка до ХХ.ХХ.2026, цена ___ руб.\n")
    _append(scratch / "clients" / "acme.yaml", "needs: [насосы, TODO уточнить сроки]\n")
    _replace(scratch / "offergen.yaml", "д. 1\n", "д. [...]\n")
    assert _findings(scratch) == [
        'clients/acme.yaml:8:17: needs[1]: placeholder "TODO" left in the text: "TODO уточнить '
        'сроки"',
        'offergen.yaml:6:12: seller.address: placeholder "[...]" left in the text: "121099, г. '
        'Москва, ул. Примерная, д. [...]"',
        'offers/a-1.yaml:7:8: intro: placeholder "ХХ.ХХ", "___" left in the text: "Поставка до '
        'ХХ.ХХ.2026, цена ___ руб."',
    ]
    assert run("-C", scratch, "review").exit_code == 1


def test_only_the_catalog_items_and_schemes_an_offer_uses_are_read(
    scratch: Path, write: Write
) -> None:
    _append(
        scratch / "catalog.yaml",
        "    description: {ru: Напор TBD м}\n"
        "  - sku: valve\n"
        "    name: {ru: Задвижка TODO, en: Valve TODO}\n"
        "    unit: {ru: шт., en: pcs}\n"
        "    price: 10.00\n",
    )
    write(
        "discounts.yaml",
        "schemes:\n"
        "  loyalty: {title: Скидка ___, basis: client_tier, tiers: {gold: 2}}\n"
        "  volume: {title: Объём ___, basis: order_total, tiers: [{from: 1, percent: 1}]}\n",
    )
    _offer(write, "schemes: [volume]\n")
    assert _findings(scratch) == [
        'catalog.yaml:6:23: items[0].description.ru: placeholder "TBD" left in the text: '
        '"Напор TBD м"',
        'discounts.yaml:3:19: schemes.volume.title: placeholder "___" left in the text: '
        '"Объём ___"',
    ]


def test_placeholders_in_the_clause_library_are_found_in_its_text(example: Path) -> None:
    _replace(
        example / "templates" / "clauses" / "supply.yaml",
        "свободен от любых прав третьих лиц.",
        "свободен от любых прав третьих лиц, кроме ___.",
    )
    expected = (
        "templates/clauses/supply.yaml:70:15: sections[0].clauses[2].text.ru: placeholder "
        '"___" left in the text: "…под арестом и свободен от любых прав третьих лиц, '
        'кроме ___."'
    )
    assert expected in _findings(example, "acme-2026-005")
    assert expected in _findings(example, "nordic-2026-003")  # the same library
    assert expected not in _findings(example, "kuznetsova-2026-002")  # a services contract


# --- the command line ------------------------------------------------------------------------


def test_json_lists_every_finding_with_its_offer_and_location() -> None:
    result = run(
        "-C",
        example_workspace(),
        "review",
        "--json",
        "--today",
        TODAY,
        "tula-2026-006",
        "acme-2026-005",
    )
    assert result.exit_code == 0
    findings = json.loads(result.stdout)
    assert [(f["offer"], f["severity"]) for f in findings] == [
        ("tula-2026-006", "warning"),  # a draft's unapproved discount
        ("acme-2026-005", "warning"),
        ("acme-2026-005", "warning"),
        ("acme-2026-005", "warning"),
        ("acme-2026-005", "note"),
        ("acme-2026-005", "note"),
    ]
    assert findings[3] == {
        "offer": "acme-2026-005",
        "severity": "warning",
        "path": "offers/acme-2026-005.yaml",
        "line": 46,
        "column": 5,
        "field": "contract.negotiation.liability.late_delivery",
        "message": "clause 6.3 (liability.late_delivery) is open: our counter-proposal of "
        "2026-12-03 waits for the client's answer (round 2); the contract keeps the library's "
        "until it is agreed",
    }


def test_warnings_and_notes_alone_exit_zero() -> None:
    result = run("-C", example_workspace(), "review", "--json", "acme-2026-005")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 5


def test_named_offers_are_reviewed_in_the_order_given_and_once(scratch: Path) -> None:
    (scratch / "offers" / "b-2.yaml").write_text(
        MINIMAL_OFFER.replace("КП-1", "КП-2"), encoding="utf-8"
    )
    result = run("-C", scratch, "review", "b-2", "a-1", "b-2")
    assert [line for line in result.stdout.splitlines() if "КП-" in line] == [
        "b-2  КП-2  ООО «Акме»  draft",
        "a-1  КП-1  ООО «Акме»  draft",
    ]
    assert result.stdout.endswith("0 errors, 0 warnings, 0 notes in 2 offers\n")


def test_an_unknown_offer_is_one_clear_error() -> None:
    result = run("-C", example_workspace(), "review", "acme-2026-01")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert (
        result.stderr
        == "error: no offer 'acme-2026-01' in offers/; did you mean 'acme-2026-001'?\n"
    )


def test_an_invalid_workspace_is_reported_as_check_reports_it(scratch: Path) -> None:
    _policy(scratch, "{max_deferral_days: -1}")
    result = run("-C", scratch, "review")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "offergen.yaml:16:29: policy.max_deferral_days: must be at least 0, got -1"
    )

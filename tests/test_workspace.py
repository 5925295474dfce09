"""Cross-file checks of the workspace and what an offer inherits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from offergen.errors import ValidationFailed

from .conftest import ROOT, copy_workspace, load_strict, run

Write = Callable[[str, str], Path]
OFFER = "number: КП-1\nclient: acme\ndate: 2026-11-28\nitems:\n  - sku: pump\n    qty: 2\n"


def _problems(workspace: Path) -> list[str]:
    try:
        load_strict(workspace)
    except ValidationFailed as failed:
        return [str(problem) for problem in failed.problems]
    return []


def test_an_offer_inherits_locale_currency_and_validity(scratch: Path, write: Write) -> None:
    workspace = load_strict(scratch)
    settings = workspace.settings("a-1")
    assert (settings.locale, settings.rules.currency) == ("ru", "RUB")
    assert settings.valid_until == date(2026, 12, 28)  # 28.11 + validity_days 30
    assert settings.rules.prices_include_vat is True
    client = (scratch / "clients" / "acme.yaml").read_text(encoding="utf-8")
    write("clients/acme.yaml", client + "locale: en\n")
    catalog = (scratch / "catalog.yaml").read_text(encoding="utf-8")
    write("catalog.yaml", catalog + "    prices: {EUR: 10.00}\n")
    write("offers/a-1.yaml", OFFER + "currency: EUR\nprices_include_vat: false\n")
    settings = load_strict(scratch).settings("a-1")
    assert (settings.locale, settings.rules.currency) == ("en", "EUR")
    assert settings.rules.prices_include_vat is False
    write("offers/a-1.yaml", OFFER + "locale: ru\nvalid_until: 2026-12-01\n")
    settings = load_strict(scratch).settings("a-1")
    assert (settings.locale, settings.valid_until) == ("ru", date(2026, 12, 1))


def test_an_english_offer_needs_english_names(scratch: Path, write: Write) -> None:
    write(
        "catalog.yaml",
        "items:\n  - sku: pump\n    name: {ru: Насос}\n    unit: шт.\n    price: 1000.00\n",
    )
    ad_hoc = "  - name: {ru: Монтаж}\n    unit: усл.\n    qty: 1\n    price: 5\n"
    write("offers/a-1.yaml", OFFER + ad_hoc + "locale: en\n")
    assert _problems(scratch) == [
        "offers/a-1.yaml:5:10: items[0].sku: pump has no 'en' name in catalog.yaml for this "
        "en offer",
        "offers/a-1.yaml:7:11: items[1].name: has no 'en' text for this en offer",
    ]


def test_kinds_of_client_need_their_own_requisites(scratch: Path, write: Write) -> None:
    write(
        "clients/ip.yaml",
        'name: ИП Кузнецова\nkind: entrepreneur\ninn: "7703123457"\n'
        'kpp: "770301001"\naddress: г. Химки\n',
    )
    write(
        "clients/foreign.yaml",
        'name: Smith & Sons\nkind: foreign\naddress: London\nogrn: "1197746123453"\n',
    )
    write(
        "clients/company.yaml",
        "name: ООО «Без реквизитов»\nkind: company\naddress: Москва\n"
        'bank: {name: Банк, bik: "044525225", account: '
        '"40702810938000012345"}\n',
    )
    assert _problems(scratch) == [
        "clients/company.yaml:1:1: inn: required for a company",
        "clients/company.yaml:1:1: kpp: required for a company",
        "clients/company.yaml:1:1: ogrn: required for a company",
        "clients/company.yaml:4:7: bank.corr_account: required for a Russian bank",
        "clients/foreign.yaml:1:1: country: required for a foreign client",
        "clients/foreign.yaml:4:1: ogrn: not used for a foreign client; give registration_number",
        "clients/ip.yaml:1:1: ogrn: required for an entrepreneur (ОГРНИП, 15 digits)",
        "clients/ip.yaml:3:6: inn: must be 12 digits for an entrepreneur, got 10 characters",
        "clients/ip.yaml:4:1: kpp: not used for an entrepreneur (an ИП has no КПП)",
    ]


def test_unquoted_requisites_keep_their_digits(scratch: Path, write: Write) -> None:
    client = (scratch / "clients" / "acme.yaml").read_text(encoding="utf-8")
    write("clients/acme.yaml", client.replace('"7703123457"', "7703123457"))
    assert load_strict(scratch).clients["acme"].inn == "7703123457"


def test_a_contact_must_belong_to_the_client(scratch: Path, write: Write) -> None:
    write("offers/a-1.yaml", OFFER + "contact: Иван Иванов\n")
    assert _problems(scratch) == [
        "offers/a-1.yaml:7:10: contact: 'Иван Иванов' is not among the contacts of "
        "clients/acme.yaml (none)",
    ]


def test_catalog_skus_are_unique(scratch: Path, write: Write) -> None:
    item = "  - sku: pump\n    name: Насос\n    unit: шт.\n    price: 1\n"
    write("catalog.yaml", "items:\n" + item + item)
    assert _problems(scratch) == [
        "catalog.yaml:6:10: items[1].sku: sku 'pump' is already listed on line 2",
    ]


def test_a_total_too_large_for_words_is_refused(scratch: Path, write: Write) -> None:
    write("offers/a-1.yaml", OFFER.replace("qty: 2", "qty: 99999999"))
    write(
        "catalog.yaml",
        "items:\n  - sku: pump\n    name: Насос\n    unit: шт.\n    price: 99999999999.99\n",
    )
    problems = _problems(scratch)
    assert len(problems) == 1
    assert problems[0].startswith("offers/a-1.yaml:5:3: items: the total ")
    assert problems[0].endswith(" is too large to state in words")


def test_the_example_workspace_loads() -> None:
    workspace = load_strict(ROOT)
    assert sorted(workspace.offers) == [
        "acme-2026-001",
        "acme-2026-005",
        "kuznetsova-2026-002",
        "nordic-2026-003",
        "tula-2026-004",
        "tula-2026-006",
    ]
    assert run("-C", ROOT, "check").exit_code == 0


def test_the_head_of_sales_can_withdraw_a_discount_approval(tmp_path: Path) -> None:
    workspace = copy_workspace(ROOT, tmp_path / "ws")
    offer = workspace / "offers" / "tula-2026-006.yaml"
    approved = "  - {by: Сидоров, role: sales_head, date: 2026-12-05, verdict: approved}\n"
    withdrawn = (
        "  - {by: Сидоров, role: sales_head, date: 2026-12-06, verdict: changes_requested}\n"
    )
    source = offer.read_text("utf-8")
    offer.write_text(source + "review:\n" + approved, "utf-8")
    assert not load_strict(workspace).price("tula-2026-006").approval.missing
    offer.write_text(source + "review:\n" + approved + withdrawn, "utf-8")
    assert load_strict(workspace).price("tula-2026-006").approval.missing

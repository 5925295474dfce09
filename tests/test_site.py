"""`offergen site`: the pages' content as printed, totals, escaping, problems shown,
determinism and incremental writes (tests/test_site_browser.py opens it in Chromium)."""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import lxml.html
import pytest

from offergen.formatting import format_money

from .conftest import DATA, ROOT, Repo, copy_workspace, run

TODAY = "2026-12-05"


def build_site(workspace: Path, *extra: str) -> Path:
    result = run("-C", workspace, "site", "--today", TODAY, *extra)
    assert result.exit_code == 0, result.output
    return workspace / "out" / "site"


def page(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


def text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().replace("\u00a0", " ").split())


def cells(row: lxml.html.HtmlElement) -> list[str]:
    return [text(cell) for cell in row.xpath("./td")]


def facts(element: lxml.html.HtmlElement) -> dict[str, str]:
    """The terms of the first description list under `element`, with their values."""
    (listing,) = element.xpath(".//dl")[:1]
    return dict(
        zip(map(text, listing.xpath("./dt")), map(text, listing.xpath("./dd")), strict=True)
    )


def files_of(site: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(site)): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workspace, outside git, with its site written once."""
    workspace = copy_workspace(ROOT, tmp_path_factory.mktemp("site") / "example")
    build_site(workspace)
    return workspace / "out" / "site"


def test_every_offer_and_client_gets_a_page(example_site: Path) -> None:
    offers = sorted(p.stem for p in (ROOT / "offers").glob("*.yaml"))
    clients = sorted(p.stem for p in (ROOT / "clients").glob("*.yaml"))
    assert sorted(p.stem for p in (example_site / "offers").glob("*.html")) == offers
    assert sorted(p.stem for p in (example_site / "clients").glob("*.html")) == clients
    rows = page(example_site / "index.html").xpath("//table[@id='pipeline']/tbody/tr")
    assert sorted(row.get("data-offer") for row in rows) == offers


def test_pipeline_rows_print_money_percents_and_dates_as_documents_do(
    example_site: Path,
) -> None:
    index = page(example_site / "index.html")
    (row,) = index.xpath("//tr[@data-offer='acme-2026-001']")
    assert cells(row) == [
        "КП-2026-0001",
        'ООО «Акме & Партнёры» "Северо-Запад"',
        "Пётр Петров",
        "черновик",
        "530 609,49 ₽",
        "646 952,05 ₽",
        "6,5 %",
        "28.12.2026",
        "23",
        "0",
    ]
    (euro,) = index.xpath("//tr[@data-offer='nordic-2026-003']")
    assert cells(euro)[4:9] == ["24 277,50 €", "24 277,50 €", "4,57 %", "15.01.2027", "41"]
    assert row.get("data-status") == "draft" and row.get("data-expiry") == "month"


def test_totals_by_status_are_the_sums_of_the_rows(example_site: Path) -> None:
    index = page(example_site / "index.html")
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    counts: dict[str, int] = defaultdict(int)
    for row in index.xpath("//table[@id='pipeline']/tbody/tr"):
        gross = row.xpath("./td")[5].get("data-sort")
        sums[row.get("data-status")][row.get("data-currency")] += Decimal(gross)
        counts[row.get("data-status")] += 1
    totals = index.xpath("//table[@id='totals']/tbody/tr")
    assert [total.get("data-status") for total in totals] == ["draft", "review", "approved", "sent"]
    for total in totals:
        status = total.get("data-status")
        expected = " + ".join(
            format_money(amount, currency, "ru")
            for currency, amount in sorted(sums[status].items())
        )
        assert cells(total) == [
            str(counts[status]),
            cells(total)[1],
            expected.replace("\u00a0", " "),
        ]
    draft = index.xpath("//table[@id='totals']/tbody/tr[@data-status='draft']")[0]
    assert cells(draft)[2] == "24 277,50 € + 1 498 806,16 ₽"


def test_offer_page_shows_lines_trail_findings_negotiation_and_history(example_site: Path) -> None:
    offer = page(example_site / "offers" / "acme-2026-005.html")
    lines = offer.xpath("//table[@class='lines']/tbody/tr")
    assert cells(lines[0])[:3] == ["1", "Насос центробежный ЦН-100", "6"]
    assert "943 054,32 ₽" in text(offer.xpath("//dl[@class='totals-list']")[0])
    trail = text(offer.xpath("//pre[@class='trail']")[0])
    assert "Скидка за объём заказа" in trail and "12,1 %" in trail
    points = {cells(r)[1]: cells(r)[2] for r in offer.xpath("//table[@class='points']/tbody/tr")}
    assert points == {
        "payment.prepayment": "согласован",
        "delivery.acceptance": "отклонён",
        "warranty.term": "согласован",
        "liability.late_delivery": "открыт: наше встречное предложение",
    }
    findings = offer.xpath("//li[contains(@class, 'finding')]")
    assert len(findings) == 5
    assert "offers/acme-2026-005.yaml:" in text(findings[0])
    history = text(offer.xpath("//section[@aria-labelledby='history-title']")[0])
    assert "Рабочая папка не в git: истории версий нет." in history


def test_offer_page_says_which_documents_are_not_built(example_site: Path) -> None:
    offer = page(example_site / "offers" / "acme-2026-005.html")
    documents = [text(li) for li in offer.xpath("//ul[@class='documents']/li")]
    assert documents[0] == (
        "Коммерческое предложение: не собран: выполните offergen build acme-2026-005"
    )
    assert len(documents) == 4  # proposal, discount scheme, contract, disagreements


def test_offer_page_links_built_documents_relative_to_the_page(tmp_path: Path) -> None:
    workspace = copy_workspace(DATA / "minimal", tmp_path / "ws")
    built = run("-C", workspace, "build")
    assert built.exit_code == 0, built.output
    site = build_site(workspace)
    links = page(site / "offers" / "a-1.html").xpath("//ul[@class='documents']//a/@href")
    assert links == ["../../a-1/proposal.docx", "../../a-1/proposal.pdf"]
    assert all((site / "offers" / link).resolve().is_file() for link in links)


def test_client_page_shows_requisites_reliability_turnover_and_outcomes(tmp_path: Path) -> None:
    workspace = copy_workspace(ROOT, tmp_path / "ws")
    offer = workspace / "offers" / "tula-2026-004.yaml"
    offer.write_text(offer.read_text("utf-8").replace("status: sent", "status: accepted"), "utf-8")
    site = build_site(workspace)
    client = page(site / "clients" / "tula-water.html")
    requisites = {
        cells(r)[0]: cells(r)[1] for r in client.xpath("//table[@class='requisites']/tbody/tr")
    }
    labels = [text(th) for th in client.xpath("//table[@class='requisites']/tbody/tr/th")]
    assert labels[:3] == ["ИНН", "КПП", "ОГРН / ОГРНИП"]
    assert requisites["7105123468"] == "верно"
    assert requisites["300041, г. Тула, ул. Советская, д. 15"] == ""  # nothing checks an address
    reliability = facts(client.xpath("//section[@aria-labelledby='reliability-title']")[0])
    # open offers only: tula-2026-006 (851 854,11 ₽) is open, tula-2026-004 is accepted
    assert reliability == {
        "Уровень": "platinum",
        "Рейтинг": "B",
        "Кредитный лимит": "650 000,00 ₽",
        "Текущая нагрузка (открытые предложения с НДС)": "851 854,11 ₽ превышает лимит",
        "Только предоплата": "нет",
    }
    turnover = [cells(r) for r in client.xpath("//table[@class='turnover']/tbody/tr")]
    assert turnover == [["2025", "6 200 000,00 ₽"]]
    assert text(client.xpath("//dd[@class='won']")[0]) == "687 262,78 ₽"
    assert text(client.xpath("//dd[@class='lost']")[0]) == "0,00 ₽"
    outcomes = [r.get("data-status") for r in client.xpath("//table[@id='pipeline']/tbody/tr")]
    assert outcomes == ["accepted", "draft"]


def test_blocked_offer_and_broken_client_card_keep_their_row_and_page(tmp_path: Path) -> None:
    workspace = copy_workspace(DATA / "minimal", tmp_path / "ws")
    assert run("-C", workspace, "build", "--format", "pdf").exit_code == 0
    card = workspace / "clients" / "acme.yaml"
    card.write_text(card.read_text("utf-8").replace('"7703123457"', '"7703123458"'), "utf-8")
    result = run("-C", workspace, "site", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "note: a-1 is blocked; its page lists the problems" in result.output
    site = workspace / "out" / "site"
    (row,) = page(site / "index.html").xpath("//tr[@data-offer='a-1']")
    assert row.get("class") == "blocked" and row.get("data-status") == "blocked"
    assert "clients/acme.yaml:3:6: inn: checksum does not match" in text(row)
    offer = page(site / "offers" / "a-1.html")
    assert offer.xpath("//p[@role='alert']")
    (stale,) = offer.xpath("//ul[@class='documents']/li")
    assert text(stale) == (
        "Собраны до того, как предложение заблокировали (устарели): proposal.pdf"
    )
    client = page(site / "clients" / "acme.html")
    inn = client.xpath("//table[@class='requisites']/tbody/tr")[0]
    assert cells(inn)[0] == "7703123458" and "checksum does not match" in cells(inn)[1]
    assert inn.get("class") == "blocked"


def test_no_value_is_rendered_as_markup(tmp_path: Path) -> None:
    workspace = copy_workspace(DATA / "minimal", tmp_path / "ws")
    card = workspace / "clients" / "acme.yaml"
    evil = "<script>alert(1)</script>"
    card.write_text(card.read_text("utf-8").replace("ООО «Акме»", f'"{evil}"'), "utf-8")
    offer = workspace / "offers" / "a-1.yaml"
    offer.write_text(offer.read_text("utf-8") + "valid_until: 2026-12-20\n", "utf-8")
    site = build_site(workspace)
    for name, data in files_of(site).items():
        if name.endswith(".html"):
            assert b"<script>alert" not in data, name
    index = (site / "index.html").read_text("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    assert index.count("<script") == 1  # the site's own, by its src
    (label,) = page(site / "index.html").xpath("//tr[@data-offer='a-1']/td[2]")
    assert text(label) == evil
    # the chart of offers expiring soon names the client too, as SVG text
    assert re.search(r"КП-1 · &lt;script&gt;alert\(1\)&lt;/script&gt;", index)


def test_charts_are_titled_svg_without_scripts_or_network(example_site: Path) -> None:
    index = (example_site / "index.html").read_text("utf-8")
    svgs = page(example_site / "index.html").xpath("//figure[@class='chart']/*[local-name()='svg']")
    names = [svg.get("id") for svg in svgs]
    assert names == [
        "chart-status",
        "chart-month",
        "chart-discounts",
        "chart-win-rate",
        "chart-expiring",
    ]
    for svg in svgs:
        assert svg.get("role") == "img"
        title_id = svg.get("aria-labelledby").split()[0]
        (title,) = svg.xpath(f".//*[@id='{title_id}']")
        assert title.tag.endswith("title") and text(title)
    assert "Стоимость воронки по статусам" in index
    assert "Generated with pygal" not in index and "kozea" not in index.lower()
    for name, data in files_of(example_site).items():
        if name.endswith(".html"):
            for link in re.findall(rb'(?:href|src)="([^"]*)"', data):
                assert b"//" not in link, (name, link)


def test_same_inputs_give_the_same_bytes(tmp_path: Path) -> None:
    workspace = copy_workspace(ROOT, tmp_path / "ws")
    build_site(workspace, "--out", str(tmp_path / "one"))
    build_site(workspace, "--out", str(tmp_path / "two"))
    one, two = files_of(tmp_path / "one"), files_of(tmp_path / "two")
    assert len(one) == 14 and one == two


def test_unchanged_pages_are_not_rewritten(tmp_path: Path) -> None:
    workspace = copy_workspace(ROOT, tmp_path / "ws")
    site = build_site(workspace)
    for path in site.rglob("*"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    again = run("-C", workspace, "site", "--today", TODAY)
    assert "0 files written, 14 up to date" in again.output
    assert {p.stat().st_mtime for p in site.rglob("*") if p.is_file()} == {1_000_000_000}

    offer = workspace / "offers" / "kuznetsova-2026-002.yaml"
    offer.write_text(offer.read_text("utf-8").replace("qty: 3", "qty: 4"), "utf-8")
    (workspace / "offers" / "nordic-2026-003.yaml").unlink()
    changed = run("-C", workspace, "site", "--today", TODAY)
    assert "removed offers/nordic-2026-003.html" in changed.output
    rewritten = {
        str(p.relative_to(site)) for p in site.rglob("*.html") if p.stat().st_mtime != 1_000_000_000
    }
    assert rewritten == {
        "index.html",
        "clients.html",
        "offers/kuznetsova-2026-002.html",
        "clients/kuznetsova.html",
        "clients/nordic-pumps.html",
    }


def test_history_lists_the_commits_in_git(repo: Repo) -> None:
    repo.edit("offers/acme-2026-001.yaml", "qty: 4", "qty: 5")
    repo.commit("Пять насосов", "2026-11-20")
    site = build_site(repo.root)
    offer = page(site / "offers" / "acme-2026-001.html")
    versions = [cells(r) for r in offer.xpath("//table[@class='history']/tbody/tr")]
    assert [v[1:4] + v[4:5] for v in versions] == [
        ["20.11.2026", "Пётр Петров", "Пять насосов", "черновик"],
        ["01.11.2026", "Пётр Петров", "Первая версия", "черновик"],
    ]
    assert versions[0][0] == repo.git("rev-parse", "--short=7", "HEAD")
    assert versions[0][5] != versions[1][5]  # the total at each commit


def test_documents_still_build_after_the_site_is_drawn(tmp_path: Path) -> None:
    """Drawing charts imports pygal; its import hook must not disturb what the documents
    load later in the same process (pymorphy3's dictionaries, found through metadata)."""
    workspace = copy_workspace(ROOT, tmp_path / "ws")
    build_site(workspace)
    built = run("-C", workspace, "build", "kuznetsova-2026-002", "--jobs", "1")
    assert built.exit_code == 0, built.output
    assert (workspace / "out" / "kuznetsova-2026-002" / "contract.pdf").is_file()


def test_no_history_leaves_git_alone_and_says_so(repo: Repo) -> None:
    site = build_site(repo.root, "--no-history")
    offer = page(site / "offers" / "acme-2026-001.html")
    assert not offer.xpath("//table[@class='history']")
    history = text(offer.xpath("//section[@aria-labelledby='history-title']")[0])
    assert history == "История версий История версий не показана (offergen site --no-history)."


def test_client_base_lists_every_client_with_its_standing(example_site: Path) -> None:
    base = page(example_site / "clients.html")
    rows = {r.get("data-client"): cells(r) for r in base.xpath("//table[@id='clients']/tbody/tr")}
    assert rows["nordic-pumps"] == [
        "Nordic Pump Systems AB",
        "",
        "B",
        "20 000,00 €",
        "1",
        "24 277,50 €",
        "0,00 ₽",
    ]
    assert rows["tula-water"][1:6] == ["platinum", "B", "650 000,00 ₽", "2", "1 539 116,89 ₽"]
    assert sorted(rows) == ["acme", "kuznetsova", "nordic-pumps", "tula-water"]


def test_a_broken_site_template_is_reported_and_nothing_is_written(tmp_path: Path) -> None:
    workspace = copy_workspace(DATA / "minimal", tmp_path / "ws")
    (workspace / "templates" / "site" / "clients.html").write_text("{{ nope }}", "utf-8")
    result = run("-C", workspace, "site", "--today", TODAY)
    assert result.exit_code == 1
    assert result.output == "error: site/clients.html: UndefinedError: 'nope' is undefined\n"
    assert not (workspace / "out" / "site").exists()


def test_win_rate_chart_counts_accepted_and_rejected_by_month(tmp_path: Path) -> None:
    workspace = copy_workspace(ROOT, tmp_path / "ws")
    for offer, status in (("tula-2026-004", "sent"), ("acme-2026-001", "draft")):
        path = workspace / "offers" / f"{offer}.yaml"
        closed = "accepted" if offer.startswith("tula") else "rejected"
        path.write_text(
            path.read_text("utf-8").replace(f"status: {status}", f"status: {closed}"), "utf-8"
        )
    site = build_site(workspace)
    (chart,) = page(site / "index.html").xpath("//*[@id='chart-win-rate']")
    labels = [text(label) for label in chart.xpath(".//*[contains(@class, 'axis x')]//text")]
    assert labels == ["2026-11 (50 %)"]
    values = [text(v) for v in chart.xpath(".//*[contains(@class, 'text-overlay')]//text")]
    assert values == ["1", "1"]
    acme = page(site / "clients" / "acme.html")
    assert text(acme.xpath("//dd[@class='lost']")[0]) == "646 952,05 ₽"


def test_a_client_s_exposure_leaves_out_expired_offers_as_clients_does(tmp_path: Path) -> None:
    """On 29.12.2026 tula-2026-004 (sent, valid until 27.12) has expired: the site's
    client page and `offergen clients` count only tula-2026-006 as open."""
    workspace = copy_workspace(ROOT, tmp_path / "ws")
    result = run("-C", workspace, "site", "--today", "2026-12-29", "--no-history")
    assert result.exit_code == 0, result.output
    client = page(workspace / "out" / "site" / "clients" / "tula-water.html")
    exposure = next(v for k, v in facts(client).items() if k.startswith("Текущая нагрузка"))
    assert exposure.startswith("851 854,11 ₽"), exposure
    listed = run("-C", workspace, "clients", "--json", "--today", "2026-12-29")
    (row,) = [r for r in json.loads(listed.output) if r["client"] == "tula-water"]
    assert row["open_gross"] == {"RUB": "851854.11"}

"""The review site in a real browser (the system's headless Chromium through Playwright):
pages load without errors or network, every link resolves, filters and sorting work,
charts carry accessible titles, a `<script>` in the data stays text. A screenshot of each
kind of page is kept in out/test-artifacts/ (or $OFFERGEN_TEST_ARTIFACTS)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

import pytest

from .browser import chromium, missing
from .conftest import DATA, ROOT, copy_workspace, run, skip_outside_ci

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

TODAY = "2026-12-05"
ARTIFACTS = Path(os.environ.get("OFFERGEN_TEST_ARTIFACTS", ROOT / "out" / "test-artifacts"))
EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def browser() -> Iterator[BrowserContext]:
    reason = missing()
    if reason:
        skip_outside_ci(f"no browser for the site's tests: {reason}")
    with chromium() as context:
        yield context


def write_site(workspace: Path) -> Path:
    result = run("-C", workspace, "site", "--today", TODAY)
    assert result.exit_code == 0, result.output
    return workspace / "out" / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workspace with its documents built, then its site."""
    workspace = copy_workspace(ROOT, tmp_path_factory.mktemp("browser") / "example")
    built = run("-C", workspace, "build")
    assert built.exit_code == 0, built.output
    return write_site(workspace)


class Visit:
    """A page opened from file://, with every console error, page error, request and
    dialog (an alert a script opened)."""

    def __init__(self, page: Page, path: Path) -> None:
        self.page, self.errors, self.requests = page, list[str](), list[str]()
        self.dialogs: list[str] = []
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("requestfailed", lambda r: self.errors.append(f"failed: {r.url}"))
        page.on("request", lambda r: self.requests.append(r.url))
        page.goto(path.as_uri())
        page.wait_for_load_state("load")


def visit(browser: BrowserContext, path: Path) -> Visit:
    return Visit(browser.new_page(), path)


def pages_of(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_loads_without_errors_or_network(browser: BrowserContext, site: Path) -> None:
    assert len(pages_of(site)) == 12
    for path in pages_of(site):
        seen = visit(browser, path)
        assert seen.errors == [], path
        assert all(url.startswith("file://") for url in seen.requests), (path, seen.requests)
        seen.page.close()


def test_every_link_resolves(browser: BrowserContext, site: Path) -> None:
    checked = 0
    for path in pages_of(site):
        seen = visit(browser, path)
        links = seen.page.eval_on_selector_all(
            "a[href], link[href], script[src]", "els => els.map(e => e.href || e.src)"
        )
        for link in links:
            url = urlparse(link)
            assert url.scheme == "file", (path, link)
            assert Path(unquote(url.path)).is_file(), (path, link)
            checked += 1
        seen.page.close()
    assert checked > 90  # nav, stylesheet and script of 12 pages, rows, documents


def test_offer_page_links_its_built_documents(browser: BrowserContext, site: Path) -> None:
    seen = visit(browser, site / "offers" / "acme-2026-005.html")
    names = seen.page.locator("ul.documents a").all_inner_texts()
    assert names == [
        "proposal.docx",
        "proposal.pdf",
        "discount-scheme.docx",
        "discount-scheme.pdf",
        "contract.docx",
        "contract.pdf",
        "disagreements.docx",
        "disagreements.pdf",
    ]
    seen.page.close()


def visible_offers(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        "#pipeline tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.offer)"
    )


def test_filters_change_the_visible_rows(browser: BrowserContext, site: Path) -> None:
    page = visit(browser, site / "index.html").page
    assert len(visible_offers(page)) == 6
    page.select_option("select[name=status]", "sent")
    assert visible_offers(page) == ["tula-2026-004"]
    assert page.inner_text("#shown") == "Показано: 1 из 6"
    page.select_option("select[name=status]", "draft")
    page.select_option("select[name=client]", "ООО «Тулаводсервис»")
    assert visible_offers(page) == ["tula-2026-006"]
    page.click("button[type=reset]")
    page.wait_for_function("document.querySelectorAll('#pipeline tbody tr[hidden]').length === 0")
    page.select_option("select[name=expiry]", "later")
    assert visible_offers(page) == ["nordic-2026-003"]
    page.select_option("select[name=expiry]", "")
    page.select_option("select[name=manager]", "Пётр Петров")
    assert len(visible_offers(page)) == 6
    page.close()


def test_columns_sort_both_ways(browser: BrowserContext, site: Path) -> None:
    page = visit(browser, site / "index.html").page
    page.click("#pipeline th:nth-child(9) button")  # days left
    assert visible_offers(page)[:2] == ["tula-2026-004", "acme-2026-001"]
    assert page.get_attribute("#pipeline th:nth-child(9)", "aria-sort") == "ascending"
    page.click("#pipeline th:nth-child(9) button")
    assert visible_offers(page)[0] == "nordic-2026-003"
    page.click("#pipeline th:nth-child(2) button")  # client, in the page's language
    assert visible_offers(page)[0] == "kuznetsova-2026-002"  # ИП …: Russian order, Cyrillic first
    page.close()


def test_charts_have_accessible_titles(browser: BrowserContext, site: Path) -> None:
    page = visit(browser, site / "index.html").page
    for title in (
        "Стоимость воронки по статусам",
        "Стоимость воронки по месяцам",
        "Распределение скидок",
        "Доля выигранных по месяцам",
        "Скоро истекают",
    ):
        chart = page.get_by_role("img", name=title)
        assert chart.count() == 1 and chart.is_visible(), title
        box = chart.bounding_box()
        assert box is not None and box["width"] > 300 and box["height"] > 100
    page.close()


def test_a_script_in_the_data_shows_as_text(browser: BrowserContext, tmp_path: Path) -> None:
    workspace = copy_workspace(DATA / "minimal", tmp_path / "ws")
    card = workspace / "clients" / "acme.yaml"
    card.write_text(card.read_text("utf-8").replace("ООО «Акме»", f'"{EVIL}"'), "utf-8")
    site = write_site(workspace)
    for path in (site / "index.html", site / "clients" / "acme.html", site / "offers" / "a-1.html"):
        seen = visit(browser, path)
        assert seen.dialogs == [] and seen.errors == [], path
        assert EVIL in seen.page.inner_text("main"), path
        assert seen.page.locator("main script").count() == 0, path
        seen.page.close()


@pytest.mark.parametrize(
    ("kind", "relative"),
    [
        ("pipeline", "index.html"),
        ("offer", "offers/acme-2026-005.html"),
        ("client", "clients/tula-water.html"),
        ("clients", "clients.html"),
    ],
)
def test_screenshot_of_each_page_kind(
    browser: BrowserContext, site: Path, kind: str, relative: str
) -> None:
    page = visit(browser, site / relative).page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"site-{kind}.png"
    page.screenshot(path=str(target), full_page=True)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and target.stat().st_size > 10_000
    page.close()

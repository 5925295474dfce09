"""Versions in git: history rows, builds of past commits, stamps, review dates, shallow clones.

Every test builds its own repository from the example workspace, with commits on fixed
dates by fixed authors, so that hashes of dates and rows can be asserted exactly.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from click.testing import Result
from pypdf import PdfReader

from .conftest import ROOT, Repo, copy_workspace, docx_text, load_strict, pdf_text, run

OFFER = "acme-2026-001"
CONTRACT = "acme-2026-005"


def gross(root: Path, offer_id: str) -> Decimal:
    return load_strict(root).price(offer_id).totals.gross


def history_json(root: Path, offer_id: str) -> dict:
    result = run("-C", root, "history", offer_id, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def negotiated(repo: Repo) -> tuple[Repo, list[str], list[Decimal]]:
    """Four more commits of one offer: qty, sent, an unrelated client, a discount."""
    shas, totals = [repo.git("rev-parse", "HEAD")], [gross(repo.root, OFFER)]
    steps: list[tuple[str, str, Callable[[], None]]] = [
        (
            "Больше насосов",
            "2026-11-02",
            lambda: repo.edit(f"offers/{OFFER}.yaml", "qty: 4", "qty: 6"),
        ),
        (
            "Отправлено клиенту",
            "2026-11-03",
            lambda: repo.edit(f"offers/{OFFER}.yaml", "status: draft", "status: sent"),
        ),
        (
            "Другой клиент",
            "2026-11-04",
            lambda: repo.edit("clients/tula-water.yaml", "name:", "# note\nname:"),
        ),
        (
            "Скидка 5 %",
            "2026-11-05",
            lambda: repo.edit(f"offers/{OFFER}.yaml", "discount: 3", "discount: 5"),
        ),
    ]
    for message, day, change in steps:
        change()
        shas.append(repo.commit(message, day))
        totals.append(gross(repo.root, OFFER))
    return repo, shas, totals


# --- history ------------------------------------------------------------------------------


def test_history_lists_the_commits_of_the_offer_newest_first(negotiated) -> None:
    repo, shas, totals = negotiated
    rows = history_json(repo.root, OFFER)["commits"]
    # The commit touching only another client is not this offer's history.
    assert [row["commit"] for row in rows] == [shas[4], shas[2], shas[1], shas[0]]
    assert [row["subject"] for row in rows] == [
        "Скидка 5 %",
        "Отправлено клиенту",
        "Больше насосов",
        "Первая версия",
    ]
    assert [row["status"] for row in rows] == ["sent", "sent", "draft", "draft"]
    assert [Decimal(row["gross"]) for row in rows] == [totals[4], totals[2], totals[1], totals[0]]
    assert len({totals[0], totals[1], totals[4]}) == 3  # each edit moved the total
    assert rows[0]["author"] == "Пётр Петров"
    assert rows[0]["date"] == "2026-11-05T10:00:00+03:00"
    assert rows[0]["changed"] == [f"offers/{OFFER}.yaml"]
    assert history_json(repo.root, OFFER)["uncommitted"] == []


def test_history_table_shows_hash_date_author_subject_status_and_total(negotiated) -> None:
    repo, shas, totals = negotiated
    result = run("-C", repo.root, "history", OFFER)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["commit", "date", "author", "subject", "status", "gross", "note"]
    first = lines[2]
    assert first.startswith(f"{shas[4][:7]}  05.11.2026  Пётр Петров  Скидка 5 %")
    amount = f"{totals[4]:,.2f}".replace(",", "\u00a0").replace(".", ",") + "\u00a0₽"
    assert first.split("  ")[-1].strip() == amount or first.rstrip().endswith(amount)
    assert " sent " in first


def test_history_counts_the_client_and_shared_files_and_templates(repo: Repo) -> None:
    repo.edit("clients/acme.yaml", "tier: gold", "tier: platinum")
    repo.commit("Клиент повышен", "2026-11-02")
    (repo.root / "templates" / "заметки юриста.txt").write_text("ок", "utf-8")
    repo.commit("Заметки", "2026-11-03")
    rows = history_json(repo.root, OFFER)["commits"]
    assert [row["changed"] for row in rows[:2]] == [
        ["templates/заметки юриста.txt"],
        ["clients/acme.yaml"],
    ]


def test_history_says_what_is_uncommitted(repo: Repo) -> None:
    repo.edit(f"offers/{OFFER}.yaml", "qty: 4", "qty: 5")
    result = run("-C", repo.root, "history", OFFER)
    assert result.stdout.splitlines()[0] == f"uncommitted changes: offers/{OFFER}.yaml"
    assert history_json(repo.root, OFFER)["uncommitted"] == [f"offers/{OFFER}.yaml"]


def test_history_shows_a_commit_the_current_rules_refuse(repo: Repo) -> None:
    repo.edit(f"offers/{OFFER}.yaml", "qty: 4", "qty: 0")
    bad = repo.commit("Ошибка", "2026-11-02")
    repo.edit(f"offers/{OFFER}.yaml", "qty: 0", "qty: 4")
    repo.commit("Исправлено", "2026-11-03")
    rows = history_json(repo.root, OFFER)["commits"]
    row = next(r for r in rows if r["commit"] == bad)
    assert row["gross"] is None and row["status"] == "draft"
    assert (
        row["problem"]
        == "invalid: offers/acme-2026-001.yaml:9:10: items[0].qty: must be greater than 0, got 0"
    )


def test_shallow_clone_is_refused(negotiated, tmp_path: Path) -> None:
    repo, _, _ = negotiated
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", repo.root.as_uri(), str(clone)], check=True
    )
    for args in (["history", OFFER], ["build", OFFER, "--rev", "HEAD"], ["diff", OFFER]):
        result = run("-C", clone, *args)
        assert result.exit_code == 1, args
        assert "is a shallow clone" in result.stderr
        assert "git fetch --unshallow" in result.stderr
    built = run("-C", clone, "build", OFFER, "--format", "docx")
    assert built.exit_code == 0 and "documents carry no version" in built.stderr


def test_history_outside_git_is_a_clear_error(tmp_path: Path) -> None:
    root = copy_workspace(ROOT, tmp_path / "ws")
    result = run("-C", root, "history", OFFER)
    assert result.exit_code == 1
    assert "is not in a git repository" in result.stderr


# --- versions and builds of past commits --------------------------------------------------


def stamps(folder: Path, stem: str) -> tuple[str, str, str, str]:
    """The version as the PDF's footer and keywords, and the DOCX's footer and version."""
    pdf = folder / f"{stem}.pdf"
    keywords = PdfReader(pdf).metadata["/Keywords"]
    document = docx.Document(folder / f"{stem}.docx")
    footer = document.sections[0].footer.paragraphs[0].text
    return pdf_text(pdf), keywords, footer, document.core_properties.version


def test_documents_carry_number_version_and_commit(negotiated) -> None:
    repo, shas, _ = negotiated
    assert run("-C", repo.root, "build", OFFER).exit_code == 0
    text, keywords, footer, version = stamps(repo.root / "out" / OFFER, "proposal")
    # Four commits changed its inputs; the one that recorded it as sent is no version.
    stamp = f"версия 3 · {shas[4][:7]}"
    assert keywords == f"КП-2026-0001, {stamp}"
    assert version == stamp
    assert footer.startswith(f"КП-2026-0001 · {stamp} · стр.")
    assert f"КП-2026-0001 · {stamp}" in text
    assert docx.Document(repo.root / "out" / OFFER / "proposal.docx").core_properties.revision == 3


def test_a_dirty_tree_says_so_and_rebuilds_after_the_commit(negotiated) -> None:
    repo, _, _ = negotiated
    repo.edit(f"offers/{OFFER}.yaml", "qty: 6", "qty: 7")
    assert run("-C", repo.root, "build", OFFER, "--format", "docx").exit_code == 0
    folder = repo.root / "out" / OFFER
    assert docx.Document(folder / "proposal.docx").core_properties.version.endswith(" + изменения")
    sha = repo.commit("Семь насосов", "2026-11-06")
    result = run("-C", repo.root, "build", OFFER, "--format", "docx")
    assert "1 document built" in result.stdout or "2 documents built" in result.stdout
    assert (
        docx.Document(folder / "proposal.docx").core_properties.version == f"версия 4 · {sha[:7]}"
    )


def test_an_english_offer_says_version_in_english(repo: Repo) -> None:
    assert run("-C", repo.root, "build", "nordic-2026-003", "--format", "docx").exit_code == 0
    version = docx.Document(
        repo.root / "out" / "nordic-2026-003" / "proposal.docx"
    ).core_properties.version
    assert re.fullmatch(r"version 1 · [0-9a-f]{7}", version)


def test_build_rev_equals_a_build_from_a_checkout(negotiated, tmp_path: Path) -> None:
    repo, shas, totals = negotiated
    repo.edit(f"offers/{OFFER}.yaml", "qty: 6", "qty: 9")  # the working tree must not matter
    result = run("-C", repo.root, "build", OFFER, "--rev", shas[2])
    assert result.exit_code == 0, result.output
    built = repo.root / "out" / f"{OFFER}@{shas[2][:7]}"
    checkout = tmp_path / "checkout"
    subprocess.run(["git", "clone", "-q", repo.root.as_uri(), str(checkout)], check=True)
    subprocess.run(["git", "checkout", "-q", shas[2]], cwd=checkout, check=True)
    assert run("-C", checkout, "build", OFFER).exit_code == 0
    names = sorted(
        p.name for p in (checkout / "out" / OFFER).iterdir() if p.suffix in (".pdf", ".docx")
    )
    assert names == ["proposal.docx", "proposal.pdf"]
    for name in names:
        assert (built / name).read_bytes() == (checkout / "out" / OFFER / name).read_bytes(), name
    _, keywords, _, _ = stamps(built, "proposal")
    # Not dirty: read from git. At shas[2] it was recorded as sent, no version of its own.
    assert keywords == f"КП-2026-0001, версия 2 · {shas[1][:7]}"
    assert f"{Decimal(totals[2]):,.2f}".replace(",", "\u00a0").replace(".", ",") in docx_text(
        built / "proposal.docx"
    )
    assert (repo.root / "out" / OFFER).exists() is False  # the working tree's folder untouched


def test_build_rev_of_an_unknown_revision(repo: Repo) -> None:
    result = run("-C", repo.root, "build", OFFER, "--rev", "no-such-rev")
    assert result.exit_code == 1
    assert "no commit 'no-such-rev'" in result.stderr


def test_build_rev_names_problems_of_the_past_commit(repo: Repo) -> None:
    repo.edit(f"offers/{OFFER}.yaml", "qty: 4", "qty: 0")
    sha = repo.commit("Ошибка", "2026-11-02")
    result = run("-C", repo.root, "build", OFFER, "--rev", sha)
    assert result.exit_code == 1
    assert f"{sha[:7]}:offers/{OFFER}.yaml:9:10: items[0].qty" in result.stderr


# --- versions count changes of substance ---------------------------------------------------

FOOTER_STAMP = re.compile(r"КП-2026-\d{4} · (версия \d+(?: · [0-9a-f]{7})?(?: \+ изменения)?)")


def footers(repo: Repo, offer_id: str = OFFER) -> set[str]:
    """Build the offer; the versions its proposal's PDF and DOCX print in their footers
    (one, when the two agree)."""
    result = run("-C", repo.root, "build", offer_id)
    assert result.exit_code == 0, result.output
    folder = repo.root / "out" / offer_id
    texts = (pdf_text(folder / "proposal.pdf"), docx_text(folder / "proposal.docx"))
    return {stamp for text in texts for stamp in FOOTER_STAMP.findall(text)}


def record_review(repo: Repo, offer_id: str = OFFER) -> None:
    with open(repo.root / "offers" / f"{offer_id}.yaml", "a", encoding="utf-8") as source:
        source.write(
            "review:\n  - {by: Белова Ольга Сергеевна, role: legal, date: 2026-11-03, "
            "verdict: approved}\n"
        )


def test_recording_a_status_or_a_review_is_no_new_version(repo: Repo) -> None:
    first = repo.git("rev-parse", "HEAD")
    repo.edit(f"offers/{OFFER}.yaml", "status: draft", "status: review")
    repo.commit("На согласование", "2026-11-02")
    record_review(repo)
    repo.commit("Юрист согласовал", "2026-11-03")
    repo.edit(f"offers/{OFFER}.yaml", "status: review", "status: sent")
    repo.commit("Отправлено клиенту", "2026-11-04")
    assert footers(repo) == {f"версия 1 · {first[:7]}"}  # the first version sent says 1


def test_a_change_of_substance_is_a_new_version(repo: Repo) -> None:
    repo.edit(f"offers/{OFFER}.yaml", "status: draft", "status: sent")
    repo.commit("Отправлено клиенту", "2026-11-02")
    repo.edit(f"offers/{OFFER}.yaml", "qty: 4", "qty: 6")
    more = repo.commit("Больше насосов", "2026-11-03")
    assert footers(repo) == {f"версия 2 · {more[:7]}"}
    repo.edit("catalog.yaml", "price: 125000.00", "price: 126000.00")  # pump-cn100: in it
    repriced = repo.commit("Новая цена насоса", "2026-11-04")
    assert footers(repo) == {f"версия 3 · {repriced[:7]}"}
    repo.edit("catalog.yaml", "price: 67450.50", "price: 68000.00")  # motor-15kw: not in it
    repo.commit("Новая цена двигателя", "2026-11-05")
    with open(repo.root / "templates" / "style.css", "a", encoding="utf-8") as css:
        css.write("\n/* wider margins */\n")
    repo.commit("Поля", "2026-11-06")
    assert footers(repo) == {f"версия 3 · {repriced[:7]}"}


def test_an_uncommitted_status_or_layout_change_is_not_a_change(repo: Repo) -> None:
    first = repo.git("rev-parse", "HEAD")
    repo.edit(f"offers/{OFFER}.yaml", "status: draft", "status: review")
    with open(repo.root / "templates" / "style.css", "a", encoding="utf-8") as css:
        css.write("\n/* wider margins */\n")
    assert footers(repo) == {f"версия 1 · {first[:7]}"}


def test_an_uncommitted_price_of_an_item_it_uses_is_a_change(repo: Repo) -> None:
    first = repo.git("rev-parse", "HEAD")
    repo.edit("catalog.yaml", "price: 67450.50", "price: 68000.00")  # motor-15kw: not in it
    assert footers(repo) == {f"версия 1 · {first[:7]}"}
    repo.edit("catalog.yaml", "price: 125000.00", "price: 126000.00")  # pump-cn100: in it
    assert footers(repo) == {f"версия 1 · {first[:7]} + изменения"}


def test_a_build_loads_only_the_states_no_build_has_loaded(repo: Repo, loaded: list[str]) -> None:
    build = ("-C", repo.root, "build", OFFER, "--format", "docx")
    assert run(*build).exit_code == 0
    assert len(loaded) == 6  # the first commit, once for each offer
    loaded.clear()
    assert run(*build).exit_code == 0
    assert loaded == []
    repo.edit(f"offers/{OFFER}.yaml", "status: draft", "status: review")
    sha = repo.commit("На согласование", "2026-11-02")
    assert run(*build).exit_code == 0
    assert loaded == [sha]  # the one offer it touched


def test_states_kept_by_another_version_of_offergen_are_loaded_again(repo: Repo) -> None:
    first = repo.git("rev-parse", "HEAD")
    repo.edit(f"offers/{OFFER}.yaml", "status: draft", "status: review")
    second = repo.commit("На согласование", "2026-11-02")
    kept = repo.root / ".git" / "offergen" / "substances.json"
    kept.parent.mkdir()
    believed = {first: {OFFER: "one"}, second: {OFFER: "another"}}  # two versions
    kept.write_text(json.dumps({"code": "an older offergen", "states": believed}), "utf-8")
    assert footers(repo) == {f"версия 1 · {first[:7]}"}
    assert json.loads(kept.read_text("utf-8"))["states"][second][OFFER] != "another"
    kept.write_text('{"code": ', "utf-8")  # cut short
    assert footers(repo) == {f"версия 1 · {first[:7]}"}


def stamp_warnings(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if "what the client gets" in line]


def test_a_sent_offer_built_from_uncommitted_changes_is_warned(repo: Repo) -> None:
    repo.edit(f"offers/{OFFER}.yaml", "status: draft", "status: sent")
    repo.commit("Отправлено клиенту", "2026-11-02")
    repo.edit("catalog.yaml", "price: 125000.00", "price: 126000.00")  # pump-cn100: in it
    result = run("-C", repo.root, "build", OFFER, "--format", "docx")
    assert result.exit_code == 0, result.output
    assert stamp_warnings(result) == [
        f"offers/{OFFER}.yaml:5:9: warning: status: sent, but built from uncommitted changes "
        "to catalog.yaml: commit them, so that the version its documents carry names what "
        "the client gets"
    ]
    everything = run("-C", repo.root, "build", "--format", "docx")
    assert [line.split(":")[0] for line in stamp_warnings(everything)] == [
        f"offers/{OFFER}.yaml",
        f"offers/{CONTRACT}.yaml",  # approved, with the pump in it
    ]
    repo.edit(f"offers/{OFFER}.yaml", "status: sent", "status: draft")
    assert stamp_warnings(run("-C", repo.root, "build", OFFER, "--format", "docx")) == []


def test_recording_a_status_uncommitted_is_not_warned(repo: Repo) -> None:
    repo.edit(f"offers/{CONTRACT}.yaml", "status: approved", "status: sent")
    result = run("-C", repo.root, "build", CONTRACT, "--format", "docx")
    assert result.exit_code == 0, result.output
    assert stamp_warnings(result) == []


def test_an_approved_offer_never_committed_is_warned(repo: Repo) -> None:
    source = (repo.root / "offers" / f"{CONTRACT}.yaml").read_text("utf-8")
    source = source.replace("КП-2026-0005", "КП-2026-0099").replace('"2026/015"', '"2026/099"')
    (repo.root / "offers" / "acme-2026-099.yaml").write_text(source, "utf-8")
    result = run("-C", repo.root, "build", "acme-2026-099")
    assert result.exit_code == 0, result.output
    assert stamp_warnings(result) == [
        "offers/acme-2026-099.yaml:4:9: warning: status: approved, but no version of it is "
        "committed: commit offers/acme-2026-099.yaml, so that the version its documents carry "
        "names what the client gets"
    ]
    text = pdf_text(repo.root / "out" / "acme-2026-099" / "proposal.pdf")
    assert "КП-2026-0099 · версия 0 + изменения" in text


# --- reviews must postdate the last change ------------------------------------------------


def approve(repo: Repo, review_day: str, commit_day: str) -> None:
    """Record legal's approval of the contract offer, dated `review_day`."""
    repo.edit(
        f"offers/{CONTRACT}.yaml",
        "date: 2026-12-03, verdict: approved",
        f"date: {review_day}, verdict: approved",
    )
    repo.commit("Юрист согласовал", commit_day)


def check(repo: Repo, today: str = "2026-11-20"):
    return run("-C", repo.root, "check", "--today", today)


def test_a_review_dated_before_a_later_change_is_refused(repo: Repo) -> None:
    approve(repo, "2026-11-02", "2026-11-02")
    assert check(repo).exit_code == 0
    repo.edit(f"offers/{CONTRACT}.yaml", "qty: 6", "qty: 8")
    sha = repo.commit("Восемь насосов", "2026-11-05")
    result = check(repo)
    assert result.exit_code == 1
    assert (
        f"offers/{CONTRACT}.yaml:24:53: review[0].date: legal approved on 2026-11-02, before the "
        f"last change of what the documents say ({sha[:7]} on 2026-11-05: offers/{CONTRACT}.yaml); "
        "review again and date it"
    ) in result.stderr


def test_a_later_review_covers_the_change(repo: Repo) -> None:
    repo.edit(f"offers/{CONTRACT}.yaml", "qty: 6", "qty: 8")
    repo.commit("Восемь насосов", "2026-11-05")
    approve(repo, "2026-11-05", "2026-11-06")
    assert check(repo).exit_code == 0


def test_recording_a_status_or_a_review_is_not_a_change(repo: Repo) -> None:
    approve(repo, "2026-11-02", "2026-11-04")  # committed two days after the review
    repo.edit(f"offers/{CONTRACT}.yaml", "status: approved", "status: sent")
    repo.commit("Отправлено", "2026-11-06")
    assert check(repo).exit_code == 0


def test_a_change_to_a_shared_input_counts_only_when_it_reaches_the_offer(repo: Repo) -> None:
    approve(repo, "2026-11-02", "2026-11-02")
    repo.edit("catalog.yaml", "price: 125000.00", "price: 126000.00")  # pump-cn100: in it
    repo.commit("Новая цена насоса", "2026-11-07")
    assert "before the last change" in check(repo).stderr
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.edit("clients/tula-water.yaml", "name:", "# note\nname:")  # another client
    repo.commit("Другой клиент", "2026-11-07")
    assert check(repo).exit_code == 0


def test_an_uncommitted_change_is_a_change_today(repo: Repo) -> None:
    approve(repo, "2026-11-02", "2026-11-02")
    repo.edit(f"offers/{CONTRACT}.yaml", "qty: 6", "qty: 8")
    result = check(repo, today="2026-11-20")
    assert result.exit_code == 1
    assert f"(uncommitted changes to offers/{CONTRACT}.yaml)" in result.stderr
    assert check(repo, today="2026-11-02").exit_code == 0  # reviewed the same day


def test_drafts_are_not_judged_by_review_dates(repo: Repo) -> None:
    approve(repo, "2026-11-02", "2026-11-02")
    repo.edit(f"offers/{CONTRACT}.yaml", "status: approved", "status: review")
    repo.edit(f"offers/{CONTRACT}.yaml", "qty: 6", "qty: 8")
    repo.commit("На доработке", "2026-11-05")
    assert check(repo).exit_code == 0


def test_the_change_named_is_the_last_one_of_substance(repo: Repo) -> None:
    approve(repo, "2026-11-04", "2026-11-04")
    repo.edit(f"offers/{CONTRACT}.yaml", "qty: 6", "qty: 8")
    sha = repo.commit("Восемь насосов", "2026-11-05")
    repo.edit(f"offers/{CONTRACT}.yaml", "status: approved", "status: sent")
    repo.commit("Отправлено", "2026-11-06")
    result = check(repo)
    assert f"({sha[:7]} on 2026-11-05: offers/{CONTRACT}.yaml)" in result.stderr


def test_layout_and_unrelated_edits_are_not_changes_of_substance(repo: Repo) -> None:
    approve(repo, "2026-11-02", "2026-11-02")
    with open(repo.root / "templates" / "style.css", "a", encoding="utf-8") as css:
        css.write("\n/* wider margins */\n")
    repo.edit("offergen.yaml", "# The seller", "# Our company. The seller")
    assert check(repo).exit_code == 0  # uncommitted
    repo.commit("Поля и комментарий", "2026-11-08")
    assert check(repo).exit_code == 0  # committed
    repo.edit("templates/clauses/supply.yaml", "Поставщик", "Продавец")
    result = check(repo)
    assert "(uncommitted changes to templates/clauses/supply.yaml)" in result.stderr


# --- redlines -----------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def marks(path: Path, tag: str) -> list[tuple[str, str, str]]:
    """(text, author, date) of every w:ins or w:del in a DOCX body."""
    body = docx.Document(path).element.body
    text_tag = W + ("t" if tag == "ins" else "delText")
    return [
        (
            "".join(t.text or "" for t in mark.iter(text_tag)),
            mark.get(W + "author"),
            mark.get(W + "date"),
        )
        for mark in body.iter(W + tag)
        if any(True for _ in mark.iter(text_tag))
    ]


def redlined(folder: Path, document: str, old: str, new: str = "worktree") -> Path:
    """`redline-<stem>.<old>-<new>.<ext>` in `folder` for "<stem>.<ext>" and two revisions."""
    stem, ext = document.split(".")
    short = "worktree" if new == "worktree" else new[:7]
    return folder / f"redline-{stem}.{old[:7]}-{short}.{ext}"


def sent_then_changed(repo: Repo) -> tuple[str, str]:
    """The contract offer sent, then renegotiated in a commit: 8 pumps, 21 days."""
    repo.edit(f"offers/{CONTRACT}.yaml", "status: approved", "status: sent")
    sent = repo.commit("Отправлено клиенту", "2026-11-03")
    repo.edit(f"offers/{CONTRACT}.yaml", "status: sent", "status: review")
    repo.edit(f"offers/{CONTRACT}.yaml", "qty: 6", "qty: 8")
    repo.edit(f"offers/{CONTRACT}.yaml", "delivery_days: 14", "delivery_days: 21")
    changed = repo.commit("Клиент просит 8 насосов", "2026-11-05")
    return sent, changed


def test_diff_redlines_each_changed_document_against_the_sent_version(repo: Repo) -> None:
    sent, _ = sent_then_changed(repo)
    result = run("-C", repo.root, "diff", CONTRACT)  # the working tree is the commit
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"{CONTRACT}: {sent[:7]} (the last commit where it was sent) → working tree"
    old_total, new_total = "943\u00a0054,32\u00a0₽", "1\u00a0156\u00a0793,40\u00a0₽"
    assert lines[1:8] == [
        "  status: sent → review",
        "  items[0].qty: 6 → 8",
        "  terms.delivery_days: 14 → 21",
        "  clause 3.2 (payment.total): «…по Договору составляет 943\u00a0054,32\u00a0₽ (Девятьсот"
        " сорок три…» → «…по Договору составляет 1\u00a0156\u00a0793,40\u00a0₽ (Один миллион сто…»",
        "  clause 4.1 (delivery.term): «…Товар в течение 14 календарных дней с даты поступления…»"
        " → «…Товар в течение 21 календарного дня с даты поступления…»",
        "  effective discount: 12,1\u00a0% → 12,55\u00a0%",
        f"  gross: {old_total} → {new_total}",
    ]
    folder = repo.root / "out" / CONTRACT
    assert sorted(p.name for p in folder.iterdir()) == [
        f"redline-contract.{sent[:7]}-worktree.docx",
        f"redline-contract.{sent[:7]}-worktree.pdf",
        f"redline-discount-scheme.{sent[:7]}-worktree.docx",
        f"redline-discount-scheme.{sent[:7]}-worktree.pdf",
        f"redline-proposal.{sent[:7]}-worktree.docx",
        f"redline-proposal.{sent[:7]}-worktree.pdf",
    ]
    assert "same text: disagreements" in result.stdout
    inserted = marks(redlined(folder, "contract.docx", sent), "ins")
    deleted = marks(redlined(folder, "contract.docx", sent), "del")
    assert ("21 календарного дня", "Пётр Петров", "2026-11-05T07:00:00Z") in inserted
    assert ("14 календарных дней", "Пётр Петров", "2026-11-05T07:00:00Z") in deleted
    assert ("8", "Пётр Петров", "2026-11-05T07:00:00Z") in marks(
        redlined(folder, "proposal.docx", sent), "ins"
    )
    assert ("6", "Пётр Петров", "2026-11-05T07:00:00Z") in marks(
        redlined(folder, "proposal.docx", sent), "del"
    )
    words = pdf_text(redlined(folder, "contract.pdf", sent)).replace("\n", " ")
    assert "14 календарных дней" in words and "21 календарного дня" in words
    proposal = pdf_text(redlined(folder, "proposal.pdf", sent))
    assert old_total[:-2] in proposal and new_total[:-2] in proposal  # "₽" is common to both


def test_diff_of_the_working_tree_is_signed_by_the_user(repo: Repo) -> None:
    repo.git("config", "user.name", "Ольга Белова")
    repo.edit(f"offers/{OFFER}.yaml", "delivery_days: 21", "delivery_days: 30")
    result = run("-C", repo.root, "diff", OFFER)
    assert result.exit_code == 0, result.output
    head = repo.git("rev-parse", "--short=7", "HEAD")
    assert f"{OFFER}: {head} (the previous commit; never sent or approved)" in result.stdout
    inserted = marks(redlined(repo.root / "out" / OFFER, "proposal.docx", head), "ins")
    assert [(text, author) for text, author, _ in inserted] == [
        ("30\u00a0календарных дней", "Ольга Белова")
    ]


def test_diff_between_two_commits_and_back(repo: Repo) -> None:
    sent, changed = sent_then_changed(repo)
    result = run("-C", repo.root, "diff", CONTRACT, changed, sent)
    assert result.exit_code == 0, result.output
    assert "  items[0].qty: 8 → 6" in result.stdout
    deleted = marks(redlined(repo.root / "out" / CONTRACT, "contract.docx", changed, sent), "del")
    assert ("21 календарного дня", "Пётр Петров", "2026-11-03T07:00:00Z") in deleted


def test_diff_falls_back_to_the_previous_commit_and_clears_old_redlines(repo: Repo) -> None:
    repo.edit(f"offers/{OFFER}.yaml", "qty: 4", "qty: 5")
    first = repo.commit("Пять насосов", "2026-11-02")
    repo.edit(f"offers/{OFFER}.yaml", "delivery_days: 21", "delivery_days: 30")
    head = repo.commit("Срок 30 дней", "2026-11-03")
    result = run("-C", repo.root, "diff", OFFER)
    assert f"{first[:7]} (the previous commit; never sent or approved)" in result.stdout
    assert result.stdout.splitlines()[1:][:1] == ["  terms.delivery_days: 21 → 30"]
    folder = repo.root / "out" / OFFER
    assert redlined(folder, "proposal.docx", first).exists()
    again = run("-C", repo.root, "diff", OFFER, "HEAD", "HEAD")
    assert "no change in the data" in again.stdout and "same text: proposal" in again.stdout
    assert not redlined(folder, "proposal.docx", head, head).exists()
    repo.edit(f"offers/{OFFER}.yaml", "delivery_days: 30", "delivery_days: 45")
    assert run("-C", repo.root, "diff", OFFER, "HEAD").exit_code == 0
    assert redlined(folder, "proposal.docx", head).exists()
    repo.edit(f"offers/{OFFER}.yaml", "delivery_days: 45", "delivery_days: 30")
    assert "same text: proposal" in run("-C", repo.root, "diff", OFFER, "HEAD").stdout
    assert not redlined(folder, "proposal.docx", head).exists()  # no longer true: gone
    assert redlined(folder, "proposal.docx", first).exists()  # still true: kept


def test_diff_without_an_earlier_version(repo: Repo) -> None:
    result = run("-C", repo.root, "diff", OFFER)
    assert result.exit_code == 1
    assert f"{OFFER} has no earlier version in git to compare with" in result.stderr


def test_verify_leaves_redlines_alone(repo: Repo) -> None:
    sent_then_changed(repo)
    assert run("-C", repo.root, "build", CONTRACT).exit_code == 0
    assert run("-C", repo.root, "diff", CONTRACT).exit_code == 0
    result = run("-C", repo.root, "verify", CONTRACT)
    assert result.exit_code == 0, result.output
    assert "redline" not in result.output


def test_policy_and_reliability_are_not_what_the_documents_say(repo: Repo) -> None:
    approve(repo, "2026-11-02", "2026-11-02")
    repo.edit("offergen.yaml", "max_deferral_days: 30", "max_deferral_days: 45")
    repo.edit(
        "clients/acme.yaml", "rating: A, credit_limit: 1500000", "rating: B, credit_limit: 900000"
    )
    repo.commit("Политика и надёжность", "2026-11-09")
    assert check(repo).exit_code == 0
    repo.edit(
        "clients/acme.yaml", "Смирнов Алексей Викторович", "Смирнов Алексей Викторович-Иванов"
    )
    repo.commit("Подписант", "2026-11-10")
    assert "2026-11-10: clients/acme.yaml" in check(repo).stderr


# --- a workspace in a subfolder, merges, git's configuration ------------------------------

FOLDER = "Коммерческие предложения"


@pytest.fixture
def nested(tmp_path: Path) -> tuple[Repo, Path]:
    """A repository whose first commit has no workspace; the workspace, in a folder whose
    name holds a space, comes with the second."""
    (tmp_path / "top").mkdir()
    made = Repo(tmp_path / "top")
    (made.root / "README").write_text("top\n", "utf-8")
    made.commit("Пустой репозиторий", "2026-10-31")
    root = copy_workspace(ROOT, made.root / FOLDER)
    (root / ".gitignore").write_text("out/\n", "utf-8")
    made.commit("Первая версия", "2026-11-01")
    return made, root


def test_build_rev_and_diff_of_a_workspace_in_a_subfolder(nested) -> None:
    repo, root = nested
    repo.edit(f"{FOLDER}/offers/{OFFER}.yaml", "qty: 4", "qty: 5")
    sha = repo.commit("Пять насосов", "2026-11-02")
    built = run("-C", root, "build", OFFER, "--rev", "HEAD", "--format", "docx")
    assert built.exit_code == 0, built.output
    assert (root / "out" / f"{OFFER}@{sha[:7]}" / "proposal.docx").is_file()
    result = run("-C", root, "diff", OFFER)
    assert result.exit_code == 0, result.output
    assert "  items[0].qty: 4 → 5" in result.stdout


def test_build_rev_of_a_commit_before_the_workspace_existed(nested) -> None:
    repo, root = nested
    first = repo.git("rev-parse", "HEAD~1")
    result = run("-C", root, "build", OFFER, "--rev", "HEAD~1")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: there is no {FOLDER}/ in {first[:7]}: the workspace was not in the "
        "repository yet\n"
    )


def test_history_of_an_offer_deleted_and_restored_in_a_subfolder(nested) -> None:
    repo, root = nested
    offer = root / "offers" / f"{OFFER}.yaml"
    text = offer.read_text("utf-8")
    offer.unlink()
    deleted = repo.commit("Удалено по ошибке", "2026-11-02")
    offer.write_text(text, "utf-8")
    repo.commit("Восстановлено", "2026-11-03")
    rows = history_json(root, OFFER)["commits"]
    assert [row["subject"] for row in rows] == [
        "Восстановлено",
        "Удалено по ошибке",
        "Первая версия",
    ]
    row = next(r for r in rows if r["commit"] == deleted)
    assert row["problem"] == "the offer does not exist here" and row["gross"] is None


def test_uncommitted_changes_in_a_subfolder_and_a_rename_of_an_intent_to_add_file(
    nested,
) -> None:
    from offergen.history import Repo as GitRepo

    repo, root = nested
    card = root / "clients" / "tula-water.yaml"
    card.rename(root / "clients" / "tula-w.yaml")
    repo.git("add", "-N", f"{FOLDER}/clients/tula-w.yaml")  # git status: " R new\0old"
    found = GitRepo.find(root)
    assert found is not None and found.prefix == f"{FOLDER}/"
    assert found.changed() == {"clients/tula-w.yaml", "clients/tula-water.yaml"}


def test_history_does_not_depend_on_log_show_root_or_diff_relative(nested) -> None:
    repo, root = nested
    repo.git("config", "log.showRoot", "false")
    repo.git("config", "diff.relative", "true")
    rows = history_json(root, OFFER)["commits"]
    assert [row["subject"] for row in rows] == ["Первая версия"]
    flat = copy_workspace(ROOT, root.parent.parent / "flat")
    only = Repo(flat)  # the workspace in the repository's first commit
    only.commit("Первая версия", "2026-11-01")
    only.git("config", "log.showRoot", "false")
    assert [row["subject"] for row in history_json(only.root, OFFER)["commits"]] == [
        "Первая версия"
    ]


def test_a_change_brought_in_by_a_merge_is_a_change(repo: Repo) -> None:
    repo.git("checkout", "-q", "-b", "client-asks")
    repo.edit(f"offers/{CONTRACT}.yaml", "qty: 6", "qty: 8")
    repo.commit("Восемь насосов", "2026-11-02")
    repo.git("checkout", "-q", "main")
    approve(repo, "2026-11-05", "2026-11-05")  # legal saw 6 pumps
    repo.git("merge", "-q", "--no-edit", "client-asks", day="2026-11-06")
    merge = repo.git("rev-parse", "HEAD")
    result = check(repo)
    assert result.exit_code == 1
    assert f"({merge[:7]} on 2026-11-06: offers/{CONTRACT}.yaml)" in result.stderr
    rows = history_json(repo.root, CONTRACT)["commits"]
    assert rows[0]["commit"] == merge and rows[0]["gross"] == str(gross(repo.root, CONTRACT))
    assert run("-C", repo.root, "build", CONTRACT, "--format", "docx").exit_code == 0
    version = docx.Document(repo.root / "out" / CONTRACT / "contract.docx").core_properties
    assert version.version.endswith(f" · {merge[:7]}")  # the state built, not the branch's


@pytest.fixture
def loaded_by_offer(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """The commits whose past states get loaded, in order, for each offer."""
    from offergen import past

    found: dict[str, list[str]] = {}
    load_states = past.load_states

    def counting(repo_: object, asked: list[str], offer_id: str) -> list[past.State]:
        found.setdefault(offer_id, []).extend(asked)
        found.setdefault("", []).extend(asked)
        return load_states(repo_, asked, offer_id)  # type: ignore[arg-type]

    monkeypatch.setattr(past, "load_states", counting)
    return found


@pytest.fixture
def loaded(loaded_by_offer: dict[str, list[str]]) -> list[str]:
    """The commits whose past states get loaded, in order, for any offer."""
    return loaded_by_offer.setdefault("", [])


@pytest.fixture
def walked(loaded_by_offer: dict[str, list[str]]) -> list[str]:
    """Those loaded for the contract offer (the example's other approved offer, sent
    beyond its credit limit with finance's approval, walks its own)."""
    return loaded_by_offer.setdefault(CONTRACT, [])


def test_layout_commits_do_not_lengthen_the_walk_back(repo: Repo, walked: list[str]) -> None:
    approve(repo, "2026-11-02", "2026-11-02")
    for day in range(3, 23):
        with open(repo.root / "templates" / "style.css", "a", encoding="utf-8") as css:
            css.write(f"\n/* {day} */\n")
        repo.commit("Поля", f"2026-11-{day:02}")
    assert check(repo, today="2026-11-25").exit_code == 0
    assert len(walked) == 2  # the approval and the first commit: no state of style.css


def test_without_git_on_the_path_history_says_git_is_missing(repo: Repo, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(repo.root / "no-such-bin"))
    result = run("-C", repo.root, "history", OFFER)
    assert result.exit_code == 1
    assert result.stderr == (
        "error: git is not installed (or not on PATH): it is needed to read the history\n"
    )


def test_diff_against_a_commit_without_the_offer_names_that_commit(repo: Repo) -> None:
    first = repo.git("rev-parse", "HEAD")
    source = repo.root / "offers" / f"{OFFER}.yaml"
    text = source.read_text("utf-8").replace("КП-2026-0001", "КП-2026-0009")
    (repo.root / "offers" / "acme-2026-009.yaml").write_text(text, "utf-8")
    repo.commit("Новое предложение", "2026-11-02")
    result = run("-C", repo.root, "diff", "acme-2026-009", first)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: at {first[:7]}: no offer 'acme-2026-009' in offers/")


def test_editor_scratch_files_under_templates_are_not_changes(repo: Repo) -> None:
    for name in (".style.css.swp", "style.css~", "#base.html#"):
        (repo.root / "templates" / name).write_text("scratch", "utf-8")
    assert history_json(repo.root, OFFER)["uncommitted"] == []
    (repo.root / "templates" / "new.html").write_text("<p>new</p>", "utf-8")
    assert history_json(repo.root, OFFER)["uncommitted"] == ["templates/new.html"]


def test_an_approved_offer_never_committed_changed_today(repo: Repo) -> None:
    source = (repo.root / "offers" / f"{CONTRACT}.yaml").read_text("utf-8")
    source = source.replace("КП-2026-0005", "КП-2026-0099").replace('"2026/015"', '"2026/099"')
    (repo.root / "offers" / "acme-2026-099.yaml").write_text(
        source.replace("date: 2026-12-03, verdict", "date: 2026-11-02, verdict"), "utf-8"
    )
    result = check(repo, today="2026-11-20")
    assert result.exit_code == 1
    assert "(uncommitted changes to offers/acme-2026-099.yaml)" in result.stderr
    assert check(repo, today="2026-11-02").exit_code == 0


def test_build_rev_of_a_commit_without_the_offer_names_that_commit(repo: Repo) -> None:
    first = repo.git("rev-parse", "HEAD")
    source = (repo.root / "offers" / f"{OFFER}.yaml").read_text("utf-8")
    (repo.root / "offers" / "acme-2026-077.yaml").write_text(
        source.replace("КП-2026-0001", "КП-2026-0077"), "utf-8"
    )
    repo.commit("Новое КП", "2026-11-02")
    result = run("-C", repo.root, "build", "acme-2026-077", "--rev", first)
    assert result.exit_code == 1
    assert f"at {first[:7]}: no offer 'acme-2026-077'" in result.stderr


def test_a_discount_approval_must_postdate_the_last_change_too(repo: Repo) -> None:
    offer = "offers/tula-2026-006.yaml"
    repo.edit(offer, "status: draft", "status: approved")
    with open(repo.root / offer, "a", encoding="utf-8") as source:
        source.write("approval: {by: Сидоров О. П., date: 2026-11-02}\n")
    repo.commit("Скидка согласована", "2026-11-02")
    assert check(repo).exit_code == 0
    repo.edit(offer, "qty: 30", "qty: 40")
    sha = repo.commit("Больше задвижек", "2026-11-05")
    result = check(repo)
    assert result.exit_code == 1
    assert (
        f"{offer}:20:37: approval.date: the discount was approved on 2026-11-02, before the "
        f"last change of what the documents say ({sha[:7]} on 2026-11-05: {offer})"
    ) in result.stderr


def test_an_approval_of_exceptions_must_postdate_the_last_change_too(repo: Repo) -> None:
    offer = "offers/tula-2026-004.yaml"  # sent: no prepayment, beyond the credit limit
    text = (repo.root / offer).read_text("utf-8")
    text = text[: text.index("review:")]  # finance's review goes; an approval record comes
    text += "approval: {by: Орлов И. П., date: 2026-11-02, covers: [credit_limit, prepayment]}\n"
    (repo.root / offer).write_text(text, "utf-8")
    repo.commit("Исключения согласованы", "2026-11-02")
    assert check(repo).exit_code == 0
    repo.edit(offer, "qty: 30.75", "qty: 40")
    sha = repo.commit("Больше труб", "2026-11-05")
    result = check(repo)
    assert result.exit_code == 1
    assert (
        f"approval.date: the exceptions (credit_limit, prepayment) were approved on 2026-11-02, "
        "before the "
        f"last change of what the documents say ({sha[:7]} on 2026-11-05: {offer})"
    ) in result.stderr


def test_build_rev_ignores_export_attributes(repo: Repo, tmp_path: Path) -> None:
    # `git archive` would leave the template out and rewrite $Format$ in the offer.
    (repo.root / ".gitattributes").write_text(
        "templates/proposal.html export-ignore\noffers/*.yaml export-subst\n", "utf-8"
    )
    repo.edit(f"offers/{OFFER}.yaml", "contact:", "intro: Версия $Format:%h$.\ncontact:")
    sha = repo.commit("Атрибуты", "2026-11-02")
    assert run("-C", repo.root, "build", OFFER, "--rev", sha).exit_code == 0
    built = repo.root / "out" / f"{OFFER}@{sha[:7]}"
    assert "Версия $Format:%h$." in pdf_text(built / "proposal.pdf")
    checkout = tmp_path / "checkout"
    subprocess.run(["git", "clone", "-q", repo.root.as_uri(), str(checkout)], check=True)
    assert run("-C", checkout, "build", OFFER).exit_code == 0
    for name in ("proposal.pdf", "proposal.docx"):
        assert (built / name).read_bytes() == (checkout / "out" / OFFER / name).read_bytes()


def test_diff_tells_the_order_discount_from_the_effective_one(negotiated) -> None:
    repo, shas, totals = negotiated
    result = run("-C", repo.root, "diff", OFFER, shas[2], shas[4])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "  discount: 3 → 5" in lines
    effective = [line for line in lines if line.startswith("  effective discount: ")]
    assert len(effective) == 1
    before = f"{totals[2]:,.2f}".replace(",", "\u00a0").replace(".", ",")
    after = f"{totals[4]:,.2f}".replace(",", "\u00a0").replace(".", ",")
    assert f"  gross: {before}\u00a0₽ → {after}\u00a0₽" in lines


def test_another_offer_refused_today_does_not_stop_a_look_at_this_one(repo: Repo) -> None:
    repo.edit("offers/tula-2026-006.yaml", "qty: 30", "qty: 0")  # refused by check
    repo.edit(f"offers/{OFFER}.yaml", "qty: 4", "qty: 5")
    broken = repo.commit("Пять насосов (и ошибка в другом КП)", "2026-11-02")
    repo.edit("offers/tula-2026-006.yaml", "qty: 0", "qty: 30")
    repo.edit(f"offers/{OFFER}.yaml", "qty: 5", "qty: 7")
    repo.commit("Семь насосов", "2026-11-03")
    result = run("-C", repo.root, "diff", OFFER, broken)
    assert result.exit_code == 0, result.output
    assert "  items[0].qty: 5 → 7" in result.stdout
    built = run("-C", repo.root, "build", OFFER, "--rev", broken)
    assert built.exit_code == 0, built.output
    whole = run("-C", repo.root, "build", "--rev", broken)  # every offer: as a checkout
    assert whole.exit_code == 1
    assert f"{broken[:7]}:offers/tula-2026-006.yaml" in whole.stderr


def test_a_new_document_is_redlined_as_all_inserted(repo: Repo) -> None:
    with open(repo.root / "offers" / f"{OFFER}.yaml", "a", encoding="utf-8") as source:
        source.write('contract: {type: supply, number: "2026/020", city: Москва}\n')
    first = repo.git("rev-parse", "HEAD")
    repo.commit("Договор к КП", "2026-11-02")
    result = run("-C", repo.root, "diff", OFFER)
    assert result.exit_code == 0, result.output
    assert "new documents (all of them inserted): contract" in result.stdout
    docx_path = redlined(repo.root / "out" / OFFER, "contract.docx", first)
    inserted = "".join(text for text, _, _ in marks(docx_path, "ins"))
    assert marks(docx_path, "del") == []
    body = "".join(t.text or "" for t in docx.Document(docx_path).element.body.iter(W + "t"))
    assert inserted == body and "Договор поставки" in inserted
    assert "Договор поставки" in pdf_text(docx_path.with_suffix(".pdf"))


def test_the_walk_back_stops_at_commits_older_than_the_approval(
    repo: Repo, walked: list[str]
) -> None:
    from offergen import past

    for day in range(2, 22):  # other items' prices, before legal looked at the offer
        repo.edit("catalog.yaml", "# The price list.", f"# The price list ({day}).")
        repo.commit("Прайс", f"2026-11-{day:02}")
        repo.edit("catalog.yaml", f"# The price list ({day}).", "# The price list.")
    approve(repo, "2026-11-25", "2026-11-25")
    assert check(repo, today="2026-11-26").exit_code == 0
    assert len(walked) == past.CHUNK  # one batch, not the 22 commits behind the approval


def test_a_rev_b_that_changed_nothing_is_still_signed_by_its_author(repo: Repo) -> None:
    sent, _ = sent_then_changed(repo)
    repo.git("commit", "-q", "--allow-empty", "-m", "Пустой коммит", day="2026-11-07")
    head = repo.git("rev-parse", "HEAD")
    assert run("-C", repo.root, "diff", CONTRACT, sent, head).exit_code == 0
    inserted = marks(redlined(repo.root / "out" / CONTRACT, "contract.docx", sent, head), "ins")
    assert {(author, date) for _, author, date in inserted} == {
        ("Пётр Петров", "2026-11-07T07:00:00Z")
    }


def test_diff_names_the_problems_of_a_past_commit_as_git_does(repo: Repo) -> None:
    repo.edit(f"offers/{OFFER}.yaml", "qty: 4", "qty: 0")
    bad = repo.commit("Ошибка", "2026-11-02")
    repo.edit(f"offers/{OFFER}.yaml", "qty: 0", "qty: 4")
    repo.commit("Исправлено", "2026-11-03")
    result = run("-C", repo.root, "diff", OFFER, bad)
    assert result.exit_code == 1
    assert f"{bad[:7]}:offers/{OFFER}.yaml:9:10: items[0].qty: must be greater than 0" in (
        result.stderr
    )

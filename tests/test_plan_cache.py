"""The no-op build: an unchanged workspace is recalled, not loaded; every change is caught."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

import offergen.validate
from offergen import plan_cache
from offergen.workspace import Workspace

from .conftest import Repo, docx_text, give_a_contract, run

HOUR = 3600


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every workspace the build loads (parses, checks and prices); in git, past states
    of an offer are loaded too, from folders of their own."""
    loaded: list[Path] = []
    real = offergen.validate.load_workspace

    def spy(root: Path, *args: object, **kwargs: object) -> Workspace:
        loaded.append(root)
        return real(root, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(offergen.validate, "load_workspace", spy)
    return loaded


def _age(root: Path) -> None:
    """Every file an hour old: its stat is trusted (newer ones are always hashed)."""
    past = time.time() - HOUR
    for path in root.rglob("*"):
        if path.is_file() and "out" not in path.relative_to(root).parts:
            os.utime(path, (past, past))


def _build(root: Path, *args: str) -> tuple[set[str], str, str]:
    """Each file built (`offer/file`), the summary line, and stderr."""
    result = run("-C", root, "build", "--jobs", "1", "--format", "docx", *args)
    assert result.exit_code == 0, result.output
    built = set()
    for line in result.stdout.splitlines():
        if "] built " in line:
            offer, _, names = line.split("] built ", 1)[1].partition(": ")
            built |= {f"{offer}/{name}" for name in names.split(", ")}
    return built, result.stdout.splitlines()[-1], result.stderr


@pytest.fixture
def ws(scratch: Path) -> Path:
    """The minimal workspace with a contract, a discount scheme and a warning, built once
    with every input an hour old."""
    give_a_contract(scratch)
    (scratch / "discounts.yaml").write_text(
        "schemes:\n  volume:\n    title: {ru: Скидка за объём, en: Volume discount}\n"
        "    basis: order_total\n    tiers: [{from: 1000, percent: 2}]\n",
        "utf-8",
    )
    offer = scratch / "offers" / "a-1.yaml"
    offer.write_text(offer.read_text("utf-8") + "schemes: [volume]\n", "utf-8")
    client = scratch / "clients" / "acme.yaml"
    client.write_text(client.read_text("utf-8") + "reliability: {rating: C}\n", "utf-8")
    _age(scratch)
    built, _, _ = _build(scratch)
    assert built == {"a-1/proposal.docx", "a-1/discount-scheme.docx", "a-1/contract.docx"}
    return scratch


def test_an_unchanged_workspace_is_recalled_not_loaded(ws: Path, loads: list[Path]) -> None:
    _, _, first_warnings = _build(ws, "--force")  # loads: what --force renders needs it
    assert len(loads) == 1
    assert "warning: reliability.rating: the client is rated C" in first_warnings
    built, summary, warnings = _build(ws)
    assert (built, summary.split(" in ")[0]) == (
        set(),
        "0 documents built, 3 up to date, 0 offers failed, 1 offer",
    )
    assert len(loads) == 1  # not parsed, checked or priced again
    assert warnings == first_warnings  # the same warnings, recalled


def test_a_file_touched_without_a_change_is_hashed_and_recalled(
    ws: Path, loads: list[Path]
) -> None:
    os.utime(ws / "offers" / "a-1.yaml")  # a checkout or an editor's save: a new mtime
    assert _build(ws)[0] == set()
    assert _build(ws)[0] == set()
    assert loads == []


CHANGES = [
    ("offers/a-1.yaml", "qty: 2", "qty: 3", {"a-1/proposal.docx", "a-1/contract.docx"}),
    ("clients/acme.yaml", "ООО «Акме»", "ООО «Акме-2»", {"a-1/proposal.docx"}),
    ("catalog.yaml", "price: 1000.00", "price: 1100.00", {"a-1/proposal.docx"}),
    ("discounts.yaml", "percent: 2}", "percent: 3}", {"a-1/discount-scheme.docx"}),
    ("offergen.yaml", "Северный ветер", "Южный ветер", {"a-1/proposal.docx"}),
    (
        "templates/proposal.html",
        "<h1>{{ title }}</h1>",
        "<h1>{{ title }}.</h1>",
        {"a-1/proposal.docx"},
    ),
    ("templates/proposal.docx", "", "", {"a-1/proposal.docx"}),  # bytes appended, below
    ("templates/labels.yaml", "Коммерческое предложение,", "КП,", {"a-1/proposal.docx"}),
    (
        "templates/clauses/supply.yaml",
        "title: {ru: Договор поставки,",
        "title: {ru: Договор поставки товара,",
        {"a-1/contract.docx"},
    ),
]


@pytest.mark.parametrize(("relative", "old", "new", "rebuilt"), CHANGES)
def test_every_kind_of_input_change_is_caught(
    ws: Path, loads: list[Path], relative: str, old: str, new: str, rebuilt: set[str]
) -> None:
    path = ws / relative
    if path.suffix == ".docx":
        path.write_bytes(path.read_bytes() + b"\0")  # a zip tolerates a trailing byte
    else:
        text = path.read_text("utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), "utf-8")
    built, _, _ = _build(ws)
    assert len(loads) == 1  # loaded again
    assert rebuilt <= built


def test_a_new_offer_is_built_and_a_removed_one_is_removed(ws: Path) -> None:
    offer = (ws / "offers" / "a-1.yaml").read_text("utf-8")
    (ws / "offers" / "b-2.yaml").write_text(offer.replace("КП-1", "КП-2"), "utf-8")
    assert "b-2/proposal.docx" in _build(ws)[0]
    (ws / "offers" / "b-2.yaml").unlink()
    result = run("-C", ws, "build", "--format", "docx")
    assert "removed b-2: the offer no longer exists" in result.stdout
    assert not (ws / "out" / "b-2").exists()


def test_a_change_of_offergen_is_caught(
    ws: Path, loads: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = plan_cache.key_versions()
    monkeypatch.setattr(plan_cache, "key_versions", lambda: {**versions, "offergen": "99.0"})
    assert _build(ws)[0] == set()  # documents of the same inputs stay
    assert len(loads) == 1  # but the workspace is judged by the new code


def _recorded(ws: Path, name: str) -> dict[str, object]:
    manifest = json.loads((ws / "out" / "a-1" / "manifest.json").read_text("utf-8"))
    entry: dict[str, object] = manifest["documents"][name]
    return entry


def test_an_edited_output_is_rebuilt(ws: Path, loads: list[Path]) -> None:
    path = ws / "out" / "a-1" / "proposal.docx"
    entry = _recorded(ws, "proposal.docx")
    assert entry["bytes"] == path.stat().st_size
    assert entry["mtime_ns"] == path.stat().st_mtime_ns
    path.write_bytes(path.read_bytes()[::-1])  # the same size, other bytes, a new mtime
    stamp = int(str(entry["mtime_ns"])) + 1_000_000_000
    os.utime(path, ns=(stamp, stamp))
    assert _build(ws)[0] == {"a-1/proposal.docx"}
    assert loads == [ws.resolve()]  # loaded only to render


def test_verify_outputs_finds_an_edit_whose_mtime_was_set_back(ws: Path) -> None:
    path = ws / "out" / "a-1" / "proposal.docx"
    original, stat = path.read_bytes(), path.stat()
    path.write_bytes(original[::-1])
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert _build(ws)[0] == set()  # size and mtime are trusted…
    assert _build(ws, "--verify-outputs")[0] == {"a-1/proposal.docx"}  # …until hashed
    assert path.read_bytes() == original


def test_a_deleted_output_is_rebuilt(ws: Path) -> None:
    (ws / "out" / "a-1" / "contract.docx").unlink()
    assert _build(ws)[0] == {"a-1/contract.docx"}


def test_a_damaged_cache_only_costs_a_load(ws: Path, loads: list[Path]) -> None:
    cache = ws / "out" / ".offergen-cache" / "plan.json"
    kept = json.loads(cache.read_text("utf-8"))
    for damage in ("{", json.dumps({**kept, "plan": {"offer_ids": 5}}), "[]"):
        cache.write_text(damage, "utf-8")
        assert _build(ws)[0] == set()
    assert len(loads) == 3
    assert _build(ws)[0] == set()
    assert len(loads) == 3  # the last load remembered again


def test_fewer_formats_or_offers_remember_only_theirs(ws: Path, loads: list[Path]) -> None:
    path = ws / "offers" / "a-1.yaml"
    path.write_text(path.read_text("utf-8").replace("qty: 2", "qty: 4"), "utf-8")
    assert _build(ws)[0] >= {"a-1/proposal.docx"}  # remembers the DOCX plan only
    result = run("-C", ws, "build", "--format", "pdf", "a-1")
    assert result.exit_code == 0, result.output
    assert len(loads) == 2  # the PDF's hashes were not remembered: loaded


def test_a_commit_changes_the_version_stamp_even_without_a_file_change(
    repo: Repo, loads: list[Path]
) -> None:
    offer = "acme-2026-001"
    assert _build(repo.root, offer)[0] >= {f"{offer}/proposal.docx"}
    repo.edit(f"offers/{offer}.yaml", "qty: 4", "qty: 5")
    assert _build(repo.root, offer)[0] == {f"{offer}/proposal.docx"}
    assert "+ изменения" in docx_text(repo.root / "out" / offer / "proposal.docx")
    assert _build(repo.root, offer)[0] == set()
    loaded = loads.count(repo.root.resolve())
    repo.commit("Три насоса", "2026-11-02")  # the same files, now committed
    assert _build(repo.root, offer)[0] == {f"{offer}/proposal.docx"}
    assert loads.count(repo.root.resolve()) == loaded + 1
    assert "+ изменения" not in docx_text(repo.root / "out" / offer / "proposal.docx")
    assert not (repo.root / "out" / ".offergen-cache").exists()
    kept = list((Path(repo.git("rev-parse", "--absolute-git-dir")) / "offergen").glob("plan-*"))
    assert len(kept) == 1


def test_the_cache_is_json_never_code(ws: Path) -> None:
    data = (ws / "out" / ".offergen-cache" / "plan.json").read_bytes()
    kept = json.loads(data)
    assert set(kept) == {"key", "started_ns", "files", "plan"}
    assert str((ws / "offers" / "a-1.yaml").resolve()) in kept["files"]


def test_outputs_git_does_not_ignore_leave_the_plan_recalled(repo: Repo, loads: list[Path]) -> None:
    (repo.root / ".gitignore").unlink()
    repo.commit("out/ is no longer ignored", "2026-11-02")
    offer = "acme-2026-001"
    assert _build(repo.root, offer)[0] >= {f"{offer}/proposal.docx"}
    assert "?? out/" in repo.git("status", "--porcelain")
    loaded = loads.count(repo.root.resolve())
    assert _build(repo.root, offer)[0] == set()
    assert loads.count(repo.root.resolve()) == loaded


def test_a_file_saved_while_the_build_loads_is_caught_next_time(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    offer = ws / "offers" / "a-1.yaml"
    offer.write_text(offer.read_text("utf-8").replace("qty: 2", "qty: 3"), "utf-8")
    real = offergen.validate.load_workspace

    def load_then_save(root: Path, *args: object, **kwargs: object) -> Workspace:
        loaded = real(root, *args, **kwargs)  # type: ignore[arg-type]
        if "qty: 3" in offer.read_text("utf-8"):  # saved once, after it was read
            offer.write_text(offer.read_text("utf-8").replace("qty: 3", "qty: 4"), "utf-8")
        return loaded

    monkeypatch.setattr(offergen.validate, "load_workspace", load_then_save)
    assert "a-1/proposal.docx" in _build(ws)[0]  # built from qty 3
    assert "a-1/proposal.docx" in _build(ws)[0]  # qty 4: not taken for what was loaded
    assert "4" in docx_text(ws / "out" / "a-1" / "proposal.docx")


def test_force_trusts_no_stat_and_loads(ws: Path, loads: list[Path]) -> None:
    offer = ws / "offers" / "a-1.yaml"
    before, stat = docx_text(ws / "out" / "a-1" / "proposal.docx"), offer.stat()
    offer.write_text(offer.read_text("utf-8").replace("qty: 2", "qty: 3"), "utf-8")
    os.utime(offer, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the same size and mtime
    assert _build(ws)[0] == set()  # what no stat can see (as for make and git)
    assert loads == []
    assert "a-1/proposal.docx" in _build(ws, "--force")[0]
    assert loads == [ws.resolve()]
    assert docx_text(ws / "out" / "a-1" / "proposal.docx") != before
    assert "a-1/proposal.docx" not in _build(ws)[0]  # and its plan is kept again

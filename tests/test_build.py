"""The incremental, parallel build: skips, rebuilds, removals, failures and the lock."""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from offergen.build import build
from offergen.validate import load_workspace

from .conftest import ROOT, copy_workspace, give_a_contract, run

Built = dict[str, bytes]


def _outputs(out: Path) -> Built:
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in sorted(out.rglob("*.*"))
        if p.suffix in (".pdf", ".docx")
    }


def _build(workspace: Path, *args: str) -> list[str]:
    result = run("-C", workspace, "build", "--jobs", "1", *args)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


@pytest.fixture
def built(scratch: Path) -> Path:
    offer = (scratch / "offers" / "a-1.yaml").read_text(encoding="utf-8")
    (scratch / "offers" / "b-2.yaml").write_text(offer.replace("КП-1", "КП-2"), encoding="utf-8")
    assert _build(scratch, "--format", "docx")[-1].startswith("2 documents built, 0 up to date")
    return scratch


def test_an_unchanged_workspace_builds_nothing(built: Path) -> None:
    manifest = (built / "out" / "a-1" / "manifest.json").read_bytes()
    before = _outputs(built / "out")
    lines = _build(built, "--format", "docx")
    assert lines[-1].startswith("0 documents built, 2 up to date, 0 offers failed, 2 offers")
    assert _outputs(built / "out") == before
    assert (built / "out" / "a-1" / "manifest.json").read_bytes() == manifest  # not rewritten


def test_what_no_document_prints_rebuilds_nothing(built: Path) -> None:
    """The SMTP settings, the numbering of new offers, a comment: no document says them."""
    config = built / "offergen.yaml"
    config.write_text(
        config.read_text("utf-8")
        + "numbering: Q-{seq}\nmail: {host: smtp.example.ru, from: a@example.ru}\n",
        "utf-8",
    )
    offer = built / "offers" / "a-1.yaml"
    offer.write_text("# a comment of the manager's\n" + offer.read_text("utf-8"), "utf-8")
    assert _build(built, "--format", "docx")[-1].startswith("0 documents built, 2 up to date")
    config.write_text(config.read_text("utf-8").replace("validity_days: 30", "validity_days: 31"))
    assert _build(built, "--format", "docx")[-1].startswith("2 documents built, 0 up to date")


def test_a_changed_offer_rebuilds_only_its_documents(built: Path) -> None:
    offer = built / "offers" / "b-2.yaml"
    offer.write_text(
        offer.read_text(encoding="utf-8").replace("qty: 2", "qty: 3"), encoding="utf-8"
    )
    lines = _build(built, "--format", "docx")
    assert "[2/2] built b-2: proposal.docx" in lines or "[1/2] built b-2: proposal.docx" in lines
    assert lines[-1].startswith("1 document built, 1 up to date")


def test_a_changed_client_or_template_rebuilds_what_uses_it(built: Path) -> None:
    client = built / "clients" / "acme.yaml"
    client.write_text(client.read_text(encoding="utf-8") + "phone: +7 000\n", encoding="utf-8")
    assert _build(built, "--format", "docx")[-1].startswith("2 documents built, 0 up to date")
    labels = built / "templates" / "labels.yaml"
    labels.write_text(labels.read_text(encoding="utf-8") + "# reworded\n", encoding="utf-8")
    assert _build(built, "--format", "docx")[-1].startswith("2 documents built, 0 up to date")
    # a template no document of these offers reads changes nothing
    other = built / "templates" / "disagreements.html"
    other.write_text(other.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert _build(built, "--format", "docx")[-1].startswith("0 documents built, 2 up to date")


def test_missing_or_altered_outputs_are_rebuilt(built: Path) -> None:
    (built / "out" / "a-1" / "proposal.docx").unlink()
    (built / "out" / "b-2" / "proposal.docx").write_bytes(b"tampered")
    assert _build(built, "--format", "docx")[-1].startswith("2 documents built, 0 up to date")
    assert (built / "out" / "b-2" / "proposal.docx").read_bytes().startswith(b"PK")


def test_force_rebuilds_everything(built: Path) -> None:
    assert _build(built, "--format", "docx", "--force")[-1].startswith("2 documents built")


def test_outputs_of_vanished_offers_and_documents_are_removed(built: Path) -> None:
    (built / "out" / "stray").mkdir()  # not ours: no manifest, left alone
    (built / "offers" / "b-2.yaml").unlink()
    lines = _build(built, "--format", "docx")
    assert "removed b-2: the offer no longer exists" in lines
    assert not (built / "out" / "b-2").exists()
    assert (built / "out" / "stray").is_dir()


def test_a_document_the_offer_no_longer_gets_is_removed(tmp_path: Path) -> None:
    workspace = copy_workspace(ROOT, tmp_path / "ws")
    _build(workspace, "acme-2026-005", "--format", "docx")
    folder = workspace / "out" / "acme-2026-005"
    assert (folder / "disagreements.docx").is_file()
    offer = workspace / "offers" / "acme-2026-005.yaml"
    text = offer.read_text(encoding="utf-8")
    offer.write_text(text[: text.index("contract:")], encoding="utf-8")
    _build(workspace, "acme-2026-005", "--format", "docx")
    assert sorted(p.name for p in folder.iterdir()) == [
        "discount-scheme.docx",
        "manifest.json",
        "proposal.docx",
    ]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["documents"]) == ["discount-scheme.docx", "proposal.docx"]


def test_a_failing_offer_keeps_its_old_outputs_and_the_others_build(built: Path) -> None:
    before = (built / "out" / "a-1" / "proposal.docx").read_bytes()
    offer = built / "offers" / "a-1.yaml"
    offer.write_text(
        offer.read_text(encoding="utf-8").replace("qty: 2", "qty: 5"), encoding="utf-8"
    )
    other = built / "offers" / "b-2.yaml"
    other.write_text(
        other.read_text(encoding="utf-8").replace("qty: 2", "qty: 7"), encoding="utf-8"
    )
    template = built / "templates" / "proposal.docx"
    template.write_bytes(b"not a docx")  # both are blocked...
    result = run("-C", built, "build", "--format", "docx")
    assert result.exit_code == 1
    assert "BLOCKED a-1/proposal: templates/proposal.docx:1:1: not a Word document" in result.stderr
    assert "an earlier file of it is kept, now stale" in result.stderr
    assert (built / "out" / "a-1" / "proposal.docx").read_bytes() == before


def test_one_offer_failing_does_not_stop_the_others(built: Path) -> None:
    offer = built / "offers" / "a-1.yaml"
    offer.write_text(
        offer.read_text(encoding="utf-8").replace("qty: 2", "qty: 5"), encoding="utf-8"
    )
    other = built / "offers" / "b-2.yaml"
    other.write_text(other.read_text(encoding="utf-8") + "intro: second\n", encoding="utf-8")
    html = built / "templates" / "proposal.html"
    # a template that fails for one offer's data only
    html.write_text(
        html.read_text(encoding="utf-8").replace(
            "{% block content %}",
            "{% block content %}{% if number == 'КП-1' %}{{ undefined_name }}{% endif %}",
        ),
        encoding="utf-8",
    )
    result = run("-C", built, "build", "--jobs", "2")
    assert result.exit_code == 1
    assert "FAILED a-1: proposal.html: UndefinedError" in result.stderr
    assert (built / "out" / "b-2" / "proposal.pdf").is_file()
    assert not (built / "out" / "a-1" / "proposal.pdf").exists()  # only the DOCX existed
    # b-2: its changed DOCX and its first PDF
    assert result.stdout.splitlines()[-1].startswith(
        "2 documents built, 0 up to date, 1 offer failed"
    )


def test_a_second_build_on_the_same_out_is_refused(built: Path) -> None:
    with open(built / "out" / ".offergen.lock", "a+", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        lock.seek(0)
        lock.truncate()
        lock.write(f"{os.getpid()}")  # a running process: this one
        lock.flush()
        result = run("-C", built, "build", "--lock-timeout", "0")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"error: another offergen build (pid {os.getpid()}) is writing to "
        f"{(built / 'out').resolve()}; wait for it to finish and run "
        "again\n"
    )


def _hashes(out: Path) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in _outputs(out).items()}


def test_serial_and_parallel_builds_are_byte_identical(example_build: Path, tmp_path: Path) -> None:
    workspace = copy_workspace(ROOT, tmp_path / "ws")
    result = run("-C", workspace, "build", "--jobs", "2", "--out", tmp_path / "parallel")
    assert result.exit_code == 0, result.output
    assert _hashes(tmp_path / "parallel") == _hashes(example_build)


def _damaged_docx(source: Path) -> bytes:
    """A zip with every part of a Word document, its text no longer XML."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as damaged:
        for name in original.namelist():
            data = original.read(name)
            damaged.writestr(name, b"<w:document>not XML" if name == "word/document.xml" else data)
    return out.getvalue()


def test_a_docx_template_word_cannot_open_blocks_its_document(built: Path) -> None:
    template = built / "templates" / "proposal.docx"
    template.write_bytes(_damaged_docx(template))
    checked = run("-C", built, "check")
    assert checked.exit_code == 1
    assert checked.stderr.startswith(
        "templates/proposal.docx:1:1: not a Word document that can be opened (XMLSyntaxError: "
    )
    result = run("-C", built, "build", "--format", "docx")
    assert result.exit_code == 1
    assert "BLOCKED a-1/proposal: templates/proposal.docx:1:1: not a Word document" in result.stderr


def test_a_docx_template_damaged_after_check_fails_its_offer_not_the_build(built: Path) -> None:
    give_a_contract(built)
    workspace = load_workspace(built)  # checked while the template was sound
    template = built / "templates" / "contract.docx"
    template.write_bytes(_damaged_docx(template))
    report = build(workspace, formats=["docx"], jobs=1)
    assert [result.offer_id for result in report.failed] == ["a-1"]
    assert str(report.failed[0].error).startswith(
        "contract.docx: not a usable Word document (XMLSyntaxError: "
    )
    assert [result.offer_id for result in report.results if result.written] == ["b-2"]

"""`offergen verify` on files it cannot read: each is reported as UNREADABLE, and the
other pairs are still compared."""

from __future__ import annotations

import shutil
from pathlib import Path

from .conftest import example_workspace, run

REBUILD = "; offergen build makes it again"


def _copy(example_build: Path, out: Path, *offers: str) -> Path:
    for offer in offers:
        shutil.copytree(example_build / offer, out / offer)
    return out


def test_damaged_files_are_unreadable_and_the_rest_is_verified(
    example_build: Path, tmp_path: Path
) -> None:
    out = _copy(example_build, tmp_path / "out", "tula-2026-004", "acme-2026-005")
    (out / "tula-2026-004" / "proposal.docx").write_bytes(b"version https://git-lfs\n")
    contract = out / "acme-2026-005" / "contract.pdf"
    contract.write_bytes(contract.read_bytes()[:1000])  # cut short
    (out / "acme-2026-005" / "proposal.pdf").unlink()
    (out / "acme-2026-005" / "proposal.pdf").mkdir()
    result = run(
        "-C", example_workspace(), "verify", "acme-2026-005", "tula-2026-004", "--out", out
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "UNREADABLE acme-2026-005/contract: contract.pdf: not a PDF that can be read "
        f"(PdfStreamError: Stream has ended unexpectedly){REBUILD}",
        f"UNREADABLE acme-2026-005/proposal: proposal.pdf: Is a directory{REBUILD}",
        "UNREADABLE tula-2026-004/proposal: proposal.docx: not a DOCX that can be read "
        f"(BadZipFile: File is not a zip file){REBUILD}",
    ]
    assert result.stdout.splitlines() == [
        "same acme-2026-005/disagreements",
        "same acme-2026-005/discount-scheme",
        "5 pairs checked, 0 differ, 3 unreadable",
    ]


def test_a_docx_whose_parts_are_not_xml_is_unreadable(example_build: Path, tmp_path: Path) -> None:
    import zipfile

    out = _copy(example_build, tmp_path / "out", "tula-2026-004")
    docx = out / "tula-2026-004" / "proposal.docx"
    with zipfile.ZipFile(docx) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["word/document.xml"] = b"<w:document"
    with zipfile.ZipFile(docx, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    result = run("-C", example_workspace(), "verify", "tula-2026-004", "--out", out)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "UNREADABLE tula-2026-004/proposal: proposal.docx: not a DOCX that can be read "
        "(XMLSyntaxError: "
    )
    assert result.stdout == "1 pairs checked, 0 differ, 1 unreadable\n"

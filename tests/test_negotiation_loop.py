"""The negotiation loop end to end, as the README walks it: send the draft, the client
returns it with tracked changes, `negotiate import`, the protocol of disagreements, the
agreement, the final contract and the redline of what changed since the draft sent."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

import docx
import pytest

from offergen.redline import redline_docx

from .conftest import Repo, docx_text, pdf_text, run

OFFER = "acme-2026-005"
SOURCE = f"offers/{OFFER}.yaml"
OURS, THEIRS = "в течение 14 календарных дней", "в течение 7 календарных дней"


def _built(repo: Repo, name: str) -> Path:
    return repo.root / "out" / OFFER / name


def _client_copy(contract: bytes) -> bytes:
    """What the client sends back: clause 4.1 retyped in Word with tracking on."""
    document = docx.Document(io.BytesIO(contract))
    paragraph = next(p for p in document.paragraphs if OURS in p.text)
    paragraph.runs[0].text = paragraph.text.replace(OURS, THEIRS)
    for extra in paragraph.runs[1:]:
        extra._r.getparent().remove(extra._r)
    edited = io.BytesIO()
    document.save(edited)
    tracked = redline_docx(
        contract, edited.getvalue(), author="Клиент", date=datetime(2026, 12, 5, 10)
    )
    assert tracked is not None
    return tracked


def _protocol_row(text: str) -> list[str]:
    """Clause 4.1's row of the protocol's table in the DOCX: its cells."""
    row = next(line for line in text.splitlines() if line.startswith("4.1."))
    return row.split("\t")


def _agree(repo: Repo, clause: str, day: str) -> None:
    """Record the agreement on the client's wording in the offer's YAML."""
    text = (repo.root / SOURCE).read_text("utf-8")
    block = re.search(rf"(?ms)^    {re.escape(clause)}:\n.*?^      state: open\n", text)
    assert block, text
    agreed = block.group(0).replace(
        "      state: open\n",
        f"      state: agreed\n      agreed: {{date: {day}, wording: client}}\n",
    )
    (repo.root / SOURCE).write_text(text.replace(block.group(0), agreed), "utf-8")


@pytest.fixture
def sent(repo: Repo) -> str:
    """Step 1: the draft goes to the client, and the commit says so."""
    repo.edit(SOURCE, "status: approved", "status: sent")
    sha = repo.commit("Договор отправлен клиенту", "2026-12-04")
    assert run("-C", repo.root, "build", OFFER).exit_code == 0
    return sha


def test_the_negotiation_loop_from_draft_to_final_contract(
    repo: Repo, sent: str, tmp_path: Path
) -> None:
    draft = _built(repo, "contract.docx").read_bytes()
    assert OURS in docx_text(draft)

    # 2. The client returns the contract with tracked changes.
    returned = tmp_path / "Договор от клиента.docx"
    returned.write_bytes(_client_copy(draft))

    # 3. negotiate import: their wording becomes a client round of clause 4.1.
    imported = run("-C", repo.root, "negotiate", "import", OFFER, returned, "--date", "2026-12-05")
    assert imported.exit_code == 0, imported.output
    assert f"п. 4.1 delivery.term: «…Товар {OURS} с…» → «…Товар {THEIRS} с…»" in imported.stdout
    record = (repo.root / SOURCE).read_text("utf-8")
    assert (
        "    delivery.term:\n      rounds:\n        - by: client\n          date: 2026-12-05"
        in record
    )
    repo.edit(SOURCE, "status: sent", "status: review")
    repo.commit("Протокол разногласий клиента", "2026-12-05")
    again = run("-C", repo.root, "negotiate", "import", OFFER, returned, "--date", "2026-12-05")
    assert again.exit_code == 0 and "(recorded already)" in again.stdout
    assert repo.git("status", "--porcelain", "--", SOURCE) == ""  # nothing written twice

    # 4. The protocol of disagreements: our wording and the buyer's own, PDF and DOCX.
    assert run("-C", repo.root, "build", OFFER).exit_code == 0
    protocol = docx_text(_built(repo, "disagreements.docx"))
    _, ours, theirs, agreed = _protocol_row(protocol)
    assert OURS in ours and THEIRS in theirs and agreed == ""  # waits for our answer
    flat = " ".join(pdf_text(_built(repo, "disagreements.pdf")).split())
    assert flat.index(OURS) < flat.index(THEIRS)
    contract = docx_text(_built(repo, "contract.docx"))
    assert OURS in contract and THEIRS not in contract  # open: the draft's wording stands

    # 5. The agreement: we accept the buyer's wording.
    _agree(repo, "delivery.term", "2026-12-08")
    repo.commit("Согласовано: поставка за 7 дней", "2026-12-08")
    assert run("-C", repo.root, "build", OFFER).exit_code == 0
    _, ours, theirs, agreed = _protocol_row(docx_text(_built(repo, "disagreements.docx")))
    assert OURS in ours and THEIRS in theirs and THEIRS in agreed
    flat = " ".join(pdf_text(_built(repo, "disagreements.pdf")).split())
    assert "Протокол согласования разногласий" in flat

    # 6. The final contract, and the redline of what changed since the draft we sent.
    final = docx_text(_built(repo, "contract.docx"))
    assert THEIRS in final and OURS not in final
    assert THEIRS in " ".join(pdf_text(_built(repo, "contract.pdf")).split())
    diff = run("-C", repo.root, "diff", OFFER, sent)
    assert diff.exit_code == 0, diff.output
    redline = _built(repo, f"redline-contract.{sent[:7]}-worktree.docx")
    if not redline.exists():  # a clean tree is its newest commit
        (redline,) = _built(repo, "").glob(f"redline-contract.{sent[:7]}-*.docx")
    with zipfile.ZipFile(redline) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    inserted = "".join(re.findall(r"<w:ins\b.*?</w:ins>", body, re.S))
    deleted = "".join(re.findall(r"<w:del\b.*?</w:del>", body, re.S))
    assert ">7<" in inserted or "7 " in re.sub(r"<[^>]+>", "", inserted)
    assert "14" in re.sub(r"<[^>]+>", "", deleted)

"""One rule for input text: NFC on load, control characters refused wherever text stands."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from offergen.characters import clean_text, shown
from offergen.models import Client, Localized

from .conftest import copy_workspace, docx_text, example_workspace, pdf_text, run

Write = Callable[[str, str], Path]
DECOMPOSED = "Соколов Андре\u0438\u0306 Викторович"  # й as и + U+0306 COMBINING BREVE


def test_text_is_normalised_to_nfc() -> None:
    assert clean_text(DECOMPOSED) == "Соколов Андрей Викторович"
    assert unicodedata.is_normalized("NFC", clean_text(DECOMPOSED))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a\x01b", "has U+0001, a control character, at character 2"),
        ("\x00", "has U+0000, a control character, at character 1"),
        ("ok\r", "has U+000D, a control character, at character 3"),
        ("ok\x7f", "has U+007F, a control character, at character 3"),
        ("\x85", "has U+0085, a control character, at character 1"),
        ("x\ufffe", "has U+FFFE, not a character, at character 2"),
        ("x\uffff", "has U+FFFF, not a character, at character 2"),
        ("x\ud800", "has U+D800, half of a surrogate pair, at character 2"),
    ],
)
def test_characters_no_document_can_hold_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        clean_text(text)
    assert str(caught.value) == f"{message}: documents cannot hold it; remove it"


def test_tab_and_line_break_are_the_control_characters_text_may_hold() -> None:
    assert clean_text("a\tb\nc") == "a\tb\nc"


def test_a_message_shows_forbidden_characters_escaped() -> None:
    assert shown("pay\x02ment\ud800") == "pay\\x02ment\\ud800"


def test_the_models_apply_the_rule_to_values_keys_and_list_items() -> None:
    client = Client.model_validate(
        {"name": DECOMPOSED, "kind": "company", "address": "Москва", "needs": [DECOMPOSED]}
    )
    assert client.name == client.needs[0] == "Соколов Андрей Викторович"
    assert Localized.model_validate(DECOMPOSED).en == "Соколов Андрей Викторович"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            'intro: "Добрый день!\\x01"',
            "offers/a-1.yaml:7:8: intro: has U+0001, a control character, at character 13: "
            "documents cannot hold it; remove it",
        ),
        (
            'contact: "\\0"',
            "offers/a-1.yaml:7:10: contact: has U+0000, a control character, at character 1: "
            "documents cannot hold it; remove it",
        ),
        (
            'contract: {type: supply, number: "1", city: Москва, overrides: '
            '{"pay\\x02": {text: ok}}}',
            "offers/a-1.yaml:7:65: contract.overrides.pay\\x02: key has U+0002, a control "
            "character, at character 4: documents cannot hold it; remove it",
        ),
        (
            'intro: "\\ud83d"',
            "offers/a-1.yaml:7:8: intro: has U+D83D, half of a surrogate pair, at character 1: "
            "documents cannot hold it; remove it",
        ),
    ],
)
def test_yaml_escapes_of_control_characters_are_located_errors(
    scratch: Path, write: Write, written: str, expected: str
) -> None:
    offer = (scratch / "offers" / "a-1.yaml").read_text("utf-8")
    write("offers/a-1.yaml", f"{offer}{written}\n")
    result = run("-C", scratch, "check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        expected,
        "1 error in 1 file; 1 of 1 offers blocked (a-1).",
    ]


def test_a_control_character_in_a_label_blocks_the_offers_in_its_language(
    scratch: Path,
) -> None:
    labels = scratch / "templates" / "labels.yaml"
    text = labels.read_text("utf-8")
    labels.write_text(text.replace("ru: Итого", 'ru: "Итого\\x07"', 1), "utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "ru: Итого" in row)
    result = run("-C", scratch, "check")
    assert result.exit_code == 1
    (problem, summary) = result.stderr.splitlines()
    assert problem.startswith(f"templates/labels.yaml:{line}:")
    assert problem.endswith(
        "has U+0007, a control character, at character 6: documents cannot hold it; remove it"
    )
    assert summary == "1 error in 1 file; 1 of 1 offers blocked (a-1)."


def test_a_decomposed_signatory_is_declined_in_the_contract(tmp_path: Path) -> None:
    workspace = copy_workspace(example_workspace(), tmp_path / "ws")
    client = workspace / "clients" / "acme.yaml"
    client.write_text(
        client.read_text("utf-8").replace("Смирнов Алексей Викторович", DECOMPOSED), "utf-8"
    )
    result = run("-C", workspace, "build", "acme-2026-005")
    assert result.exit_code == 0, result.output
    preamble = "в лице Генерального директора Соколова Андрея Викторовича, действующего"
    for name in ("contract.pdf", "contract.docx"):
        path = workspace / "out" / "acme-2026-005" / name
        text = pdf_text(path) if name.endswith(".pdf") else docx_text(path)
        flat = " ".join(text.replace("\u00a0", " ").split())
        assert preamble in flat, name
        assert "Генеральный директор __________________ / Соколов А. В." in flat, name

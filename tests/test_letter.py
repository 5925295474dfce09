"""The proposal reads as a letter to a person: the greeting, and how its pages break."""

from __future__ import annotations

from pathlib import Path

import pytest

from offergen.grammar import polite_name

from .conftest import built_texts, copy_workspace, example_workspace

CONTACT = "Анна Смирнова"  # acme-2026-001 names this contact of clients/acme.yaml


@pytest.mark.parametrize(
    ("name", "greeting"),
    [
        ("Смирнова Анна Сергеевна", "Уважаемая Анна Сергеевна!"),
        ("Анна Сергеевна Смирнова", "Уважаемая Анна Сергеевна!"),
        ("Волков Дмитрий Андреевич", "Уважаемый Дмитрий Андреевич!"),
        ("Алиев Рашид Гейдар оглы", "Уважаемый Рашид Гейдар оглы!"),
        ("Анна Смирнова", "Уважаемые коллеги!"),  # no patronymic: no first name alone
    ],
)
def test_a_russian_proposal_greets_a_named_contact_by_name_and_patronymic(
    tmp_path: Path, name: str, greeting: str
) -> None:
    workspace = copy_workspace(example_workspace(), tmp_path / "ws")
    for relative in ("clients/acme.yaml", "offers/acme-2026-001.yaml"):
        path = workspace / relative
        path.write_text(path.read_text("utf-8").replace(CONTACT, name), "utf-8")
    for text in built_texts(workspace, "acme-2026-001", "proposal"):
        assert greeting in text
        assert "коллеги" not in text or greeting == "Уважаемые коллеги!"


def test_the_patronymic_tells_the_form_of_address() -> None:
    assert polite_name("Кузнецова Мария Олеговна") == ("Мария Олеговна", "female")
    assert polite_name("Рашид Гейдар-оглы Алиев") == ("Рашид Гейдар-оглы", "male")
    assert polite_name("Иванов Иван Ильич") == ("Иван Ильич", "male")
    assert polite_name("Petr Petrov") is None
    assert polite_name("Петров") is None

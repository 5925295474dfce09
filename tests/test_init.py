"""`offergen init`: a new workspace from an empty folder, the demo, the templates; and
placeholders ("<…>") reported as things to fill in, in any workspace file."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from offergen import init as init_module
from offergen.schema import KINDS, schema_of, schema_text
from offergen.validate import load_workspace
from offergen.workspace import SHIPPED_TEMPLATES

from .conftest import DATA, ROOT, copy_workspace, pdf_text, run

EXAMPLE_PARTS = ("offergen.yaml", "catalog.yaml", "discounts.yaml", "clients", "offers")
FILL_IN = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<field>[\w.\[\]]+): fill in: "
)


def files_under(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def fill_in(workspace: Path) -> None:
    """What a user does next: every placeholder replaced by a real value."""
    tool = ROOT / "tools" / "fill_placeholders.py"
    subprocess.run([sys.executable, tool, workspace], check=True, capture_output=True)


def uncomment_examples(workspace: Path) -> None:
    """Take the commented example entries of catalog.yaml and discounts.yaml at their word."""
    catalog = workspace / "catalog.yaml"
    text = catalog.read_text("utf-8")
    item = re.search(r"#   - sku:.*?\n#\n", text, re.DOTALL)
    assert item, text
    entry = "".join(line[2:] + "\n" for line in item.group().splitlines()[:-1])
    catalog.write_text(text.replace("items: []\n", "items:\n" + entry), "utf-8")
    discounts = workspace / "discounts.yaml"
    text = discounts.read_text("utf-8")
    scheme = re.search(r"#   volume:.*?(?=schemes:)", text, re.DOTALL)
    assert scheme, text
    entry = "".join(line[2:] + "\n" for line in scheme.group().splitlines())
    discounts.write_text(text.replace("schemes: {}\n", "schemes:\n" + entry), "utf-8")


# --- a blank workspace ------------------------------------------------------------------------


def test_init_writes_a_workspace_ready_for_git_into_a_new_folder(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "our-offers"
    result = run("init", target)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in target.iterdir()) == sorted(
        [
            ".gitignore",
            ".pre-commit-config.yaml",
            ".vscode",
            *([".schema"] if (target / ".schema").exists() else []),
            "catalog.yaml",
            "clients",
            "discounts.yaml",
            "offergen.yaml",
            "offers",
        ]
    )
    assert (target / ".gitignore").read_text("utf-8").split() == ["out/", ".venv/"]
    assert [p.name for p in (target / "clients").iterdir()] == [".gitkeep"]
    assert [p.name for p in (target / "offers").iterdir()] == [".gitkeep"]
    assert 'numbering: "КП-{year}-{seq:04}"' in (target / "offergen.yaml").read_text("utf-8")
    assert [p.name for p in tmp_path.joinpath("deep").iterdir()] == ["our-offers"]  # no scratch
    lines = result.output.splitlines()
    assert lines[0].startswith(f"wrote into {target}: .gitignore, ")
    assert lines[-4:] == [
        f"  cd {target} && git init",
        '  offergen new client ID --kind company --name "…" --inn …',
        "  offergen new offer --client ID",
        "  offergen build",
    ]


def test_init_into_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    assert run("init", tmp_path / "ws").exit_code == 0
    assert (tmp_path / "ws" / "offergen.yaml").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["ws"]


def test_init_into_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ws").mkdir()
    monkeypatch.chdir(tmp_path / "ws")
    result = run("init", ".")
    assert result.exit_code == 0, result.output
    assert Path("offergen.yaml").is_file()  # the folder we stand in, not a new one
    assert sorted(p.name for p in Path().iterdir() if p.name.startswith(".offergen")) == []


@pytest.mark.parametrize("flags", [[], ["--example"], ["--templates", "--example"]])
def test_init_refuses_a_folder_that_is_not_empty_and_writes_nothing(
    tmp_path: Path, flags: list[str]
) -> None:
    target = tmp_path / "ws"
    target.mkdir()
    (target / "notes.txt").write_text("ours", "utf-8")
    result = run("init", *flags, target)
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {target} is not empty; init writes a new workspace")
    assert files_under(tmp_path) == {"ws/notes.txt": b"ours"}


def test_init_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "ws").write_text("", "utf-8")
    result = run("init", tmp_path / "ws")
    assert (result.exit_code, result.output) == (
        1,
        f"error: {tmp_path / 'ws'} is a file, not a folder\n",
    )


def test_a_failure_midway_leaves_no_half_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(folder: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(init_module, "_copy_templates", disk_full)
    result = run("init", "--templates", tmp_path / "ws")
    assert (result.exit_code, result.output) == (
        1,
        f"error: could not write {tmp_path / 'ws'}: No space left on device\n",
    )
    assert list(tmp_path.iterdir()) == []


def test_editor_settings_map_each_kind_of_file_to_its_schema(tmp_path: Path) -> None:
    run("init", tmp_path / "ws")
    settings = json.loads((tmp_path / "ws" / ".vscode" / "settings.json").read_text("utf-8"))
    assert settings == {
        "yaml.schemas": {
            "./.schema/offergen.json": ["offergen.yaml"],
            "./.schema/catalog.json": ["catalog.yaml"],
            "./.schema/discounts.json": ["discounts.yaml"],
            "./.schema/client.json": ["clients/*.yaml"],
            "./.schema/offer.json": ["offers/*.yaml"],
            "./.schema/clauses.json": ["templates/clauses/*.yaml"],
        }
    }


def test_the_workspace_gets_the_schemas_offergen_ships(tmp_path: Path) -> None:
    run("init", tmp_path / "ws")
    folder = tmp_path / "ws" / ".schema"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{kind}.json" for kind in KINDS)
    for kind in KINDS:
        assert (folder / f"{kind}.json").read_text("utf-8") == schema_text(schema_of(kind))


def test_a_fresh_workspace_lists_only_things_to_fill_in(tmp_path: Path) -> None:
    run("init", tmp_path / "ws")
    result = run("-C", tmp_path / "ws", "check")
    assert result.exit_code == 1
    *problems, summary = result.output.splitlines()
    assert all(FILL_IN.match(line) for line in problems), result.output
    assert "offergen.yaml:5:8: seller.inn: fill in: ИНН: 10 или 12 цифр" in problems
    assert "offergen.yaml:16:10: seller.bank.bik: fill in: БИК: 9 цифр" in problems
    assert "offergen.yaml:35:11: defaults.manager.name: fill in: ФИО менеджера" in problems
    fields = [FILL_IN.match(line)["field"] for line in problems]  # type: ignore[index]
    assert len(fields) == len(set(fields)) == 18  # one message per field
    assert summary == "18 errors in 1 file."


def test_check_passes_once_the_placeholders_are_filled_in(tmp_path: Path) -> None:
    run("init", tmp_path / "ws")
    fill_in(tmp_path / "ws")
    result = run("-C", tmp_path / "ws", "check")
    assert (result.exit_code, result.output) == (0, "ok: 0 offers, 0 clients, 0 catalog items\n")


def test_the_commented_examples_are_valid_entries(tmp_path: Path) -> None:
    run("init", tmp_path / "ws")
    fill_in(tmp_path / "ws")
    uncomment_examples(tmp_path / "ws")
    result = run("-C", tmp_path / "ws", "check")
    assert (result.exit_code, result.output) == (0, "ok: 0 offers, 0 clients, 1 catalog item\n")


def test_the_pre_commit_config_runs_check(tmp_path: Path) -> None:
    run("init", tmp_path / "ws")
    config = yaml.safe_load((tmp_path / "ws" / ".pre-commit-config.yaml").read_text("utf-8"))
    [hook] = config["repos"][0]["hooks"]
    assert (hook["id"], hook["entry"], hook["pass_filenames"]) == (
        "offergen-check",
        "offergen check",
        False,
    )
    assert re.search(hook["files"], "offers/acme-2026-001.yaml")
    assert not re.search(hook["files"], "README.md")


# --- placeholders anywhere ----------------------------------------------------------------------


def test_a_placeholder_in_a_client_card_is_to_fill_in_and_blocks_its_offers(tmp_path: Path) -> None:
    workspace = copy_workspace(DATA / "minimal", tmp_path / "ws")
    card = workspace / "clients" / "acme.yaml"
    card.write_text(card.read_text("utf-8").replace('"7703123457"', '"<ИНН клиента>"'), "utf-8")
    result = run("-C", workspace, "check")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "clients/acme.yaml:3:6: inn: fill in: ИНН клиента",
        "1 error in 1 file; 1 of 1 offers blocked (a-1).",
    ]


def test_a_placeholder_where_a_number_belongs_gets_no_second_message(tmp_path: Path) -> None:
    workspace = copy_workspace(DATA / "minimal", tmp_path / "ws")
    catalog = workspace / "catalog.yaml"
    text = catalog.read_text("utf-8")
    price = re.search(r"price: [\d.]+", text)
    assert price, text
    catalog.write_text(text.replace(price.group(), 'price: "<цена за единицу>"', 1), "utf-8")
    line = text[: price.start()].count("\n") + 1
    result = run("-C", workspace, "check")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"catalog.yaml:{line}:12: items[0].price: fill in: цена за единицу",
        "1 error in 1 file; 1 of 1 offers blocked (a-1).",
    ]


def test_angle_brackets_inside_a_text_are_no_placeholder(tmp_path: Path) -> None:
    workspace = copy_workspace(DATA / "minimal", tmp_path / "ws")
    card = workspace / "clients" / "acme.yaml"
    card.write_text(
        card.read_text("utf-8").replace("ул. Тверская", "ул. Тверская <вход со двора>"), "utf-8"
    )
    assert run("-C", workspace, "check").exit_code == 0


# --- the demo and the templates -------------------------------------------------------------------


def test_init_example_writes_the_demo_that_checks_and_builds(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    result = run("init", "--example", target)
    assert result.exit_code == 0, result.output
    assert "fill in" not in result.output
    for part in EXAMPLE_PARTS:
        origin = ROOT / part
        if origin.is_dir():
            assert files_under(target / part) == files_under(origin), part
        else:
            assert (target / part).read_bytes() == origin.read_bytes(), part
    assert not (target / "templates").exists()  # built with the packaged ones
    assert run("-C", target, "check").exit_code == 0
    built = run("-C", target, "build", "acme-2026-001")
    assert built.exit_code == 0, built.output
    text = pdf_text(target / "out" / "acme-2026-001" / "proposal.pdf")
    assert "Северный ветер" in text
    assert "ЦН-100" in text


def test_init_templates_copies_the_shipped_templates(tmp_path: Path) -> None:
    result = run("init", "--templates", tmp_path / "ws")
    assert result.exit_code == 0, result.output
    assert files_under(tmp_path / "ws" / "templates") == {
        name: data
        for name, data in files_under(SHIPPED_TEMPLATES).items()
        if "__pycache__" not in name
    }


def test_init_templates_into_a_workspace_without_them(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(DATA / "minimal", workspace)
    assert load_workspace(workspace).templates_dir == SHIPPED_TEMPLATES
    before = files_under(workspace)
    result = run("init", "--templates", workspace)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == f"wrote into {workspace}: templates"
    after = files_under(workspace)
    assert {n: d for n, d in after.items() if not n.startswith("templates/")} == before
    assert sorted(p.name for p in workspace.iterdir()) == sorted(
        ["offergen.yaml", "catalog.yaml", "clients", "offers", "templates"]
    )
    assert load_workspace(workspace).templates_dir == workspace.resolve() / "templates"
    again = run("init", "--templates", workspace)
    assert again.exit_code == 1
    assert again.output == (
        f"error: {workspace / 'templates'} already exists; init --templates copies the "
        "shipped templates only into a workspace that has none\n"
    )


def test_a_placeholder_is_bracketed_words_not_a_bracketed_address() -> None:
    from offergen.models.parse import is_placeholder

    assert is_placeholder("<ИНН: 10 или 12 цифр>")
    assert is_placeholder("  <КПП: 9 цифр> ")
    assert not is_placeholder("<1796.3111@example.ru>")  # a Message-ID that send records
    assert not is_placeholder("ООО <Ромашка> и партнёры")  # brackets inside a longer text

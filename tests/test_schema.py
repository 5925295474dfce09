"""JSON Schemas of the workspace files: checked by an independent validator against `check`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from offergen.errors import ValidationFailed
from offergen.load import load_document
from offergen.schema import FILES, KINDS, kind_of, schema_of, schema_text, write_schemas

from .conftest import example_workspace, run
from .test_check import CASES, INVALID, invalid_workspace

# Why `check` refuses a file, by its message: the one place that says which reasons a
# schema can see. The first pattern a message matches decides; a message no pattern
# matches fails the test, so a new kind of message is classified before it passes.
SCHEMA = "a type or field-name reason, which the schema must see too"
BEYOND = "a checksum, cross-reference or business rule, beyond a schema"
UNREAD = "the file is no YAML mapping offergen reads: nothing to validate"
REASONS: list[tuple[str, str]] = [
    # the loader refuses the file before any model sees it
    (r"aliases \(\*name\)|anchors \(&name\)|duplicate key|invalid YAML", UNREAD),
    (r"the file is empty|expected a mapping of keys|not UTF-8|nested more than", UNREAD),
    (r"tag \S+ is not allowed|tab character in indentation", UNREAD),
    # warnings refuse nothing
    (r"^warning: ", BEYOND),
    # what one value cannot hold, a schema says nothing of
    (r"this scheme's basis \(\w+\) measures", BEYOND),  # before "must be at most"
    (r"digits after the point|is outside the dates offergen accepts", BEYOND),
    (r"control character|the documents' font", BEYOND),
    (r"checksum does not match|control key does not match|must be \d+ characters", BEYOND),
    # types and field names
    (r"unknown field|required field is missing|is no field but the end of a text", SCHEMA),
    (r"must be one of|must be (a|text|true or false|a whole number|a list)\b", SCHEMA),
    (r"must be a mapping of keys to values|must not be empty|must match", SCHEMA),
    (r"is not a real date|must be a date written as", SCHEMA),
    (r"give the text as ru: and/or en:", SCHEMA),
    (r"must be (greater than|at least|at most)|is longer than|entries; at most", SCHEMA),
    # rules between fields and files
    (r"is not a valid id|use the \.yaml extension", BEYOND),
    (r"is already the number of|unknown clause|no client|unknown sku", BEYOND),
    (r"is not one of the categories|has no price in|is before the offer date", BEYOND),
    (r"tiers must rise|is dated before round|is negotiated in", BEYOND),
    (r"agreed is given|agreed needs the agreed wording|give the agreed terms", BEYOND),
    (r"latest round, but no round|a line without sku needs|a catalog line \(sku\)", BEYOND),
]


def reason(message: str) -> str:
    for pattern, found in REASONS:
        if re.search(pattern, message):
            return found
    raise AssertionError(f"classify this message in REASONS: {message}")


def located(output: str) -> Iterator[tuple[str, str]]:
    """Each `path:line:column: message` of check's output as (path, message)."""
    for found in re.finditer(r"^([^:\n]+):\d+:\d+: (.*)$", output, re.MULTILINE):
        yield found.group(1), found.group(2)


def validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(schema_of(kind), format_checker=Draft202012Validator.FORMAT_CHECKER)


def as_json(value: Any) -> Any:
    """Loaded YAML as a YAML editor sees it: numbers are numbers, keys are text."""
    if isinstance(value, dict):
        return {
            format(k, "f") if isinstance(k, Decimal) else k: as_json(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [as_json(entry) for entry in value]
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)  # JSON Schema's integer: any number without a fraction
    return value


def schema_errors(workspace: Path, relative: str) -> list[str] | None:
    """The schema's objections to a file, or None when offergen's loader cannot read it."""
    kind = kind_of(relative)
    assert kind is not None, relative
    try:
        data = load_document((workspace / relative).read_bytes(), relative).data
    except ValidationFailed:
        return None
    return [error.message for error in validator(kind).iter_errors(as_json(data))]


def kind_files(workspace: Path) -> Iterator[str]:
    for path in sorted(workspace.rglob("*")):
        relative = path.relative_to(workspace).as_posix()
        if path.is_file() and kind_of(relative) is not None:
            yield relative


def test_every_kind_has_a_schema_of_draft_2020_12() -> None:
    for kind in KINDS:
        schema = schema_of(kind)
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == f"urn:offergen:schema:{kind}"
        assert schema["title"] and FILES[kind]


def test_every_file_of_the_example_workspace_validates() -> None:
    workspace = example_workspace()
    found = {kind_of(relative) for relative in kind_files(workspace)}
    assert found == set(KINDS)  # every kind is exercised, the clause libraries too
    for relative in kind_files(workspace):
        assert schema_errors(workspace, relative) == [], relative


@pytest.mark.parametrize("case", CASES)
def test_the_schema_refuses_what_check_refuses_for_type_or_field_name(
    case: str, tmp_path: Path
) -> None:
    workspace = invalid_workspace(case, tmp_path / "ws")
    result = run("-C", workspace, "check")
    assert result.exit_code == 1, result.output
    reasons: dict[str, set[str]] = {}
    for path, message in located(result.stderr):
        if kind_of(path) is not None:
            reasons.setdefault(path, set()).add(reason(message))
    for relative in kind_files(workspace):
        errors = schema_errors(workspace, relative)
        if errors is None:
            assert reasons.get(relative) == {UNREAD}, relative
        elif SCHEMA in reasons.get(relative, set()):
            assert errors, f"{relative}: check refuses it for its type or a field name"
        else:
            assert errors == [], f"{relative}: check accepts its types and field names"


def test_the_corpus_has_a_type_and_a_field_name_case_for_every_kind() -> None:
    covered: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for case in CASES:
        for path, message in located((INVALID / case / "expected.txt").read_text("utf-8")):
            kind = kind_of(path)
            if kind is not None and reason(message) == SCHEMA:
                field = re.search(r"unknown field|required field is missing", message)
                covered[kind].add("field name" if field else "type")
    assert covered == {kind: {"type", "field name"} for kind in KINDS}


def test_every_property_has_a_description() -> None:
    for kind in KINDS:
        undescribed = [where for where, node in properties(schema_of(kind)) if not described(node)]
        assert undescribed == [], kind


def properties(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for name, entry in node.get("properties", {}).items():
            yield f"{where}.{name}", entry
        for key, value in node.items():
            if key != "properties":
                yield from properties(value, f"{where}/{key}")
            else:
                for name, entry in value.items():
                    yield from properties(entry, f"{where}.{name}")
    elif isinstance(node, list):
        for index, entry in enumerate(node):
            yield from properties(entry, f"{where}[{index}]")


def described(node: dict[str, Any]) -> bool:
    return bool(node.get("description"))


def test_the_shipped_schemas_are_the_generated_ones() -> None:
    shipped = files("offergen") / "schemas"  # as the installed package holds them
    for kind in KINDS:
        written = (shipped / f"{kind}.json").read_text("utf-8")
        assert written == schema_text(schema_of(kind)), f"run make schemas ({kind})"
    names = [entry.name for entry in shipped.iterdir() if entry.name.endswith(".json")]
    assert sorted(names) == sorted(f"{kind}.json" for kind in KINDS)


def test_write_schemas_writes_one_file_per_kind_deterministically(tmp_path: Path) -> None:
    first = write_schemas(tmp_path / "a")
    second = write_schemas(tmp_path / "b")
    assert [path.name for path in first] == [f"{kind}.json" for kind in KINDS]
    for one, other in zip(first, second, strict=True):
        assert one.read_bytes() == other.read_bytes()
        assert one.read_bytes().endswith(b"}\n")
    assert "ИНН" in (tmp_path / "a" / "client.json").read_text("utf-8")  # not \u-escaped


def test_schema_prints_one_kind() -> None:
    result = run("schema", "offer")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == schema_of("offer")


def test_schema_prints_every_kind_as_one_object() -> None:
    result = run("schema")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {kind: schema_of(kind) for kind in KINDS}


def test_schema_out_writes_the_files_and_prints_their_paths(tmp_path: Path) -> None:
    result = run("schema", "--out", tmp_path / ".schema")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [str(tmp_path / ".schema" / f"{k}.json") for k in KINDS]
    offer = json.loads((tmp_path / ".schema" / "offer.json").read_text("utf-8"))
    assert offer == schema_of("offer")


def test_schema_out_with_a_kind_writes_that_one(tmp_path: Path) -> None:
    result = run("schema", "--out", tmp_path, "client")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{tmp_path / 'client.json'}\n"
    assert [path.name for path in tmp_path.iterdir()] == ["client.json"]


def test_schema_of_an_unknown_kind_names_the_kinds() -> None:
    result = run("schema", "offers")
    assert result.exit_code == 2
    assert "'offers' is not one of 'offergen', 'catalog'" in result.stderr
    assert "Traceback" not in result.output


def test_every_scaffolded_file_validates_against_the_schema_it_names(tmp_path: Path) -> None:
    """init's files, and new's cards and offer, once their placeholders are filled in:
    the schema accepts each, each names its kind's schema in .schema/, and check agrees."""
    from .test_init import fill_in, uncomment_examples

    workspace = tmp_path / "ws"
    assert run("init", workspace).exit_code == 0
    fill_in(workspace)
    uncomment_examples(workspace)
    for kind in ("company", "entrepreneur", "foreign"):
        made = run("-C", workspace, "new", "client", f"c-{kind}", "--kind", kind)
        assert made.exit_code == 0, made.output
    fill_in(workspace)
    for client in ("c-company", "c-foreign"):
        made = run("-C", workspace, "new", "offer", "--client", client, "--date", "2026-12-01")
        assert made.exit_code == 0, made.output
    fill_in(workspace)
    files = list(kind_files(workspace))
    assert {kind_of(relative) for relative in files} >= {"offergen", "client", "offer"}
    for relative in files:
        assert schema_errors(workspace, relative) == [], relative
        first = (workspace / relative).read_text("utf-8").splitlines()[0]
        if relative.startswith(("clients/", "offers/")):
            named = first.removeprefix("# yaml-language-server: $schema=")
            schema = (workspace / relative).parent / named
            assert schema.resolve() == (workspace / ".schema" / f"{kind_of(relative)}.json")
            assert schema.read_text("utf-8") == schema_text(schema_of(kind_of(relative) or ""))
    checked = run("-C", workspace, "check", "--today", "2026-12-01")
    assert checked.exit_code == 0, checked.output

"""No input file reaches an internal error: hypothesis writes hostile YAML into a valid
workspace and `check` and `build` may only answer with located problems or documents."""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import DATA, copy_workspace, run

# The files of the minimal workspace, and the names their fields have: most mutations
# then reach the models and the rules instead of stopping at an unknown key.
FILES = ("offers/a-1.yaml", "clients/acme.yaml", "catalog.yaml", "offergen.yaml")
# fmt: off
FIELDS = (
    "number", "client", "date", "valid_until", "status", "locale", "currency", "items", "sku",
    "qty", "price", "discount", "name", "unit", "terms", "prepayment_percent", "payment_days",
    "delivery_days", "schemes", "contract", "type", "overrides", "text", "inn", "kpp", "ogrn",
    "bank", "bik", "account", "corr_account", "signatory", "position", "basis", "seller",
    "defaults", "manager", "validity_days", "vat_rate", "tiers", "from", "percent",
    "reliability", "credit_limit", "approval", "covers", "review", "role", "verdict", "by",
    "documents", "intro", "negotiation", "rounds", "state", "agreed", "wording", "draft",
)
# fmt: on
LOCATED = re.compile(r"^\S[^:]*:\d+:\d+: ")

texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40
) | st.sampled_from(["", "0", "NO", "yes", "~", "2026-02-30", "\x00", "й", "😀", "中文"])
numbers = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.decimals(allow_nan=False, allow_infinity=False, places=None).map(Decimal.normalize),
    st.sampled_from([Decimal("1e-30"), Decimal("1e39"), Decimal("0.125"), Decimal("-0")]),
)
scalars = st.one_of(texts, numbers, st.booleans(), st.none(), st.dates())
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | texts, inner, max_size=4)
    ),
    max_leaves=12,
)


def _plain(value: Any) -> Any:
    """What yaml.safe_dump can write: decimals as their text, read back as numbers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    return value


@st.composite
def mutations(draw: Callable[..., Any]) -> tuple[str, str]:
    """One workspace file, rewritten with one of its values replaced (or one added)."""
    relative = draw(st.sampled_from(FILES))
    data = yaml.safe_load((DATA / "minimal" / relative).read_text("utf-8"))
    node = data
    path = draw(st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=3))
    for step in path[:-1]:
        children = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
        containers = [(k, v) for k, v in children if isinstance(v, dict | list) and v]
        if not containers:
            break
        node = containers[step % len(containers)][1]
    value = _plain(draw(values))
    if isinstance(node, dict):
        keys = [*node, draw(st.sampled_from(FIELDS))]
        node[keys[path[-1] % len(keys)]] = value
    else:
        node[path[-1] % len(node)] = value
    return relative, yaml.safe_dump(data, allow_unicode=draw(st.booleans()), sort_keys=False)


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [leaf for key, value in node.items() for leaf in _leaves(value, (*path, key))]
    if isinstance(node, list):
        return [leaf for i, value in enumerate(node) for leaf in _leaves(value, (*path, i))]
    return [path]


@st.composite
def text_mutations(draw: Callable[..., Any]) -> tuple[str, str]:
    """One text or number of a workspace file replaced, the shape kept: what reaches
    the rules and the documents."""
    relative = draw(st.sampled_from(("offers/a-1.yaml", "clients/acme.yaml", "catalog.yaml")))
    data = yaml.safe_load((DATA / "minimal" / relative).read_text("utf-8"))
    *parents, last = draw(st.sampled_from(_leaves(data)))
    node = data
    for part in parents:
        node = node[part]
    hostile = texts | st.text(min_size=1, max_size=3).map(lambda s: s * 4000)
    node[last] = _plain(draw(hostile | numbers if not isinstance(node[last], str) else hostile))
    return relative, yaml.safe_dump(data, allow_unicode=draw(st.booleans()), sort_keys=False)


def _deep(depth: int, mapping: bool) -> str:
    if mapping:
        return "number: " + "{a: " * depth + "1" + "}" * depth + "\n"
    return "number: " + "[" * depth + "]" * depth + "\n"


def _assert_no_internal_error(workspace: Path, *args: str) -> None:
    result = run("-C", workspace, *args)
    assert "internal error" not in result.output, result.output
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), result.output
    if result.exit_code and args[0] == "check":  # every problem located, then a summary
        *problems, summary = result.stderr.splitlines()
        assert all(LOCATED.match(line) for line in problems), problems
        assert re.match(r"\d+ errors? in \d+ files?", summary), summary


def _documents_are_valid(out: Path) -> None:
    for path in out.rglob("*.docx"):
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None
            archive.read("word/document.xml").decode("utf-8")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_workspace(DATA / "minimal", tmp_path_factory.mktemp("fuzz") / "base")


@settings(
    max_examples=int(os.environ.get("OFFERGEN_FUZZ_EXAMPLES", "60")),  # more to hunt
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutation=mutations() | text_mutations())
def test_hostile_values_give_located_problems_or_documents(
    base: Path, tmp_path_factory: pytest.TempPathFactory, mutation: tuple[str, str]
) -> None:
    relative, text = mutation
    workspace = tmp_path_factory.mktemp("case") / "ws"
    shutil.copytree(base, workspace)
    (workspace / relative).write_text(text, "utf-8")
    _assert_no_internal_error(workspace, "check", "--today", "2026-11-28")
    _assert_no_internal_error(workspace, "build", "--format", "docx", "--jobs", "1")
    _documents_are_valid(workspace / "out")


@pytest.mark.parametrize("mapping", [False, True])
@pytest.mark.parametrize("depth", [40, 1_000, 5_000])
def test_deep_nesting_is_a_located_problem(scratch: Path, depth: int, mapping: bool) -> None:
    (scratch / "offers" / "a-1.yaml").write_text(_deep(depth, mapping), "utf-8")
    _assert_no_internal_error(scratch, "check")
    _assert_no_internal_error(scratch, "build", "--format", "docx")

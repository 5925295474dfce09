"""The strict YAML loader: plain scalars to exact types, source positions, located refusals."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from offergen.errors import ValidationFailed
from offergen.limits import MAX_NESTING
from offergen.load import (
    MAX_FILE_BYTES,
    Document,
    _convert,
    _fast_node,
    _slow_node,
    format_loc,
    load_document,
)

D = Decimal
PATH = "offers/acme.yaml"


def problems_of(raw: bytes) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        load_document(raw, PATH)
    return [str(problem) for problem in caught.value.problems]


def value_of(source: str) -> Any:
    return load_document(f"value: {source}\n".encode(), PATH).data["value"]


# --------------------------------------------------------------------------- scalars


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("1", D("1")),
        ("0", D("0")),
        ("-2.5", D("-2.5")),
        ("+3", D("3")),
        ("1234567.89", D("1234567.89")),
        ("007", "007"),  # no octal, no silent 7
        ("0x1F", "0x1F"),
        ("1e3", "1e3"),  # no floats
        ("1.", "1."),
        (".5", ".5"),
        (".inf", ".inf"),
        (".nan", ".nan"),
        ("1_000", "1_000"),
        ("true", True),
        ("false", False),
        ("True", True),
        ("FALSE", False),
        ("yes", "yes"),  # no YAML 1.1 booleans
        ("no", "no"),
        ("on", "on"),
        ("off", "off"),
        ("NO", "NO"),
        ("y", "y"),
        ("~", None),
        ("null", None),
        ("Null", None),
        ("", None),
        ('"123"', "123"),  # quoted scalars are always text
        ("'true'", "true"),
        ('"~"', "~"),
        ('""', ""),
        ("2026-01-15", "2026-01-15"),  # dates stay text for the models to check
        ("12:30", "12:30"),  # no sexagesimal numbers
        ("ООО Ромашка", "ООО Ромашка"),
    ],
)
def test_plain_scalars_become_exact_types(source: str, expected: Any) -> None:
    value = value_of(source)
    assert value == expected
    assert type(value) is type(expected)


def test_numbers_keep_their_written_exponent() -> None:
    assert value_of("1.50").as_tuple() == D("1.50").as_tuple()
    assert value_of("100.0000").as_tuple().exponent == -4


def test_block_scalars_are_text() -> None:
    document = load_document(b"intro: |\n  123\nnote: >\n  true\n", PATH)
    assert document.data == {"intro": "123\n", "note": "true\n"}


def test_keys_are_always_text() -> None:
    document = load_document(b"1: a\ntrue: b\n~: c\n", PATH)
    assert document.data == {"1": "a", "true": "b", "~": "c"}


# --------------------------------------------------------------------------- positions


SOURCE = """\
number: КП-1
client: acme
items:
  - sku: a
    qty: 2
  - name: {ru: Работы, en: Works}
    price: 1.50
terms: {payment_days: 10}
""".encode()


def test_values_and_keys_carry_one_based_line_and_column() -> None:
    document = load_document(SOURCE, PATH)
    assert document.values[()] == (1, 1)
    assert document.values[("number",)] == (1, 9)
    assert document.values[("items",)] == (4, 3)
    assert document.values[("items", 0)] == (4, 5)
    assert document.values[("items", 0, "sku")] == (4, 10)
    assert document.values[("items", 0, "qty")] == (5, 10)
    # Columns count characters, not bytes: "Работы" is 6 characters, 12 bytes.
    assert document.values[("items", 1, "name", "en")] == (6, 28)
    assert document.values[("items", 1, "price")] == (7, 12)
    assert document.values[("terms", "payment_days")] == (8, 23)
    assert document.keys[("number",)] == (1, 1)
    assert document.keys[("items", 0, "qty")] == (5, 5)
    assert document.keys[("items", 1, "name", "en")] == (6, 24)
    assert document.keys[("terms", "payment_days")] == (8, 9)


def test_position_of_a_key_or_a_value() -> None:
    document = load_document(SOURCE, PATH)
    assert document.position(("items", 0, "qty")) == (5, 10)
    assert document.position(("items", 0, "qty"), key=True) == (5, 5)


def test_position_of_a_missing_loc_falls_back_to_the_nearest_parent() -> None:
    document = load_document(SOURCE, PATH)
    assert document.position(("items", 0, "unit")) == (4, 5)  # the item itself
    assert document.position(("items", 0, "unit"), key=True) == (4, 5)
    assert document.position(("items", 7, "qty")) == (4, 3)  # the items list
    assert document.position(("terms", "delivery_days")) == (8, 8)
    assert document.position(("seller", "bank", "bik")) == (1, 1)  # the document


def test_a_problem_is_located_and_names_its_field() -> None:
    document = load_document(SOURCE, PATH)
    problem = document.problem(("items", 1, "price"), "must be at least 0")
    assert str(problem) == "offers/acme.yaml:7:12: items[1].price: must be at least 0"
    assert str(document.problem((), "expected a mapping")) == (
        "offers/acme.yaml:1:1: expected a mapping"
    )


def test_positions_with_windows_line_endings_and_a_bom() -> None:
    document = load_document(b"\xef\xbb\xbfa: 1\r\nb: x\r\n", PATH)
    assert document.data == {"a": D("1"), "b": "x"}
    assert document.values[("a",)] == (1, 4)  # the BOM is not a column
    assert document.values[("b",)] == (2, 4)


@pytest.mark.parametrize(
    ("loc", "text"),
    [
        (("items", 2, "qty"), "items[2].qty"),
        (("items", 0), "items[0]"),
        (("seller", "bank", "bik"), "seller.bank.bik"),
        (("terms",), "terms"),
        ((), ""),
        (("number", "\nԦ"), "number.\\nԦ"),  # a key's line break: the problem stays one line
    ],
)
def test_format_loc(loc: tuple[str | int, ...], text: str) -> None:
    assert format_loc(loc) == text


def test_a_returned_document_is_a_document() -> None:
    document = load_document(b"a: 1\n", "catalog.yaml")
    assert isinstance(document, Document)
    assert document.path == "catalog.yaml"


# --------------------------------------------------------------------------- refusals


def cp1251(text: str) -> bytes:
    return text.encode("cp1251")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            b"a:\n\tb: 1\n",
            "2:1: tab character in indentation or before a value; indent with spaces",
            id="tab-indentation",
        ),
        pytest.param(
            b"a:\n  b:\t1\n",
            "2:5: tab character in indentation or before a value; indent with spaces",
            id="tab-before-value",
        ),
        pytest.param(
            b"a: 1\nb: 2\na: 3\n",
            "3:1: a: duplicate key (first given on line 1)",
            id="duplicate-key",
        ),
        pytest.param(
            b"items:\n  - sku: a\n    qty: 1\n    sku: b\n",
            "4:5: items[0].sku: duplicate key (first given on line 2)",
            id="duplicate-key-in-list-item",
        ),
        pytest.param(
            b"1: a\n'1': b\n",
            "2:1: 1: duplicate key (first given on line 1)",
            id="duplicate-key-quoted-and-plain",
        ),
        pytest.param(
            b"a: &x 1\n", "1:4: anchors (&name) are not allowed; write the value out", id="anchor"
        ),
        pytest.param(
            b"a: 1\nb: *x\n",
            "2:4: aliases (*name) are not allowed; write the value out",
            id="alias",
        ),
        pytest.param(
            b"a: !!python/object:os.system 'ls'\n",
            "1:4: a: tag !!python/object:os.system is not allowed; remove it",
            id="python-tag",
        ),
        pytest.param(
            b"run: !!python/object/apply:os.system ['ls']\n",
            "1:6: run: tag !!python/object/apply:os.system is not allowed; remove it",
            id="python-apply-tag",
        ),
        pytest.param(
            b"a:\n  price: !money 12\n",
            "2:10: a.price: tag !money is not allowed; remove it",
            id="custom-tag",
        ),
        pytest.param(b"a: !!int 12\n", "1:4: a: tag !!int is not allowed; remove it", id="int-tag"),
        pytest.param(
            b"a: !x!y 12\n",
            "1:4: invalid YAML: found undefined tag handle '!x!' (while parsing a "
            "node); tags are not allowed",
            id="undefined-tag-handle",
        ),
        pytest.param(
            cp1251("name: ООО\n"),
            "1:7: not UTF-8 text (byte 0xce); save the file as UTF-8",
            id="cp1251",
        ),
        pytest.param(
            cp1251("a: 1\nname: ООО Ромашка\n"),
            "2:7: not UTF-8 text (byte 0xce); save the file as UTF-8",
            id="cp1251-second-line",
        ),
        pytest.param(
            b"\xff\xfea\x00:\x00",
            "1:1: not UTF-8 text (byte 0xff); save the file as UTF-8",
            id="utf-16",
        ),
        pytest.param(
            b"a: 1\nb: x\x00y\n",
            "2:5: not UTF-8 text (NUL byte); save the file as UTF-8",
            id="nul-byte",
        ),
        pytest.param(
            b"a: 1\nb: x\x07y\n",
            "2:5: character U+0007 is not allowed in YAML; remove it",
            id="bell",
        ),
        pytest.param(
            b"a: 1\n\x1b[31m: 2\n",
            "2:1: character U+001B is not allowed in YAML; remove it",
            id="escape",
        ),
        pytest.param(b"", "1:1: the file is empty; expected a mapping", id="empty"),
        pytest.param(
            b"# only a comment\n\n",
            "1:1: the file is empty; expected a mapping",
            id="only-comments",
        ),
        pytest.param(
            b"- 1\n- 2\n", "1:1: expected a mapping of keys to values", id="top-level-list"
        ),
        pytest.param(
            b"hello\n", "1:1: expected a mapping of keys to values", id="top-level-scalar"
        ),
        pytest.param(b"? [a, b]\n: 1\n", "1:1: keys must be plain text", id="non-scalar-key"),
        pytest.param(
            b"a:\n  ? {b: 1}\n  : 1\n",
            "2:3: a: keys must be plain text",
            id="nested-non-scalar-key",
        ),
        pytest.param(
            b"items: [1, 2\n",
            "2:1: invalid YAML: expected ',' or ']', but got '<stream end>' "
            "(while parsing a flow sequence)",
            id="unclosed-flow-sequence",
        ),
        pytest.param(
            b"items: [1, 2}\n",
            "1:13: invalid YAML: expected ',' or ']', but got '}' (while parsing a flow sequence)",
            id="mismatched-flow-sequence",
        ),
        pytest.param(
            b"a: b: c\n",
            "1:5: invalid YAML: mapping values are not allowed here; "
            "check the indentation, or quote a value that contains ': '",
            id="colon-in-value",
        ),
        pytest.param(
            b'a: "abc\n',
            "2:1: invalid YAML: found unexpected end of stream (while scanning a quoted scalar)",
            id="unclosed-quote",
        ),
    ],
)
def test_refusals_are_located_exactly(raw: bytes, expected: str) -> None:
    assert problems_of(raw) == [f"{PATH}:{expected}"]


def test_every_problem_in_a_file_is_reported_in_order() -> None:
    raw = b"b: !money 1\na: 1\nc:\n  d: 1\n  d: 2\na: 2\n"
    assert problems_of(raw) == [
        f"{PATH}:1:4: b: tag !money is not allowed; remove it",
        f"{PATH}:5:3: c.d: duplicate key (first given on line 4)",
        f"{PATH}:6:1: a: duplicate key (first given on line 2)",
    ]


def test_a_utf8_bom_is_accepted() -> None:
    document = load_document(b"\xef\xbb\xbfname: \xd0\x9e\xd0\x9e\xd0\x9e\n", PATH)
    assert document.data == {"name": "ООО"}


def test_the_size_cap() -> None:
    at_limit = b"a: 1\n" + b"#" * (MAX_FILE_BYTES - 5)
    assert len(at_limit) == MAX_FILE_BYTES
    assert load_document(at_limit, PATH).data == {"a": D("1")}
    assert problems_of(at_limit + b"\n") == [f"{PATH}:1:1: file is larger than 1048576 bytes"]


def test_a_billion_laughs_document_is_refused_not_expanded() -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [{', '.join([f'*{previous}'] * 9)}]")
    raw = ("\n".join(lines) + "\n").encode()
    assert problems_of(raw) == [f"{PATH}:1:4: anchors (&name) are not allowed; write the value out"]


def test_aliases_alone_are_refused_even_without_an_anchor_first() -> None:
    assert problems_of(b"a: [*x, *x]\n") == [
        f"{PATH}:1:5: aliases (*name) are not allowed; write the value out"
    ]


def test_a_second_document_in_the_stream_is_refused() -> None:
    assert problems_of(b"a: 1\n---\nb: 2\n") == [
        f"{PATH}:2:1: only one YAML document per file; remove the '---' and what follows"
    ]


# ------------------------------------------------------- once bugs, found by these tests


def test_an_explicit_str_tag_is_text_or_refused() -> None:
    assert problems_of(b"a: !!str true\nb: !!str 12\n") == [
        f"{PATH}:1:4: a: tag !!str is not allowed; remove it",
        f"{PATH}:2:4: b: tag !!str is not allowed; remove it",
    ]


def test_the_column_of_a_bad_byte_counts_characters() -> None:
    raw = "name: АБ ".encode() + cp1251("В") + b"\n"
    assert problems_of(raw) == [f"{PATH}:1:10: not UTF-8 text (byte 0xc2); save the file as UTF-8"]


def test_the_column_of_a_nul_byte() -> None:
    assert problems_of(b"a: 1\nb: x\x00y\n") == [
        f"{PATH}:2:5: not UTF-8 text (NUL byte); save the file as UTF-8"
    ]


# --------------------------------------------------------------------------- libyaml


def _yaml_files() -> list[Path]:
    root = Path(__file__).resolve().parent.parent
    found = [*root.glob("*.yaml"), *root.glob("clients/*.yaml"), *root.glob("offers/*.yaml")]
    found += [*root.glob("templates/**/*.yaml"), *root.glob("tests/data/**/*.yaml")]
    return sorted(path for path in found if _utf8(path))  # the others no parser sees


def _utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


TRICKY = [
    "a: Привет\nb: [Привет, x, 'y', \"z\"]\nc: {д: 1, e: 2.50}\n",
    "text: |\n  строка один\n  строка два\nfolded: >-\n  один\n  два\nempty:\nnull: ~\n",
    "# comment\nitems:\n  - {sku: a, qty: 1}   # trailing\n  -   sku: b\n      qty: 0.125\n",
    "k: 'it''s'\nq: \"\\u00a0nbsp\"\nnum: -12.5\nbig: 12345678901234567890.01\n",
    "date: 2026-11-28\nyes: NO\nflag: true\nplain: a: b\n",
]


@pytest.mark.parametrize("path", _yaml_files(), ids=lambda p: p.name)
def test_libyaml_and_the_pure_python_loader_agree_on_every_file(path: Path) -> None:
    _same_reading(path.read_bytes().decode("utf-8"))


@pytest.mark.parametrize("text", TRICKY)
def test_libyaml_and_the_pure_python_loader_agree_on_tricky_text(text: str) -> None:
    _same_reading(text)


def _same_reading(text: str) -> None:
    read, fast = _fast_node(text)
    try:
        slow = _slow_node(text, PATH)
    except ValidationFailed:
        assert not read  # what the strict loader refuses, libyaml must not let through
        return
    if not read:
        return  # tabs and the like: the strict loader alone reads them
    docs = []
    for node in (fast, slow):
        doc = Document(PATH, None)
        problems: list[Any] = []
        doc.data = _convert(node, (), doc, problems) if node is not None else None
        docs.append((doc.data, doc.values, doc.keys, [str(p) for p in problems]))
    assert docs[0] == docs[1]


def test_a_file_libyaml_refuses_gets_the_strict_loaders_message() -> None:
    assert _fast_node("a: [1, 2\n") == (False, None)
    assert problems_of(b"a: [1, 2\n")[0].startswith("offers/acme.yaml:2:1: invalid YAML:")


# --------------------------------------------------------------------------- nesting


def _slow_node_of(text: str) -> tuple[bool, Any]:
    return True, _slow_node(text, PATH)


@pytest.mark.parametrize("loader", [_fast_node, _slow_node_of])
def test_nesting_up_to_the_limit_is_read_by_both_loaders(loader: Any) -> None:
    deepest = "a: " + "[" * (MAX_NESTING - 1) + "1" + "]" * (MAX_NESTING - 1) + "\n"
    read, node = loader(deepest)
    assert read and node is not None


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * MAX_NESTING + "]" * MAX_NESTING,
        "a:\n" + "".join(" " * i + "- \n" for i in range(0, 2 * MAX_NESTING, 2)),
        "a: " + "{b: " * MAX_NESTING + "1" + "}" * MAX_NESTING,
        "a: " + "[" * 100_000 + "]" * 100_000,
    ],
    ids=["flow lists", "block lists", "flow mappings", "100000 levels"],
)
def test_nesting_beyond_the_limit_is_refused_where_it_passes_it(text: str) -> None:
    assert _fast_node(text) == (False, None)  # libyaml's events, the same composer
    (problem,) = problems_of(text.encode())
    assert problem.endswith(
        ": lists and mappings nested more than 32 levels deep; no workspace file needs that many"
    )

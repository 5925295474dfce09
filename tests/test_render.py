"""The sandboxed template environment, the output paths and the atomic writer."""

from __future__ import annotations

import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from offergen.errors import RenderError
from offergen.render import Templates
from offergen.render.docx import normalize_zip
from offergen.write import UnsafeOutput, output_path, write_atomic

from .conftest import ROOT


@pytest.fixture
def templates(tmp_path: Path) -> Templates:
    (tmp_path / "labels.yaml").write_text(
        "title: {ru: Заголовок, en: Title}\nonly_ru: {ru: x}\n", encoding="utf-8"
    )
    return Templates(tmp_path)


@pytest.mark.parametrize("value", [None, 1.5, Decimal("1.50"), date(2026, 11, 28)])
def test_unformatted_values_cannot_reach_a_template(templates: Templates, value: object) -> None:
    with pytest.raises(RenderError, match="reached a template"):
        templates.env.from_string("{{ v }}").render(v=value)


def test_values_are_escaped_and_never_evaluated(templates: Templates) -> None:
    out = templates.env.from_string("<p>{{ v }}</p>").render(v="{{ 7*7 }} <b>&</b>")
    assert out == "<p>{{ 7*7 }} &lt;b&gt;&amp;&lt;/b&gt;</p>"


def test_undefined_names_are_errors(templates: Templates) -> None:
    from jinja2 import UndefinedError

    with pytest.raises(UndefinedError):
        templates.env.from_string("{{ missing }}").render()


def test_the_sandbox_refuses_unsafe_attributes(templates: Templates) -> None:
    from jinja2.exceptions import SecurityError

    with pytest.raises(SecurityError):
        templates.env.from_string("{{ v.__class__.__mro__ }}").render(v="x")


def test_labels_must_exist_in_the_documents_language(templates: Templates) -> None:
    assert templates.labels("ru")["title"] == "Заголовок"
    with pytest.raises(RenderError, match="only_ru: needs a 'en' text"):
        templates.labels("en")


def test_shipped_labels_exist_in_both_languages() -> None:
    shipped = Templates(ROOT / "templates")
    assert shipped.labels("ru").keys() == shipped.labels("en").keys()


@pytest.mark.parametrize(
    ("offer_id", "name"),
    [
        ("../etc", "proposal.pdf"),
        ("a-1", "../../x.pdf"),
        ("A", "proposal.pdf"),
        ("a-1", "sub/proposal.pdf"),
        (".hidden", "proposal.pdf"),
    ],
)
def test_outputs_cannot_leave_out(tmp_path: Path, offer_id: str, name: str) -> None:
    with pytest.raises(UnsafeOutput):
        output_path(tmp_path / "out", offer_id, name)


def test_outputs_are_placed_in_the_offer_folder(tmp_path: Path) -> None:
    path = output_path(tmp_path / "out", "acme-2026-001", "proposal.pdf")
    assert path == (tmp_path / "out" / "acme-2026-001" / "proposal.pdf").resolve()


def test_write_atomic_replaces_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    target = tmp_path / "out" / "a" / "f.pdf"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["f.pdf"]


def test_write_atomic_failure_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "f.pdf"
    write_atomic(target, b"old")

    def fail(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("os.replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.pdf"]


def test_docx_zips_get_fixed_dates_and_order(tmp_path: Path) -> None:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<a/>")
        archive.writestr("[Content_Types].xml", "<b/>")
        archive.writestr("_rels/.rels", "<c/>")
    first = normalize_zip(buffer.getvalue(), date(2026, 11, 28))
    assert first == normalize_zip(buffer.getvalue(), date(2026, 11, 28))
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
    ]
    assert {i.date_time for i in infos} == {(2026, 11, 28, 0, 0, 0)}

"""offergen doctor: what the machine has for rendering."""

from __future__ import annotations

from pathlib import Path

from offergen.doctor import Finding, examine, font_families

from .conftest import ROOT, run


def test_font_families_named_by_a_stylesheet() -> None:
    css = (
        'html { font-family: "DejaVu Sans", Arial, sans-serif; }\n'
        '@page { @bottom-left { font: 8pt "DejaVu Serif"; } }\n'
        ".x { font-family: 'DejaVu Sans'; font-size: 9pt; }"
    )
    assert font_families(css) == ["DejaVu Sans", "Arial", "DejaVu Serif"]


def test_a_missing_piece_says_what_it_costs() -> None:
    assert (
        str(Finding("font X", False, "not installed", "falls back"))
        == "MISS font X: not installed — falls back"
    )
    assert str(Finding("pango", True, "1.50.12", "needs 1.44")) == "ok   pango: 1.50.12"


def test_examine_reports_the_fonts_the_templates_name(tmp_path: Path) -> None:
    (tmp_path / "style.css").write_text('html { font-family: "No Such Font 7" }', encoding="utf-8")
    findings = {f.name: f for f in examine(tmp_path)}
    assert findings["font No Such Font 7"].ok is False
    assert "pango" in findings and "harfbuzz subsetter" in findings


def test_doctor_on_this_machine() -> None:
    result = run("-C", ROOT, "doctor")
    lines = result.output.splitlines()
    assert any(line.endswith("font DejaVu Sans: installed") for line in lines)
    assert lines[-1] == "all set" or lines[-1].endswith("missing")
    assert result.exit_code == (0 if lines[-1] == "all set" else 1)

"""Turn this machine's libraries and fonts into a report of what offergen needs and lacks."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from .confine import Refused, read_template
from .glyphs import font_families, installed
from .inputs import renderer_versions
from .render.templates import STYLESHEET

__all__ = ["Finding", "examine", "font_families"]

MIN_PANGO = (1, 44)


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool
    detail: str
    cost: str = ""  # what a missing piece costs

    def __str__(self) -> str:
        mark = "ok  " if self.ok else "MISS"
        cost = f" — {self.cost}" if self.cost and not self.ok else ""
        return f"{mark} {self.name}: {self.detail}{cost}"


def examine(templates: Path) -> list[Finding]:
    """Everything offergen depends on outside Python packages, checked."""
    return [
        Finding("python", sys.version_info >= (3, 11), sys.version.split()[0]),
        Finding(
            "renderers",
            True,
            ", ".join(f"{name} {ver}" for name, ver in renderer_versions().items()),
        ),
        _pango(),
        _harfbuzz_subset(),
        *_fonts(templates),
        _libreoffice(),
    ]


def _pango() -> Finding:
    from weasyprint.text.ffi import pango

    number = pango.pango_version()
    found = (number // 10000, number // 100 % 100, number % 100)
    shown = ".".join(map(str, found))
    return Finding(
        "pango",
        found[:2] >= MIN_PANGO,
        shown,
        f"WeasyPrint needs Pango ≥ {'.'.join(map(str, MIN_PANGO))}",
    )


def _harfbuzz_subset() -> Finding:
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    ok = harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))
    return Finding(
        "harfbuzz subsetter",
        ok,
        "libharfbuzz-subset found" if ok else "libharfbuzz-subset0 not found",
        "PDFs are written about 1.5× slower with fontTools, whose output was seen to differ "
        "between runs; apt-get install libharfbuzz-subset0 (make offers does it as root)",
    )


def _fonts(templates: Path) -> list[Finding]:
    try:
        css = read_template(templates, STYLESHEET).decode("utf-8", errors="replace")
    except Refused as refused:
        return [Finding("fonts", False, f"templates/{refused}")]
    families = font_families(css)
    if shutil.which("fc-list") is None:
        return [Finding("fonts", False, "fc-list not found, cannot check " + ", ".join(families))]
    return [
        Finding(
            f"font {family}",
            bool(installed(family)),
            "installed" if installed(family) else "not installed",
            "PDFs fall back to another font and differ from other machines' (Debian: "
            "fonts-dejavu-core), and `check` cannot tell which characters they draw",
        )
        for family in families
    ]


def _libreoffice() -> Finding:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    return Finding(
        "libreoffice",
        found is not None,
        found or "not installed",
        "optional: only the benchmark's LibreOffice baseline needs it",
    )

"""The ПРОЕКТ / DRAFT watermark: drawn on every page of a draft, never part of its words."""

from __future__ import annotations

from pathlib import Path

import pytest

from offergen.errors import RenderError
from offergen.render import Templates

from .conftest import ROOT

SHIPPED = Templates(ROOT / "templates")


def test_a_letter_the_font_lacks_is_an_error() -> None:
    with pytest.raises(RenderError) as raised:
        SHIPPED.outline("ПРОЕКТ 草")
    assert str(raised.value) == "fonts/DejaVuSans-Bold.ttf: has no letter '草' for the watermark"


def test_templates_without_the_watermark_font_say_so(tmp_path: Path) -> None:
    with pytest.raises(RenderError) as raised:
        Templates(tmp_path).outline("DRAFT")
    assert str(raised.value) == (
        f"fonts/DejaVuSans-Bold.ttf: template not found in {tmp_path.resolve()}"
    )

"""Turn a watermark word into the outlines of its letters: a drawing, never text.

A PDF's text layer is what search, copying and `offergen verify` read. ПРОЕКТ / DRAFT
says what state a document is in, not what it says, so the layout draws the word as
shapes: no text extractor can find it, or glue it to the words beside it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont, TTLibError

from ..errors import RenderError

WATERMARK_FONT = "fonts/DejaVuSans-Bold.ttf"  # under templates/, with its licence


@dataclass(frozen=True)
class Outline:
    """A word as one SVG path in font units, `width` by `height`: the whole line, from
    the font's ascent down to its descent, so every word sits on the same baseline."""

    path: str
    width: int
    height: int


@lru_cache(maxsize=8)  # reading the font takes longer than drawing with it
def outline(font_file: bytes, word: str) -> Outline:
    """The letters of `word` in the font `font_file` holds, side by side."""
    try:
        font = TTFont(io.BytesIO(font_file))
        letters = font.getBestCmap()
        glyphs = font.getGlyphSet()
        advances = font["hmtx"]
        line = font["hhea"]
    except (OSError, TTLibError, KeyError) as error:
        raise RenderError(WATERMARK_FONT, f"not a usable font: {error}") from None
    pen = SVGPathPen(glyphs)
    x = 0
    for letter in word:
        name = letters.get(ord(letter))
        if name is None:
            raise RenderError(WATERMARK_FONT, f"has no letter {letter!r} for the watermark")
        # Fonts count y upwards from the baseline, SVG downwards from the top.
        glyphs[name].draw(TransformPen(pen, (1, 0, 0, -1, x, line.ascent)))
        x += advances[name][0]
    return Outline(pen.getCommands(), x, line.ascent - line.descent)

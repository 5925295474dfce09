"""Turn two renderings of one document into the newer one marked up with what changed.

DOCX gets native tracked changes (`w:ins` / `w:del`) that Word and LibreOffice offer to
accept or reject; HTML gets `<ins>` / `<del>` elements that WeasyPrint draws in colour.
Both formats are read as a sequence of units (paragraph-like blocks and table rows), the
two sequences are aligned, and paired units are diffed word by word. The stages:

- `align`: units and their alignment, and the word diff, shared by both formats;
- `redliner`: the driver that marks a tree from aligned units, through a format adapter;
- `docx`: the adapter for Word's document.xml;
- `html`: the adapter for the HTML a PDF is made from.
"""

from .docx import blank_docx, redline_counts, redline_docx
from .html import blank_html, redline_html

__all__ = ["blank_docx", "blank_html", "redline_counts", "redline_docx", "redline_html"]

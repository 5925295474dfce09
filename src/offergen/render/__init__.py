"""Turn a document context into bytes: HTML through WeasyPrint into PDF, docxtpl into DOCX.

Nothing here writes files: renderers return bytes and `write.py` puts them in place.
The renderers load on first use, so that checking a workspace never imports WeasyPrint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_names
from .templates import DocumentMeta, Templates

if TYPE_CHECKING:
    from .docx import render_docx
    from .pdf import html_to_pdf, render_page, render_pdf

__all__ = [
    "DocumentMeta",
    "Templates",
    "html_to_pdf",
    "render_docx",
    "render_page",
    "render_pdf",
]

__getattr__ = lazy_names(
    __name__,
    {"render_docx": "docx", "html_to_pdf": "pdf", "render_page": "pdf", "render_pdf": "pdf"},
)

"""Turn a document context into bytes: HTML through WeasyPrint into PDF, docxtpl into DOCX.

Nothing here writes files: renderers return bytes and `write.py` puts them in place.
The renderers load on first use, so that checking a workspace never imports WeasyPrint.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

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

_LAZY = {
    "render_docx": "docx",
    "html_to_pdf": "pdf",
    "render_page": "pdf",
    "render_pdf": "pdf",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'offergen.render' has no attribute {name!r}")

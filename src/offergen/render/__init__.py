"""Turn a document context into bytes: HTML through WeasyPrint into PDF, docxtpl into DOCX.

Nothing here writes files: renderers return bytes and `write.py` puts them in place.
"""

from .docx import render_docx
from .pdf import html_to_pdf, render_page, render_pdf
from .templates import DocumentMeta, Templates

__all__ = [
    "DocumentMeta",
    "Templates",
    "html_to_pdf",
    "render_docx",
    "render_page",
    "render_pdf",
]

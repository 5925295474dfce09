"""Turn a docxtpl template and a context into DOCX bytes that are the same on every run."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, time
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import TemplateError

from ..errors import RenderError
from .templates import DocumentMeta, Templates

CONTENT_TYPES = "[Content_Types].xml"


def render_docx(
    templates: Templates, name: str, context: dict[str, Any], meta: DocumentMeta
) -> bytes:
    """Render `name` (a .docx under templates/) with `context` into DOCX bytes."""
    template = DocxTemplate(io.BytesIO(templates.read(name)))
    try:
        template.init_docx()
    except Exception as error:  # python-docx and lxml raise many kinds on a damaged file
        raise RenderError(
            name, f"not a usable Word document ({type(error).__name__}: {error})"
        ) from None
    try:
        template.render(context, jinja_env=templates.env, autoescape=True)
    except TemplateError as error:
        raise RenderError(name, f"{type(error).__name__}: {error}") from None
    # Properties are set after rendering: docxtpl renders properties as templates, and a
    # title taken from the data must never be read as one.
    _set_properties(template, meta)
    buffer = io.BytesIO()
    template.save(buffer)
    return normalize_zip(buffer.getvalue(), meta.created)


def _set_properties(template: DocxTemplate, meta: DocumentMeta) -> None:
    props = template.docx.core_properties  # not get_docx(): it reloads the template
    stamp = datetime.combine(meta.created, time(0, 0))
    props.title, props.author, props.subject = meta.title, meta.author, meta.subject
    props.language, props.last_modified_by = meta.language, meta.author
    props.created, props.modified, props.last_printed = stamp, stamp, stamp
    props.revision = meta.revision
    props.keywords, props.version = meta.keywords, meta.version
    props.comments = props.category = ""


def normalize_zip(data: bytes, created: Any) -> bytes:
    """Rewrite a DOCX zip with fixed timestamps and a fixed member order."""
    stamp = (max(created.year, 1980), created.month, created.day, 0, 0, 0)
    source = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(source.namelist(), key=lambda n: (n != CONTENT_TYPES, n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in names:
            info = zipfile.ZipInfo(member, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(member), compresslevel=6)
    return out.getvalue()

"""Turn an HTML template and a context into PDF bytes with WeasyPrint."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2 import TemplateError, TemplateNotFound
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ..confine import Refused, read_template
from ..errors import RenderError
from .templates import STYLESHEET, DocumentMeta, Templates

# Warnings about this machine rather than about the document: slower subsetting when
# HarfBuzz's subsetter is missing. They are not errors (`make offers` installs it where
# it can); everything else WeasyPrint warns about is.
ENVIRONMENT_WARNINGS = ("Using fontTools instead of HarfBuzz-Subset",)


class TemplatesOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """Serves files under the templates folder and data: URLs; refuses everything else."""

    def __init__(self, root: Path) -> None:
        super().__init__(
            allowed_protocols={"file", "data"}, allow_redirects=False, fail_on_errors=True
        )
        self.root = root

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise ValueError(f"only files under templates/ may be used, not {url}")
        try:
            data = read_template(self.root, unquote(parts.path))
        except Refused:
            raise ValueError(f"only files under templates/ may be used, not {url}") from None
        return URLFetcherResponse(url, data, {"Content-Type": _mime(Path(parts.path))})


def _mime(path: Path) -> str:
    types = {
        ".css": "text/css",
        ".png": "image/png",
        ".svg": "image/svg+xml",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".woff2": "font/woff2",
        ".ttf": "font/ttf",
        ".otf": "font/otf",
    }
    return types.get(path.suffix.lower(), "application/octet-stream")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not message.startswith(ENVIRONMENT_WARNINGS):
            self.messages.append(message)


@contextmanager
def _warnings_as_errors(name: str) -> Iterator[None]:
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    if handler.messages:
        raise RenderError(name, "WeasyPrint: " + "; ".join(handler.messages))


class _Engine:
    """What WeasyPrint may keep between documents: fonts and the parsed stylesheet."""

    def __init__(self, templates: Templates) -> None:
        self.fetcher = TemplatesOnlyFetcher(templates.root)
        self.base_url = templates.root.as_uri() + "/"
        self.fonts = FontConfiguration()
        self.templates = templates
        self._sheets: list[CSS] | None = None

    def stylesheets(self) -> list[CSS]:
        if self._sheets is None:
            self._sheets = [
                CSS(
                    string=self.templates.read(STYLESHEET).decode("utf-8"),
                    base_url=self.base_url,
                    url_fetcher=self.fetcher,
                    font_config=self.fonts,
                )
            ]
        return self._sheets


_ENGINES: dict[Path, _Engine] = {}


def _engine(templates: Templates) -> _Engine:
    # One per templates folder and process: workers render many documents with it.
    engine = _ENGINES.get(templates.root)
    if engine is None or engine.templates is not templates:
        engine = _ENGINES[templates.root] = _Engine(templates)
    return engine


def render_html(templates: Templates, name: str, context: dict[str, Any]) -> str:
    try:
        return templates.env.get_template(name).render(context)
    except TemplateNotFound:
        raise RenderError(
            name, "template not found under templates/ (links leading outside it are refused)"
        ) from None
    except TemplateError as error:
        raise RenderError(name, f"{type(error).__name__}: {error}") from None


def render_pdf(
    templates: Templates, name: str, context: dict[str, Any], meta: DocumentMeta
) -> bytes:
    """Render `name` (an HTML template) with `context` into the bytes of a PDF."""
    return html_to_pdf(templates, name, render_page(templates, name, context, meta))


def render_page(
    templates: Templates, name: str, context: dict[str, Any], meta: DocumentMeta
) -> str:
    """The HTML a PDF is made from, its properties included."""
    return render_html(templates, name, {**context, "meta": _meta_context(meta)})


def html_to_pdf(templates: Templates, name: str, html: str) -> bytes:
    """The bytes of a PDF of `html`, laid out with the templates' stylesheet and fonts;
    `name` says which template it came from when something fails."""
    engine = _engine(templates)
    try:
        with _warnings_as_errors(name):
            document = HTML(string=html, base_url=engine.base_url, url_fetcher=engine.fetcher)
            pdf: bytes = document.write_pdf(
                stylesheets=engine.stylesheets(),
                font_config=engine.fonts,
                pdf_identifier=False,
                uncompressed_pdf=False,
            )
    except RenderError:
        raise
    except FatalURLFetchingError as error:  # a BaseException: it must not escape as one
        raise RenderError(name, str(error.__cause__ or error)) from None
    except Exception as error:  # WeasyPrint raises many kinds; the user needs one
        raise RenderError(name, f"WeasyPrint failed: {type(error).__name__}: {error}") from None
    return pdf


def _meta_context(meta: DocumentMeta) -> dict[str, str]:
    return {
        "title": meta.title,
        "author": meta.author,
        "subject": meta.subject,
        "language": meta.language,
        "created": meta.created.isoformat(),
        "keywords": meta.keywords,
    }

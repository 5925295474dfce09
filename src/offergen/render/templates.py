"""Turn the `templates/` folder into a sandboxed Jinja environment that reads nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, StrictUndefined, TemplateNotFound, Undefined, pass_context
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from ..confine import Refused, read_template, template_file
from ..errors import RenderError, ValidationFailed
from ..formatting import amount_in_words, format_money, format_number, format_percent
from ..load import load_document
from ..shipped import SHIPPED_TEMPLATES
from .watermark import WATERMARK_FONT, Outline, outline

LABELS_FILE = "labels.yaml"
STYLESHEET = "style.css"  # applied to every PDF by offergen, not linked from the HTML


@dataclass(frozen=True)
class DocumentMeta:
    """What a document says about itself in its properties."""

    title: str
    author: str
    subject: str
    language: str
    created: date
    keywords: str = ""  # the offer number and its version in git
    version: str = ""  # "3 · 1a2b3c4" (DOCX cp:version)
    revision: int = 1  # the version as a number (DOCX cp:revision)


class ConfinedLoader(BaseLoader):
    """Loads templates by name from one folder; links that lead outside it are refused."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def resolve(self, name: str) -> Path:
        try:
            return template_file(self.root, name)
        except Refused:
            raise TemplateNotFound(name) from None

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Any]:
        path = self.resolve(template)
        mtime = path.stat().st_mtime
        try:
            source = read_template(self.root, template).decode("utf-8")
        except Refused:
            raise TemplateNotFound(template) from None
        return source, str(path), lambda: path.stat().st_mtime == mtime


def _only_text(value: Any) -> Any:
    # Everything a template prints is text prepared by a document module: a None or a
    # number here means a context was built wrongly, and must not print as "None".
    if isinstance(value, str):
        # A line break would be a break in DOCX but a space in HTML: one text, one form.
        return value.replace("\r\n", " ").replace("\n", " ")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float | Decimal | date) or value is None:
        raise RenderError(
            "template",
            f"a {type(value).__name__} reached a template: "
            f"{value!r}; format it in the document context",
        )
    return value


def text_environment() -> SandboxedEnvironment:
    """The environment for texts that are themselves data of a template (clauses, `when:`).

    Plain text out (the layout escapes it once, later), undefined names are errors,
    numbers print only through the locale-aware filters.
    """
    env = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined, finalize=_only_text)
    env.filters.update(TEXT_FILTERS)
    return env


def _defined(value: Any) -> Decimal:
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()  # filters get undefined values without a fuss
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"expects a number, got {value!r}")
    return Decimal(value)


@pass_context
def _money(context: Context, value: Any) -> str:
    return format_money(_defined(value), context["currency"], context["lang"])


@pass_context
def _percent(context: Context, value: Any) -> str:
    return format_percent(_defined(value), context["lang"])


@pass_context
def _number(context: Context, value: Any) -> str:
    return format_number(_defined(value), context["lang"])


@pass_context
def _words(context: Context, value: Any) -> str:
    return amount_in_words(_defined(value), context["currency"], context["lang"])


TEXT_FILTERS = {"money": _money, "percent": _percent, "number": _number, "words": _words}


class Templates:
    """The template folder: one sandboxed environment for HTML and DOCX alike."""

    def __init__(self, root: Path) -> None:
        self.loader = ConfinedLoader(root)
        self.root = self.loader.root
        self.env = SandboxedEnvironment(
            loader=self.loader,
            autoescape=True,
            undefined=StrictUndefined,
            finalize=_only_text,
            keep_trailing_newline=True,
        )
        self.env.filters["outline"] = self.outline
        self.text_env = text_environment()

    def path(self, name: str) -> Path:
        """The file `name` means under templates/; `Refused` (a RenderError) if none."""
        return template_file(self.root, name)

    def read(self, name: str) -> bytes:
        """The bytes of `name` under templates/; `Refused` (a RenderError) if none."""
        return read_template(self.root, name)

    def outline(self, word: str) -> Outline:
        """`word` as the shapes of its letters in the watermark font, to draw, not print."""
        return outline(self._watermark_font, word)

    @cached_property
    def _watermark_font(self) -> bytes:
        return self.read(WATERMARK_FONT)

    @cached_property
    def _labels(self) -> dict[str, dict[str, str]]:
        try:
            document = load_document(self.read(LABELS_FILE), f"templates/{LABELS_FILE}")
        except ValidationFailed as failed:
            raise RenderError(LABELS_FILE, str(failed.problems[0])) from None
        return document.data  # type: ignore[no-any-return]

    def labels(self, locale: str) -> dict[str, str]:
        """Every label of `templates/labels.yaml` in one language; a label the file lacks
        (a newer offergen prints it, the workspace's copy predates it) in the shipped
        wording, which `check` warns of."""
        found: dict[str, str] = {}
        for key, texts in {**self._shipped_labels, **self._labels}.items():
            if not isinstance(texts, dict) or not isinstance(texts.get(locale), str):
                raise RenderError(LABELS_FILE, f"{key}: needs a {locale!r} text")
            found[key] = texts[locale]
        return found

    @cached_property
    def _shipped_labels(self) -> dict[str, dict[str, str]]:
        if SHIPPED_TEMPLATES.resolve() == self.root.resolve():
            return {}
        try:
            raw = read_template(SHIPPED_TEMPLATES, LABELS_FILE)
            data = load_document(raw, f"templates/{LABELS_FILE}").data
        except (RenderError, ValidationFailed):
            return {}  # an installation without its labels: the workspace's alone
        return data if isinstance(data, dict) else {}

"""Turn the templates folder into the problems of its layouts and labels, before any
document is rendered: a broken template blocks the documents that use it.

Every file is judged as the renderer will read it, through `confine.py`: a file that is
missing or leads outside templates/ is a problem here, never a surprise in the build.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from docx import Document
from jinja2 import TemplateSyntaxError, meta, nodes
from jinja2.sandbox import SandboxedEnvironment

from ..characters import clean_text
from ..confine import FOLDER, MISSING, Refused, read_template, template_file
from ..errors import Problem, ValidationFailed, did_you_mean
from ..glyphs import Coverage, unprintable
from ..load import Document as Source
from ..load import load_document
from .templates import LABELS_FILE, STYLESHEET
from .watermark import WATERMARK_FONT

ONLY_TEMPLATES = "only files under templates/ may be used"  # as the PDF renderer says
# What WeasyPrint fetches: url() in CSS, @import, src= and <link href=>. A hyperlink's
# href is not fetched, so it is not judged.
_REFERENCE = re.compile(
    r"""url\(\s*(['"]?)(?P<url>[^'")]*)\1\s*\)"""
    r"""|@import\s+(['"])(?P<imported>[^'"]*)\3"""
    r"""|\bsrc\s*=\s*(['"])(?P<src>[^'"]*)\5"""
    r"""|<link\b[^>]*?\bhref\s*=\s*(['"])(?P<link>[^'"]*)\7""",
    re.IGNORECASE,
)


@dataclass
class _Layout:
    """One HTML template as the checker read it."""

    used: set[str] = field(default_factory=set)  # templates it extends, includes, imports
    problems: list[Problem] = field(default_factory=list)
    draws: bool = False  # uses the `outline` filter: reads the watermark font


def template_problems(root: Path, documents: list[str]) -> dict[str, list[Problem]]:
    """For each document kind, the problems of its HTML layout (with everything it
    extends or includes, the stylesheet and what they link) and of its DOCX template."""
    env = SandboxedEnvironment()
    parsed: dict[str, _Layout] = {}
    stylesheet = _stylesheet_problems(root)
    found: dict[str, list[Problem]] = {}
    for document in documents:
        chain: set[str] = set()
        problems = _html_problems(env, root, f"{document}.html", parsed, chain)
        problems += stylesheet
        if any(parsed[name].draws for name in chain):
            problems += _font_problems(root)
        problems += _docx_problems(root, f"{document}.docx")
        if problems:
            found[document] = sorted(set(problems))
    return found


def _html_problems(
    env: SandboxedEnvironment, root: Path, name: str, parsed: dict[str, _Layout], seen: set[str]
) -> list[Problem]:
    if name in seen:
        return []
    seen.add(name)
    if name not in parsed:
        parsed[name] = _parse(env, root, name)
    found = list(parsed[name].problems)
    for other in sorted(parsed[name].used):
        found += _html_problems(env, root, other, parsed, seen)
    return found


def _parse(env: SandboxedEnvironment, root: Path, name: str) -> _Layout:
    relative = f"{FOLDER}/{name}"
    try:
        text = read_template(root, name).decode("utf-8")
    except Refused as refused:
        return _Layout(problems=[refused.problem("template")])
    except UnicodeDecodeError:
        return _Layout(problems=[Problem(relative, 1, 1, "", "not UTF-8 text")])
    try:
        tree = env.parse(text)
    except TemplateSyntaxError as error:
        problem = Problem(relative, error.lineno or 1, 1, "", error.message or "syntax")
        return _Layout(problems=[problem])
    used = {ref for ref in meta.find_referenced_templates(tree) if isinstance(ref, str)}
    draws = any(node.name == "outline" for node in tree.find_all(nodes.Filter))
    return _Layout(used, list(_reference_problems(root, relative, text)), draws)


def _stylesheet_problems(root: Path) -> list[Problem]:
    try:
        text = read_template(root, STYLESHEET).decode("utf-8")
    except Refused as refused:
        return [refused.problem("stylesheet")]
    except UnicodeDecodeError:
        return [Problem(f"{FOLDER}/{STYLESHEET}", 1, 1, "", "not UTF-8 text")]
    return list(_reference_problems(root, f"{FOLDER}/{STYLESHEET}", text))


def _reference_problems(root: Path, relative: str, text: str) -> Iterator[Problem]:
    """Each file a layout or the stylesheet links that the renderer would refuse."""
    base = root.resolve().as_uri() + "/"
    for match in _REFERENCE.finditer(text):
        kind = next(k for k in ("url", "imported", "src", "link") if match.group(k) is not None)
        url = match.group(kind).strip()
        if not url or url.startswith(("#", "data:")) or "{{" in url or "{%" in url:
            continue  # nothing to fetch, inline data, or made by the template
        line = text.count("\n", 0, match.start(kind)) + 1
        column = match.start(kind) - text.rfind("\n", 0, match.start(kind))
        why = _refused_url(root, urljoin(base, url))
        if why is not None:
            yield Problem(relative, line, column, "", f"{why}, not {url}")


def _refused_url(root: Path, url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme != "file":
        return ONLY_TEMPLATES
    try:
        template_file(root, unquote(parts.path))
    except Refused as refused:
        return "no such file under templates/" if refused.why == MISSING else ONLY_TEMPLATES
    return None


def _font_problems(root: Path) -> list[Problem]:
    try:
        template_file(root, WATERMARK_FONT)
    except Refused as refused:
        return [refused.problem("font")]
    return []


def _docx_problems(root: Path, name: str) -> list[Problem]:
    relative = f"{FOLDER}/{name}"
    try:
        data = read_template(root, name)
    except Refused as refused:
        return [refused.problem("template")]
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return [
            Problem(
                relative,
                1,
                1,
                "",
                "not a Word document (a Git LFS pointer? run `git lfs pull`, or "
                "`make docx-templates` to make it again)",
            )
        ]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            archive.getinfo("word/document.xml")
    except (KeyError, zipfile.BadZipFile):
        return [Problem(relative, 1, 1, "", "not a Word document: it has no word/document.xml")]
    try:
        Document(io.BytesIO(data))  # what docxtpl opens it with
    except Exception as error:  # python-docx and lxml raise many kinds on a damaged file
        why = f"not a Word document that can be opened ({type(error).__name__}: {error})"
        return [Problem(relative, 1, 1, "", why)]
    return []


def label_problems(
    root: Path, reference: Path | None = None, drawn: Coverage | None = None
) -> dict[str | None, list[Problem]]:
    """The problems of templates/labels.yaml: the whole file's (key None) and those of
    one language (key 'ru' or 'en'), which block the offers in that language; with the
    fonts' coverage, characters they cannot draw too.

    `reference` is the labels.yaml shipped with offergen, which names every label the
    documents print and the `{field}`s offergen fills in each: a workspace's own labels
    must have each of those labels and use no other field."""
    relative = f"{FOLDER}/{LABELS_FILE}"
    try:
        data = read_template(root, LABELS_FILE)
    except Refused as refused:
        return {None: [refused.problem("labels")]}
    try:
        document = load_document(data, relative)
    except ValidationFailed as failed:
        return {None: failed.problems}
    if not isinstance(document.data, dict):
        return {None: [Problem(relative, 1, 1, "", "expected a mapping of labels")]}
    found: dict[str | None, list[Problem]] = {}
    for key, texts in document.data.items():
        for locale in ("ru", "en"):
            if not isinstance(texts, dict) or not isinstance(texts.get(locale), str):
                found.setdefault(locale, []).append(
                    document.problem((key,), f"needs a {locale!r} text")
                )
                continue
            try:
                clean_text(texts[locale])
            except ValueError as error:
                found.setdefault(locale, []).append(document.problem((key, locale), str(error)))
    for loc, problem in unprintable(document, drawn) if drawn else ():
        language = str(loc[1]) if loc[1:2] in (("ru",), ("en",)) else None
        found.setdefault(language, []).append(problem)
    if reference is not None and reference.resolve() != root.resolve():
        try:
            shipped = _fields(read_template(reference, LABELS_FILE))
        except (Refused, ValidationFailed):
            return found  # an installation without its labels: nothing to compare with
        for language, problems in _field_problems(document, shipped).items():
            found.setdefault(language, []).extend(problems)
    return found


_FIELD = re.compile(r"\{(\w+)\}")


def _fields(raw: bytes) -> dict[str, set[str]]:
    """Each label of a labels.yaml with the `{field}`s it uses, in either language."""
    data = load_document(raw, f"{FOLDER}/{LABELS_FILE}").data
    return {
        key: {name for text in texts.values() for name in _FIELD.findall(str(text))}
        for key, texts in data.items()
        if isinstance(texts, dict)
    }


def _field_problems(
    document: Source, known: dict[str, set[str]]
) -> dict[str | None, list[Problem]]:
    """Labels missing from the workspace's file (a warning: the shipped wording stands in),
    and fields a label uses that offergen never fills (the offers in that language)."""
    found: dict[str | None, list[Problem]] = {}
    missing = [key for key in known if key not in document.data]
    if missing:
        message = (
            f"missing {', '.join(missing)}: the documents print offergen's own wording "
            "until you add them"
        )
        found[None] = [document.problem((), message, severity="warning")]
    for key, texts in document.data.items():
        if key not in known or not isinstance(texts, dict):
            continue  # a label offergen does not print; a shape problem is said above
        for locale, text in texts.items():
            for name in _FIELD.findall(str(text)):
                if name in known[key]:
                    continue
                filled = ", ".join(f"{{{field}}}" for field in sorted(known[key])) or "none"
                message = (
                    f"{{{name}}} is not a field of this label (offergen fills: {filled})"
                    f"{did_you_mean(name, known[key])}"
                )
                found.setdefault(str(locale), []).append(document.problem((key, locale), message))
    return found

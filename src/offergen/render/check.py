"""Turn the templates folder into the problems of its layouts and labels, before any
document is rendered: a broken template blocks the documents that use it."""

from __future__ import annotations

import zipfile
from pathlib import Path

from jinja2 import TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from ..characters import clean_text
from ..errors import Problem, ValidationFailed
from ..glyphs import Coverage, unprintable
from ..load import load_document
from .templates import LABELS_FILE

FOLDER = "templates"


def template_problems(root: Path, documents: list[str]) -> dict[str, list[Problem]]:
    """For each document kind, the problems of its HTML layout (with everything it
    extends or includes) and of its DOCX template."""
    env = SandboxedEnvironment()
    parsed: dict[str, tuple[set[str], list[Problem]]] = {}
    found: dict[str, list[Problem]] = {}
    for document in documents:
        problems = _html_problems(env, root, f"{document}.html", parsed, set())
        problems += _docx_problems(root, f"{document}.docx")
        if problems:
            found[document] = sorted(set(problems))
    return found


def _html_problems(
    env: SandboxedEnvironment,
    root: Path,
    name: str,
    parsed: dict[str, tuple[set[str], list[Problem]]],
    seen: set[str],
) -> list[Problem]:
    if name in seen:
        return []
    seen.add(name)
    if name not in parsed:
        parsed[name] = _parse(env, root, name)
    used, problems = parsed[name]
    found = list(problems)
    for other in sorted(used):
        found += _html_problems(env, root, other, parsed, seen)
    return found


def _parse(env: SandboxedEnvironment, root: Path, name: str) -> tuple[set[str], list[Problem]]:
    relative = f"{FOLDER}/{name}"
    path = _confined(root, name)
    if path is None:
        return set(), [_missing(root, name)]
    try:
        tree = env.parse(path.read_text("utf-8"))
    except UnicodeDecodeError:
        return set(), [Problem(relative, 1, 1, "", "not UTF-8 text")]
    except TemplateSyntaxError as error:
        return set(), [Problem(relative, error.lineno or 1, 1, "", error.message or "syntax")]
    used = {ref for ref in meta.find_referenced_templates(tree) if isinstance(ref, str)}
    return used, []


def _docx_problems(root: Path, name: str) -> list[Problem]:
    relative = f"{FOLDER}/{name}"
    path = _confined(root, name)
    if path is None:
        return [_missing(root, name)]
    if not zipfile.is_zipfile(path):
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
        with zipfile.ZipFile(path) as archive:
            archive.getinfo("word/document.xml")
    except (KeyError, zipfile.BadZipFile):
        return [Problem(relative, 1, 1, "", "not a Word document: it has no word/document.xml")]
    return []


def _confined(root: Path, name: str) -> Path | None:
    base = root.resolve()
    path = (base / name).resolve()
    return path if path.is_relative_to(base) and path.is_file() else None


def _missing(root: Path, name: str, what: str = "template") -> Problem:
    outside = (root / name).exists() or (root / name).is_symlink()
    why = "leads outside templates/ (links are refused)" if outside else "not found"
    return Problem(f"{FOLDER}/{name}", 1, 1, "", f"{what} {why}")


def label_problems(root: Path, drawn: Coverage | None = None) -> dict[str | None, list[Problem]]:
    """The problems of templates/labels.yaml: the whole file's (key None) and those of
    one language (key 'ru' or 'en'), which block the offers in that language; with the
    fonts' coverage, characters they cannot draw too."""
    relative = f"{FOLDER}/{LABELS_FILE}"
    path = _confined(root, LABELS_FILE)
    if path is None:
        return {None: [_missing(root, LABELS_FILE, "labels")]}
    try:
        document = load_document(path.read_bytes(), relative)
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
    return found

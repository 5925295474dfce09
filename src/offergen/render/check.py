"""Turn the templates folder into the problems of its layouts and labels, before any
document is rendered: a broken template blocks the documents that use it."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from jinja2 import TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from ..errors import Problem, ValidationFailed, did_you_mean
from ..load import Document, load_document
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


def label_problems(root: Path, reference: Path | None = None) -> dict[str | None, list[Problem]]:
    """The problems of templates/labels.yaml: the whole file's (key None) and those of
    one language (key 'ru' or 'en'), which block the offers in that language.

    `reference` is the labels.yaml shipped with offergen, which names every label the
    documents print and the `{field}`s offergen fills in each: a workspace's own labels
    must have each of those labels and use no other field."""
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
    shipped = _confined(reference, LABELS_FILE) if reference is not None else None
    if shipped is not None and shipped != path:
        for language, problems in _field_problems(document, _fields(shipped)).items():
            found.setdefault(language, []).extend(problems)
    return found


_FIELD = re.compile(r"\{(\w+)\}")


def _fields(path: Path) -> dict[str, set[str]]:
    """Each label of a labels.yaml with the `{field}`s it uses, in either language."""
    data = load_document(path.read_bytes(), f"{FOLDER}/{LABELS_FILE}").data
    return {
        key: {name for text in texts.values() for name in _FIELD.findall(str(text))}
        for key, texts in data.items()
        if isinstance(texts, dict)
    }


def _field_problems(
    document: Document, known: dict[str, set[str]]
) -> dict[str | None, list[Problem]]:
    """Labels missing from the workspace's file (every offer needs them), and fields a
    label uses that offergen never fills (the offers in that language)."""
    found: dict[str | None, list[Problem]] = {}
    missing = [key for key in known if key not in document.data]
    if missing:
        message = f"missing {', '.join(missing)}: the documents print these labels"
        found[None] = [document.problem((), message)]
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

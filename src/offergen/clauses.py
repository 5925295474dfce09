"""Turn a clause library and a contract's context into numbered clauses with their text.

The library (templates/clauses/<type>.yaml) is owned by legal: ordered sections of
clauses with stable ids, text in Russian and English that may use the contract context
and `ref("clause.id")`, and optional `when:` conditions. Numbers are computed here, after
the conditions, so a dropped clause leaves no gap and every reference follows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from hashlib import sha256
from pathlib import Path
from pickle import UnpicklingError
from types import CodeType
from typing import Annotated, Any

from jinja2 import FileSystemBytecodeCache, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BeforeValidator, Field, model_validator

from .characters import clean_text
from .confine import FOLDER, Refused, read_template
from .errors import OffergenError, Problem, RenderError, ValidationFailed
from .limits import MAX_MONEY, MAX_PARAGRAPH_CHARS
from .load import Document, Loc, load_document
from .models import (
    Locale,
    Localized,
    LocalizedParagraph,
    Model,
    Negotiation,
    Paragraph,
    parse,
)
from .negotiation import contract_wording

CLAUSES_DIR = "clauses"
_SPACES = re.compile(r"[ \t\r\n]+")
ClauseId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")]
SectionId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


def _param(value: Any) -> Any:
    """A library parameter clause texts print: text under the text rule, a number in the
    range of amounts."""
    if isinstance(value, str):
        if len(value) > MAX_PARAGRAPH_CHARS:
            raise ValueError(f"is longer than {MAX_PARAGRAPH_CHARS} characters")
        return clean_text(value)
    if isinstance(value, Decimal) and abs(value) > MAX_MONEY:
        raise ValueError(f"must be at most {MAX_MONEY} either side of 0, got {value}")
    return value


Param = Annotated[Any, BeforeValidator(_param)]


class Clause(Model):
    """One clause: its stable id, its wording and when it applies."""

    id: ClauseId = Field(description="Stable id, section first: payment.balance.")
    when: Paragraph | None = Field(
        default=None, description="A Jinja condition; the clause is left out when it is false."
    )
    text: LocalizedParagraph = Field(
        description='The wording (Jinja: the contract\'s context, ref("clause.id")).'
    )

    def terms_read(self) -> list[str]:
        """The offer's terms this clause's wording reads (`terms.payment_days`, …), by
        name: a fixed agreed text of it cannot follow a change of those terms."""
        sources = [self.when or "", self.text.ru or "", self.text.en or ""]
        return sorted({name for source in sources for name in _TERMS_READ.findall(source)})


_TERMS_READ = re.compile(r"\bterms\.([a-z_]+)")


class Section(Model):
    """A numbered section of the contract."""

    id: SectionId = Field(description="Stable id: payment.")
    title: Localized = Field(description="Heading of the section.")
    clauses: list[Clause] = Field(min_length=1, description="Its clauses, in order.")


class Roles(Model):
    """What the contract calls each party."""

    seller: Localized = Field(description="The seller's role: {ru: Поставщик, en: Supplier}.")
    buyer: Localized = Field(description="The buyer's role: {ru: Покупатель, en: Buyer}.")


class ClauseLibrary(Model):
    """One kind of contract: its title, the parties' roles, parameters and clauses."""

    title: Localized = Field(description="Title of the contract: Договор поставки.")
    roles: Roles = Field(description="The parties' names in the contract: Поставщик, Покупатель.")
    params: dict[str, Param] = Field(
        default_factory=dict, description="Values clause texts print: balance_days: 5."
    )
    sections: list[Section] = Field(min_length=1, description="The sections, in order.")

    @model_validator(mode="after")
    def _unique_ids(self) -> ClauseLibrary:
        seen: set[str] = set()
        for section in self.sections:
            for clause in section.clauses:
                if clause.id in seen:
                    raise ValueError(f"clause id {clause.id!r} is used twice")
                seen.add(clause.id)
        return self

    def ids(self) -> list[str]:
        return [clause.id for section in self.sections for clause in section.clauses]

    def clause(self, clause_id: str) -> Clause:
        s, c = self.where(clause_id)
        return self.sections[s].clauses[c]

    def where(self, clause_id: str) -> tuple[int, int]:
        for s, section in enumerate(self.sections):
            for c, clause in enumerate(section.clauses):
                if clause.id == clause_id:
                    return s, c
        raise KeyError(clause_id)


@dataclass(frozen=True)
class LoadedLibrary:
    library: ClauseLibrary
    source: Document


class ClauseError(OffergenError):
    """A clause's condition or text could not be evaluated for one contract."""

    def __init__(self, clause_id: str, field: str, message: str) -> None:
        self.clause_id, self.field, self.message = clause_id, field, message
        super().__init__(f"clause {clause_id}: {field}: {message}")

    def problem(self, loaded: LoadedLibrary, locale: Locale) -> Problem:
        s, c = loaded.library.where(self.clause_id)
        loc: Loc = ("sections", s, "clauses", c, self.field)
        if self.field == "text" and (*loc, locale) in loaded.source.values:
            loc = (*loc, locale)
        return loaded.source.problem(loc, self.message)


@dataclass(frozen=True)
class NumberedClause:
    id: str
    number: str
    text: str
    library_text: str
    point: Negotiation | None  # the clause's negotiation record, if it has one


@dataclass(frozen=True)
class NumberedSection:
    number: str
    title: str
    clauses: tuple[NumberedClause, ...]


def load_library(templates: Path, contract_type: str) -> LoadedLibrary:
    """Read templates/clauses/<type>.yaml; raise `ValidationFailed` with located problems
    (a library that is missing or leads outside templates/ among them)."""
    name = f"{CLAUSES_DIR}/{contract_type}.yaml"
    try:
        data = read_template(templates, name)
    except Refused as refused:
        raise ValidationFailed([refused.problem("clause library")]) from None
    source = load_document(data, f"{FOLDER}/{name}")
    return LoadedLibrary(parse(ClauseLibrary, source), source)


def arrange(
    library: ClauseLibrary,
    env: SandboxedEnvironment,
    context: Mapping[str, Any],
    locale: Locale,
    points: Mapping[str, Negotiation],
) -> tuple[NumberedSection, ...]:
    """Keep the clauses whose condition holds, number them, render their text (the
    agreed wording of a negotiated clause, see negotiation.py)."""
    kept = [
        (section, [c for c in section.clauses if _holds(env, c, context)])
        for section in library.sections
    ]
    kept = [(section, clauses) for section, clauses in kept if clauses]
    numbers = {
        clause.id: f"{s}.{c}"
        for s, (_, clauses) in enumerate(kept, start=1)
        for c, clause in enumerate(clauses, start=1)
    }
    known = set(library.ids())
    arranged = []
    for s, (section, clauses) in enumerate(kept, start=1):
        rendered = []
        for clause in clauses:
            ref = _ref(numbers, known, clause.id)
            wording = _render(env, clause, locale, {**context, "ref": ref})
            point = points.get(clause.id)
            text = contract_wording(point, wording, locale)
            rendered.append(NumberedClause(clause.id, numbers[clause.id], text, wording, point))
        title = section.title.get(locale) or section.title.ru or ""
        arranged.append(NumberedSection(str(s), title, tuple(rendered)))
    return tuple(arranged)


def _holds(env: SandboxedEnvironment, clause: Clause, context: Mapping[str, Any]) -> bool:
    if clause.when is None:
        return True
    try:
        return bool(_expression(env, clause.when)(**context))
    except (TemplateError, TypeError, ValueError, ArithmeticError) as error:
        raise ClauseError(clause.id, "when", f"cannot evaluate: {_reason(error)}") from None


def _render(
    env: SandboxedEnvironment, clause: Clause, locale: Locale, context: Mapping[str, Any]
) -> str:
    source = clause.text.get(locale)
    if source is None:
        raise ClauseError(clause.id, "text", f"has no {locale!r} text")
    try:
        # Fold line breaks and runs of spaces, but keep the no-break spaces of numbers.
        text = _template(env, source).render(context) if _TEMPLATED in source else source
        return _SPACES.sub(" ", text).strip()
    except ClauseError:
        raise
    except RenderError:  # finalize refused a raw number, date or None
        raise ClauseError(
            clause.id,
            "text",
            "prints a number, date or empty value as it is; use | number, | percent or | money",
        ) from None
    except (TemplateError, TypeError, ValueError, ArithmeticError) as error:
        raise ClauseError(clause.id, "text", f"cannot render: {_reason(error)}") from None


_TEMPLATED = "{"  # a text without it is its own rendering: nothing to compile


@lru_cache(maxsize=4096)
def _template(env: SandboxedEnvironment, source: str) -> Template:
    # A library's texts are compiled once per process, not once per contract; and their
    # code is kept between processes, as Python keeps a module's in its .pyc.
    return env.template_class.from_code(env, _code(env, source), env.make_globals(None))


_COMPILED: list[str] = []  # the texts this process compiled from their source


def compiled_texts() -> int:
    """How many clause texts this process has compiled from source (each at most once;
    none when an earlier process left their code in the cache)."""
    return len(_COMPILED)


def _code(env: SandboxedEnvironment, source: str) -> CodeType:
    cache = _code_cache()
    if cache is None:
        return _compile(env, source)
    name = f"offergen.clauses:{_fingerprint(env)}:{sha256(source.encode()).hexdigest()}"
    try:  # the bucket checks Jinja's and Python's versions and the source's checksum
        bucket = cache.get_bucket(env, name, None, source)
    except (OSError, EOFError, ValueError, TypeError, UnpicklingError):  # a damaged file
        return _compile(env, source)
    if bucket.code is None:
        bucket.code = _compile(env, source)
        with suppress(OSError):  # a cache that cannot be written only costs time
            cache.set_bucket(bucket)
    return bucket.code


def _compile(env: SandboxedEnvironment, source: str) -> CodeType:
    code: CodeType = env.compile(source)  # a syntax error is raised as from_string raises it
    _COMPILED.append(source)
    return code


@cache
def _code_cache() -> FileSystemBytecodeCache | None:
    """Jinja's own cache of compiled templates: a folder of the user's alone under the
    temporary folder (Jinja refuses one that another user could write)."""
    try:
        return FileSystemBytecodeCache(pattern="__offergen_clause_%s.cache")
    except (RuntimeError, OSError):
        return None


def _fingerprint(env: SandboxedEnvironment) -> str:
    """What a text's compiled code depends on besides its source and Jinja's version."""
    finalize = getattr(env.finalize, "__qualname__", None)
    settings = (type(env).__qualname__, finalize, sorted(env.filters), sorted(env.tests))
    return sha256(repr(settings).encode()).hexdigest()[:16]


@lru_cache(maxsize=4096)
def _expression(env: SandboxedEnvironment, source: str) -> Callable[..., Any]:
    return env.compile_expression(source, undefined_to_none=False)


def _ref(numbers: Mapping[str, str], known: set[str], here: str) -> Callable[[str], str]:
    def ref(clause_id: str) -> str:
        if clause_id in numbers:
            return numbers[clause_id]
        if clause_id in known:
            raise ClauseError(
                here, "text", f"refers to clause {clause_id}, which is dropped for this contract"
            )
        raise ClauseError(here, "text", f"refers to unknown clause {clause_id}")

    return ref


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"

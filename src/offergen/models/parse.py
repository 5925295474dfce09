"""Turn a loaded document into its model, or pydantic's errors into located problems."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ..errors import Problem, ValidationFailed, did_you_mean
from ..load import Document, Loc, format_loc, strings
from .fields import Model

ModelT = TypeVar("ModelT", bound=Model)


def parse(model: type[ModelT], document: Document) -> ModelT:
    """Validate one document against its model; raise every problem, located."""
    unfilled = dict(placeholders(document.data, model))
    try:
        parsed = model.model_validate(document.data)
        if not unfilled:
            return parsed
        details: list[ErrorDetails] = []
    except ValidationError as error:
        details = error.errors()
    raise ValidationFailed([p for _, p in _located(model, document, details, unfilled)])


def parse_parts(
    model: type[ModelT], document: Document, collection: str
) -> tuple[ModelT, dict[str | int, list[Problem]]]:
    """Validate a document whose `collection` (a list or a mapping of entries) may hold
    broken entries: they are left out and their problems returned by key (index or name).
    A problem outside the collection still raises `ValidationFailed`, with all of them."""
    unfilled = dict(placeholders(document.data, model))
    try:
        parsed = model.model_validate(document.data)
        if not unfilled:
            return parsed, {}
        details: list[ErrorDetails] = []
    except ValidationError as error:
        details = error.errors()
    broken: dict[str | int, list[Problem]] = {}
    whole: list[Problem] = []
    for loc, problem in _located(model, document, details, unfilled):
        if len(loc) >= 2 and loc[0] == collection:
            broken.setdefault(loc[1], []).append(problem)
        else:
            whole.append(problem)
    if whole:
        raise ValidationFailed([*whole, *(p for found in broken.values() for p in found)])
    data = dict(document.data)
    entries = data[collection]
    if isinstance(entries, list):
        data[collection] = [entry for index, entry in enumerate(entries) if index not in broken]
    else:
        data[collection] = {key: entry for key, entry in entries.items() if key not in broken}
    try:
        return model.model_validate(data), broken
    except ValidationError as error:  # what the collection's own rules say of the rest
        problems = [_problem(model, document, detail) for detail in error.errors()]
        raise ValidationFailed([*problems, *(p for v in broken.values() for p in v)]) from None


# A value still as `offergen init` wrote it: `"<ИНН: 10 или 12 цифр>"`, what to write
# in angle brackets.
# An address in angle brackets (`<a@b.ru>`, a Message-ID) is a value, not a placeholder.
PLACEHOLDER = re.compile(r"<([^<>@\n]+)>")


def is_placeholder(value: object) -> bool:
    """Whether a value is still a placeholder (`offergen init` and `new` write them)."""
    return isinstance(value, str) and PLACEHOLDER.fullmatch(value.strip()) is not None


def placeholders(data: Any, model: type[BaseModel] | None = None) -> Iterator[tuple[Loc, str]]:
    """Where the data still holds a placeholder, and what it asks for; with a `model`,
    only those it reads (a model of a file's part ignores the rest of the file)."""
    for loc, value in strings(data):
        if (found := PLACEHOLDER.fullmatch(value.strip())) and _reads(model, loc):
            yield loc, found.group(1).strip()


def _reads(model: type[BaseModel] | None, loc: Loc) -> bool:
    """Whether validating with `model` looks at `loc`: not under a key that a model with
    `extra="ignore"` leaves out."""
    current = model
    for part in loc:
        if current is None or not isinstance(part, str):
            return True
        if current.model_config.get("extra") != "ignore":
            return True  # a strict model reads (or refuses) every key
        field = current.model_fields.get(part)
        if field is None:
            return False
        annotation = field.annotation
        current = (
            annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel)
            else None
        )
    return True


def _located(
    model: type[Model], document: Document, details: list[ErrorDetails], unfilled: dict[Loc, str]
) -> Iterator[tuple[Loc, Problem]]:
    """Each placeholder as a thing to fill in, then pydantic's problems with the data path
    they stand at; one at or inside a placeholder is its consequence and is left out."""
    for loc, wanted in unfilled.items():
        yield loc, document.problem(loc, f"fill in: {wanted}")
    for detail in details:
        loc = _data_loc(document.data, detail["loc"])
        if not any(loc[: len(place)] == place for place in unfilled):
            yield loc, _problem(model, document, detail)


def _problem(model: type[Model], document: Document, detail: ErrorDetails) -> Problem:
    if detail["loc"][-1:] == ("[key]",):  # a mapping's key, not its value, is wrong
        loc = _data_loc(document.data, detail["loc"][:-1])
        return document.problem(loc, f"key {_message(detail)}", key=True)
    loc = _data_loc(document.data, detail["loc"])
    kind = detail["type"]
    if kind == "extra_forbidden":
        if detail.get("input") is None and _SPLIT_TEXT.search(str(loc[-1])):
            line, column = document.position(loc, key=True)  # at the stray key
            return Problem(document.path, line, column, format_loc(loc[:-1]), _split_text(loc))
        return document.problem(loc, _unknown_key(model, loc), key=True)
    if kind == "missing":
        return document.problem(loc, "required field is missing")
    return document.problem(loc, _message(detail))


def _data_loc(data: Any, loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """The error's path in the data: parts pydantic adds (union branches) are dropped."""
    path: list[int | str] = []
    node = data
    for index, part in enumerate(loc):
        if isinstance(node, dict) and isinstance(part, str) and part not in node:
            part = _written_key(node, part)
        found = (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        )
        if found:
            node = node[part]
        elif index < len(loc) - 1 or not isinstance(node, dict):
            continue  # a union branch's tag, not a key: only a missing key ends a path
        path.append(part)
    return tuple(path)


def _written_key(node: dict[str, Any], part: str) -> str:
    """The key as the file wrote it: pydantic reports a lone surrogate as U+FFFD."""
    for key in node:
        if key.encode("utf-8", "surrogatepass").decode("utf-8", "replace") == part:
            return key
    return part


def _message(detail: ErrorDetails) -> str:
    kind, value = detail["type"], detail.get("input")
    ctx = {key: _plain(limit) for key, limit in detail.get("ctx", {}).items()}
    shown = format(value, "f") if isinstance(value, Decimal) else repr(value)
    messages: dict[str, Callable[[], str]] = {
        "value_error": lambda: str(ctx.get("error", detail["msg"])),
        "greater_than": lambda: f"must be greater than {ctx['gt']}, got {shown}",
        "greater_than_equal": lambda: f"must be at least {ctx['ge']}, got {shown}",
        "less_than_equal": lambda: f"must be at most {ctx['le']}, got {shown}",
        "decimal_parsing": lambda: f"must be a number, got {shown}",
        "decimal_type": lambda: f"must be a number, got {shown}",
        "int_parsing": lambda: f"must be a whole number, got {shown}",
        "int_type": lambda: f"must be a whole number, got {shown}",
        "finite_number": lambda: "must be a finite number",
        "decimal_max_places": lambda: f"at most {ctx['decimal_places']} digits after the point",
        "decimal_max_digits": lambda: f"too many digits (at most {ctx['max_digits']})",
        "decimal_whole_digits": lambda: (
            f"too many digits before the point (at most {ctx['whole_digits']})"
        ),
        "string_type": lambda: f"must be text, got {shown}",
        "string_too_short": lambda: "must not be empty",
        "string_too_long": lambda: _too_long(value, ctx),
        "string_pattern_mismatch": lambda: f"{shown} must match {ctx['pattern']}",
        "bool_type": lambda: f"must be true or false, got {shown}",
        "literal_error": lambda: f"must be one of {ctx['expected']}, got {shown}",
        "list_type": lambda: f"must be a list, got {shown}",
        "too_short": lambda: "must not be empty",
        "too_long": lambda: _too_long(value, ctx),
        "dict_type": lambda: f"must be a mapping of keys to values, got {shown}",
        "model_type": lambda: f"must be a mapping of keys to values, got {shown}",
        "model_attributes_type": lambda: f"must be a mapping of keys to values, got {shown}",
    }
    make = messages.get(kind)
    return make() if make else detail["msg"].lower()


def _plain(value: Any) -> Any:
    """A limit as written in a message: pydantic gives a Decimal as its repr."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, str) and (found := re.fullmatch(r"Decimal\('([^']*)'\)", value)):
        return found.group(1)
    return value


def _too_long(value: Any, ctx: dict[str, Any]) -> str:
    most = ctx["max_length"]
    if isinstance(value, str):
        return f"is longer than {most} characters ({len(value)})"
    count = len(value) if isinstance(value, list | dict) else ctx.get("actual_length")
    return f"has {count} entries; at most {most} are allowed"


# What a key looks like when it is the tail of a text that a comma cut in two inside
# `{…}` (`name: {ru: Насос (5,5 кВт), en: Pump}` reads `5 кВт)` as a key): not a name.
_SPLIT_TEXT = re.compile(r"[\s()«»\"']|^\d")


def _split_text(loc: tuple[str | int, ...]) -> str:
    return (
        f"{str(loc[-1])!r} is no field but the end of a text cut at a comma: inside {{…}} a "
        'comma ends the value, so put the whole text in quotes: {ru: "…, …", en: …}'
    )


def _unknown_key(model: type[Model], loc: tuple[str | int, ...]) -> str:
    owner: Any = model
    for part in loc[:-1]:
        owner = _field_model(owner, part)
    known = (
        list(owner.model_fields) if isinstance(owner, type) and issubclass(owner, BaseModel) else []
    )
    return f"unknown field{did_you_mean(str(loc[-1]), known)}"


def _field_model(owner: Any, part: str | int) -> Any:
    if not (isinstance(owner, type) and issubclass(owner, BaseModel)):
        return owner
    if isinstance(part, int):
        return owner
    info = owner.model_fields.get(part)
    if info is None:
        return None
    annotation = info.annotation
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return annotation

"""Turn the numbering pattern of `offergen.yaml` and the offers already written into the
next free offer number and the next free offer id of a client.

Only `offergen new offer` numbers offers; it reads just the two settings it needs and
the `number:` of each offer file, so a broken file elsewhere stops nothing. `check` only
warns about a bad pattern (`numbering_problems`): no offer depends on it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Annotated

from pydantic import ConfigDict, Field

from .errors import OffergenError, Problem, ValidationFailed
from .load import Document, load_document
from .models import Config, Count, Model, PaymentPolicy, Text, parse
from .models.parties import NUMBERING, numbering_error
from .workspace import CONFIG_FILE, OFFERS_DIR

ID_SEQ_DIGITS = 3  # acme-2026-001


class _DefaultsPart(Model):
    model_config = ConfigDict(extra="ignore", frozen=True)

    validity_days: Annotated[Count, Field(gt=0)] = 30


class _Settings(Model):
    """The part of `offergen.yaml` a new offer needs: the rest may be broken."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    defaults: _DefaultsPart = _DefaultsPart()
    numbering: Text = NUMBERING
    policy: PaymentPolicy = PaymentPolicy()


@dataclass(frozen=True)
class Numbering:
    """How new offers are numbered, how long they stay valid, and the payment terms the
    policy allows without an exception (a new offer starts within them)."""

    pattern: str
    validity_days: int
    policy: PaymentPolicy = field(default_factory=PaymentPolicy)


def read_numbering(root: Path) -> Numbering:
    """The numbering pattern and the default validity from `offergen.yaml`; a bad pattern
    is refused with its line, since every number it would give is wrong."""
    document = read_config(root)
    settings = parse(_Settings, document)
    why = numbering_error(settings.numbering)
    if why is not None:
        raise ValidationFailed([document.problem(("numbering",), why)])
    return Numbering(settings.numbering, settings.defaults.validity_days, settings.policy)


def read_config(root: Path) -> Document:
    path = root / CONFIG_FILE
    if not path.is_file():
        raise OffergenError(
            f"{CONFIG_FILE} not found in {root}: is this an offergen workspace? "
            "(offergen -C DIR points elsewhere)"
        )
    return load_document(path.read_bytes(), CONFIG_FILE)


def numbering_problems(document: Document, config: Config) -> list[Problem]:
    """`check`'s warning about a pattern `new offer` cannot number by; it blocks nothing."""
    why = numbering_error(config.numbering)
    if why is None:
        return []
    message = f"{why}; `offergen new offer` refuses to number offers until it is fixed"
    return [document.problem(("numbering",), message, severity="warning")]


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """A regex that reads a number made by `pattern` back into its `year` and `seq`."""
    parts: list[str] = []
    seen: set[str] = set()
    for literal, name, spec, _ in string.Formatter().parse(pattern):
        parts.append(re.escape(literal))
        if name is None:
            continue
        if name in seen:  # the same field twice must say the same thing twice
            parts.append(f"(?P={name})")
            continue
        seen.add(name)
        digits = r"\d{4}" if name == "year" and not spec else r"\d+"
        parts.append(rf"\s*(?P<{name}>{digits})")
    return re.compile("".join(parts))


def next_number(root: Path, pattern: str, year: int) -> str:
    """`pattern` with the year and one more than the highest sequence among the numbers
    of `year` in offers/ (every number, when the pattern has no year)."""
    regex = pattern_regex(pattern)
    seqs = [0]
    for number in existing_numbers(root):
        found = regex.fullmatch(number)
        if found is None:
            continue
        written = found.groupdict().get("year")
        if written is None or int(written) == year:
            seqs.append(int(found.group("seq")))
    number = pattern.format(year=year, seq=max(seqs) + 1)
    back = regex.fullmatch(number)
    if back is None or int(back.group("seq")) != max(seqs) + 1:
        raise OffergenError(
            f"{CONFIG_FILE}: numbering: {pattern!r} gives {number!r}, which cannot be read "
            "back into its year and sequence: separate {year} and {seq} by a character"
        )
    return number


def existing_numbers(root: Path) -> Iterator[str]:
    """The `number:` of every offer file, even one that does not load as a whole."""
    folder = root / OFFERS_DIR
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.yaml")):
        if path.name.startswith(".") or not path.is_file():
            continue
        number = _number_of(path.read_bytes(), path.name)
        if number is not None:
            yield number


_NUMBER_LINE = re.compile(r"^number:[ \t]*(?P<q>[\"']?)(?P<number>[^\"'#\n]*?)(?P=q)[ \t]*(#.*)?$")


def _number_of(raw: bytes, name: str) -> str | None:
    try:
        data = load_document(raw, f"{OFFERS_DIR}/{name}").data
    except ValidationFailed:
        text = raw.decode("utf-8", errors="replace")
        lines = (_NUMBER_LINE.match(line) for line in text.splitlines())
        return next((found.group("number").strip() for found in lines if found), None)
    number = data.get("number") if isinstance(data, dict) else None
    if isinstance(number, Decimal):  # `number: 17` is the text 17
        return format(number, "f")
    return number if isinstance(number, str) else None


def next_offer_id(root: Path, client_id: str, year: int) -> str:
    """`<client>-<year>-<seq>`: one more than the highest seq among the client's offer
    files of that year, three digits at least."""
    prefix = f"{client_id}-{year}-"
    found = re.compile(rf"{re.escape(prefix)}(\d{{{ID_SEQ_DIGITS},}})")
    folder = root / OFFERS_DIR
    seqs = [0]
    if folder.is_dir():
        for path in folder.glob(f"{prefix}*.yaml"):
            if match := found.fullmatch(path.stem):
                seqs.append(int(match.group(1)))
    return f"{prefix}{max(seqs) + 1:0{ID_SEQ_DIGITS}d}"

"""Turn labels of one locale into sentences: `{field}`s filled once, numbers formatted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..errors import RenderError
from ..formatting import format_money, format_percent
from ..limits import PRICE_DECIMALS
from ..models import Locale, Localized
from ..render.templates import LABELS_FILE

_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Text:
    """The labels of one document's locale, and its currency for money."""

    labels: dict[str, str]
    locale: Locale
    currency: str = "RUB"

    def __call__(self, key: str, **fields: str) -> str:
        # One pass: a filled-in value is never scanned again for `{field}`s.
        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in fields:  # `check` compares labels with the shipped ones
                raise RenderError(LABELS_FILE, f"{key}: {{{name}}} is not a field of it")
            return fields[name]

        return _FIELD.sub(fill, self.labels[key])

    def forms(self, key: str) -> tuple[str, ...]:
        return tuple(self.labels[key].split("|"))

    def money(self, value: Decimal) -> str:
        return format_money(value, self.currency, self.locale)

    def price(self, value: Decimal) -> str:
        """A unit price, with the decimals it has (up to four)."""
        return format_money(value, self.currency, self.locale, PRICE_DECIMALS)

    def percent(self, value: Decimal) -> str:
        return format_percent(value, self.locale)

    def local(self, text: Localized | None) -> str:
        """A localized text in this locale, falling back to the other language."""
        if text is None:
            return ""
        return text.get(self.locale) or text.ru or text.en or ""

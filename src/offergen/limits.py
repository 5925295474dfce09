"""Turn "how big may it be?" into one answer per kind of input: the limits offergen accepts.

Every value a workspace file gives is checked against these before anything computes or
renders with it, so a huge, tiny or deep value is a located problem, never an internal
error or a build that runs for minutes. The README's "Safety" section lists them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final

# A workspace file: bigger ones are refused before parsing.
MAX_FILE_BYTES: Final = 1024 * 1024
# Lists and mappings inside one another: PyYAML composes them recursively.
MAX_NESTING: Final = 32
# Lines of one offer: every line is a row in several documents.
MAX_OFFER_LINES: Final = 1000

# Text, by what it is: a code or requisite, one line of a document, running text.
MAX_CODE_CHARS: Final = 100  # sku, numbers, requisites, e-mail, phone, tier, category
MAX_LINE_CHARS: Final = 500  # names, positions, addresses, units, places
MAX_PARAGRAPH_CHARS: Final = 10_000  # intro, notes, descriptions, clause texts

# Numbers: decimals are as many as documents print, so every printed line recomputes.
PRICE_DECIMALS: Final = 4  # unit prices print as they are written, up to 4 decimals
MAX_PRICE: Final = Decimal("999999999999.9999")  # under a trillion per unit
MONEY_DECIMALS: Final = 2  # amounts: kopecks and cents
MAX_MONEY: Final = Decimal("999999999999999.99")  # the largest amount written in words
QUANTITY_DECIMALS: Final = 3
MAX_QUANTITY: Final = Decimal("999999999.999")
PERCENT_DECIMALS: Final = 2
MAX_COUNT: Final = 3650  # days or months: ten years of days

# Dates: an offer's dates, validity and terms all stay in these years.
FIRST_DAY: Final = date(2000, 1, 1)
LAST_DAY: Final = date(2100, 12, 31)

"""Turn clause ids into the bookmark names the contract DOCX carries, and back.

A bookmark survives editing in Word and LibreOffice, renumbering and split runs, so the
paragraph a client changed still names its clause. Word accepts names of at most 40
letters, digits and underscores that start with a letter: `c_`, the id with every other
character as `_` (cut to 29), `_` and 8 hex digits of the id's SHA-1, which keeps
`payment.balance` and `payment_balance` apart.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

CLAUSE_PREFIX = "c_"
FIRST_CLAUSE_MARK = 100  # bookmark ids below are the template's own (og_preamble, …)
REGION_PREFIX = "og_"  # og_preamble, og_parties_<n>, og_specification, og_discounts
UNSAFE = re.compile(r"[^A-Za-z0-9]")


def clause_bookmark(clause_id: str) -> str:
    """`payment.balance` -> `c_payment_balance_1a2b3c4d`, at most 40 characters."""
    digest = hashlib.sha1(clause_id.encode("utf-8")).hexdigest()[:8]
    return f"{CLAUSE_PREFIX}{UNSAFE.sub('_', clause_id)[:29]}_{digest}"


def bookmark_map(clause_ids: Iterable[str]) -> dict[str, str]:
    """Bookmark name -> clause id, for the ids a contract may carry."""
    return {clause_bookmark(clause_id): clause_id for clause_id in clause_ids}

"""Turn an earlier offer file into the part a new offer copies: its items and terms
(payment, delivery, discounts and schemes, the contract …), comments and layout kept;
never what belongs to that offer alone (its number, dates, status, reviews, approval, the
contract's number, date and negotiation)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from ..errors import OffergenError, ValidationFailed
from ..load import load_document
from ..negotiate.yaml_edit import dumped_yaml, round_trip_yaml
from ..workspace import offer_source

NOT_COPIED = frozenset(
    {"number", "id", "client", "date", "valid_until", "status", "review", "approval", "sent"}
)
# The contract's own record: the new offer's contract is a new one, negotiated anew.
CONTRACT_NOT_COPIED = ("negotiation", "overrides", "date")
CONTRACT_NUMBER = "<номер договора>"


def copied_part(path: Path, same_client: bool) -> tuple[str, list[str]]:
    """The YAML text of what a new offer takes from the offer at `path`, and its keys;
    `contact` only for the same client (it names one of that client's contacts)."""
    relative = offer_source(path.stem)
    raw = path.read_bytes()
    try:
        load_document(raw, relative)  # what `check` cannot read is not copied either
        data = round_trip_yaml().load(raw.decode("utf-8"))
    except ValidationFailed as failed:
        raise OffergenError(f"cannot copy from {failed.problems[0]}") from None
    except YAMLError as error:  # pragma: no cover - the strict loader refuses first
        raise OffergenError(f"cannot copy from {relative}: {error}") from None
    kept = CommentedMap()
    for key, value in data.items():
        if key in NOT_COPIED or (key == "contact" and not same_client):
            continue
        if key == "contract" and isinstance(value, dict):
            _renew_contract(value)
        kept[key] = value
        if key in data.ca.items:
            kept.ca.items[key] = data.ca.items[key]
    return (dumped_yaml(kept) if kept else ""), [str(key) for key in kept]


def _renew_contract(contract: dict[str, Any]) -> None:
    for key in CONTRACT_NOT_COPIED:
        contract.pop(key, None)
    if "number" in contract:
        contract["number"] = CONTRACT_NUMBER

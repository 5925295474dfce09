"""Turn a workspace into `offergen clients`: one row per client card with its kind, ИНН,
tier, rating, credit limit and open offers (count and gross sum per currency), a card or
offer that problems block marked as `status` marks it: invalid, with its first problem."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from .errors import ValidationFailed
from .formatting import Locale, format_money
from .report import table
from .workspace import CLIENTS_DIR, Workspace, client_source

_CARD_FIELDS = ("name", "kind", "inn", "tier")


def client_rows(workspace: Workspace, today: date) -> list[dict[str, Any]]:
    """A row per client file, sorted by id; amounts as plain decimal strings."""
    open_sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    open_counts: dict[str, int] = defaultdict(int)
    for offer_id, offer in workspace.offers.items():
        if offer.is_open and not workspace.expired(offer_id, today):
            priced = workspace.price(offer_id)
            open_sums[offer.client][priced.currency] += priced.totals.gross
            open_counts[offer.client] += 1
    invalid_offers: dict[str, list[dict[str, str]]] = defaultdict(list)
    for offer_id, problems in workspace.blocked.items():
        entry = {"offer": offer_id, "problem": str(problems[0])}
        invalid_offers[workspace.client_id(offer_id) or "?"].append(entry)
    rows = []
    for client_id in _client_ids(workspace):
        row = _card_row(workspace, client_id)
        row["open_offers"] = open_counts[client_id]
        row["open_gross"] = {cur: format(v, "f") for cur, v in sorted(open_sums[client_id].items())}
        row["invalid_offers"] = invalid_offers[client_id]
        rows.append(row)
    return rows


def unreadable_client_rows(failed: ValidationFailed, client_ids: list[str]) -> list[dict[str, Any]]:
    """The rows of a workspace whose seller or catalog cannot be read: every client is
    invalid, for the same first problem, since none of its offers can be priced."""
    first = str(next(p for p in failed.problems if p.severity == "error"))
    return [
        {**_blank_row(client_id), "status": "invalid", "problem": first} for client_id in client_ids
    ]


def _client_ids(workspace: Workspace) -> list[str]:
    """Every client file's id: the sound cards and those whose problems stand."""
    prefix = f"{CLIENTS_DIR}/"
    broken = {
        p.path.removeprefix(prefix).removesuffix(".yaml")
        for p in workspace.problems
        if p.path.startswith(prefix) and p.path.endswith(".yaml")
    }
    return sorted(set(workspace.clients) | broken)


def _card_row(workspace: Workspace, client_id: str) -> dict[str, Any]:
    row = _blank_row(client_id)
    errors = [
        p
        for p in workspace.problems
        if p.path == client_source(client_id) and p.severity == "error"
    ]
    client = workspace.clients.get(client_id)
    if client is None:
        source = workspace.sources.get(client_source(client_id))
        data = source.data if source and isinstance(source.data, dict) else {}
        row.update({k: data[k] for k in _CARD_FIELDS if isinstance(data.get(k), str)})
    else:
        reliability = client.reliability
        limit = reliability.credit_limit if reliability else None
        row.update(
            name=client.name,
            kind=client.kind,
            inn=client.inn,
            tier=client.tier,
            rating=reliability.rating if reliability else None,
            credit_limit=None if limit is None else format(limit, "f"),
            credit_currency=None
            if limit is None
            else (reliability and reliability.currency) or workspace.config.defaults.currency,
        )
    if errors:
        row.update(status="invalid", problem=str(errors[0]))
    return row


def _blank_row(client_id: str) -> dict[str, Any]:
    return {
        "client": client_id,
        "name": None,
        "kind": None,
        "inn": None,
        "tier": None,
        "rating": None,
        "credit_limit": None,
        "credit_currency": None,
        "open_offers": 0,
        "open_gross": {},
        "invalid_offers": [],
        "status": "ok",
        "problem": None,
    }


def clients_table(rows: list[dict[str, Any]], locale: Locale) -> str:
    """The rows as text, money in the workspace's locale; then what is invalid, and why."""
    header = ["client", "kind", "ИНН", "tier", "rating", "credit limit", "open", "open sum"]
    body = [
        [
            row["client"],
            row["kind"] or "?",
            row["inn"] or "",
            row["tier"] or "",
            row["rating"] or "",
            _money(row["credit_limit"], row["credit_currency"], locale),
            str(row["open_offers"]),
            "; ".join(_money(v, cur, locale) for cur, v in row["open_gross"].items()),
        ]
        for row in rows
    ]
    text = table(header, body, right={5, 6, 7})
    problems = [f"{row['client']}: {row['problem']}" for row in rows if row["problem"]]
    problems += [
        f"{row['client']}: offer {entry['offer']}: {entry['problem']}"
        for row in rows
        for entry in row["invalid_offers"]
    ]
    if not problems:
        return text
    return "\n".join([text, "", "invalid (offergen check lists every problem):", *problems])


def _money(value: str | None, currency: str | None, locale: Locale) -> str:
    if value is None or currency is None:
        return ""
    return format_money(Decimal(value), currency, locale)

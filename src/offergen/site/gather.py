"""Turn a checked workspace into the site's data: a row per offer, a card per client, the
totals by status. Values stay values (Decimal, date); rendering formats them."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..errors import Problem
from ..models import ID_PATTERN, Client
from ..review import review
from ..workspace import CLIENTS_DIR, Workspace, client_source, offer_source

BLOCKED = "blocked"  # the status column of an offer its problems block
OPEN_STATUSES = ("draft", "review", "approved", "sent")
STATUSES = (*OPEN_STATUSES, "accepted", "rejected")

Sums = dict[str, Decimal]  # currency -> amount


@dataclass(frozen=True)
class OfferRow:
    """One offer as the pipeline shows it; a blocked one has no money and its problem."""

    offer_id: str
    number: str
    client_id: str | None
    client: str
    manager: str
    status: str  # the file's status, or BLOCKED
    findings: tuple[Problem, ...]  # what `offergen review` finds: errors, warnings, notes
    problem: Problem | None = None  # the first error of a blocked offer
    currency: str | None = None
    net: Decimal | None = None
    gross: Decimal | None = None
    discount: Decimal | None = None  # effective, percent
    day: date | None = None
    valid_until: date | None = None
    days_left: int | None = None

    @property
    def blocked(self) -> bool:
        return self.problem is not None

    @property
    def open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def expired(self) -> bool:
        return self.open and self.days_left is not None and self.days_left < 0


@dataclass(frozen=True)
class StatusTotal:
    status: str
    count: int
    gross: Sums
    net: Sums


@dataclass(frozen=True)
class Requisite:
    """A requisite of a client card with its check: None when it passes."""

    name: str
    value: str
    problem: str | None
    checked: bool  # a checksum or a rule looks at it (not at an address or a bank's name)


@dataclass(frozen=True)
class ClientCard:
    """A client of the base; `client` is None when its card cannot be read, and
    `problems` then says why."""

    client_id: str
    name: str
    client: Client | None
    problems: tuple[Problem, ...]
    requisites: tuple[Requisite, ...]
    offers: tuple[OfferRow, ...]
    exposure: Sums = field(default_factory=dict)  # open offers' gross
    won: Sums = field(default_factory=dict)
    lost: Sums = field(default_factory=dict)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")


@dataclass(frozen=True)
class Pipeline:
    rows: tuple[OfferRow, ...]
    totals: tuple[StatusTotal, ...]
    clients: tuple[ClientCard, ...]
    today: date


def gather(workspace: Workspace, today: date) -> Pipeline:
    """Every offer file's row, the totals by status and every client's card."""
    found = {r.offer_id: r.findings for r in review(workspace, workspace.offer_ids)}
    rows = tuple(_row(workspace, oid, today, found[oid]) for oid in workspace.offer_ids)
    clients = tuple(_card(workspace, cid, rows) for cid in _client_ids(workspace, rows))
    return Pipeline(rows, status_totals(rows), clients, today)


def _row(
    workspace: Workspace, offer_id: str, today: date, findings: tuple[Problem, ...]
) -> OfferRow:
    if offer_id not in workspace.offers:
        return _blocked_row(workspace, offer_id, findings)
    offer, priced = workspace.offer(offer_id), workspace.price(offer_id)
    client = workspace.clients[offer.client]
    valid_until = workspace.settings(offer_id).valid_until
    manager = offer.manager or workspace.config.defaults.manager
    return OfferRow(
        offer_id=offer_id,
        number=offer.number,
        client_id=offer.client,
        client=client.name,
        manager=manager.name,
        status=offer.status,
        findings=findings,
        currency=priced.currency,
        net=priced.totals.net,
        gross=priced.totals.gross,
        discount=priced.effective_discount,
        day=offer.date,
        valid_until=valid_until,
        days_left=(valid_until - today).days,
    )


def _blocked_row(workspace: Workspace, offer_id: str, findings: tuple[Problem, ...]) -> OfferRow:
    """What the file of a blocked offer says of itself, as far as it can be read."""
    data = _raw(workspace, offer_source(offer_id))
    client_id = workspace.client_id(offer_id)
    client = workspace.clients.get(client_id or "")
    manager = data.get("manager")
    return OfferRow(
        offer_id=offer_id,
        number=_text(data.get("number"), "?"),
        client_id=client_id,
        client=client.name if client else _client_name(workspace, client_id),
        manager=_text(manager.get("name") if isinstance(manager, dict) else None, "")
        or workspace.config.defaults.manager.name,
        status=BLOCKED,
        findings=findings,
        problem=workspace.blocked[offer_id][0],
    )


def _raw(workspace: Workspace, relative: str) -> dict[str, Any]:
    source = workspace.sources.get(relative)
    return source.data if source is not None and isinstance(source.data, dict) else {}


def _text(value: object, default: str) -> str:
    return value if isinstance(value, str) else default


def _client_name(workspace: Workspace, client_id: str | None) -> str:
    if client_id is None:
        return "?"
    return _text(_raw(workspace, client_source(client_id)).get("name"), client_id)


def status_totals(rows: tuple[OfferRow, ...]) -> tuple[StatusTotal, ...]:
    """Per status (blocked last): how many offers and their sums, per currency."""
    found = []
    for status in (*STATUSES, BLOCKED):
        mine = [row for row in rows if row.status == status]
        if mine:
            found.append(StatusTotal(status, len(mine), _sums(mine, "gross"), _sums(mine, "net")))
    return tuple(found)


def _sums(rows: list[OfferRow], what: str) -> Sums:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        value = getattr(row, what)
        if value is not None and row.currency is not None:
            sums[row.currency] += value
    return dict(sorted(sums.items()))


def _client_ids(workspace: Workspace, rows: tuple[OfferRow, ...]) -> list[str]:
    """Every client card, sound or not, and every client an offer names."""
    prefix = f"{CLIENTS_DIR}/"
    found = set(workspace.clients)
    found |= {p.path[len(prefix) : -5] for p in workspace.problems if p.path.startswith(prefix)}
    found |= {s[len(prefix) : -5] for s in workspace.sources if s.startswith(prefix)}
    found |= {row.client_id for row in rows if row.client_id}
    return sorted(cid for cid in found if re.fullmatch(ID_PATTERN, cid))  # each names a page


def _card(workspace: Workspace, client_id: str, rows: tuple[OfferRow, ...]) -> ClientCard:
    relative = client_source(client_id)
    problems = tuple(p for p in workspace.problems if p.path == relative)
    client = workspace.clients.get(client_id)
    mine = tuple(row for row in rows if row.client_id == client_id)
    if client is None and not problems:
        problem = Problem(relative, 1, 1, "", "no such client card, yet offers name it")
        problems = (problem,)
    return ClientCard(
        client_id=client_id,
        name=client.name if client else _client_name(workspace, client_id),
        client=client,
        problems=problems,
        requisites=_requisites(client, problems) if client else (),
        offers=mine,
        exposure=_sums([r for r in mine if r.open and not r.expired], "gross"),
        won=_sums([r for r in mine if r.status == "accepted"], "gross"),
        lost=_sums([r for r in mine if r.status == "rejected"], "gross"),
    )


REQUISITES = (
    "inn",
    "kpp",
    "ogrn",
    "country",
    "registration_number",
    "vat_id",
    "address",
    "bank.name",
    "bank.bik",
    "bank.account",
    "bank.corr_account",
    "bank.swift",
)


# What cards.py checks: checksums, and the requisites each kind of party must give.
CHECKED = {"inn", "kpp", "ogrn", "country", "bank.bik", "bank.account", "bank.corr_account"}


def _requisites(client: Client, problems: tuple[Problem, ...]) -> tuple[Requisite, ...]:
    """Each requisite the card gives (or lacks while a check asks for it), with the
    message of the check that fails on it."""
    found = []
    for name in REQUISITES:
        value = _field(client, name)
        messages = [p.message for p in problems if p.field == name]
        if value is None and not messages:
            continue
        found.append(Requisite(name, value or "", "; ".join(messages) or None, name in CHECKED))
    return tuple(found)


def _field(client: Client, dotted: str) -> str | None:
    value: Any = client
    for part in dotted.split("."):
        value = getattr(value, part, None)
        if value is None:
            return None
    return str(value)

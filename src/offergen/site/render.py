"""Turn the site's data into pages: each value formatted as the documents print it, then
rendered by the sandboxed, autoescaping templates of `templates/site/`. Bytes out; the
site's writer puts them in place."""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import TemplateError
from markupsafe import Markup

from ..errors import Problem, RenderError
from ..formatting import Locale, format_date, format_money, format_number, format_percent
from ..limits import PRICE_DECIMALS
from ..render.templates import Templates
from .charts import Chart
from .gather import ClientCard, OfferRow, Pipeline, Sums
from .offer_detail import LEFT_OUT, OUTSIDE_GIT, History, OfferDetail

ASSETS = ("site.css", "site.js")  # under templates/site/, copied to assets/


class Pages:
    """The site's pages, each rendered to bytes under its path relative to the site."""

    def __init__(
        self, templates: Templates, locale: Locale, currency: str, documents_dir: Path, site: Path
    ) -> None:
        self.templates = templates  # rooted at templates/site/
        self.locale = locale
        self.currency = currency  # the workspace's: turnover and credit limits
        self.labels = templates.labels(locale)
        self.documents_dir = documents_dir
        self.site = site

    # --- formatting -------------------------------------------------------------------

    def money(self, value: Decimal | None, currency: str | None) -> str:
        if value is None or currency is None:
            return ""
        return format_money(value, currency, self.locale)

    def sums(self, sums: Sums) -> str:
        return " + ".join(self.money(v, c) for c, v in sums.items()) or self.money(
            Decimal(0), self.currency
        )

    def day(self, value: date | None) -> str:
        return format_date(value, self.locale, "numeric") if value else ""

    def percent(self, value: Decimal | None) -> str:
        return format_percent(value, self.locale) if value is not None else ""

    def status(self, status: str) -> str:
        return self.labels.get(f"status_{status}", status)

    # --- views ------------------------------------------------------------------------

    def row(self, row: OfferRow, page: str, clients: set[str]) -> dict[str, Any]:
        """A pipeline row as a page at `page` (a path relative to the site) links it."""
        expiry = _expiry(row)
        return {
            "id": row.offer_id,
            "href": _link(page, f"offers/{row.offer_id}.html"),
            "number": row.number,
            "client": row.client,
            "client_href": _link(page, f"clients/{row.client_id}.html")
            if row.client_id in clients
            else "",
            "manager": row.manager,
            "status": row.status,
            "status_label": self.status(row.status),
            "blocked": row.blocked,
            "problem": str(row.problem) if row.problem else "",
            "currency": row.currency or "",
            "net": self.money(row.net, row.currency),
            "gross": self.money(row.gross, row.currency),
            "gross_sort": _number(row.gross),
            "net_sort": _number(row.net),
            "discount": self.percent(row.discount),
            "discount_sort": _number(row.discount),
            "valid_until": self.day(row.valid_until),
            "valid_sort": row.valid_until.isoformat() if row.valid_until else "",
            "days_left": str(row.days_left) if row.days_left is not None else "",
            "days_sort": str(row.days_left) if row.days_left is not None else "",
            "expired": row.expired,
            "expiry": expiry,
            "findings": str(len(row.findings)),
        }

    def problem(self, problem: Problem) -> dict[str, str]:
        return {
            "severity": problem.severity,
            "severity_label": self.labels.get(f"severity_{problem.severity}", problem.severity),
            "text": str(problem),
        }

    # --- pages ------------------------------------------------------------------------

    def render(self, template_name: str, page: str, **context: Any) -> bytes:
        """`templates/site/<template_name>` as the page at `page` (relative to the site)."""
        try:
            template = self.templates.env.get_template(template_name)
            html = template.render(
                t=self.labels,
                lang=self.locale,
                root=_link(page, ""),
                **context,
            )
        except TemplateError as error:  # a broken site template is the template's problem
            raise RenderError(f"site/{template_name}", f"{type(error).__name__}: {error}") from None
        return html.encode("utf-8")

    def index(self, pipeline: Pipeline, charts: Iterable[Chart]) -> bytes:
        clients = {card.client_id for card in pipeline.clients}
        rows = [self.row(row, "index.html", clients) for row in pipeline.rows]
        return self.render(
            "index.html",
            "index.html",
            today=self.day(pipeline.today),
            rows=rows,
            filters=self._filters(pipeline),
            totals=[
                {
                    "status": total.status,
                    "label": self.status(total.status),
                    "count": str(total.count),
                    "net": self.sums(total.net),
                    "gross": self.sums(total.gross),
                }
                for total in pipeline.totals
            ],
            charts=[
                {"name": chart.name, "title": chart.title, "svg": Markup(chart.svg)}
                for chart in charts
            ],
        )

    def _filters(self, pipeline: Pipeline) -> list[dict[str, Any]]:
        """The pipeline's filters: each with the values its rows have, and their labels."""
        managers = sorted({row.manager for row in pipeline.rows})
        clients = sorted({row.client for row in pipeline.rows})
        expiry = ("expired", "week", "month", "later")
        return [
            {
                "name": "status",
                "label": self.labels["col_status"],
                "options": [(total.status, self.status(total.status)) for total in pipeline.totals],
            },
            {"name": "manager", "label": self.labels["col_manager"], "options": _same(managers)},
            {"name": "client", "label": self.labels["col_client"], "options": _same(clients)},
            {
                "name": "expiry",
                "label": self.labels["filter_expiry"],
                "options": [(key, self.labels[f"expiry_{key}"]) for key in expiry],
            },
        ]

    def client_list(self, pipeline: Pipeline) -> bytes:
        cards = []
        for card in pipeline.clients:
            client = card.client
            reliability = client.reliability if client else None
            limit, currency = self._limit(card)
            cards.append(
                {
                    "href": f"clients/{card.client_id}.html",
                    "name": card.name,
                    "id": card.client_id,
                    "tier": (client.tier or "") if client else "",
                    "rating": (reliability.rating or "") if reliability else "",
                    "credit_limit": self.money(limit, currency),
                    "offers": str(len(card.offers)),
                    "exposure": self.sums(card.exposure),
                    "won": self.sums(card.won),
                    "broken": bool(card.errors),
                }
            )
        return self.render(
            "clients.html", "clients.html", today=self.day(pipeline.today), cards=cards
        )

    def _limit(self, card: ClientCard) -> tuple[Decimal | None, str]:
        """The client's credit limit (None: none given) and its currency."""
        reliability = card.client.reliability if card.client else None
        if reliability is None:
            return None, self.currency
        return reliability.credit_limit, reliability.currency or self.currency

    def client(self, card: ClientCard, pipeline: Pipeline) -> bytes:
        page = f"clients/{card.client_id}.html"
        clients = {c.client_id for c in pipeline.clients}
        client = card.client
        reliability = client.reliability if client else None
        limit, limit_currency = self._limit(card)
        over = limit is not None and card.exposure.get(limit_currency, Decimal(0)) > limit
        return self.render(
            "client.html",
            page,
            today=self.day(pipeline.today),
            name=card.name,
            client_id=card.client_id,
            kind=client.kind if client else "",
            tier=(client.tier or "") if client else "",
            broken=bool(card.errors),
            problems=[self.problem(p) for p in card.problems],
            requisites=[
                {
                    "label": self.labels.get(f"req_{r.name}", r.name),
                    "value": r.value,
                    "problem": r.problem or "",
                    "checked": r.checked,
                }
                for r in card.requisites
            ],
            rating=(reliability.rating or "") if reliability else "",
            credit_limit=self.money(limit, limit_currency),
            prepayment_required=bool(reliability and reliability.prepayment_required),
            exposure=self.sums(card.exposure),
            over_limit=over,
            turnover=[
                (str(year), self.money(amount, self.currency))
                for year, amount in sorted(client.turnover.items())
            ]
            if client
            else [],
            offers=[self.row(row, page, clients) for row in card.offers],
            won=self.sums(card.won),
            lost=self.sums(card.lost),
        )

    def offer(self, detail: OfferDetail, pipeline: Pipeline) -> bytes:
        row = detail.row
        page = f"offers/{row.offer_id}.html"
        clients = {c.client_id for c in pipeline.clients}
        return self.render(
            "offer.html",
            page,
            today=self.day(pipeline.today),
            row=self.row(row, page, clients),
            findings=[self.problem(p) for p in detail.findings],
            documents=[
                {
                    "label": self.labels.get(f"document_{d.name}", d.name),
                    "files": [(f.name, self._document_link(page, f)) for f in d.files],
                    "missing": self.labels["not_built"].format(offer=row.offer_id),
                }
                for d in detail.documents
            ],
            redlines=[(f.name, self._document_link(page, f)) for f in detail.redlines],
            priced=self._priced(detail),
            trail=list(detail.trail),
            points=[
                {
                    "number": p.number or "",
                    "id": p.id,
                    "state": self._state(p.state or "", p.last_round_by),
                    "rounds": str(p.rounds),
                }
                for p in detail.points
            ],
            has_contract=bool(detail.points) or _has_contract(detail),
            history=self._history(detail.history),
        )

    def _document_link(self, page: str, path: Path) -> str:
        here = (self.site / page).parent
        return PurePosixPath(os.path.relpath(path, here)).as_posix()

    def _state(self, state: str, last_by: str | None) -> str:
        if state == "open":
            return self.labels["state_open_seller" if last_by == "seller" else "state_open_client"]
        return self.labels.get(f"state_{state}", state)

    def _priced(self, detail: OfferDetail) -> dict[str, Any] | None:
        priced = detail.priced
        if priced is None:
            return None
        locale: Locale = "en" if detail.locale == "en" else "ru"
        currency, totals = priced.currency, priced.totals
        return {
            "lines": [
                {
                    "number": str(line.number),
                    "name": line.name.get(locale) or "",
                    "qty": format_number(line.qty, self.locale),
                    "unit": line.unit.get(locale) or "",
                    "price": format_money(line.unit_price, currency, self.locale, PRICE_DECIMALS),
                    "discount": format_percent(line.printed_discount, self.locale, None)
                    if line.discount_percent
                    else "",
                    "amount": self.money(line.amount, currency),
                    "vat_rate": str(line.vat_rate),
                    "vat": self.money(line.vat, currency),
                }
                for line in priced.lines
            ],
            "list": self.money(totals.list_amount, currency),
            "discount": self.money(totals.discount, currency) if totals.discount else "",
            "net": self.money(totals.net, currency),
            "vat": self.money(totals.vat, currency),
            "gross": self.money(totals.gross, currency),
        }

    def _history(self, history: History) -> dict[str, Any]:
        if history.unavailable == OUTSIDE_GIT:
            note = self.labels["history_outside_git"]
        elif history.unavailable == LEFT_OUT:
            note = self.labels["history_left_out"]
        elif history.unavailable:
            note = self.labels["history_unavailable"].format(reason=history.unavailable)
        elif not history.versions:
            note = self.labels["history_none"]
        else:
            note = ""
        return {
            "note": note,
            "uncommitted": self.labels["uncommitted"].format(files=", ".join(history.uncommitted))
            if history.uncommitted
            else "",
            "versions": [
                {
                    "short": v.short,
                    "date": self.day(v.day),
                    "author": v.author,
                    "subject": v.subject,
                    "status": self.status(v.status) if v.status else "?",
                    "gross": self.money(v.gross, v.currency),
                    "problem": v.problem or "",
                }
                for v in history.versions
            ],
        }


def _same(values: list[str]) -> list[tuple[str, str]]:
    return [(value, value) for value in values]


def _has_contract(detail: OfferDetail) -> bool:
    return any(d.name == "contract" for d in detail.documents)


def _number(value: Decimal | None) -> str:
    return format(value, "f") if value is not None else ""


def _expiry(row: OfferRow) -> str:
    """The expiry filter's bucket of a row: expired, week, month, later or closed."""
    if not row.open or row.days_left is None:
        return "closed"
    if row.days_left < 0:
        return "expired"
    return "week" if row.days_left <= 7 else "month" if row.days_left <= 30 else "later"


def _link(page: str, target: str) -> str:
    """`target` (relative to the site) as a link from `page` (relative to the site)."""
    depth = page.count("/")
    return "../" * depth + target

"""Turn a priced offer into what `offergen price` shows: a text table or JSON data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ValidationFailed, counted
from .formatting import format_amount, format_date, format_money, format_number, format_percent
from .limits import PRICE_DECIMALS
from .past import HistoryRow
from .pricing import PricedOffer, step_cuts
from .workspace import Workspace, offer_source

if TYPE_CHECKING:
    from .build import BuildReport
    from .diff import DiffReport
    from .models import Locale


def _money(value: Decimal) -> str:
    return format(value, "f")


def _num(value: Decimal | None) -> str | None:
    """A percent or measure as a decimal string, to 6 places at most (None stays None)."""
    if value is None:
        return None
    return format(value.quantize(Decimal("0.000001")).normalize(), "f")


def price_json(workspace: Workspace, offer_id: str) -> dict[str, Any]:
    """Lines and totals with every number as a decimal string."""
    priced, locale = workspace.price(offer_id), workspace.settings(offer_id).locale
    return {
        "offer": offer_id,
        "number": workspace.offer(offer_id).number,
        "currency": priced.currency,
        "prices_include_vat": priced.prices_include_vat,
        "lines": [
            {
                "sku": line.sku,
                "name": line.name.get(locale),
                "qty": format(line.qty, "f"),
                "unit": line.unit.get(locale),
                "unit_price": _money(line.unit_price),
                "discount_percent": _num(line.discount_percent),
                "amount": _money(line.amount),
                "vat_rate": str(line.vat_rate),
                "vat": _money(line.vat),
                "steps": [
                    {
                        "source": st.source,
                        "level": st.level,
                        "percent": _num(st.percent),
                        "tier_from": _num(st.tier_from),
                        "amount": _money(cut),
                    }
                    for st, cut in zip(
                        line.steps, step_cuts(line, priced.policy.stacking)[0], strict=True
                    )
                ],
                "skipped": [
                    {
                        "scheme": sk.scheme,
                        "reason": sk.reason,
                        "measure": _num(sk.measure),
                        "needed": _num(sk.needed),
                    }
                    for sk in line.skips
                ],
                "clips": [
                    {
                        "kind": c.kind,
                        "before": _num(c.before),
                        "after": _num(c.after),
                        "limit": _num(c.limit),
                    }
                    for c in line.clips
                ],
            }
            for line in priced.lines
        ],
        "effective_discount": _num(priced.effective_discount),
        "approval": {
            "threshold": _num(priced.approval.threshold),
            "needed": priced.approval.needed,
            "given": priced.approval.given,
        },
        "schemes": [
            {
                "scheme": o.scheme,
                "level": o.level,
                "applied": o.applied,
                "reason": o.reason,
                "measure": _num(o.measure),
                "percent": _num(o.percent),
                "tier_from": _num(o.tier.from_ if o.tier else None),
                "next_tier_from": _num(o.next_tier.from_ if o.next_tier else None),
                "shortfall": _num(o.shortfall),
            }
            for o in priced.outcomes
        ],
        "hints": [
            {
                "scheme": o.scheme,
                "next_tier_from": _num(o.next_tier.from_ if o.next_tier else None),
                "next_percent": _num(o.next_tier.percent if o.next_tier else None),
                "shortfall": _num(o.shortfall),
            }
            for o in priced.hints
        ],
        "totals": {
            "net": _money(priced.totals.net),
            "vat": _money(priced.totals.vat),
            "gross": _money(priced.totals.gross),
            "list": _money(priced.totals.list_amount),
            "discount": _money(priced.totals.discount),
            "vat_by_rate": {str(g.rate): _money(g.vat) for g in priced.totals.vat_groups},
        },
    }


def price_table(workspace: Workspace, offer_id: str) -> str:
    """A plain-text table of the priced lines and totals."""
    priced, locale = workspace.price(offer_id), workspace.settings(offer_id).locale
    header = ["#", "item", "qty", "unit", "price", "disc.", "amount", "VAT rate", "VAT"]
    rows = [
        [
            str(line.number),
            line.name.get(locale) or "",
            format_number(line.qty, locale),
            line.unit.get(locale) or "",
            format_amount(line.unit_price, locale, PRICE_DECIMALS),
            format_percent(line.printed_discount, locale, None) if line.discount_percent else "",
            format_amount(line.amount, locale),
            str(line.vat_rate),
            format_amount(line.vat, locale),
        ]
        for line in priced.lines
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    numeric = {0, 2, 4, 5, 6, 8}

    def fmt(row: list[str]) -> str:
        cells = (
            cell.rjust(w) if i in numeric else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        return "  ".join(cells).rstrip()

    lines = [fmt(header), "  ".join("-" * w for w in widths), *map(fmt, rows), ""]
    lines += _totals_lines(priced, locale)
    return "\n".join(lines)


def _totals_lines(priced: PricedOffer, locale: Any) -> list[str]:
    totals = priced.totals
    vat_mode = "included" if priced.prices_include_vat else "added"
    pairs = [("net", totals.net), (f"VAT ({vat_mode})", totals.vat), ("gross", totals.gross)]
    if totals.discount:
        pairs.insert(0, ("discount", totals.discount))
        pairs.insert(0, ("list", totals.list_amount))
    width = max(len(label) for label, _ in pairs)
    return [
        f"{label.rjust(width)}: {format_money(value, priced.currency, locale)}"
        for label, value in pairs
    ]


def price_explanation(workspace: Workspace, offer_id: str, labels: dict[str, str]) -> str:
    """Every line from list price through each discount step to its amount, then the verdict."""
    from .documents.discount_text import approval_text, hint_text, line_explanation
    from .documents.text import Text

    offer, priced = workspace.offer(offer_id), workspace.price(offer_id)
    text = Text(labels, workspace.settings(offer_id).locale, priced.currency)
    book, out = workspace.discounts, [f"{offer.number} ({offer_id})", ""]
    for line in priced.lines:
        out.append(
            f"{line.number}. {text.local(line.name)}: {format_number(line.qty, text.locale)} "
            f"{text.local(line.unit)} × {text.price(line.unit_price)} = "
            f"{text.money(line.list_amount)}"
        )
        out += [f"   {row}" for row in line_explanation(line, book, text, offer.date.year)]
        shown = format_percent(line.printed_discount, text.locale, max_decimals=None)
        out.append(f"   = {shown} → {text.money(line.amount)}")
    out += [
        "",
        text(
            "effective_discount",
            percent=text.percent(priced.effective_discount),
            amount=text.money(priced.totals.discount),
        ),
    ]
    notice = approval_text(priced, offer, text)
    if notice:
        out.append(notice)
    elif priced.approval.needed and offer.approval is not None:
        out.append(
            text(
                "approval_given",
                by=offer.approval.by,
                date=format_date(offer.approval.date, text.locale),
            )
        )
    elif priced.approval.threshold is not None:
        out.append(text("approval_not_needed", threshold=text.percent(priced.approval.threshold)))
    out += [hint_text(outcome, book, text) for outcome in priced.hints]
    return "\n".join(out)


def status_rows(
    workspace: Workspace, today: date, only: str | None = None, expiring: int | None = None
) -> list[dict[str, Any]]:
    """One row per offer: who, what, how much, and how long it stays valid; a blocked
    offer's row says "invalid" and its first problem. `only` keeps one status (or
    "expired", "invalid"), `expiring` the open offers whose validity ends within so many
    days."""
    rows = [
        _status_row(workspace, offer_id, today)
        if offer_id in workspace.offers
        else _invalid_row(workspace, offer_id)
        for offer_id in workspace.offer_ids
    ]
    return _filtered(rows, only, expiring)


def unreadable_rows(failed: ValidationFailed, only: str | None = None) -> list[dict[str, Any]]:
    """The rows of a workspace whose seller or catalog cannot be read: every offer is
    invalid, for the same first problem."""
    first = str(next(p for p in failed.problems if p.severity == "error"))
    return _filtered([_blank_row(offer_id, first) for offer_id in failed.blocked], only, None)


def _filtered(
    rows: list[dict[str, Any]], only: str | None, expiring: int | None
) -> list[dict[str, Any]]:
    if only:
        rows = [row for row in rows if row["status"] == only]
    if expiring is not None:
        rows = [row for row in rows if row["open"] and row["days_left"] <= expiring]
    return rows


def _status_row(workspace: Workspace, offer_id: str, today: date) -> dict[str, Any]:
    offer, priced = workspace.offer(offer_id), workspace.price(offer_id)
    valid_until = workspace.settings(offer_id).valid_until
    expired = workspace.expired(offer_id, today)
    return {
        "offer": offer_id,
        "client": workspace.clients[offer.client].name,
        "number": offer.number,
        "status": "expired" if expired else offer.status,
        "open": offer.is_open and not expired,
        "gross": _money(priced.totals.gross),
        "currency": priced.currency,
        "effective_discount": _num(priced.effective_discount),
        "valid_until": valid_until.isoformat(),
        "days_left": (valid_until - today).days,
        "problem": None,
    }


def _invalid_row(workspace: Workspace, offer_id: str) -> dict[str, Any]:
    client_id = workspace.client_id(offer_id)
    client = workspace.clients.get(client_id or "")
    source = workspace.sources.get(offer_source(offer_id))
    number = source.data.get("number") if source and isinstance(source.data, dict) else None
    row = _blank_row(offer_id, str(workspace.blocked[offer_id][0]))
    row["client"] = client.name if client else client_id or "?"
    row["number"] = number if isinstance(number, str) else "?"
    return row


def _blank_row(offer_id: str, problem: str) -> dict[str, Any]:
    return {
        "offer": offer_id,
        "client": "?",
        "number": "?",
        "status": "invalid",
        "open": False,
        "gross": None,
        "currency": None,
        "effective_discount": None,
        "valid_until": None,
        "days_left": None,
        "problem": problem,
    }


def status_table(rows: list[dict[str, Any]], locale: Locale) -> str:
    """The rows as a table, money, percents and dates in `locale` as the documents print
    them (`2 049 599,35 ₽`, `18 %`, `28.11.2026`)."""
    header = ["offer", "client", "number", "status", "gross", "discount", "valid until", "days"]
    body = [_status_cells(row, locale) for row in rows]
    text = table(header, body, right={4, 5, 7})
    problems = [f"{r['offer']}: {r['problem']}" for r in rows if r["problem"]]
    return (
        "\n".join([text, "", "invalid (offergen check lists every problem):", *problems])
        if (problems)
        else text
    )


def _status_cells(r: dict[str, Any], locale: Locale) -> list[str]:
    if r["problem"]:
        return [r["offer"], r["client"], r["number"], r["status"], "", "", "", ""]
    return [
        r["offer"],
        r["client"],
        r["number"],
        r["status"],
        format_money(Decimal(r["gross"]), r["currency"], locale),
        format_percent(Decimal(r["effective_discount"]), locale),
        format_date(date.fromisoformat(r["valid_until"]), locale, "numeric"),
        str(r["days_left"]),
    ]


def table(header: list[str], body: list[list[str]], right: set[int]) -> str:
    """Columns padded to their widest cell, a rule under the header; `right` aligned right."""
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.rjust(w) if i in right else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in [header, *body]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def history_rows(rows: list[HistoryRow]) -> list[dict[str, Any]]:
    found = []
    for row in rows:
        gross = row.gross
        found.append(
            {
                "commit": row.commit.sha,
                "short": row.commit.short,
                "date": row.commit.authored.isoformat(),
                "author": row.commit.author,
                "subject": row.commit.subject,
                "changed": row.inputs,
                "status": row.state.status,
                "gross": format(gross[0], "f") if gross else None,
                "currency": gross[1] if gross else None,
                "problem": row.state.problem,
            }
        )
    return found


def history_table(rows: list[dict[str, Any]], locale: Locale) -> str:
    header = ["commit", "date", "author", "subject", "status", "gross", "note"]
    body = [
        [
            r["short"],
            format_date(date.fromisoformat(r["date"][:10]), locale, "numeric"),
            r["author"],
            _clip(r["subject"], 48),
            r["status"] or "?",
            format_money(Decimal(r["gross"]), r["currency"], locale) if r["gross"] else "-",
            _clip(r["problem"] or "", 70),
        ]
        for r in rows
    ]
    return table(header, body, right={5})


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def build_summary(report: BuildReport) -> list[tuple[str, bool]]:
    """What a build says when it is done, each line with whether it is a complaint (for
    stderr): what failed or was blocked, what was removed, the counts, notes."""
    kept = "its earlier documents are kept, now stale"
    lines = [(f"note: {note}", True) for note in report.notes]
    lines += [
        (f"FAILED {r.offer_id}: {r.error} ({kept if r.stale else 'nothing written'})", True)
        for r in report.failed
    ]
    lines += [
        (f"BLOCKED {o.offer_id}: {o.first} ({kept if o.kept else 'nothing built'})", True)
        for o in report.blocked
    ]
    lines += [
        (
            f"BLOCKED {r.offer_id}/{stem}: {problem} (not built; an earlier file of it is "
            "kept, now stale)",
            True,
        )
        for r in report.results
        for stem, problem in sorted(r.blocked.items())
    ]
    lines += [
        (f"removed {oid}: the offer no longer exists", False) for oid in report.removed_offers
    ]
    blocked = f", {len(report.blocked)} blocked" if report.blocked else ""
    if report.documents_blocked:
        blocked += f", {counted(report.documents_blocked, 'document')} blocked"
    counts = (
        f"{counted(report.documents_built, 'document')} built, "
        f"{report.documents_skipped} up to date, "
        f"{counted(len(report.failed), 'offer')} failed{blocked}, "
        f"{counted(len(report.results) + len(report.blocked), 'offer')} in {report.seconds:.1f} s"
    )
    lines.append((counts, False))
    if report.blocked and not report.results:
        lines.append(("nothing was built: every offer asked for is blocked (offergen check)", True))
    if report.others_blocked:
        others = report.others_blocked
        verb = "has" if others == 1 else "have"
        lines.append(
            (f"note: {counted(others, 'other offer')} {verb} problems (offergen check)", True)
        )
    return lines


def diff_summary(offer_id: str, report: DiffReport, cwd: Path) -> list[str]:
    """What `offergen diff` says: the versions compared, the data that changed, the
    redlines written and the documents whose text stayed, came or went."""
    lines = [f"{offer_id}: {report.old.name} ({report.why}) → {report.new.name}"]
    lines += [f"  {line}" for line in report.changes or ["no change in the data"]]
    lines += [f"wrote {shown_path(path, cwd)}" for path in report.written]
    for label, names in (
        ("same text", report.unchanged),
        ("new documents (all of them inserted)", report.added),
        ("documents no longer made", report.dropped),
    ):
        if names:
            lines.append(f"{label}: {', '.join(names)}")
    return lines


def shown_path(path: Path, cwd: Path) -> str:
    """A path as the user would type it from where they are."""
    return str(path.relative_to(cwd)) if path.is_relative_to(cwd) else str(path)

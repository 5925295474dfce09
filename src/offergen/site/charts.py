"""Turn the pipeline's rows into SVG charts drawn by pygal: value by status and by month,
the spread of discounts, wins and losses by month, the offers expiring soon.

Each chart is one `<svg role="img">` to inline in a page, labelled by its `<title>` and
described by its `<desc>`; it has no script, no comment, no link and a fixed id, so the
same rows give the same bytes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Any

from ..formatting import Locale, format_money, format_number, format_percent
from .gather import OPEN_STATUSES, STATUSES, OfferRow

EXPIRING_DAYS = 30  # "expiring soon": open offers whose validity ends within this
DISCOUNT_BANDS = (Decimal(0), Decimal(5), Decimal(10), Decimal(15), Decimal(20), Decimal(25))
WIDTH, HEIGHT = 640, 320


@dataclass(frozen=True)
class Chart:
    """One chart: its id (the `id` of its `<svg>`), title and the SVG markup."""

    name: str
    title: str
    svg: str


Labels = dict[str, str]


def charts(
    rows: tuple[OfferRow, ...], labels: Labels, locale: Locale, currency: str
) -> tuple[Chart, ...]:
    """The five charts of the pipeline page. Values are summed in the workspace's
    `currency` only: offers in another are counted, not added to it."""
    priced = [row for row in rows if row.gross is not None and row.currency is not None]
    same = [row for row in priced if row.currency == currency]
    return (
        _by_status(same, labels, locale, currency),
        _by_month(same, labels, locale, currency),
        _discounts(priced, labels, locale),
        _win_rate(priced, labels, locale),
        _expiring(priced, labels, locale),
    )


def _money_series(
    groups: dict[str, dict[str, Decimal]], keys: list[str], locale: Locale
) -> dict[str, list[Any]]:
    """A series per currency over `keys`, each value printed as the documents print it."""
    series: dict[str, list[Any]] = {}
    for currency in sorted({c for sums in groups.values() for c in sums}):
        series[currency] = [
            _value(groups[key][currency], format_money(groups[key][currency], currency, locale))
            if currency in groups[key]
            else None
            for key in keys
        ]
    return series


def _value(value: Decimal, text: str) -> dict[str, Any]:
    # pygal scales values to draw them; what a reader sees is `text`, made from the Decimal.
    return {"value": value, "formatter": lambda _: text}


def _by_status(rows: list[OfferRow], labels: Labels, locale: Locale, currency: str) -> Chart:
    groups: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in rows:
        groups[row.status][row.currency or ""] += row.gross or Decimal(0)
    keys = [status for status in STATUSES if status in groups]
    return _draw(
        "status",
        labels["chart_by_status"],
        labels["chart_by_status_desc"].format(currency=currency),
        [labels[f"status_{key}"] for key in keys],
        _money_series(groups, keys, locale),
        locale,
    )


def _by_month(rows: list[OfferRow], labels: Labels, locale: Locale, currency: str) -> Chart:
    groups: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in rows:
        if row.day is not None and row.status != "rejected":
            groups[f"{row.day:%Y-%m}"][row.currency or ""] += row.gross or Decimal(0)
    keys = sorted(groups)
    return _draw(
        "month",
        labels["chart_by_month"],
        labels["chart_by_month_desc"].format(currency=currency),
        keys,
        _money_series(groups, keys, locale),
        locale,
    )


def _discounts(rows: list[OfferRow], labels: Labels, locale: Locale) -> Chart:
    counts = [0] * len(DISCOUNT_BANDS)
    for row in rows:
        band = sum(1 for low in DISCOUNT_BANDS[1:] if (row.discount or 0) >= low)
        counts[band] += 1
    names = [
        f"{format_number(low, locale)}–{format_number(high, locale)} %"
        for low, high in pairwise(DISCOUNT_BANDS)
    ] + [f"≥ {format_number(DISCOUNT_BANDS[-1], locale)} %"]
    return _draw(
        "discounts",
        labels["chart_discounts"],
        labels["chart_discounts_desc"],
        names,
        {labels["offers"]: counts},
        locale,
        counts=True,
    )


def _win_rate(rows: list[OfferRow], labels: Labels, locale: Locale) -> Chart:
    won: dict[str, int] = defaultdict(int)
    lost: dict[str, int] = defaultdict(int)
    for row in rows:
        if row.day is not None and row.status in ("accepted", "rejected"):
            counter = won if row.status == "accepted" else lost
            counter[f"{row.day:%Y-%m}"] += 1
    months = sorted({*won, *lost})
    names = [f"{month} ({_share(won[month], lost[month], locale)})" for month in months]
    return _draw(
        "win-rate",
        labels["chart_win_rate"],
        labels["chart_win_rate_desc"],
        names,
        {
            labels["status_accepted"]: [won[month] for month in months],
            labels["status_rejected"]: [lost[month] for month in months],
        },
        locale,
        stacked=True,
        counts=True,
    )


def _share(won: int, lost: int, locale: Locale) -> str:
    return format_percent(Decimal(100 * won) / (won + lost), locale, 0)


def _expiring(rows: list[OfferRow], labels: Labels, locale: Locale) -> Chart:
    soon = sorted(
        (
            row
            for row in rows
            if row.status in OPEN_STATUSES
            and row.days_left is not None
            and 0 <= row.days_left <= EXPIRING_DAYS
        ),
        key=lambda row: (row.days_left, row.offer_id),
    )
    return _draw(
        "expiring",
        labels["chart_expiring"],
        labels["chart_expiring_desc"].format(days=EXPIRING_DAYS),
        [f"{row.number} · {row.client}" for row in soon],
        {labels["days_left"]: [row.days_left for row in soon]},
        locale,
        horizontal=True,
        counts=True,
    )


def _draw(
    name: str,
    title: str,
    description: str,
    x_labels: list[str],
    series: dict[str, list[Any]],
    locale: Locale,
    *,
    stacked: bool = False,
    horizontal: bool = False,
    counts: bool = False,
) -> Chart:
    pygal = _pygal()
    from pygal.style import Style

    kind = pygal.StackedBar if stacked else pygal.HorizontalBar if horizontal else pygal.Bar
    chart = kind(
        title=title,
        width=WIDTH,
        height=HEIGHT,
        js=[],  # pygal's tooltips script lives on a CDN: the site opens with no network
        disable_xml_declaration=True,
        print_values=True,
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        truncate_label=-1,
        no_data_text=_no_data(locale),
        value_formatter=_axis_formatter(locale),
        x_label_rotation=0 if horizontal else 20,
        style=_style(Style),
    )
    if counts:  # whole numbers: one tick per unit, not pygal's fractions printed rounded
        highest = max(
            (sum(v or 0 for v in c) for c in zip(*series.values(), strict=True)), default=0
        )
        chart.y_labels = _ticks(highest)
    chart.uuid = name  # pygal's id is a random uuid4; the chart's own name keeps the bytes
    chart.x_labels = x_labels
    for serie, values in series.items():
        chart.add(serie, values)
    chart.add_xml_filter(_accessible(f"chart-{name}", title, description))
    return Chart(f"chart-{name}", title, chart.render())


def _pygal() -> Any:
    """pygal, without the import hook it adds for its map plugins (which the site does
    not use): that hook lacks `find_spec`, so every later import that reaches it warns
    (ImportWarning), in the build's workers too. Only that hook goes: importing pygal
    also brings importlib_metadata's finder, which pymorphy3 needs for its dictionaries."""
    import sys

    import pygal

    hook = getattr(pygal, "PluginImportFixer", None)
    if hook is not None:
        sys.meta_path[:] = [finder for finder in sys.meta_path if not isinstance(finder, hook)]
    return pygal


def _style(style: type[Any]) -> Any:
    """The site's look, as an instance of pygal's `Style` class."""
    return style(
        background="transparent",
        plot_background="transparent",
        font_family='"DejaVu Sans", Arial, sans-serif',
        colors=("#1f5fae", "#c2410c", "#1e7a3c", "#7c3aed", "#a15c00"),
        value_font_size=11,
        label_font_size=11,
        major_label_font_size=11,
        title_font_size=15,
        no_data_font_size=24,
    )


def _ticks(highest: int) -> list[int]:
    """At most about ten whole ticks from 0 to `highest`."""
    step = max(1, -(-highest // 10))
    return list(range(0, max(highest, 1) + step, step))


def _no_data(locale: Locale) -> str:
    return "Нет данных" if locale == "ru" else "No data"


def _axis_formatter(locale: Locale) -> Callable[[Any], str]:
    def axis(value: Any) -> str:
        # Axis ticks are pygal's own round numbers; money values carry their own text.
        return format_number(Decimal(str(value)), locale, 0)

    return axis


def _accessible(name: str, title: str, description: str) -> Callable[[Any], Any]:
    """An XML filter: a titled, described image without scripts or comments, whose
    inner ids are prefixed by the chart's own so that charts on one page do not clash."""

    def apply(root: Any) -> Any:
        for element in list(root.iter()):
            tag = element.tag if isinstance(element.tag, str) else ""
            if not tag or tag.endswith("script"):  # comments carry the day they were drawn
                element.getparent().remove(element)
        for element in root.iter():
            own = element.get("id")
            if own and element is not root:
                element.set("id", f"{name}-{own}")
        title_node = root.find("title")  # pygal's own, as lxml makes it: no namespace
        title_node.text = title
        title_node.set("id", f"{name}-title")
        desc = title_node.makeelement("desc", {"id": f"{name}-desc"})
        desc.text = description
        title_node.addnext(desc)
        root.set("role", "img")
        root.set("aria-labelledby", f"{name}-title {name}-desc")
        return root

    return apply

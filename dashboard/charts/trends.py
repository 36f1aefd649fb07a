"""Forty-year trend lines: published points as markers, connections dashed and labelled as such."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.base import (
    CITY_COLOUR,
    CONNECTION_COLOUR,
    LINE_HEIGHT,
    OKABE_ITO,
    SAMPLE_COLOUR,
    SELECTED_COLOUR,
    SIDE_MARGINS_PX,
    SIZES,
    THEMES,
    ChartContext,
    frame,
    layout_width,
    no_data_figure,
    text_em,
    wrap_legend_names,
    wrap_text,
)
from dashboard.formatting import QUALIFIER_PREFIX, format_value, nice_ticks, tick_labels
from dashboard.i18n import t


def _hover(rows: pd.DataFrame, unit: str, lang: str, sources: dict[str, str]) -> list[str]:
    return [
        f"{r.period or t('prov.period_unstated', lang)}: "
        f"{format_value(r.value, unit, lang, r.qualifier)}<br>"
        f"{t('prov.status', lang)}: {t('status.' + r.status, lang)}<br>"
        f"{t('prov.source', lang)}: {sources.get(r.source_id, r.source_id)}"
        for r in rows.itertuples()
    ]


def _with_gaps(rows: pd.DataFrame) -> tuple[list, list]:
    """x/y for a yearly line that breaks where a year is missing instead of bridging it."""
    xs, ys, previous = [], [], None
    for r in rows.itertuples():
        if previous is not None and r.year - previous > 1:
            xs.append(None)
            ys.append(None)
        xs.append(int(r.year))
        ys.append(r.value)
        previous = r.year
    return xs, ys


def trend_chart(
    values: pd.DataFrame,
    ctx: ChartContext,
    *,
    title: str,
    subtitle: str,
    unit: str,
    place_names: dict[str, str],
    sources: dict[str, str],
    events: list[tuple[int, str]] = (),
    year_range: tuple[int, int] | None = None,
    highlight: str | None = None,
    stated: list[tuple[int, str]] = (),
    publishers: dict[str, str] | None = None,
    source_lines: list[str] | None = None,
) -> go.Figure:
    """One indicator over time, one trace per place.

    `values` holds indicator rows (geo_code, period, year, value, qualifier, status, source_id).
    Published values are markers; where only scattered published points exist, a dashed grey line
    joins them and the legend says it is a connection, not data. `source_lines`, where given,
    name the sources in the footer (a run of editions in one line) instead of one per source.
    """
    if year_range:
        values = values[values["year"].between(*year_range)]
    used_sources = (
        [sources.get(s, s) for s in dict.fromkeys(values["source_id"])] if len(values) else []
    )
    if values.empty:
        return no_data_figure(ctx, title=title, subtitle=subtitle, sources=used_sources)
    fig = go.Figure()
    several_places = values["geo_code"].nunique() > 1
    for i, (code, rows) in enumerate(values.groupby("geo_code", sort=False)):
        rows = rows.sort_values("year")
        prefix = f"{place_names.get(code, code)} · " if several_places else ""
        colour = CITY_COLOUR if code == "110000" else OKABE_ITO[(i + 1) % len(OKABE_ITO)]
        if highlight and code == highlight:
            colour = SELECTED_COLOUR
        name = place_names.get(code, code)
        sample = (rows["status"] == "sample").all()
        if sample:
            xs, ys = _with_gaps(rows)
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines+markers",
                    name=f"{prefix}{t('chart.sample_series', ctx.lang)}",
                    line={"color": colour if code != "110000" else SAMPLE_COLOUR, "width": 2},
                    marker={"size": 5},
                    customdata=[code] * len(xs),
                    hoverinfo="skip",
                )
            )
        else:
            series = rows["source_id"].map(lambda s: (publishers or {}).get(s, s))
            # A label may hang below a point above a fifth of the highest value (on screen any
            # point: the axis keeps a band under zero); the other place's point of the year is
            # "near" within a third of it (half on screen).
            top = float(values["value"].max())
            other = values[values["geo_code"] != code].groupby("year")["value"].first()
            # (A chart on screen is short: a label's height is a larger share of it.)
            screen = ctx.medium == "screen"
            clear, near = (-1.0, 0.5 * top) if screen else (0.2 * top, 0.35 * top)
            placement = _Placement(code != "110000", clear, near, other.to_dict())
            _published_series(
                fig,
                rows.assign(series=series),
                ctx,
                unit,
                sources,
                colour,
                prefix,
                code,
                placement,
            )
            continue
        fig.add_trace(
            go.Scatter(
                x=rows["year"].astype(int),
                y=rows["value"],
                mode="markers",
                name=name,
                marker={"size": 8, "color": colour, "line": {"width": 1.5, "color": "white"}},
                hovertext=_hover(rows, unit, ctx.lang, sources),
                hoverinfo="text",
                customdata=[code] * len(rows),
                showlegend=False,
            )
        )
    _year_axis(fig, values, events, ctx, [year for year, _ in stated])
    _value_axis(fig, values, unit, ctx)
    for year, words in stated:
        _stated_end(fig, year, words, ctx)
    added = wrap_legend_names(fig, SIZES[ctx.medium], plot_px(ctx))
    fig = frame(fig, ctx, title=title, subtitle=subtitle, sources=source_lines or used_sources)
    # The frame's legend rows have no gap between a place's groups of entries.
    fig.update_layout(legend_tracegroupgap=0)
    return grow_top(fig, ctx, added)


def grow_top(fig: go.Figure, ctx: ChartContext, legend_lines: int) -> go.Figure:
    """Room above the plot for the lines wrapped legend entries added (the frame counts rows)."""
    if legend_lines:
        extra = int(legend_lines * LINE_HEIGHT * SIZES[ctx.medium]["body"])
        fig.update_layout(margin_t=fig.layout.margin.t + extra)
    return fig


def plot_px(ctx: ChartContext) -> float:
    """About how wide the plot is drawn: the figure's width less its side margins."""
    return max(layout_width(ctx) - SIDE_MARGINS_PX, 120)


def _legend_name(name: str, ctx: ChartContext) -> str:
    """A source's name cut to what a legend entry can hold across the plot (the source line
    gives it whole): at most LEGEND_SOURCE_CHARS characters, fewer on a phone."""
    size = SIZES[ctx.medium]
    # The entry's symbol and "Source: " take about this many em of the entry.
    budget = min(plot_px(ctx) / size["body"] - 7, LEGEND_SOURCE_CHARS)
    cut, width = "", 0.0
    for ch in name:
        width += text_em(ch)
        if width > budget:
            return cut.rstrip() + "…"
        cut += ch
    return name


# Colours of a place's second and later publishers (the first takes the place's own colour);
# none near the selected district's vermillion.
SOURCE_COLOURS = ("#009E73", "#CC79A7", "#56B4E9", "#000000")
# A source's name in a legend is cut to this many characters (the source line gives it whole).
LEGEND_SOURCE_CHARS = 18


def _published_series(
    fig: go.Figure,
    rows: pd.DataFrame,
    ctx: ChartContext,
    unit: str,
    sources: dict[str, str],
    colour: str,
    prefix: str,
    code: str,
    placement: _Placement | None = None,
) -> None:
    """A place's published values, one series per publisher: a dashed connection joins only the
    points of one publisher's counts (the yearly editions of the division codes), since two
    publishers may count differently (towns in 2012 counted the area offices apart; 2022 did
    not), and a change of definition must not read as growth."""
    parts = list(rows.groupby("series", sort=False))
    # Every figure of the place, whichever publisher: one type size and one choice of sides.
    place_labels = [
        f"{QUALIFIER_PREFIX[ctx.lang][q]}{format_value(v, unit, ctx.lang)}"
        for v, q in zip(rows["value"], rows["qualifier"], strict=True)
    ]
    for j, (series, part) in enumerate(parts):
        part_colour = colour if j == 0 else SOURCE_COLOURS[(j - 1) % len(SOURCE_COLOURS)]
        if len(part) > 1:
            fig.add_trace(
                go.Scatter(
                    x=part["year"].astype(int),
                    y=part["value"],
                    mode="lines",
                    name=f"{prefix}{t('chart.connection', ctx.lang)}",
                    line={"color": CONNECTION_COLOUR, "dash": "dash", "width": 2},
                    hoverinfo="skip",
                    legendgroup=f"conn-{code}",
                    showlegend=j == 0,
                )
            )
        labels = [
            f"{QUALIFIER_PREFIX[ctx.lang][q]}{format_value(v, unit, ctx.lang)}"
            for v, q in zip(part["value"], part["qualifier"], strict=True)
        ]
        label = t("chart.reported_points", ctx.lang)
        if len(parts) > 1:
            label = t("chart.source_series", ctx.lang, source=_legend_name(str(series), ctx))
        fig.add_trace(
            go.Scatter(
                x=part["year"].astype(int),
                y=part["value"],
                mode="markers+text",
                text=labels,
                textposition=_label_positions(part, place_labels, rows, ctx, placement),
                textfont={"size": _label_px(place_labels, rows, ctx), "color": part_colour},
                name=f"{prefix}{label}",
                marker={"size": 13, "color": part_colour, "line": {"width": 1.5, "color": "white"}},
                hovertext=_hover(part, unit, ctx.lang, sources),
                hoverinfo="text",
                customdata=[code] * len(part),
                meta={"series": str(series)},
            )
        )


# On screen no figure is written smaller than this (px).
MIN_LABEL_PX = 10


def _px_per_year(place_rows: pd.DataFrame, ctx: ChartContext) -> float:
    years = place_rows["year"].dropna().astype(int)
    span = max(int(years.max() - years.min()), 1)
    return plot_px(ctx) / (span * 1.12 + 2)


def _label_px(labels: list[str], place_rows: pd.DataFrame, ctx: ChartContext) -> float:
    """The figures' type size: the medium's, or on a crowded screen chart as small as lets
    neighbouring years' figures stand side by side, but never under MIN_LABEL_PX."""
    size = SIZES[ctx.medium]["tick"]
    if ctx.medium != "screen":
        return size
    widest = max((text_em(label) for label in labels), default=1.0) or 1.0
    fits = (_px_per_year(place_rows, ctx) - 4) / widest
    return max(MIN_LABEL_PX, min(size, int(fits)))


@dataclass(frozen=True)
class _Placement:
    """Where a place's value labels go: a district's below its points, the city's above (so two
    places' figures keep apart), never below a point within `clear_of_axis` of the axis, never
    towards the other place's point of the year when it is `near`."""

    below: bool = False
    clear_of_axis: float = 0.0
    near: float = 0.0
    other: dict = field(default_factory=dict)


def _label_positions(
    part: pd.DataFrame,
    labels: list[str],
    place_rows: pd.DataFrame,
    ctx: ChartContext,
    placement: _Placement | None = None,
) -> list[str]:
    """Each point's label on its place's side, on the other side where the place's previous
    point is too close across for two labels side by side (narrow charts, close years)."""
    placement = placement or _Placement()
    years = sorted(place_rows["year"].dropna().astype(int).unique())
    px_per_year = _px_per_year(place_rows, ctx)
    label_px = max(text_em(label) for label in labels) * _label_px(labels, place_rows, ctx) + 6
    flipped, previous = {}, None
    for year in years:
        flipped[year] = (
            previous is not None
            and (year - previous) * px_per_year < label_px
            and not flipped[previous]
        )
        previous = year
    return [
        _side(value, placement.other.get(year), placement.below != flipped[int(year)], placement)
        for year, value in zip(part["year"], part["value"], strict=True)
    ]


def _side(value: float, other: float | None, below: bool, placement: _Placement) -> str:
    if below and value <= placement.clear_of_axis:
        below = False  # it would hang over the year labels
    if other is not None and below and 0 <= value - other < placement.near:
        below = False  # the other place's point is just under
    if other is not None and not below and 0 <= other - value < placement.near:
        if value <= placement.clear_of_axis:
            return "top right"  # squeezed between the axis and the other place's point
        below = True
    return "bottom center" if below else "top center"


def _stated_end(fig: go.Figure, year: int, words: str, ctx: ChartContext) -> None:
    """A later state the source gives in words: a line at its year and the words, no point on
    the value axis (the source gives no number to put there)."""
    size = SIZES[ctx.medium]
    fig.add_vline(x=year, line={"color": CITY_COLOUR, "dash": "dot", "width": 2})
    fig.add_annotation(
        x=year,
        y=0.98,
        yref="paper",
        xanchor="right",
        yanchor="top",
        xshift=-6,
        align="right",
        text="<br>".join(
            line
            for part in words.split("<br>")
            for line in wrap_text(
                part,
                size["tick"],
                min(260, 0.45 * plot_px(ctx)) if ctx.medium == "screen" else 420,
            )
        ),
        showarrow=False,
        bgcolor=THEMES[ctx.theme]["paper"],
        font={"size": size["tick"], "color": CITY_COLOUR},
        name="stated-end",
    )


def _year_axis(
    fig: go.Figure, values: pd.DataFrame, events, ctx: ChartContext, more_years=()
) -> None:
    years = [*values["year"].dropna().astype(int), *more_years]
    first, last = min(years), max(years)
    span = max(last - first, 1)
    low, high = first - 0.06 * span - 1, last + 0.06 * span + 1
    # As many year ticks as fit across the plot, only within the years drawn (a tick beyond them
    # sat under the value axis's labels).
    year_px = SIZES[ctx.medium]["tick"] * 2.3 + 14
    fitting = max(int(plot_px(ctx) // year_px), 2)
    step = next((s for s in (1, 2, 5, 10, 20) if span // s + 1 <= fitting), 20)
    if step == 1 and span > 12:
        step = 5
    start = -(-first // step) * step
    fig.update_xaxes(
        range=[low, high],
        tickmode="array",
        tickvals=list(range(start, last + 1, step)),
        tickformat="d",
    )
    shown = [(year, label) for year, label in events if first - 1 <= year <= last + 1]
    theme = THEMES[ctx.theme]
    for i, (year, label) in enumerate(shown):
        # A note in the right part of the plot runs leftwards from its line, so it stays inside.
        # It wraps to the room on that side.
        position = (year - low) / (high - low)
        leftward = position > 0.55
        room = plot_px(ctx) * (position if leftward else 1 - position) - 8
        font_px = SIZES[ctx.medium]["footer"]
        fig.add_vline(x=year, line={"color": "#9CA3AF", "dash": "dot", "width": 1})
        # Horizontal labels along the foot of the plot, where values seldom are (the axis starts
        # at zero), staggered so neighbours don't collide; the x axis already gives the year.
        fig.add_annotation(
            x=year,
            y=0.02 + 0.08 * (i % 3),
            yref="paper",
            text="<br>".join(wrap_text(label.split(" ", 1)[-1], font_px, room)),
            showarrow=False,
            xanchor="right" if leftward else "left",
            yanchor="bottom",
            xshift=-3 if leftward else 3,
            bgcolor=theme["paper"],
            opacity=0.9,
            font={"size": SIZES[ctx.medium]["footer"], "color": theme["muted"]},
            name="event",
        )


# On screen the value axis reaches this share of its height below zero.
SCREEN_FOOT = 0.14


def _value_axis(fig: go.Figure, values: pd.DataFrame, unit: str, ctx: ChartContext) -> None:
    # Headroom above the highest point for its label.
    top = float(values["value"].max()) * 1.25
    ticks = nice_ticks(top)
    if unit == "percent" and ticks[-1] > 100 >= values["value"].max():
        ticks = [t for t in nice_ticks(100) if t <= 100]
    high = max(ticks[-1] * 1.07, top)
    fig.update_yaxes(
        tickvals=ticks,
        ticktext=tick_labels(ticks, unit, ctx.lang),
        # A little above the top tick, so its label stays under the legend; on screen a band
        # under zero (no tick there) holds the figures that hang below points near zero.
        range=[-SCREEN_FOOT * high if ctx.medium == "screen" else 0, high],
    )

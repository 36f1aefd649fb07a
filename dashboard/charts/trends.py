"""Forty-year trend lines: published points as markers, connections dashed and labelled as such."""

from __future__ import annotations

from dataclasses import dataclass

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
            # A district's point stands clear of the axis when above this value: its label
            # may hang below it.
            top = float(values["value"].max())
            city = values[values["geo_code"] == "110000"].groupby("year")["value"].first()
            below = _Below(0.2 * top, 0.35 * top, city.to_dict()) if code != "110000" else None
            _published_series(
                fig,
                rows.assign(series=series),
                ctx,
                unit,
                sources,
                colour,
                prefix,
                code,
                below,
                alternate=not several_places,
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
    below: _Below | None = None,
    alternate: bool = True,
) -> None:
    """A place's published values, one series per publisher: a dashed connection joins only the
    points of one publisher's counts (the yearly editions of the division codes), since two
    publishers may count differently (towns in 2012 counted the area offices apart; 2022 did
    not), and a change of definition must not read as growth."""
    size = SIZES[ctx.medium]
    parts = list(rows.groupby("series", sort=False))
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
                # A district's labels hang below its points (where they clear the axis), the
                # city's stand above theirs, so two places with close values do not print their
                # figures over each other.
                textposition=_label_positions(part, labels, rows, ctx, below, alternate),
                textfont={"size": size["tick"], "color": part_colour},
                name=f"{prefix}{label}",
                marker={"size": 13, "color": part_colour, "line": {"width": 1.5, "color": "white"}},
                hovertext=_hover(part, unit, ctx.lang, sources),
                hoverinfo="text",
                customdata=[code] * len(part),
                meta={"series": str(series)},
            )
        )


@dataclass(frozen=True)
class _Below:
    """Where a district's labels go against the city's: below its points higher than
    `clear_of_axis`, beside those less than `near` under the city's value of the year."""

    clear_of_axis: float
    near: float
    city: dict


def _label_positions(
    part: pd.DataFrame,
    labels: list[str],
    place_rows: pd.DataFrame,
    ctx: ChartContext,
    below: _Below | None = None,
    alternate: bool = True,
) -> list[str]:
    """Each point's label above it (a district's below, where it clears the axis), on the other
    side where the place's previous point is too close across for two labels side by side (one
    place only: two places keep to their own sides); a district's point low under the city's has
    its label beside it."""
    years = sorted(place_rows["year"].dropna().astype(int).unique())
    span = max(years[-1] - years[0], 1)
    px_per_year = plot_px(ctx) / (span * 1.12 + 2)
    label_px = max(text_em(label) for label in labels) * SIZES[ctx.medium]["tick"] + 6
    flipped, previous = {}, None
    for year in years:
        flipped[year] = (
            alternate
            and previous is not None
            and (year - previous) * px_per_year < label_px
            and not flipped[previous]
        )
        previous = year
    positions = []
    for year, value in zip(part["year"], part["value"], strict=True):
        hangs = below is not None and value > below.clear_of_axis
        city = below.city.get(year) if below is not None else None
        if below is not None and not hangs and city is not None and 0 <= city - value < below.near:
            positions.append("top right")
            continue
        positions.append("bottom center" if hangs != flipped[int(year)] else "top center")
    return positions


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


def _value_axis(fig: go.Figure, values: pd.DataFrame, unit: str, ctx: ChartContext) -> None:
    # Headroom above the highest point for its label.
    top = float(values["value"].max()) * 1.25
    ticks = nice_ticks(top)
    if unit == "percent" and ticks[-1] > 100 >= values["value"].max():
        ticks = [t for t in nice_ticks(100) if t <= 100]
    fig.update_yaxes(
        tickvals=ticks,
        ticktext=tick_labels(ticks, unit, ctx.lang),
        # A little above the top tick, so its label stays under the legend.
        range=[0, max(ticks[-1] * 1.07, top)],
        rangemode="tozero",
    )

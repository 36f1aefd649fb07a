"""Committees and townships in the statistical division codes, edition by edition: a line per
district, and the city's move from villages to communities.

Each edition is one count by one stated rule in one official list, so consecutive editions are
joined by a line (unlike scattered published points of differing definitions). The x axis names
the edition; the hover gives its cut-off date, the period of the count.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.base import (
    CITY_COLOUR,
    DISTRICT_COLOUR,
    OKABE_ITO,
    SELECTED_COLOUR,
    SIDE_MARGINS_PX,
    SIZES,
    ChartContext,
    frame,
    layout_width,
    no_data_figure,
    text_em,
    wrap_legend_names,
)
from dashboard.charts.trends import grow_top
from dashboard.formatting import format_value
from dashboard.i18n import t


def edition_label(period: str, lang: str) -> str:
    """'2018-10-31' -> '2018年版' / '2018 ed.': editions are named by year, dated by cut-off."""
    return t("divisions.edition", lang, year=period[:4])


def _hover(name: str, rows: pd.DataFrame, lang: str) -> list[str]:
    return [
        t("divisions.hover", lang, place=name, value=format_value(v, "count", lang), cutoff=p)
        for v, p in zip(rows["value"], rows["period"], strict=True)
    ]


def district_lines(
    values: pd.DataFrame,
    names: dict[str, str],
    ctx: ChartContext,
    *,
    title: str,
    subtitle: str,
    sources: list[str],
    selected: str | None = None,
) -> go.Figure:
    """One line per district across editions; the selected district drawn in its own colour
    and named, the others in one muted colour, so sixteen lines stay readable."""
    if values.empty:
        return no_data_figure(ctx, title=title, subtitle=subtitle, sources=sources)
    size = SIZES[ctx.medium]
    fig = go.Figure()
    order = sorted(set(values["geo_code"]), key=lambda c: (c == selected, c))
    for code in order:
        rows = values[values["geo_code"] == code].sort_values("period")
        chosen = code == selected
        fig.add_trace(
            go.Scatter(
                x=[edition_label(p, ctx.lang) for p in rows["period"]],
                y=rows["value"],
                mode="lines+markers",
                name=names.get(code, code),
                line={
                    "color": SELECTED_COLOUR if chosen else DISTRICT_COLOUR,
                    "width": 4 if chosen else 1.5,
                },
                marker={"size": 8 if chosen else 5},
                customdata=[code] * len(rows),
                text=_hover(names.get(code, code), rows, ctx.lang),
                hoverinfo="text",
                showlegend=chosen,
            )
        )
    named = _end_labels(fig, values, names, ctx, selected)
    _edition_axis(
        fig, values, ctx, right_px=max((text_em(n) for n in named), default=0) * size["tick"]
    )
    fig.update_yaxes(rangemode="tozero", title=None, tickfont={"size": size["tick"]})
    fig.update_layout(showlegend=selected is not None, clickmode="event+select")
    return frame(fig, ctx, title=title, subtitle=subtitle, sources=sources)


def villages_to_communities(
    values: pd.DataFrame,
    labels: dict[str, str],
    ctx: ChartContext,
    *,
    title: str,
    subtitle: str,
    sources: list[str],
) -> go.Figure:
    """The place's residents' and villagers' committees (and other units) by edition, one line
    per kind: where the lines cross or converge, villages became communities."""
    if values.empty:
        return no_data_figure(ctx, title=title, subtitle=subtitle, sources=sources)
    size = SIZES[ctx.medium]
    fig = go.Figure()
    for i, (indicator_id, label) in enumerate(labels.items()):
        rows = values[values["indicator_id"] == indicator_id].sort_values("period")
        if rows.empty:
            continue
        fig.add_trace(
            go.Scatter(
                x=[edition_label(p, ctx.lang) for p in rows["period"]],
                y=rows["value"],
                mode="lines+markers+text",
                name=label,
                line={"color": OKABE_ITO[i % len(OKABE_ITO)], "width": 3},
                marker={"size": 8},
                text=_thinned([format_value(v, "count", ctx.lang) for v in rows["value"]], ctx),
                # The first kind's labels below its line, the others' above, so two lines
                # that meet (as in 2023) do not print their numbers over each other.
                textposition="bottom center" if i == 0 else "top center",
                textfont={"size": size["tick"]},
                # The last edition's figure stands half beyond the plot's edge.
                cliponaxis=False,
                hovertext=_hover(label, rows, ctx.lang),
                hoverinfo="text",
            )
        )
    _edition_axis(fig, values, ctx)
    # Headroom above the highest label, so it stays clear of the legend.
    fig.update_yaxes(
        range=[0, float(values["value"].max()) * 1.18],
        title=None,
        tickfont={"size": size["tick"]},
    )
    added = wrap_legend_names(fig, size, _plot_px(ctx))
    fig = frame(fig, ctx, title=title, subtitle=subtitle, sources=sources)
    return grow_top(fig, ctx, added)


# About how tall the plot is drawn per medium (the figure's height less its title and source line),
# to judge whether two names at the end of the lines would print over each other.
PLOT_PX = {"screen": 160, "present": 380, "export": 700}


def _end_labels(
    fig: go.Figure,
    values: pd.DataFrame,
    names: dict[str, str],
    ctx: ChartContext,
    selected: str | None,
) -> list[str]:
    """Name lines at their last edition: the selected district's, else as many districts' as
    stand apart from the names above and below (the rest are named in the hover and the table)."""
    size = SIZES[ctx.medium]
    last = values.sort_values("period").groupby("geo_code")["value"].last()
    if selected is not None:
        candidates = [selected] if selected in last.index else []
    else:
        candidates = list(last.sort_values(ascending=False).index)
    # The value axis runs from zero to a little above the highest value.
    per_px = float(values["value"].max()) * 1.05 / PLOT_PX[ctx.medium] or 1.0
    gap = size["tick"] * 1.4 * per_px
    # A name just above zero would sit on the edition labels below the axis.
    taken = [-0.4 * gap]
    kept: list[str] = []
    for code in candidates:
        if code == selected or all(abs(last[code] - y) >= gap for y in taken):
            kept.append(code)
            taken.append(last[code])
    edition = edition_label(values["period"].max(), ctx.lang)
    for code in kept:
        fig.add_annotation(
            x=edition,
            y=last[code],
            text=names.get(code, code),
            showarrow=False,
            xanchor="left",
            xshift=6,
            font={
                "size": size["tick"],
                "color": SELECTED_COLOUR if code == selected else CITY_COLOUR,
            },
            name="line-name",
        )
    return [names.get(code, code) for code in kept]


def _plot_px(ctx: ChartContext) -> float:
    return max(layout_width(ctx) - SIDE_MARGINS_PX, 120)


def _category_px(ctx: ChartContext, count: int, right_px: float = 0) -> float:
    """About how much width each edition has along the axis."""
    return max(_plot_px(ctx) - right_px, 60) / max(count, 1)


def _edition_axis(
    fig: go.Figure, values: pd.DataFrame, ctx: ChartContext, right_px: float = 0
) -> None:
    """Editions along the x axis, named in full where there is room, by year where not, and every
    other one on a phone; room on the right for the names at the lines' ends."""
    size = SIZES[ctx.medium]
    periods = sorted(values["period"].unique())
    editions = [edition_label(p, ctx.lang) for p in periods]
    room = _category_px(ctx, len(periods), right_px)
    full = max(text_em(e) for e in editions) * size["tick"] + 10
    texts = editions if full <= room else [p[:4] for p in periods]
    step = 1 if full <= room or text_em("2016") * size["tick"] + 10 <= room else 2
    shown = list(range(len(periods) - 1, -1, -step))[::-1]
    # The names at the end of the lines take this share of the axis beyond the last edition.
    extra = (right_px + 12) / room if right_px else 0.3
    fig.update_xaxes(
        type="category",
        title=None,
        tickfont={"size": size["tick"]},
        tickmode="array",
        tickvals=[editions[i] for i in shown],
        ticktext=[texts[i] for i in shown],
        range=[-0.3, len(periods) - 1 + extra],
    )


def _thinned(labels: list[str], ctx: ChartContext) -> list[str]:
    """Every edition's value where the labels fit side by side; on a narrow chart every other
    one, always the latest (each value is in the hover and the table)."""
    size = SIZES[ctx.medium]
    room = _category_px(ctx, len(labels))
    need = max((text_em(x) for x in labels), default=0) * size["tick"] + 6
    step = max(1, -(-int(need) // int(room))) if room else 1
    keep = set(range(len(labels) - 1, -1, -step))
    return [x if i in keep else "" for i, x in enumerate(labels)]

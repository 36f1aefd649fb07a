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
    SIZES,
    ChartContext,
    empty_figure,
    frame,
)
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
        return empty_figure(
            ctx,
            title=title,
            subtitle=subtitle,
            message=t("chart.no_data", ctx.lang),
            sources=sources,
        )
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
        if chosen or selected is None:
            last = rows.iloc[-1]
            fig.add_annotation(
                x=edition_label(last["period"], ctx.lang),
                y=last["value"],
                text=names.get(code, code),
                showarrow=False,
                xanchor="left",
                xshift=6,
                font={"size": size["tick"], "color": SELECTED_COLOUR if chosen else CITY_COLOUR},
            )
    fig.update_xaxes(type="category", title=None, tickfont={"size": size["tick"]})
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
        return empty_figure(
            ctx,
            title=title,
            subtitle=subtitle,
            message=t("chart.no_data", ctx.lang),
            sources=sources,
        )
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
                text=[format_value(v, "count", ctx.lang) for v in rows["value"]],
                # The first kind's labels below its line, the others' above, so two lines
                # that meet (as in 2023) do not print their numbers over each other.
                textposition="bottom center" if i == 0 else "top center",
                textfont={"size": size["tick"]},
                hovertext=_hover(label, rows, ctx.lang),
                hoverinfo="text",
            )
        )
    fig.update_xaxes(type="category", title=None, tickfont={"size": size["tick"]})
    # Headroom above the highest label, so it stays clear of the legend.
    fig.update_yaxes(
        range=[0, float(values["value"].max()) * 1.18],
        title=None,
        tickfont={"size": size["tick"]},
    )
    return frame(fig, ctx, title=title, subtitle=subtitle, sources=sources)

"""Small comparative charts: labelled bars for a handful of figures, and then-and-now pairs."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard.charts.base import (
    CITY_COLOUR,
    CONNECTION_COLOUR,
    SIZES,
    THEMES,
    ChartContext,
    bound_marker,
    empty_figure,
    frame,
)
from dashboard.formatting import format_value
from dashboard.i18n import t


@dataclass(frozen=True)
class Bar:
    """One labelled figure; `lower_bound` draws it hatched, since the source says only 'over'."""

    label: str
    value: float
    unit: str
    qualifier: str = ""
    status: str = "reported"
    key: str = ""


def labelled_bars(
    bars: list[Bar],
    ctx: ChartContext,
    *,
    title: str,
    subtitle: str,
    sources: list[str],
    colours: list[str] | None = None,
    max_value: float | None = None,
) -> go.Figure:
    """Horizontal bars with their value written on them; no hover needed to read the figure."""
    if not bars:
        return empty_figure(
            ctx,
            title=title,
            subtitle=subtitle,
            message=t("chart.no_data", ctx.lang),
            sources=sources,
        )
    size = SIZES[ctx.medium]
    texts = [format_value(b.value, b.unit, ctx.lang, b.qualifier) for b in bars]
    hatched = [b.qualifier in ("over", "nearly", "about") for b in bars]
    fig = go.Figure(
        go.Bar(
            x=[b.value for b in bars],
            y=[b.label for b in bars],
            orientation="h",
            marker=bound_marker(ctx.theme, colours or [CITY_COLOUR] * len(bars), hatched),
            text=texts,
            textposition="outside",
            cliponaxis=False,
            textfont={"size": size["title"] * 0.8},
            customdata=[b.key for b in bars],
            hovertext=[f"{b.label}: {tx}" for b, tx in zip(bars, texts, strict=True)],
            hoverinfo="text",
        )
    )
    top = max_value or max(b.value for b in bars) * 1.3
    fig.update_xaxes(range=[0, top], showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(autorange="reversed", automargin=True, tickfont={"size": size["body"]})
    fig.update_layout(showlegend=False, bargap=0.35)
    return frame(fig, ctx, title=title, subtitle=subtitle, sources=sources)


@dataclass(frozen=True)
class Change:
    """A then-and-now pair where both ends are sourced."""

    label: str
    before: float
    after: float
    before_period: str
    after_period: str
    unit: str
    before_qualifier: str = ""
    after_qualifier: str = ""


def then_and_now(
    changes: list[Change], ctx: ChartContext, *, title: str, subtitle: str, sources: list[str]
) -> go.Figure:
    """Dumbbells: the earlier value, then the later one, each end labelled with its period."""
    if not changes:
        return empty_figure(
            ctx,
            title=title,
            subtitle=subtitle,
            message=t("chart.no_data", ctx.lang),
            sources=sources,
        )
    fig = go.Figure()
    size = SIZES[ctx.medium]
    muted = THEMES[ctx.theme]["muted"]
    for i, c in enumerate(changes):
        start, end = (c.before, c.after) if c.unit == "percent" else (0.0, 1.0)
        scale = max(c.before, c.after) or 1
        x0, x1 = (
            (c.before / scale, c.after / scale) if c.unit != "percent" else (start / 100, end / 100)
        )
        fig.add_trace(
            go.Scatter(
                x=[x0, x1],
                y=[i, i],
                mode="lines",
                line={"color": CONNECTION_COLOUR, "width": 3},
                hoverinfo="skip",
                showlegend=False,
            )
        )
        ends = (
            (x0, c.before, c.before_period, c.before_qualifier, muted, "middle left"),
            (x1, c.after, c.after_period, c.after_qualifier, CITY_COLOUR, "middle right"),
        )
        for x, value, period, q, colour, position in ends:
            fig.add_trace(
                go.Scatter(
                    x=[x],
                    y=[i],
                    mode="markers+text",
                    marker={"size": 18, "color": colour},
                    text=[f"{format_value(value, c.unit, ctx.lang, q)} ({period[:4] or '—'})"],
                    textposition=position,
                    textfont={"size": size["tick"]},
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
    fig.update_yaxes(
        tickvals=list(range(len(changes))),
        ticktext=[c.label for c in changes],
        range=[len(changes) - 0.4, -0.8],
        showgrid=False,
        automargin=True,
    )
    fig.update_xaxes(visible=False, range=[-0.45, 1.45], zeroline=False)
    return frame(fig, ctx, title=title, subtitle=subtitle, sources=sources)

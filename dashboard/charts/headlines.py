"""A board of headline numbers as a figure, so key figures can go on a slide or a projector."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard.charts.base import CITY_COLOUR, SIZES, THEMES, ChartContext, frame, no_data_figure
from dashboard.i18n import t


@dataclass(frozen=True)
class Headline:
    label: str
    text: str  # the formatted value with qualifier and unit
    period: str


def headline_board(
    items: list[Headline],
    ctx: ChartContext,
    *,
    title: str,
    subtitle: str,
    sources: list[str],
    columns: int = 3,
) -> go.Figure:
    """Big numbers in a grid, each with its label and period written out (nothing on hover)."""
    if not items:
        return no_data_figure(ctx, title=title, subtitle=subtitle, sources=sources)
    fig = go.Figure()
    size, theme = SIZES[ctx.medium], THEMES[ctx.theme]
    rows = (len(items) + columns - 1) // columns
    for i, item in enumerate(items):
        col, row = i % columns, i // columns
        x = (col + 0.5) / columns
        y = 1 - (row + 0.45) / rows
        # The number sits on the cell's midline, its label hangs below it.
        fig.add_annotation(
            x=x,
            y=y,
            xref="paper",
            yref="paper",
            yanchor="bottom",
            xanchor="center",
            text=f"<b>{item.text}</b>",
            showarrow=False,
            font={
                "size": size["title"] * 1.6,
                "color": CITY_COLOUR if ctx.theme == "light" else "#7CC4FA",
            },
            name="headline-value",
        )
        period = item.period or t("prov.period_unstated", ctx.lang)
        fig.add_annotation(
            x=x,
            y=y,
            yshift=-4,
            yanchor="top",
            xanchor="center",
            xref="paper",
            yref="paper",
            text=f"{item.label}<br><span style='font-size:{size['footer']}px'>{period}</span>",
            showarrow=False,
            font={"size": size["body"], "color": theme["text"]},
            name="headline-label",
        )
    fig.update_xaxes(visible=False, range=[0, 1])
    fig.update_yaxes(visible=False, range=[0, 1])
    return frame(fig, ctx, title=title, subtitle=subtitle, sources=sources)

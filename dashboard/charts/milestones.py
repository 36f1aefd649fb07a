"""The ten firsts (十个一): one row per milestone on a year axis, coloured by category; those whose
year no source gives stand in a separate 'year not stated' column rather than at a guessed year."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.base import (
    MILESTONE_COLOURS,
    SELECTED_COLOUR,
    SIZES,
    THEMES,
    ChartContext,
    category_label_px,
    category_texts,
    frame,
    layout_width,
    legend_on_top_margins,
    wrap_category_labels,
    wrap_text,
)
from dashboard.i18n import t

CATEGORY_NAMES = {
    "legal_status": ("法律地位", "Legal status"),
    "standards": ("标准规范", "Standards"),
    "grid": ("网格化", "Grid management"),
    "public_services": ("公共服务", "Public services"),
    "elections": ("换届选举", "Elections"),
    "social_work": ("社会工作", "Social work"),
    "services": ("社区服务", "Community services"),
    "mobilisation": ("响应机制", "Responsive government"),
    "participation": ("群众参与", "Citizen participation"),
}
# Years to the right of the last dated milestone where the undated column stands.
UNDATED_GAP = 4
# On screen the chart is laid out for the width the page reports (ctx.width): below this width
# (a phone) each row's name stands on a line of its own above its marker, so the plot keeps the
# whole width; wider, the names stand beside the rows in a column of at most this share (and
# this many px) of the width.
NARROW_PX = 640
LABEL_SHARE = 0.32
LABEL_MAX_PX = 420
# Each label line is this tall, a row of markers this tall, and rows this far apart (px).
SCREEN_LINE_PX = 19
MARKER_ROW_PX = 24
SCREEN_ROW_GAP_PX = 14
# Margins left and right of the plot in the narrow layout.
NARROW_SIDE_PX = 12
# A year tick's label needs about this many px to its neighbour's.
TICK_SPACING_PX = 52


def category_name(category: str, lang: str) -> str:
    zh, en = CATEGORY_NAMES[category]
    return zh if lang == "zh" else en


def milestone_timeline(
    milestones: pd.DataFrame,
    ctx: ChartContext,
    *,
    title: str,
    subtitle: str,
    sources: list[str],
    selected_rank: int | None = None,
) -> go.Figure:
    """Rows are milestones (rank order), x is the year; customdata carries the rank."""
    ms = milestones.sort_values("rank").copy()
    ms["dated"] = ms["year"].notna()
    years = ms.loc[ms["dated"], "year"].astype(int)
    first = int(years.min()) if len(years) else 2000
    last = int(years.max()) if len(years) else 2019
    undated_x = last + UNDATED_GAP
    ms["x"] = [int(y) if d else undated_x for y, d in zip(ms["year"], ms["dated"], strict=True)]
    ms["label"] = [
        f"{int(r)}. {tt}" for r, tt in zip(ms["rank"], ms[f"title_{ctx.lang}"], strict=True)
    ]
    size, theme = SIZES[ctx.medium], THEMES[ctx.theme]
    fig = go.Figure()
    for category, rows in ms.groupby("category", sort=False):
        colour = MILESTONE_COLOURS[category]
        fig.add_trace(
            go.Scatter(
                x=rows["x"],
                y=rows["label"],
                mode="markers",
                name=category_name(category, ctx.lang),
                marker={
                    "size": 22,
                    "symbol": ["diamond" if d else "diamond-open" for d in rows["dated"]],
                    "color": colour,
                    "line": {
                        "width": [4 if r == selected_rank else 2 for r in rows["rank"]],
                        "color": [
                            SELECTED_COLOUR if r == selected_rank else colour for r in rows["rank"]
                        ],
                    },
                },
                customdata=rows["rank"].astype(int),
                hovertext=rows[f"summary_{ctx.lang}"],
                hoverinfo="text",
            )
        )
    fig.add_vline(x=undated_x - UNDATED_GAP / 2, line={"color": theme["grid"], "dash": "dot"})
    # The column is named in the row of year ticks, where no year stands; above the plot it
    # shared its place with the legend.
    fig.add_annotation(
        x=undated_x,
        y=0,
        yref="paper",
        yanchor="top",
        yshift=-4,
        showarrow=False,
        text=t("chart.undated_column", ctx.lang),
        font={"size": size["tick"], "color": theme["muted"]},
        name="undated-column",
    )
    ticks = _year_ticks(first, last, 2 if last - first > 6 else 1)
    fig.update_xaxes(range=[first - 1.5, undated_x + 1.5], tickvals=ticks, tickformat="d")
    fig.update_yaxes(
        autorange="reversed", showgrid=True, automargin=True, tickfont={"size": size["body"]}
    )
    fig.update_layout(clickmode="event+select")
    frame(fig, ctx, title=title, subtitle=subtitle, sources=sources)
    if ctx.medium == "screen":
        fit_screen(fig, ctx, list(ms["label"]), (first, last))
    return fig


def _year_ticks(first: int, last: int, step: int) -> list[int]:
    """Every `step` years from a round year (every year of a short span)."""
    return list(range(first - first % step, last + 1, step))


def fit_screen(fig: go.Figure, ctx: ChartContext, labels: list[str], years: tuple[int, int]):
    """Lay the chart out for the width the page reports: on a phone each row's name above its
    markers, wider the names beside the rows; a legend of as many columns as fit, year ticks as
    dense as their labels allow, the source line wrapped to the plot, and a height that gives
    every row its room."""
    size, width = SIZES[ctx.medium], layout_width(ctx)
    narrow = width < NARROW_PX
    x_range = list(fig.layout.xaxis.range)
    if narrow:
        margin_l = margin_r = NARROW_SIDE_PX
        label_lines = [wrap_text(x, size["body"], width - 2 * NARROW_SIDE_PX - 24) for x in labels]
        row_px = max(len(x) for x in label_lines) * SCREEN_LINE_PX + MARKER_ROW_PX + 10
        _labels_above_rows(fig, ctx, labels, label_lines, row_px)
    else:
        wrap_category_labels(fig, size, min(LABEL_SHARE * width, LABEL_MAX_PX))
        margin_l = int(category_label_px(fig, size)) + 24
        margin_r = 30
        lines = max(x.count("<br>") + 1 for x in category_texts(fig))
        row_px = lines * SCREEN_LINE_PX + SCREEN_ROW_GAP_PX
    plot_width = width - margin_l - margin_r
    per_year = plot_width / (x_range[1] - x_range[0])
    step = next((s for s in (1, 2, 5, 10) if s * per_year >= TICK_SPACING_PX), 10)
    fig.update_xaxes(tickvals=_year_ticks(*years, step))
    # The undated column's name, centred under it, wraps to the room before the chart's edge.
    column = next(a for a in fig.layout.annotations if a.name == "undated-column")
    room = 2 * ((x_range[1] - column.x) * per_year + margin_r - 4)
    column.text = "<br>".join(wrap_text(column.text.replace("<br>", " "), size["tick"], room))
    top, bottom = legend_on_top_margins(fig, size, plot_width)
    plot = len(labels) * row_px
    fig.update_layout(
        margin={"t": top, "b": bottom, "l": margin_l, "r": margin_r},
        height=top + bottom + plot,
    )


def _labels_above_rows(
    fig: go.Figure, ctx: ChartContext, labels: list[str], lines: list[list[str]], row_px: int
) -> None:
    """The narrow layout: rows at even steps of `row_px`, each name written above its markers
    across the plot's whole width (the rank stays in each name)."""
    size, theme = SIZES[ctx.medium], THEMES[ctx.theme]
    marker_y = row_px - MARKER_ROW_PX / 2 - 4
    position = {label: i * row_px + marker_y for i, label in enumerate(labels)}
    for trace in fig.data:
        trace.y = [position[y] for y in trace.y]
        trace.marker.size = 18
    for label, text in zip(labels, lines, strict=True):
        fig.add_annotation(
            x=0,
            xref="paper",
            xanchor="left",
            y=position[label],
            yshift=MARKER_ROW_PX / 2 + 1,
            yanchor="bottom",
            text="<br>".join(text),
            align="left",
            showarrow=False,
            font={"size": size["body"], "color": theme["text"]},
            name="row-label",
        )
    fig.update_yaxes(
        autorange=False,
        range=[len(labels) * row_px, 0],
        showticklabels=False,
        tickvals=list(position.values()),
        tickmode="array",
        automargin=False,
    )

"""The ten firsts (十个一): one row per milestone on a year axis, coloured by category; those whose
year no source gives stand in a separate 'year not stated' column rather than at a guessed year."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.base import (
    MILESTONE_COLOURS,
    SELECTED_COLOUR,
    SIDE_MARGINS_PX,
    SIZES,
    THEMES,
    ChartContext,
    bottom_margin,
    category_label_px,
    category_texts,
    frame,
    legend_rows,
    top_margin,
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
# On screen the chart is as wide as the page, which the figure cannot know. Its rows and legend are
# laid out for the narrowest wide screen it is shown on, a projector's 1280 px less the sidebar, so
# they fit wider ones too: labels wrap, and each label line gets its height.
SCREEN_WIDTH_PX = 820
SCREEN_LABEL_PX = 260
SCREEN_LINE_PX = 19
SCREEN_ROW_GAP_PX = 14


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
    fig.add_annotation(
        x=undated_x,
        y=1.0,
        yref="paper",
        yanchor="bottom",
        showarrow=False,
        text=t("chart.undated_column", ctx.lang),
        font={"size": size["tick"], "color": theme["muted"]},
        name="undated-column",
    )
    ticks = (
        list(range(first - first % 2, last + 1, 2))
        if last - first > 6
        else list(range(first, last + 1))
    )
    fig.update_xaxes(range=[first - 1.5, undated_x + 1.5], tickvals=ticks, tickformat="d")
    fig.update_yaxes(
        autorange="reversed", showgrid=True, automargin=True, tickfont={"size": size["body"]}
    )
    fig.update_layout(clickmode="event+select")
    frame(fig, ctx, title=title, subtitle=subtitle, sources=sources)
    if ctx.medium == "screen":
        fit_screen(fig, size)
    return fig


def fit_screen(fig: go.Figure, size: dict) -> None:
    """Wrapped row labels and source line, room above the plot for every row the legend wraps
    into, and a height that gives every label line its room."""
    wrap_category_labels(fig, size, SCREEN_LABEL_PX)
    plot_width = SCREEN_WIDTH_PX - SIDE_MARGINS_PX - category_label_px(fig, size)
    top = top_margin(size, legend_rows=legend_rows(fig, size, plot_width))
    footer = next(a for a in fig.layout.annotations if a.name == "footer")
    footer_lines = wrap_text(footer.text, size["footer"], plot_width)
    footer.text = "<br>".join(footer_lines)
    bottom = bottom_margin(size, len(footer_lines))
    labels = category_texts(fig)
    lines = sum(label.count("<br>") + 1 for label in labels)
    plot = lines * SCREEN_LINE_PX + len(labels) * SCREEN_ROW_GAP_PX
    fig.update_layout(margin={"t": top, "b": bottom}, height=top + bottom + plot)

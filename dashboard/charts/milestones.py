"""The ten firsts (十个一) on a year axis, one lane per category, undated ones named beneath."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.base import MILESTONE_COLOURS, SELECTED_COLOUR, SIZES, ChartContext, frame
from dashboard.i18n import t

CATEGORY_NAMES = {
    "legal_status": ("法律地位", "Legal status"), "standards": ("标准规范", "Standards"),
    "grid": ("网格化", "Grid management"), "public_services": ("公共服务", "Public services"),
    "elections": ("换届选举", "Elections"), "social_work": ("社会工作", "Social work"),
    "services": ("社区服务", "Community services"), "mobilisation": ("响应机制", "Responsive government"),
    "participation": ("群众参与", "Citizen participation"),
}  # fmt: skip


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
    """Dated milestones as labelled markers; customdata carries the rank for selection."""
    dated = milestones[milestones["year"].notna()].copy()
    undated = milestones[milestones["year"].isna()]
    fig = go.Figure()
    size = SIZES[ctx.medium]
    lanes = {c: i for i, c in enumerate(dict.fromkeys(milestones.sort_values("rank")["category"]))}
    for category, rows in dated.groupby("category", sort=False):
        fig.add_trace(go.Scatter(
            x=rows["year"].astype(int), y=[lanes[category]] * len(rows), mode="markers+text",
            marker={"size": 22, "color": MILESTONE_COLOURS[category], "symbol": "diamond",
                    "line": {"width": [4 if r == selected_rank else 1 for r in rows["rank"]],
                             "color": [SELECTED_COLOUR if r == selected_rank else "white" for r in rows["rank"]]}},
            text=[f"{int(r)}. {tt}" for r, tt in zip(rows["rank"], rows[f"title_{ctx.lang}"], strict=True)],
            textposition="middle right", textfont={"size": size["tick"]},
            customdata=rows["rank"].astype(int), name=category_name(category, ctx.lang),
            hovertext=rows[f"summary_{ctx.lang}"], hoverinfo="text",
        ))  # fmt: skip
    years = dated["year"].astype(int) if len(dated) else pd.Series([2008, 2019])
    fig.update_xaxes(range=[min(years.min(), 2000) - 1, years.max() + 6], dtick=2, tickformat="d",
                     title_text=t("chart.year", ctx.lang))  # fmt: skip
    fig.update_yaxes(tickvals=list(lanes.values()), ticktext=[category_name(c, ctx.lang) for c in lanes],
                     range=[-0.7, len(lanes) - 0.3], autorange="reversed", showgrid=False)  # fmt: skip
    fig.update_layout(showlegend=False, clickmode="event+select")
    if len(undated):
        items = "; ".join(f"{int(r)}. {tt}" for r, tt in zip(undated["rank"], undated[f"title_{ctx.lang}"], strict=True))
        subtitle = f"{subtitle}<br>{t('chart.undated', ctx.lang, items=items)}"
    return frame(fig, ctx, title=title, subtitle=subtitle, sources=sources)

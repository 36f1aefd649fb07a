"""The frame every figure carries: title, subtitle, source footer, sample watermark, fonts, colours.

An exported PNG must stand alone in a report, so provenance lives inside the figure's layout rather
than in the page around it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import plotly.graph_objects as go

from dashboard.i18n import t

# The same family list on screen and in exports; Noto Sans CJK ships with the server
# (fonts-noto-cjk), Microsoft YaHei / PingFang cover officials' Windows and Mac desktops.
FONT_FAMILY = '"Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
CITY_COLOUR = "#0072B2"
SELECTED_COLOUR = "#D55E00"
DISTRICT_COLOUR = "#7FA7CC"
CONNECTION_COLOUR = "#6B7280"
SAMPLE_COLOUR = "#8A8A8A"
MILESTONE_COLOURS = {
    "legal_status": "#0072B2", "standards": "#E69F00", "grid": "#009E73",
    "public_services": "#56B4E9", "elections": "#D55E00", "social_work": "#CC79A7",
    "services": "#B8860B", "mobilisation": "#000000", "participation": "#8C564B",
}  # fmt: skip

THEMES = {
    "light": {
        "paper": "#FFFFFF",
        "plot": "#FFFFFF",
        "text": "#1F2937",
        "muted": "#4B5563",
        "grid": "#E5E7EB",
    },
    "dark": {
        "paper": "#0B1220",
        "plot": "#0B1220",
        "text": "#F3F4F6",
        "muted": "#CBD5E1",
        "grid": "#334155",
    },
}
# Type sizes per medium, in px at the figure's own size. Presentation sizes are designed for a
# 1280x720 projector read from the back of a room (title >= 36, axis text >= 20).
SIZES = {
    "screen": {"title": 20, "subtitle": 14, "body": 14, "footer": 11, "tick": 13, "watermark": 44},
    "present": {"title": 38, "subtitle": 24, "body": 22, "footer": 16, "tick": 22, "watermark": 64},
    "export": {"title": 34, "subtitle": 22, "body": 20, "footer": 17, "tick": 20, "watermark": 90},
}


@dataclass(frozen=True)
class ChartContext:
    """Who the figure is for: language, snapshot, place, and where it will be shown."""

    lang: str = "zh"
    snapshot_id: str = ""
    as_of: str = ""
    is_sample: bool = False
    place: str = ""
    theme: str = "light"
    medium: str = "screen"

    def for_medium(self, medium: str, theme: str | None = None) -> ChartContext:
        return replace(self, medium=medium, theme=theme or self.theme)


def top_margin(size: dict) -> int:
    """Room for a title, a subtitle of up to two lines and a one-row legend."""
    return int(2.2 * size["title"] + 2.6 * size["subtitle"] + 1.8 * size["body"] + 20)


def footer_offset(size: dict) -> int:
    """How far below the plot the source line starts: clear of tick labels and an axis title."""
    return int(3.4 * size["tick"] + 16)


def footer_text(ctx: ChartContext, sources: list[str]) -> str:
    unique = list(dict.fromkeys(s for s in sources if s))
    return t(
        "footer.line",
        ctx.lang,
        sources="; ".join(unique) or "–",
        snapshot=ctx.snapshot_id,
        as_of=ctx.as_of,
        place=ctx.place,
    )


def frame(
    fig: go.Figure,
    ctx: ChartContext,
    *,
    title: str,
    subtitle: str,
    sources: list[str],
    height: int | None = None,
) -> go.Figure:
    """Apply title, subtitle, footer, watermark, fonts and solid colours to a figure."""
    theme, size = THEMES[ctx.theme], SIZES[ctx.medium]
    footer = footer_text(ctx, sources)
    if ctx.is_sample:
        footer = f"{t('sample.watermark', ctx.lang)} · {footer}"
    fig.update_layout(
        title={
            "text": f"<b>{title}</b>",
            "subtitle": {
                "text": subtitle,
                "font": {"size": size["subtitle"], "color": theme["muted"]},
            },
            "x": 0.01,
            "xanchor": "left",
            "font": {"size": size["title"], "color": theme["text"]},
        },
        font={"family": FONT_FAMILY, "size": size["body"], "color": theme["text"]},
        paper_bgcolor=theme["paper"],
        plot_bgcolor=theme["plot"],
        margin={
            "l": 60,
            "r": 30,
            "t": top_margin(size),
            "b": footer_offset(size) + 3 * size["footer"],
        },
        colorway=list(OKABE_ITO),
        separators=".,",
        hoverlabel={"font": {"family": FONT_FAMILY}},
        # Legends sit between the subtitle and the plot, leaving the bottom to the source line.
        legend={
            "font": {"size": size["body"]},
            "bgcolor": "rgba(0,0,0,0)",
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.0,
            "x": 0,
            "xanchor": "left",
        },
    )
    fig.update_xaxes(
        gridcolor=theme["grid"], tickfont={"size": size["tick"]}, title_font={"size": size["body"]}
    )
    fig.update_yaxes(
        gridcolor=theme["grid"], tickfont={"size": size["tick"]}, title_font={"size": size["body"]}
    )
    if height:
        fig.update_layout(height=height)
    fig.add_annotation(
        text=footer, xref="paper", yref="paper", x=0, y=0, yshift=-footer_offset(size),
        xanchor="left", yanchor="top", showarrow=False, align="left",
        font={"size": size["footer"], "color": theme["muted"]}, name="footer",
    )  # fmt: skip
    if ctx.is_sample:
        add_watermark(fig, ctx)
    return fig


def add_watermark(fig: go.Figure, ctx: ChartContext) -> None:
    fig.add_annotation(
        text=t("sample.watermark", ctx.lang), xref="paper", yref="paper", x=0.5, y=0.5,
        showarrow=False, textangle=-20, opacity=0.22, name="sample-watermark",
        font={"size": SIZES[ctx.medium]["watermark"], "color": "#B91C1C"},
    )  # fmt: skip


def empty_figure(
    ctx: ChartContext, *, title: str, subtitle: str, message: str, sources: list[str]
) -> go.Figure:
    """A framed figure that says plainly there is nothing to draw."""
    fig = go.Figure()
    fig.add_annotation(
        text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
        font={"size": SIZES[ctx.medium]["title"], "color": THEMES[ctx.theme]["muted"]}, name="no-data",
    )  # fmt: skip
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return frame(fig, ctx, title=title, subtitle=subtitle, sources=sources)

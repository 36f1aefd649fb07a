"""The forty-year story on one time axis: the eras the speaker describes as bands, the turning
points he names and the dated ten firsts as rows, and every dated published figure in a row of its
own, from the start of reform and opening to the snapshot's date. Each point carries its quote and
source in its hover text; the table behind the chart carries them too."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import plotly.graph_objects as go

from dashboard.charts.base import (
    CITY_COLOUR,
    CONNECTION_COLOUR,
    SIDE_MARGINS_PX,
    SIZES,
    THEMES,
    ChartContext,
    bottom_margin,
    category_label_px,
    category_texts,
    empty_figure,
    frame,
    legend_rows,
    top_margin,
    wrap_text,
)
from dashboard.i18n import t

# Era bands alternate between two light tints so neighbouring eras stay apart without a legend.
ERA_TINTS = {"light": ("#EEF4FA", "#FBF3E4"), "dark": ("#13243A", "#2A2414")}
FIRST_COLOUR = "#E69F00"
FIGURE_COLOUR = CONNECTION_COLOUR
# Row labels may take this share of the figure's width before they wrap (screen: of 820 px, the
# narrowest wide page the chart is shown on). An export is 1080 px tall for fifteen rows, so its
# labels get more width and keep to one line.
LABEL_SHARE = {"screen": 0.3, "present": 0.3, "export": 0.38}
SCREEN_WIDTH_PX = 820
# On screen a row is this tall per label line, plus a gap: the chart's height follows its rows.
SCREEN_LINE_PX = 19
SCREEN_ROW_GAP_PX = 12


@dataclass(frozen=True)
class StoryPoint:
    """One row of the story: a turning point or a dated first, with the words behind it."""

    label: str
    year: int
    end_year: int | None
    kind: str  # "turning_point" | "first"
    hover: str


@dataclass(frozen=True)
class Era:
    title: str
    start: int
    end: int
    hover: str


@dataclass(frozen=True)
class FigureYear:
    """The dated published figures of one year: how many, and what they are."""

    year: int
    count: int
    hover: str


def story_timeline(
    eras: list[Era],
    points: list[StoryPoint],
    figures: list[FigureYear],
    ctx: ChartContext,
    *,
    span: tuple[int, int],
    title: str,
    subtitle: str,
    sources: list[str],
    figures_label: str,
    eras_label: str,
) -> go.Figure:
    """Rows in time order, top to bottom; x is the year from `span[0]` to `span[1]`."""
    if not points and not eras:
        return empty_figure(
            ctx,
            title=title,
            subtitle=subtitle,
            message=t("chart.no_data", ctx.lang),
            sources=sources,
        )
    size, theme = SIZES[ctx.medium], THEMES[ctx.theme]
    fig = go.Figure()
    start, end = span
    for i, era in enumerate(eras):
        fig.add_vrect(
            x0=era.start,
            x1=min(era.end, end + 0.5),
            fillcolor=ERA_TINTS[ctx.theme][i % 2],
            line_width=0,
            layer="below",
        )
    # On a projector the eras' names are a little smaller than the axis text, so that each fits
    # its band on one line.
    era_px = size["tick"] * (0.8 if ctx.medium == "present" else 1.0)
    if eras:
        # The eras' names sit in a row of their own at the top, each in the middle of its band.
        fig.add_trace(
            go.Scatter(
                x=[(e.start + min(e.end, end)) / 2 for e in eras],
                y=[eras_label] * len(eras),
                mode="text",
                text=[
                    "<br>".join(wrap_text(e.title, era_px, _era_width_px(e, span, ctx)))
                    for e in eras
                ],
                textfont={"size": era_px, "color": theme["text"]},
                # A name on two lines reaches above the plot's top edge: drawn, not cut.
                cliponaxis=False,
                hovertext=[e.hover for e in eras],
                hoverinfo="text",
                showlegend=False,
                name="eras",
            )
        )
    if ctx.medium == "present":
        # A projector has room for four rows, not fifteen: the turning points and the firsts
        # each share a lane there, and the presenter's notes carry every title and quote.
        lanes = {
            "turning_point": t("story.turning_points", ctx.lang),
            "first": t("story.firsts", ctx.lang),
        }
        points = [replace(p, label=lanes[p.kind]) for p in points]
        fig.update_layout(showlegend=False)
    turning = [p for p in points if p.kind == "turning_point"]
    firsts = [p for p in points if p.kind == "first"]
    for p in turning:
        if p.end_year:
            fig.add_trace(
                go.Scatter(
                    x=[p.year, p.end_year],
                    y=[p.label, p.label],
                    mode="lines",
                    line={"color": CITY_COLOUR, "width": 6},
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
    for group, name, symbol, colour in (
        (turning, t("story.turning_points", ctx.lang), "circle", CITY_COLOUR),
        (firsts, t("story.firsts", ctx.lang), "diamond", FIRST_COLOUR),
    ):
        if not group:
            continue
        fig.add_trace(
            go.Scatter(
                x=[p.year for p in group],
                y=[p.label for p in group],
                # On a projector the rows are lanes, so each point is labelled with its year.
                mode="markers+text" if ctx.medium == "present" else "markers",
                text=_year_labels(group) if ctx.medium == "present" else None,
                textposition=_label_positions(group),
                textfont={"size": size["tick"], "color": colour},
                cliponaxis=False,  # the first year's label sits on the plot's left edge
                marker={"size": 16, "symbol": symbol, "color": colour, "line": {"width": 0}},
                hovertext=[p.hover for p in group],
                hoverinfo="text",
                name=name,
            )
        )
    if figures:
        fig.add_trace(
            go.Scatter(
                x=[f.year for f in figures],
                y=[figures_label] * len(figures),
                mode="markers+text",
                marker={"size": 22, "symbol": "square", "color": FIGURE_COLOUR},
                text=[str(f.count) for f in figures],
                textfont={"size": size["footer"], "color": "white"},
                hovertext=[f.hover for f in figures],
                hoverinfo="text",
                name=t("story.figures_legend", ctx.lang),
            )
        )
    # Rows keep the order they were given (time order), the figures' row last.
    order = ([eras_label] if eras else []) + list(
        dict.fromkeys([p.label for p in sorted(points, key=_row_key)])
    )
    if figures:
        order.append(figures_label)
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=order,
        autorange="reversed",
        showgrid=True,
        automargin=True,
        tickfont={"size": size["tick"]},
    )
    step = 5 if end - start <= 45 else 10
    fig.update_xaxes(
        range=[start - 1, end + 1],
        tickvals=_year_ticks(start, end, step),
        tickformat="d",
        showgrid=False,
    )
    fig.update_layout(hovermode="closest", hoverlabel={"align": "left"})
    frame(fig, ctx, title=title, subtitle=subtitle, sources=sources)
    _fit_rows(fig, ctx, order)
    return fig


def _year_labels(points: list[StoryPoint]) -> list[str]:
    """Each year written once in a lane, however many points share it."""
    seen: set[int] = set()
    labels = []
    for p in points:
        labels.append("" if p.year in seen else str(p.year))
        seen.add(p.year)
    return labels


# Labels of points closer than this many years alternate above and below their lane.
CLOSE_YEARS = 3


def _label_positions(points: list[StoryPoint]) -> list[str]:
    positions, previous, above = [], None, True
    for p in points:
        if previous is not None and p.year != previous and p.year - previous < CLOSE_YEARS:
            above = not above
        elif previous is None or p.year != previous:
            above = True
        positions.append("top center" if above else "bottom center")
        previous = p.year
    return positions


def _year_ticks(start: int, end: int, step: int) -> list[int]:
    """Round years every `step`, and the first and last year, none crowding its neighbour."""
    inner = range(start - start % step + step, end, step)
    return [start, *(y for y in inner if y - start > 2 and end - y > 2), end]


def _row_key(p: StoryPoint) -> tuple:
    return (p.year, p.kind != "turning_point", p.end_year or p.year)


def _era_width_px(era: Era, span: tuple[int, int], ctx: ChartContext) -> float:
    width = {"screen": SCREEN_WIDTH_PX, "present": 1280, "export": 1920}[ctx.medium]
    plot = width * 0.78 - 60
    years = max(span[1] - span[0] + 2, 1)
    return max(plot * (min(era.end, span[1]) - era.start) / years - 6, 90)


def _fit_rows(fig: go.Figure, ctx: ChartContext, order: list[str]) -> None:
    """Row labels wrap within their share of the width; on screen, where the figure cannot know
    the page's width, the subtitle, legend and source line are laid out for the narrowest wide
    page, and the figure is as tall as its rows need."""
    size = SIZES[ctx.medium]
    width = {"screen": SCREEN_WIDTH_PX, "present": 1280, "export": 1920}[ctx.medium]
    # Wrapped from the rows' own names at this chart's share (the frame wraps them narrower).
    label_px = LABEL_SHARE[ctx.medium] * width
    fig.update_yaxes(
        tickmode="array",
        tickvals=order,
        ticktext=["<br>".join(wrap_text(r, size["tick"], label_px)) for r in order],
    )
    rows = len(order)
    plot_width = width - SIDE_MARGINS_PX - category_label_px(fig, size)
    # The source line starts at the plot's left edge, right of the row names: it wraps there.
    footer = next(a for a in fig.layout.annotations if a.name == "footer")
    footer_lines = wrap_text(footer.text.replace("<br>", " "), size["footer"], plot_width)
    footer.text = "<br>".join(footer_lines)
    bottom = bottom_margin(size, len(footer_lines))
    if ctx.medium != "screen":
        fig.update_layout(margin={"b": bottom})
        return
    subtitle = wrap_text(fig.layout.title.subtitle.text, size["subtitle"], width - 40)
    title_text = re.sub(r"</?b>", "", fig.layout.title.text.replace("<br>", " "))
    title = wrap_text(title_text, size["title"], width - 40, bold=True)
    fig.update_layout(
        title_text="<br>".join(f"<b>{line}</b>" for line in title),
        title_subtitle_text="<br>".join(subtitle),
    )
    top = top_margin(size, len(title), len(subtitle), legend_rows(fig, size, plot_width))
    lines = sum(label.count("<br>") + 1 for label in category_texts(fig))
    plot = lines * SCREEN_LINE_PX + rows * SCREEN_ROW_GAP_PX
    fig.update_layout(margin={"t": top, "b": bottom}, height=top + bottom + plot)

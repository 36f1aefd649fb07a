"""The forty-year story on one time axis: the eras the speaker describes as bands, the turning
points he names and the dated ten firsts as rows, and every dated published figure in a row of its
own, from the start of reform and opening to the snapshot's date. Each point carries its quote and
source in its hover text; the table behind the chart carries them too."""

from __future__ import annotations

from dataclasses import dataclass, replace

import plotly.graph_objects as go

from dashboard.charts.base import (
    CITY_COLOUR,
    CONNECTION_COLOUR,
    LINE_HEIGHT,
    SIDE_MARGINS_PX,
    SIZES,
    THEMES,
    ChartContext,
    bottom_margin,
    category_label_px,
    empty_figure,
    frame,
    layout_width,
    legend_on_top_margins,
    wrap_text,
)
from dashboard.i18n import t

# Era bands alternate between two light tints so neighbouring eras stay apart without a legend.
ERA_TINTS = {"light": ("#EEF4FA", "#FBF3E4"), "dark": ("#13243A", "#2A2414")}
FIRST_COLOUR = "#E69F00"
FIGURE_COLOUR = CONNECTION_COLOUR
# Row labels may take this share of the figure's width before they wrap (on screen, of the width
# the page reports, at most LABEL_MAX_PX). An export is 1080 px tall for fifteen rows, so its
# labels get more width and keep to one line.
LABEL_SHARE = {"screen": 0.3, "present": 0.3, "export": 0.38}
LABEL_MAX_PX = 400
# On screen the rows are laid out in pixels: a label line is this tall, a row of markers this
# tall, and rows this far apart; the chart's height follows its rows. Below NARROW_PX (a phone)
# each row's name stands above its markers and the plot takes the whole width.
SCREEN_LINE_PX = 17
MARKER_ROW_PX = 24
SCREEN_ROW_GAP_PX = 10
NARROW_PX = 640
NARROW_SIDE_PX = 12
# A year tick's label needs this many px to the next; a count's square this many to the next in
# its lane (more lanes when the years are closer).
TICK_SPACING_PX = 56
FIGURE_SPACING_PX = 26


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
                # On a phone an unseen marker keeps the names above and below it apart.
                mode="markers+text" if _narrow(ctx) else "text",
                marker={"size": 8, "opacity": 0},
                text=[
                    "<br>".join(wrap_text(e.title, era_px, _era_width_px(e, span, ctx)))
                    for e in eras
                ],
                textfont={"size": era_px, "color": theme["text"]},
                # A name on two lines reaches above the plot's top edge: drawn, not cut.
                cliponaxis=False,
                # On a phone the bands are narrow: names alternate above and below the middle.
                textposition=(
                    ["top center" if i % 2 == 0 else "bottom center" for i in range(len(eras))]
                    if _narrow(ctx)
                    else "middle center"
                ),
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
                marker={"size": 16, "symbol": symbol, "color": colour, "line": {"width": 0}},
                # A point in the first or last year stands whole at the plot's edge.
                cliponaxis=False,
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


def _year_ticks(start: int, end: int, step: int, gap: int = 3) -> list[int]:
    """Round years every `step`, and the first and last year, none within `gap` years of the
    first or last."""
    inner = range(start - start % step + step, end, step)
    return [start, *(y for y in inner if y - start >= gap and end - y >= gap), end]


def _row_key(p: StoryPoint) -> tuple:
    return (p.year, p.kind != "turning_point", p.end_year or p.year)


def _era_width_px(era: Era, span: tuple[int, int], ctx: ChartContext) -> float:
    """How wide an era's name may be: its band; on a phone, where names alternate above and
    below the row's middle, most of its neighbours' too, short of the chart's edges."""
    width = layout_width(ctx)
    years = max(span[1] - span[0] + 2, 1)
    if ctx.medium != "screen":
        plot = width * 0.78 - 60
        return max(plot * (min(era.end, span[1]) - era.start) / years - 6, 90)
    per_year = _screen_plot_px(width) / years
    band = (min(era.end, span[1]) - era.start) * per_year - 6
    if width >= NARROW_PX:
        return band
    centre = ((era.start + min(era.end, span[1])) / 2 - span[0] + 1) * per_year
    edge = min(centre, _screen_plot_px(width) - centre) + NARROW_SIDE_PX - 2
    return min(1.8 * band, 2 * edge)


def _fit_rows(fig: go.Figure, ctx: ChartContext, order: list[str]) -> None:
    """Row labels wrap within their share of the width and the source line to the plot's; on
    screen the whole chart is laid out for the width the page reports."""
    size = SIZES[ctx.medium]
    if ctx.medium == "screen":
        _fit_screen(fig, ctx, order)
        return
    width = layout_width(ctx)
    # Wrapped from the rows' own names at this chart's share (the frame wraps them narrower).
    label_px = LABEL_SHARE[ctx.medium] * width
    fig.update_yaxes(
        tickmode="array",
        tickvals=order,
        ticktext=["<br>".join(wrap_text(r, size["tick"], label_px)) for r in order],
    )
    plot_width = width - SIDE_MARGINS_PX - category_label_px(fig, size)
    # The source line starts at the plot's left edge, right of the row names: it wraps there.
    footer = next(a for a in fig.layout.annotations if a.name == "footer")
    footer_lines = wrap_text(footer.text.replace("<br>", " "), size["footer"], plot_width)
    footer.text = "<br>".join(footer_lines)
    bottom = bottom_margin(size, len(footer_lines))
    fig.update_layout(margin={"b": bottom})


def _narrow(ctx: ChartContext) -> bool:
    return ctx.medium == "screen" and layout_width(ctx) < NARROW_PX


def _screen_label_px(width: int) -> float:
    return min(LABEL_SHARE["screen"] * width, LABEL_MAX_PX)


def _screen_plot_px(width: int) -> float:
    """The plot's width on screen: the whole width on a phone, else right of the row names."""
    if width < NARROW_PX:
        return width - 2 * NARROW_SIDE_PX
    return width - _screen_label_px(width) - 20 - 24


@dataclass(frozen=True)
class _Rows:
    """Rows laid out in pixels from the plot's top: each row's middle, the name's top edge
    offset from it, and the plot's height."""

    centres: dict
    name_shift: dict
    height: float


def _fit_screen(fig: go.Figure, ctx: ChartContext, order: list[str]) -> None:
    """Lay the story out for the width the page reports, in pixels: rows as tall as their
    names (beside the plot, or above each row on a phone), year ticks and the figures' counts
    as dense as they stay readable (counts of close years in lanes one under another), a legend
    of as many columns as fit, and a height that gives every row its room."""
    size, width = SIZES[ctx.medium], layout_width(ctx)
    narrow, tick = width < NARROW_PX, size["tick"]
    start, end = fig.layout.xaxis.range
    plot_w = _screen_plot_px(width)
    per_year = plot_w / (end - start)
    label_w = plot_w - 8 if narrow else _screen_label_px(width)
    names = {row: wrap_text(row, tick, label_w) for row in order}
    squares = [tr for tr in fig.data if tr.type == "scatter" and tr.marker.symbol == "square"]
    figures_row = order[-1] if squares else None
    lanes = _figure_lanes([int(x) for tr in squares for x in tr.x], per_year)
    rows = _row_layout(fig, order, names, figures_row, len(lanes), narrow, tick)
    for trace in fig.data:
        if trace.y is None:
            continue
        if any(trace is square for square in squares):
            trace.y = [rows.centres[figures_row] + _lane_of(x, lanes) * FIGURE_SPACING_PX
                       for x in trace.x]  # fmt: skip
        else:
            trace.y = [rows.centres[v] for v in trace.y]
    fig.update_yaxes(
        autorange=False,
        range=[rows.height, 0],
        tickmode="array",
        tickvals=[rows.centres[row] for row in order],
        ticktext=["<br>".join(names[row]) for row in order],
        showticklabels=not narrow,
        automargin=False,
    )
    if narrow:
        for row in order:
            fig.add_annotation(
                x=0,
                xref="paper",
                xanchor="left",
                y=rows.centres[row],
                yshift=rows.name_shift[row],
                yanchor="bottom",
                align="left",
                text="<br>".join(names[row]),
                showarrow=False,
                font={"size": tick, "color": THEMES[ctx.theme]["text"]},
                name="row-label",
            )
    step = next((s for s in (5, 10, 20) if s * per_year >= TICK_SPACING_PX), 20)
    gap = int(-(-TICK_SPACING_PX // per_year))
    fig.update_xaxes(tickvals=_year_ticks(int(start) + 1, int(end) - 1, step, gap))
    top, bottom = legend_on_top_margins(fig, size, plot_w)
    side = NARROW_SIDE_PX if narrow else 24
    fig.update_layout(
        margin={"t": top, "b": bottom, "l": int(width - plot_w - side), "r": side},
        height=int(top + bottom + rows.height),
    )


def _row_layout(
    fig: go.Figure,
    order: list[str],
    names: dict,
    figures_row: str | None,
    lanes: int,
    narrow: bool,
    tick: float,
) -> _Rows:
    """Each row as tall as its content (markers, the eras' names, the figures' lanes) or its
    name beside it; on a phone its name stands above it."""
    eras = next((tr for tr in fig.data if tr.name == "eras"), None)
    centres, shifts, y = {}, {}, 0.0
    for row in order:
        name_px = len(names[row]) * SCREEN_LINE_PX
        if eras is not None and row == eras.y[0]:
            lines = max(x.count("<br>") + 1 for x in eras.text) * (2 if narrow else 1)
            content = lines * tick * LINE_HEIGHT + 8
        elif row == figures_row:
            content = lanes * FIGURE_SPACING_PX
        else:
            content = MARKER_ROW_PX
        above = name_px + 2 if narrow else 0
        body = content if narrow else max(content, name_px)
        top = y + above + SCREEN_ROW_GAP_PX / 2
        # The figures' first lane is the row's line; the others stand under it.
        centres[row] = top + (FIGURE_SPACING_PX if row == figures_row else body) / 2
        shifts[row] = centres[row] - top + 2
        y += above + body + SCREEN_ROW_GAP_PX
    return _Rows(centres, shifts, y)


def _figure_lanes(years: list[int], per_year: float) -> list[list[int]]:
    """The figures' years in lanes: a year joins the first lane whose last year is far enough
    away for both squares and their counts to stand apart."""
    apart = max(1, int(-(-FIGURE_SPACING_PX // per_year)))
    lanes: list[list[int]] = []
    for year in sorted(years):
        lane = next((x for x in lanes if year - x[-1] >= apart), None)
        if lane is None:
            lanes.append([year])
        else:
            lane.append(year)
    return lanes or [[]]


def _lane_of(year: float, lanes: list[list[int]]) -> int:
    return next(i for i, lane in enumerate(lanes) if int(year) in lane)

"""Small comparative charts: labelled bars for a handful of figures, and then-and-now pairs."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.charts.base import (
    BAR_ROW_PX,
    CITY_COLOUR,
    CONNECTION_COLOUR,
    LINE_HEIGHT,
    MIN_PLOT_PX,
    NOMINAL_WIDTH,
    PANEL_GAP_PX,
    SIDE_MARGINS_PX,
    SIZES,
    THEMES,
    ChartContext,
    bottom_margin,
    bound_marker,
    footer_offset,
    frame,
    layout_width,
    no_data_figure,
    text_em,
    top_margin,
    wrap_category_labels,
    wrap_text,
)
from dashboard.formatting import format_value


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
        return no_data_figure(ctx, title=title, subtitle=subtitle, sources=sources)
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
    if ctx.medium == "screen":
        # On a page the chart may be half a projector's width, or a phone's: long row names wrap.
        wrap_category_labels(fig, size, min(SCREEN_LABEL_PX, LABEL_SHARE * layout_width(ctx)))
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
    # Where the later source gives words, not a number: drawn as those words, with no marker on
    # the scale (a position there would be a number the source never gave).
    after_text: str = ""


def then_and_now(
    changes: list[Change], ctx: ChartContext, *, title: str, subtitle: str, sources: list[str]
) -> go.Figure:
    """Dumbbells: the earlier value, then the later one, each end labelled with its period."""
    if not changes:
        return no_data_figure(ctx, title=title, subtitle=subtitle, sources=sources)
    if ctx.medium == "screen":
        return _then_and_now_screen(changes, ctx, title=title, subtitle=subtitle, sources=sources)
    fig = go.Figure()
    size = SIZES[ctx.medium]
    width = NOMINAL_WIDTH[ctx.medium] or SCREEN_PANELS_PX
    label_px = size["body"] * (0.8 if ctx.medium == "present" else 1.0)
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
        ends = [(x0, c.before, c.before_period, c.before_qualifier, muted, "middle left")]
        if c.after_text:
            fig.data[-1].update(x=[x0, 0.62], line={"dash": "dot"})
            fig.add_annotation(
                x=0.64,
                y=i,
                xanchor="left",
                text="<br>".join(
                    wrap_text(f"{c.after_text} ({c.after_period[:4]})", label_px, 0.42 * width)
                ),
                showarrow=False,
                font={"size": label_px, "color": CITY_COLOUR},
                name="stated-end",
            )
        else:
            ends.append(
                (x1, c.after, c.after_period, c.after_qualifier, CITY_COLOUR, "middle right")
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
    # Each row's name stands on a line of its own above its pair: a column of long names beside
    # the rows crowds them. On a projector the rows are close, so the names are a little smaller.
    label_px = size["body"] * (0.8 if ctx.medium == "present" else 1.0)
    for i, c in enumerate(changes):
        fig.add_annotation(
            x=-0.45,
            y=i,
            yshift=label_px * 0.6,
            xanchor="left",
            yanchor="bottom",
            text=f"<b>{c.label}</b>",
            showarrow=False,
            font={"size": label_px},
            name="row-label",
        )
    fig.update_yaxes(visible=False, range=[len(changes) - 0.4, -0.9], showgrid=False)
    fig.update_xaxes(visible=False, range=[-0.45, 1.45], zeroline=False)
    return frame(fig, ctx, title=title, subtitle=subtitle, sources=sources)


# On screen the pairs are laid out in pixels of the width the page reports: each row's name on
# its own lines, then the earlier end's label, the two dots and the later end's label. Gaps
# between a label and its dot, and between rows (px); markers' diameter.
PAIR_GAP_PX = 8
PAIR_ROW_GAP_PX = 16
PAIR_MARKER_PX = 18
PAIR_SIDE_PX = 12
# The span between the dots gets at least this many px; below it an end's label takes two lines
# (value, then year).
PAIR_MIN_SPAN_PX = 110
# On a wide screen the pairs keep near their names: the span between dots is at most this (px).
PAIR_MAX_SPAN_PX = 900
# Where the later source gives words, the dotted line runs this far before them (px).
STATED_LEAD_PX = 48


def _end_label(value: float, unit: str, lang: str, qualifier: str, period: str) -> tuple:
    return format_value(value, unit, lang, qualifier), f"({period[:4] or '—'})"


def _then_and_now_screen(
    changes: list[Change], ctx: ChartContext, *, title: str, subtitle: str, sources: list[str]
) -> go.Figure:
    """The pairs laid out for the width the chart is drawn at: labels never run into the dots or
    off the chart, and the chart is as tall as its rows need."""
    size, theme = SIZES[ctx.medium], THEMES[ctx.theme]
    muted, tick, body = theme["muted"], size["tick"], size["body"]
    width = layout_width(ctx)
    plot_w = width - 2 * PAIR_SIDE_PX
    lefts = [_end_label(c.before, c.unit, ctx.lang, c.before_qualifier, c.before_period)
             for c in changes]  # fmt: skip
    rights = [
        None if c.after_text else _end_label(c.after, c.unit, ctx.lang, c.after_qualifier,
                                             c.after_period)
        for c in changes
    ]  # fmt: skip

    def px(text: str) -> float:
        return max(text_em(line) for line in text.split("<br>")) * tick + 4

    sep = " "
    left_w = max(px(sep.join(x)) for x in lefts)
    right_w = max((px(sep.join(x)) for x in rights if x), default=0.0)
    two_lines = plot_w - left_w - right_w - 2 * (PAIR_GAP_PX + PAIR_MARKER_PX) < PAIR_MIN_SPAN_PX
    if two_lines:
        sep = "<br>"
        left_w = max(px(sep.join(x)) for x in lefts)
        right_w = max((px(sep.join(x)) for x in rights if x), default=0.0)
    end_half = (2 if two_lines else 1) * tick * 1.3 / 2
    lead = left_w + PAIR_GAP_PX + PAIR_MARKER_PX / 2
    span = min(
        max(plot_w - lead - right_w - PAIR_GAP_PX - PAIR_MARKER_PX / 2, 40.0), PAIR_MAX_SPAN_PX
    )
    fig = go.Figure()
    y, rows_y = 0.0, []
    for c, left, right in zip(changes, lefts, rights, strict=True):
        name = wrap_text(c.label, body, plot_w, bold=True)
        if c.unit == "percent":
            x0, x1 = c.before / 100, c.after / 100
        else:
            scale = max(c.before, c.after) or 1
            x0, x1 = c.before / scale, c.after / scale
        x0, x1 = lead + x0 * span, lead + x1 * span
        words_x = x0 + PAIR_MARKER_PX / 2 + STATED_LEAD_PX
        words = (
            wrap_text(f"{c.after_text} ({c.after_period[:4]})", tick, plot_w - words_x - 12)
            if c.after_text
            else []
        )
        pair_half = max(PAIR_MARKER_PX / 2, end_half, len(words) * tick * LINE_HEIGHT / 2)
        centre = y + len(name) * body * LINE_HEIGHT + 4 + pair_half
        rows_y.append(centre)
        fig.add_annotation(
            x=0,
            y=centre,
            yshift=pair_half + 2,
            xanchor="left",
            yanchor="bottom",
            align="left",
            text="<br>".join(f"<b>{line}</b>" for line in name),
            showarrow=False,
            font={"size": body},
            name="row-label",
        )
        line = {"color": CONNECTION_COLOUR, "width": 3}
        ends = [(x0, sep.join(left), muted, "middle left")]
        if c.after_text:
            # Words, not a number: no marker on the scale, a dotted lead to the words.
            fig.add_trace(go.Scatter(x=[x0, words_x], y=[centre] * 2, mode="lines",
                                     line={**line, "dash": "dot"}, hoverinfo="skip",
                                     showlegend=False))  # fmt: skip
            fig.add_annotation(
                x=words_x + PAIR_GAP_PX / 2,
                y=centre,
                xanchor="left",
                align="left",
                text="<br>".join(words),
                showarrow=False,
                font={"size": tick, "color": CITY_COLOUR},
                name="stated-end",
            )
        else:
            fig.add_trace(go.Scatter(x=[x0, x1], y=[centre] * 2, mode="lines", line=line,
                                     hoverinfo="skip", showlegend=False))  # fmt: skip
            ends.append((x1, sep.join(right), CITY_COLOUR, "middle right"))
        for x, text, colour, position in ends:
            fig.add_trace(
                go.Scatter(
                    x=[x],
                    y=[centre],
                    mode="markers+text",
                    marker={"size": PAIR_MARKER_PX, "color": colour},
                    text=[text],
                    textposition=position,
                    textfont={"size": tick},
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
        y = centre + pair_half + PAIR_ROW_GAP_PX
    # Two markers of one pair may lie closer than their size; the later one is drawn on top.
    fig.update_yaxes(visible=False, range=[y, 0], showgrid=False)
    fig.update_xaxes(visible=False, range=[0, plot_w], zeroline=False)
    fig.update_layout(showlegend=False)
    frame(fig, ctx, title=title, subtitle=subtitle, sources=sources)
    footer = next(a for a in fig.layout.annotations if a.name == "footer")
    lines = wrap_text(footer.text.replace("<br>", " "), size["footer"], plot_w - 8)
    footer.text = "<br>".join(lines)
    # No tick labels below the plot: the source line comes up under the last row.
    bottom = bottom_margin(size, len(lines)) - footer_offset(size) + 8
    footer.yshift = -8
    title_lines = fig.layout.title.text.count("<br>") + 1
    subtitle_lines = (fig.layout.title.subtitle.text or "").count("<br>") + 1
    top = top_margin(size, title_lines, subtitle_lines, 1) - int(1.8 * body)
    fig.update_layout(
        margin={"l": PAIR_SIDE_PX, "r": PAIR_SIDE_PX, "t": top, "b": bottom},
        height=int(top + bottom + y),
    )
    return fig


# On screen, row names of bar charts wrap at this width, or at this share of a narrower chart.
SCREEN_LABEL_PX = 200
LABEL_SHARE = 0.3
# On screen a chart of pairs is about this wide (a projector page less its sidebar).
SCREEN_PANELS_PX = 880
# Below this width panels stand one above the other: side by side each would be a sliver.
STACK_BELOW_PX = 640


@dataclass(frozen=True)
class Panel:
    """One group, or one base, with its own axis: figures of different populations or bases are
    never drawn on one scale. `base` names what the figures count or are a share of."""

    title: str
    base: str
    bars: tuple[Bar, ...]
    max_value: float | None = None
    colour: str = CITY_COLOUR


def separate_panels(
    panels: list[Panel],
    ctx: ChartContext,
    *,
    title: str,
    subtitle: str,
    sources: list[str],
) -> go.Figure:
    """Side-by-side panels, each with its own value axis titled by its base, so bars of different
    groups are never lengths on one scale. A panel of one figure shows it as a number, not a bar."""
    panels = [p for p in panels if p.bars]
    if not panels:
        return no_data_figure(ctx, title=title, subtitle=subtitle, sources=sources)
    size = SIZES[ctx.medium]
    width = layout_width(ctx)
    stacked = ctx.medium == "screen" and width < STACK_BELOW_PX and len(panels) > 1
    # Room between side-by-side panels for the category labels of any panel after the first.
    spacing = 0.3 if any(len(p.bars) > 1 for p in panels[1:]) else 0.1
    panel_px = width - SIDE_MARGINS_PX if stacked else width * (1 - spacing) / len(panels)
    titles = [
        "<br>".join(f"<b>{line}</b>" for line in wrap_text(p.title, size["body"], panel_px, True))
        for p in panels
    ]
    if stacked:
        # Each panel's share of the height follows its rows; the gaps hold a panel's base
        # (its axis title) and the next one's title.
        rows = [max(len(p.bars), 1) + 2 for p in panels]
        # The plot is at least this tall on screen (base.fitted_height): the gaps take their
        # share of it.
        plot_px = max(MIN_PLOT_PX, sum(len(p.bars) for p in panels) * BAR_ROW_PX)
        plot_px += (len(panels) - 1) * PANEL_GAP_PX
        fig = make_subplots(
            rows=len(panels),
            cols=1,
            vertical_spacing=min(0.4, PANEL_GAP_PX * 0.9 / plot_px),
            row_heights=rows,
            subplot_titles=titles,
        )
    else:
        fig = make_subplots(
            rows=1,
            cols=len(panels),
            horizontal_spacing=spacing,
            subplot_titles=titles,
        )
    for index, panel in enumerate(panels, start=1):
        row, col = (index, 1) if stacked else (1, index)
        texts = [format_value(b.value, b.unit, ctx.lang, b.qualifier) for b in panel.bars]
        hatched = [b.qualifier in ("over", "nearly", "about") for b in panel.bars]
        top = panel.max_value or max(b.value for b in panel.bars) * 1.45
        share = all(b.unit == "percent" for b in panel.bars)
        if share:
            # A share is drawn against its whole: a pale track to 100% behind each bar.
            fig.add_trace(
                go.Bar(
                    x=[100] * len(panel.bars),
                    y=[b.label for b in panel.bars],
                    orientation="h",
                    marker={"color": THEMES[ctx.theme]["grid"], "opacity": 1},
                    hoverinfo="skip",
                    name="whole",
                ),
                row=row,
                col=col,
            )
        fig.add_trace(
            go.Bar(
                x=[b.value for b in panel.bars],
                y=[b.label for b in panel.bars],
                orientation="h",
                # Opaque: in overlay mode the browser's plotly fades bars unless told not to.
                marker={
                    **bound_marker(ctx.theme, [panel.colour] * len(panel.bars), hatched),
                    "opacity": 1,
                },
                text=texts,
                # Over a pale track a long bar carries its figure inside, a short one beside it.
                textposition=[
                    "inside" if share and b.value >= 0.3 * top else "outside" for b in panel.bars
                ],
                insidetextanchor="end",
                textangle=0,
                cliponaxis=False,
                textfont={"size": size["title"] * 0.8},
                customdata=[b.key for b in panel.bars],
                hovertext=[f"{b.label}: {x}" for b, x in zip(panel.bars, texts, strict=True)],
                hoverinfo="text",
                name=panel.title,
            ),
            row=row,
            col=col,
        )
        fig.update_xaxes(
            range=[0, top],
            showticklabels=False,
            showgrid=False,
            zeroline=True,
            title={
                "text": "<br>".join(wrap_text(panel.base, size["footer"] * 1.1, 0.9 * panel_px)),
                "font": {"size": size["footer"] * 1.1},
            },
            row=row,
            col=col,
        )
        # A panel of one figure is named by its title; its row needs no label of its own.
        fig.update_yaxes(
            autorange="reversed",
            automargin=True,
            showticklabels=len(panel.bars) > 1,
            tickfont={"size": size["body"]},
            row=row,
            col=col,
        )
    for annotation in fig.layout.annotations:
        annotation.font = {"size": size["body"]}
    fig.update_layout(showlegend=False, bargap=0.45, barmode="overlay")
    return frame(fig, ctx, title=title, subtitle=subtitle, sources=sources)

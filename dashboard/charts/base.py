"""The frame every figure carries: title, subtitle, source footer, sample watermark, fonts, colours.

An exported PNG must stand alone in a report, so provenance lives inside the figure's layout rather
than in the page around it.
"""

from __future__ import annotations

import re
import unicodedata
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
    "legal_status": "#0072B2",
    "standards": "#E69F00",
    "grid": "#009E73",
    "public_services": "#56B4E9",
    "elections": "#D55E00",
    "social_work": "#CC79A7",
    "services": "#B8860B",
    "mobilisation": "#000000",
    "participation": "#8C564B",
}

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
# Bars whose source gives only a bound ("over", "nearly", "about") are hatched. The bar keeps its
# colour; its stripes are white or near-black, whichever stands out more on that colour, and its
# outline takes the theme's text colour, so the bar stays visible from the back of a room on either
# background (the dark theme once drew them navy on navy).
HATCH_OUTLINE = {"light": "#1F2937", "dark": "#F3F4F6"}
STRIPES = ("#FFFFFF", "#111827")


def luminance(colour: str) -> float:
    """Relative luminance of a #RRGGBB colour (WCAG 2)."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #RRGGBB colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def stripes_for(colour: str) -> str:
    return max(STRIPES, key=lambda s: contrast(s, colour))


def bound_marker(theme: str, colours: list[str], hatched: list[bool]) -> dict:
    """A bar marker: solid colours, with stripes and an outline on the bars that are bounds."""
    return {
        "color": colours,
        "pattern": {
            "shape": ["/" if h else "" for h in hatched],
            "fillmode": "overlay",
            "fgcolor": [stripes_for(c) for c in colours],
            "fgopacity": 0.8,
            "solidity": 0.3,
            "size": 14,
        },
        "line": {"color": HATCH_OUTLINE[theme], "width": [2 if h else 0 for h in hatched]},
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
    width: int | None = None  # on screen: the width the chart is drawn at, where known

    def for_medium(self, medium: str, theme: str | None = None) -> ChartContext:
        return replace(self, medium=medium, theme=theme or self.theme)


# The width a figure is laid out for where it is known: exports are 1920 px wide, the projector
# 1280 px. Long text is wrapped to fit; on screen the width follows the page, so nothing wraps.
NOMINAL_WIDTH = {"screen": None, "present": 1280, "export": 1920}
# On screen, before the browser has said how wide the page is: a projector's main column.
SCREEN_DEFAULT_WIDTH = 820


def layout_width(ctx: ChartContext) -> int:
    """The width a figure's text is wrapped to: the medium's, or the chart's width on screen."""
    return NOMINAL_WIDTH[ctx.medium] or ctx.width or SCREEN_DEFAULT_WIDTH


# Share of the width that category labels on the value axis may take before they wrap, and that the
# source line (which starts at the plot's left edge) may take.
AXIS_LABEL_SHARE = 0.25
FOOTER_SHARE = 0.72
LINE_HEIGHT = 1.3
# A horizontal legend's row is about this many em of its font; each entry is its text plus the
# symbol and gaps, about this many pixels.
LEGEND_ROW_EM = 1.5
LEGEND_ENTRY_PX = 48
# The left and right margins around the plot when no category labels widen the left one.
SIDE_MARGINS_PX = 90


def top_margin(
    size: dict, title_lines: int = 1, subtitle_lines: int = 2, legend_rows: int = 1
) -> int:
    """Room for a title, a subtitle of up to two lines and a legend of one row (more when any
    of them wraps)."""
    extra = LINE_HEIGHT * (
        size["title"] * max(title_lines - 1, 0) + size["subtitle"] * max(subtitle_lines - 2, 0)
    ) + LEGEND_ROW_EM * size["body"] * max(legend_rows - 1, 0)
    return int(2.2 * size["title"] + 2.6 * size["subtitle"] + 1.8 * size["body"] + 20 + extra)


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def text_em(text: str) -> float:
    """Approximate width of plain text in em: CJK and full-width characters 1, Latin about half."""
    width = 0.0
    for ch in text:
        if _wide(ch):
            width += 1.0
        elif ch in " .,;:!|'()[]-ilfjtI":
            width += 0.32
        elif ch.isupper() or ch in "mw%@&":
            width += 0.72
        else:
            width += 0.56
    return width


_BREAK_AFTER = set(" ;,、，；。:：·/")
# Punctuation that never starts a line (a lone "。" under a subtitle).
_NO_BREAK_BEFORE = set("。，、；：！？）」』”’,.;:!?)")
_MARKUP = re.compile(r"<(?!br\s*/?>)[^>]+>", re.IGNORECASE)


def wrap_text(text: str, font_px: float, width_px: float, bold: bool = False) -> list[str]:
    """Lines of at most `width_px`, broken after spaces and punctuation or between CJK
    characters. Text with markup other than <br> is returned as it is: its width is unknown."""
    if not text or _MARKUP.search(text):
        return [text]
    budget = width_px / (font_px * (1.06 if bold else 1.0))
    lines: list[str] = []
    for paragraph in re.split(r"<br\s*/?>", text, flags=re.IGNORECASE):
        lines.extend(_wrap_paragraph(paragraph, budget))
    return lines


def _wrap_paragraph(text: str, budget_em: float) -> list[str]:
    lines, start, width, last_break = [], 0, 0.0, None
    i = 0
    while i < len(text):
        ch = text[i]
        width += text_em(ch)
        if width > budget_em and i > start:
            cut = last_break if last_break is not None and last_break > start else i
            lines.append(text[start:cut].rstrip())
            start = cut
            while start < len(text) and text[start] == " ":
                start += 1
            width, last_break, i = 0.0, None, start
            continue
        after = text[i + 1] if i + 1 < len(text) else ""
        if (ch in _BREAK_AFTER or _wide(ch) or (after and _wide(after))) and (
            after not in _NO_BREAK_BEFORE
        ):
            last_break = i + 1
        i += 1
    lines.append(text[start:].rstrip())
    return [line for line in lines if line] or [""]


def footer_offset(size: dict) -> int:
    """How far below the plot the source line starts: clear of tick labels and an axis title."""
    return int(3.4 * size["tick"] + 16)


def bottom_margin(size: dict, footer_lines: int) -> int:
    """Room below the plot for tick labels and a source line of `footer_lines` lines."""
    # Three and a half lines' height holds two lines and plotly's padding below the last one.
    return footer_offset(size) + int(
        size["footer"] * (3.5 + LINE_HEIGHT * max(footer_lines - 2, 0))
    )


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
    # Long titles, subtitles and source lines wrap rather than run off the image's right edge.
    width = layout_width(ctx)
    if width:
        # On screen the width is a step at or below the chart's own, and widths are estimates:
        # a little more room is kept there.
        spare = 40 if ctx.medium != "screen" else 64
        title_lines = wrap_text(title, size["title"], width - spare, bold=True)
        subtitle_lines = wrap_text(subtitle, size["subtitle"], width - spare)
        wrap_category_labels(fig, size, AXIS_LABEL_SHARE * width)
        # The source line starts at the plot's left edge, right of the category labels.
        plot_left = SIDE_MARGINS_PX * 2 / 3 + category_label_px(fig, size)
        footer_width = min(FOOTER_SHARE * width, width - plot_left - spare)
        footer_lines = wrap_text(footer, size["footer"], footer_width)
        plot_width = width - SIDE_MARGINS_PX - category_label_px(fig, size)
        rows = legend_rows(fig, size, plot_width)
    else:
        title_lines, subtitle_lines, footer_lines, rows = [title], [subtitle], [footer], 1
    fig.update_layout(
        title={
            "text": "<br>".join(f"<b>{line}</b>" for line in title_lines),
            "subtitle": {
                "text": "<br>".join(subtitle_lines),
                "font": {"size": size["subtitle"], "color": theme["muted"]},
            },
            "x": 0.01,
            "xanchor": "left",
            # Hung from the top edge, so a wrapped title pushes its subtitle down, not up
            # (plotly.js lifts a multi-line title by about 0.7 em; the pad puts it back).
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": int(size["title"] * (0.6 + (0.72 if len(title_lines) > 1 else 0)))},
            "font": {"size": size["title"], "color": theme["text"]},
        },
        font={"family": FONT_FAMILY, "size": size["body"], "color": theme["text"]},
        paper_bgcolor=theme["paper"],
        plot_bgcolor=theme["plot"],
        margin={
            "l": 60,
            "r": 30,
            "t": top_margin(size, len(title_lines), len(subtitle_lines), rows),
            "b": bottom_margin(size, len(footer_lines)),
        },
        colorway=list(OKABE_ITO),
        separators=".,",
        # The width the text was laid out for, so a browser test knows the page has redrawn the
        # chart for the width it reported (plotly.js keeps `meta` and draws nothing from it).
        meta={"layout_width": layout_width(ctx)},
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
    # The zero line takes the grid colour: plotly's default white shows as a stray bar on dark.
    for update in (fig.update_xaxes, fig.update_yaxes):
        update(
            gridcolor=theme["grid"],
            zerolinecolor=theme["grid"],
            tickfont={"size": size["tick"]},
            title_font={"size": size["body"]},
        )
    if height:
        fig.update_layout(height=height)
    fig.add_annotation(
        text="<br>".join(footer_lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-footer_offset(size),
        xanchor="left",
        yanchor="top",
        showarrow=False,
        align="left",
        font={"size": size["footer"], "color": theme["muted"]},
        name="footer",
    )
    if ctx.is_sample:
        add_watermark(fig, ctx)
    return fig


def _category_labels(fig: go.Figure) -> list[str]:
    """The y axis's category labels: horizontal bars and labelled rows of markers."""
    labels: list[str] = []
    for trace in fig.data:
        if not (trace.type == "scatter" or (trace.type == "bar" and trace.orientation == "h")):
            continue
        # A numeric array holds no labels; looking at each value would be slow at scale.
        if trace.y is None or getattr(getattr(trace.y, "dtype", None), "kind", "O") != "O":
            continue
        labels.extend(y for y in trace.y if isinstance(y, str))
    return list(dict.fromkeys(labels))


def _tick_px(fig: go.Figure, size: dict) -> float:
    axis = fig.layout.yaxis
    return (axis.tickfont.size if axis.tickfont and axis.tickfont.size else None) or size["tick"]


def wrap_category_labels(fig: go.Figure, size: dict, width_px: float) -> None:
    """Wrap long category labels on the y axis (horizontal bars, labelled rows) so the plot keeps
    most of the width; the categories themselves, and so selections, are unchanged."""
    axis, font_px = fig.layout.yaxis, _tick_px(fig, size)
    if axis.ticktext is not None:
        texts = [str(x) for x in axis.ticktext]
        wrapped = ["<br>".join(wrap_text(x, font_px, width_px)) for x in texts]
        if wrapped != texts:
            fig.update_yaxes(ticktext=wrapped)
        return
    labels = _category_labels(fig)
    wrapped = ["<br>".join(wrap_text(x, font_px, width_px)) for x in labels]
    if labels and wrapped != labels:
        fig.update_yaxes(tickmode="array", tickvals=labels, ticktext=wrapped)


def category_texts(fig: go.Figure) -> list[str]:
    """The y axis's category labels as drawn: their tick texts where set (wrapped lines joined
    by <br>), else the categories themselves."""
    texts = fig.layout.yaxis.ticktext
    return [str(x) for x in texts] if texts is not None else _category_labels(fig)


def category_label_px(fig: go.Figure, size: dict) -> float:
    """About how wide the y axis's category labels are drawn (their longest line)."""
    lines = [line for text in category_texts(fig) for line in re.split(r"<br\s*/?>", text)]
    return max((text_em(line) for line in lines), default=0.0) * _tick_px(fig, size)


def legend_rows(fig: go.Figure, size: dict, width_px: float) -> int:
    """Rows a horizontal legend takes across `width_px`; plotly gives each entry the width of
    the widest once the legend wraps."""
    names = [
        str(trace.name)
        for trace in fig.data
        if trace.name and trace.showlegend is not False and trace.type in ("scatter", "bar")
    ]
    if fig.layout.showlegend is False or len(names) < 2:
        return 1
    entry = LEGEND_ENTRY_PX + max(text_em(name) for name in names) * size["body"]
    per_row = max(1, int(width_px // entry))
    return -(-len(names) // per_row)


# A legend entry's row is this tall at the screen's body size (plotly: line height + 3 px), and
# its symbol and gaps take this many px before its text.
LEGEND_ITEM_PX = 22
LEGEND_SYMBOL_PX = 45


def legend_columns(fig: go.Figure, size: dict, plot_width: float) -> int:
    """Give every legend entry the width of the widest, as many to a row as fit the plot's
    width; returns the rows it takes."""
    names = [str(tr.name) for tr in fig.data if tr.name and tr.showlegend is not False]
    text_px = max(text_em(n) for n in names) * size["body"] + 6
    per_row = max(1, int((plot_width + 5) // (text_px + LEGEND_SYMBOL_PX)))
    fig.update_layout(legend={"entrywidth": int(text_px), "entrywidthmode": "pixels"})
    return -(-len(names) // per_row)


def legend_on_top_margins(fig: go.Figure, size: dict, plot_width: float) -> tuple[int, int]:
    """Top and bottom margins of a chart whose legend sits under its title: the title, subtitle
    and the legend's rows at the plot's width above, the footer wrapped to it below."""
    legend_rows = legend_columns(fig, size, plot_width)
    footer = next(a for a in fig.layout.annotations if a.name == "footer")
    footer_lines = wrap_text(footer.text.replace("<br>", " "), size["footer"], plot_width - 8)
    footer.text = "<br>".join(footer_lines)
    title_lines = fig.layout.title.text.count("<br>") + 1
    subtitle_lines = (fig.layout.title.subtitle.text or "").count("<br>") + 1
    top = (
        top_margin(size, title_lines, subtitle_lines, 1)
        - int(1.8 * size["body"])
        + int(legend_rows * LEGEND_ITEM_PX + 12)
    )
    return top, bottom_margin(size, len(footer_lines))


# On screen the plot keeps at least this much height, and a row of horizontal bars this much per
# line of its label, however many lines the title, legend and source line wrap to on a phone.
MIN_PLOT_PX = 180
BAR_ROW_PX = 24
# Panels stacked one above another each add a title and an axis title between them.
PANEL_GAP_PX = 110


def fitted_height(fig: go.Figure, height: int) -> int:
    """The height a figure is drawn at: the asked height, or more where its margins (grown by
    wrapped text on a narrow screen) or its rows of bars would leave the plot too little."""
    margin = fig.layout.margin
    lines = [len(re.split(r"<br\s*/?>", text)) for text in category_texts(fig)]
    rows = sum(max(n, 1) for n in lines) * BAR_ROW_PX if _has_bars(fig) else 0
    stacked = {tuple(axis.domain or (0, 1)) for axis in fig.select_yaxes()}
    gaps = (len(stacked) - 1) * PANEL_GAP_PX
    return max(height, (margin.t or 0) + (margin.b or 0) + max(MIN_PLOT_PX, rows) + gaps)


def wrap_legend_names(fig: go.Figure, size: dict, width_px: float) -> int:
    """Wrap legend entries longer than `width_px` (plotly never wraps them, and a long entry ran
    off a phone's chart); returns how many lines the wrapping added, for the top margin."""
    added = 0
    for trace in fig.data:
        if not trace.name or trace.showlegend is False or "<br>" in trace.name:
            continue
        lines = wrap_text(str(trace.name), size["body"], width_px - LEGEND_ENTRY_PX)
        if len(lines) > 1:
            trace.name = "<br>".join(lines)
            added += len(lines) - 1
    return added


def _has_bars(fig: go.Figure) -> bool:
    return any(trace.type == "bar" and trace.orientation == "h" for trace in fig.data)


def add_watermark(fig: go.Figure, ctx: ChartContext) -> None:
    """The sample mark across the middle, in type that keeps it whole on the chart's width."""
    text = t("sample.watermark", ctx.lang)
    # Tilted 20 degrees, the mark spans about 0.94 of its length across.
    fits = 0.8 * layout_width(ctx) / (0.94 * text_em(text))
    fig.add_annotation(
        text=text,
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        textangle=-20,
        opacity=0.22,
        name="sample-watermark",
        font={"size": min(SIZES[ctx.medium]["watermark"], int(fits)), "color": "#B91C1C"},
    )


def no_data_figure(
    ctx: ChartContext, *, title: str, subtitle: str, sources: list[str]
) -> go.Figure:
    """The framed figure every builder returns when it has nothing to draw."""
    return empty_figure(
        ctx, title=title, subtitle=subtitle, message=t("chart.no_data", ctx.lang), sources=sources
    )


def empty_figure(
    ctx: ChartContext, *, title: str, subtitle: str, message: str, sources: list[str]
) -> go.Figure:
    """A framed figure that says plainly there is nothing to draw."""
    fig = go.Figure()
    fig.add_annotation(
        text=message,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": SIZES[ctx.medium]["title"], "color": THEMES[ctx.theme]["muted"]},
        name="no-data",
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return frame(fig, ctx, title=title, subtitle=subtitle, sources=sources)

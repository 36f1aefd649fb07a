"""Charts a PowerPoint user can edit: a figure of labelled bars or of published points over the
years becomes a native chart with its data inside (python-pptx), drawn and labelled as the image
would be; any other figure (maps, dumbbells, the ten firsts' timeline) stays a picture."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from dashboard.charts.base import CITY_COLOUR, CONNECTION_COLOUR

LIGHT_STRIPES = "#FFFFFF"


@dataclass(frozen=True)
class NativeChart:
    """What a native chart needs: its kind, categories or x values, values, labels, colours."""

    kind: str  # "bar" | "points"
    categories: tuple
    values: tuple[float, ...]
    labels: tuple[str, ...]
    colours: tuple[str, ...]
    hatched: tuple[bool, ...]
    series_name: str
    value_max: float | None = None


def _bar(fig: go.Figure) -> NativeChart | None:
    trace = fig.data[0]
    if len(fig.data) != 1 or trace.orientation != "h" or trace.y is None or trace.x is None:
        return None
    categories = tuple(str(c) for c in trace.y)
    values = tuple(float(v) for v in trace.x)
    labels = tuple(str(x) for x in trace.text) if trace.text is not None else ()
    colour = trace.marker.color
    colours = (
        tuple(colour)
        if isinstance(colour, list | tuple)
        else (colour or CITY_COLOUR,) * len(values)
    )
    shapes = (trace.marker.pattern.shape if trace.marker.pattern else None) or ()
    hatched = tuple(bool(s) for s in shapes) if shapes else (False,) * len(values)
    top = fig.layout.xaxis.range[1] if fig.layout.xaxis.range else None
    return NativeChart("bar", categories, values, labels, colours, hatched, "", top)


def _points(fig: go.Figure) -> NativeChart | None:
    """Published values over the years: the markers trace (a dashed line only joins them)."""
    markers = [t for t in fig.data if t.type == "scatter" and "markers" in (t.mode or "")]
    others = [t for t in fig.data if t not in markers]
    if len(markers) != 1 or any(t.type != "scatter" or t.mode != "lines" for t in others):
        return None
    trace = markers[0]
    try:
        years = tuple(int(x) for x in trace.x)
        values = tuple(float(y) for y in trace.y)
    except (TypeError, ValueError):
        return None
    labels = tuple(str(x) for x in trace.text) if trace.text is not None else ()
    colour = trace.marker.color if isinstance(trace.marker.color, str) else CITY_COLOUR
    n = len(values)
    return NativeChart("points", years, values, labels, (colour,) * n, (False,) * n, trace.name)


def native_chart(fig: go.Figure) -> NativeChart | None:
    """The figure as a native chart, or None where only a picture says it right."""
    if not fig.data:
        return None
    # A state the source gives in words ("全面实现") is drawn as words beside the points; a native
    # chart would keep the points and drop the words, so such a figure stays a picture.
    if any(a.name == "stated-end" for a in fig.layout.annotations):
        return None
    kinds = {t.type for t in fig.data}
    if kinds == {"bar"}:
        return _bar(fig)
    if kinds == {"scatter"}:
        return _points(fig)
    return None


def _rgb(colour: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(colour.lstrip("#")[:6].upper())


def add_native_chart(slide, chart: NativeChart, left, top, width, height, font: str):
    """Draw the chart on the slide; returns the graphic frame."""
    from pptx.chart.data import CategoryChartData, XyChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION
    from pptx.util import Pt

    if chart.kind == "bar":
        data = CategoryChartData()
        data.categories = list(chart.categories)
        data.add_series(chart.series_name or " ", list(chart.values))
        kind = XL_CHART_TYPE.BAR_CLUSTERED
    else:
        data = XyChartData()
        series = data.add_series(chart.series_name or " ")
        for x, y in zip(chart.categories, chart.values, strict=True):
            series.add_data_point(x, y)
        kind = XL_CHART_TYPE.XY_SCATTER_LINES if len(chart.values) > 1 else XL_CHART_TYPE.XY_SCATTER
    frame = slide.shapes.add_chart(kind, left, top, width, height, data)
    plot = frame.chart
    plot.has_legend = False
    plot.font.size = Pt(16)
    plot.font.name = font
    series = plot.plots[0].series[0]
    if chart.kind == "bar":
        _style_bars(plot, series, chart)
    else:
        _style_points(plot, series, chart)
    for i, label in enumerate(chart.labels):
        point_label = series.points[i].data_label
        point_label.has_text_frame = True
        point_label.text_frame.text = label
        point_label.position = (
            XL_LABEL_POSITION.OUTSIDE_END if chart.kind == "bar" else XL_LABEL_POSITION.ABOVE
        )
        point_label.font.size = Pt(18)
        point_label.font.bold = True
    return frame


def _style_bars(plot, series, chart: NativeChart) -> None:
    from pptx.enum.dml import MSO_PATTERN

    plot.plots[0].gap_width = 60
    category_axis, value_axis = plot.category_axis, plot.value_axis
    category_axis.reverse_order = True  # first category on top, as on screen
    category_axis.has_major_gridlines = False
    value_axis.visible = False
    value_axis.has_major_gridlines = False
    value_axis.minimum_scale = 0
    if chart.value_max:
        value_axis.maximum_scale = chart.value_max
    for i, (colour, hatched) in enumerate(zip(chart.colours, chart.hatched, strict=True)):
        fill = series.points[i].format.fill
        if hatched:
            # A bound ("over", "nearly"): striped, as in the image, and outlined.
            fill.patterned()
            fill.pattern = MSO_PATTERN.WIDE_UPWARD_DIAGONAL
            fill.fore_color.rgb = _rgb(colour)
            fill.back_color.rgb = _rgb(LIGHT_STRIPES)
            series.points[i].format.line.color.rgb = _rgb(colour)
        else:
            fill.solid()
            fill.fore_color.rgb = _rgb(colour)


def _style_points(plot, series, chart: NativeChart) -> None:
    from pptx.enum.chart import XL_MARKER_STYLE
    from pptx.enum.dml import MSO_LINE_DASH_STYLE
    from pptx.util import Pt

    series.smooth = False
    line = series.format.line
    line.color.rgb = _rgb(CONNECTION_COLOUR)
    line.dash_style = MSO_LINE_DASH_STYLE.DASH  # only joins the published points
    line.width = Pt(1.5)
    series.marker.style = XL_MARKER_STYLE.CIRCLE
    series.marker.size = 11
    series.marker.format.fill.solid()
    series.marker.format.fill.fore_color.rgb = _rgb(chart.colours[0])
    years = [int(x) for x in chart.categories]
    x_axis, y_axis = plot.category_axis, plot.value_axis
    x_axis.minimum_scale, x_axis.maximum_scale = min(years) - 1, max(years) + 1
    x_axis.major_unit = max(1, round((max(years) - min(years) + 2) / 8))
    x_axis.tick_labels.number_format = "0"
    x_axis.tick_labels.number_format_is_linked = False
    x_axis.has_major_gridlines = False
    y_axis.minimum_scale = 0
    y_axis.maximum_scale = max(chart.values) * 1.25 or 1
    y_axis.has_major_gridlines = True

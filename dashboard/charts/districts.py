"""District drill-down charts: a choropleth and a ranked bar, both carrying the district code in
`customdata` so a click selects a district regardless of sorting or trace order."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.base import (
    DISTRICT_COLOUR,
    SELECTED_COLOUR,
    SIZES,
    THEMES,
    ChartContext,
    empty_figure,
    footer_offset,
    frame,
    top_margin,
)
from dashboard.formatting import format_value
from dashboard.i18n import t

# Centre of the 16 districts, and their extent in degrees with a small margin.
BEIJING_CENTER = {"lat": 40.22, "lon": 116.42}
BEIJING_SPAN_LON, BEIJING_SPAN_LAT_MERCATOR = 2.4, 2.5
# Figure heights the map is drawn at, per medium (the page uses 480 px; exports 1080 px).
MAP_FIGURE_HEIGHT = {"screen": 520, "present": 620, "export": 1080}


def map_layout(ctx: ChartContext, aspect: float = 16 / 9) -> dict:
    """Centre and zoom so Beijing fills the plot at the medium's size (no tiles, no network)."""
    height = MAP_FIGURE_HEIGHT[ctx.medium]
    size = SIZES[ctx.medium]
    plot_height = height - top_margin(size) - footer_offset(size) - 3 * size["footer"]
    plot_width = height * aspect * 0.8
    pixels_per_degree = min(plot_width / BEIJING_SPAN_LON, plot_height / BEIJING_SPAN_LAT_MERCATOR)
    zoom = math.log2(pixels_per_degree * 360 / 512)
    return {"style": "white-bg", "center": BEIJING_CENTER, "zoom": round(zoom, 2)}


def _labels(values: pd.DataFrame, unit: str, lang: str) -> list[str]:
    return [
        format_value(v, unit, lang, q)
        for v, q in zip(values["value"], values["qualifier"], strict=True)
    ]


def _missing_note(missing_names: list[str], ctx: ChartContext) -> str:
    return t(
        "district.missing_list",
        ctx.lang,
        names="、".join(missing_names) if ctx.lang == "zh" else ", ".join(missing_names),
    )


def boundaries_of(geojson: dict, codes) -> dict:
    """The same collection with only these districts' features: a trace that colours a few
    districts carries no other outlines."""
    wanted = set(codes)
    return {**geojson, "features": [f for f in geojson["features"] if f["id"] in wanted]}


def district_map(
    values: pd.DataFrame,
    geojson: dict,
    ctx: ChartContext,
    *,
    title: str,
    subtitle: str,
    unit: str,
    sources: list[str],
    selected: str | None = None,
    missing_names: list[str] = (),
) -> go.Figure:
    """Choropleth of district values; `values` has geo_code, value, qualifier and a name column."""
    if values.empty:
        return empty_figure(
            ctx,
            title=title,
            subtitle=subtitle,
            message=t("district.not_reported", ctx.lang),
            sources=sources,
        )
    name_col = f"name_{ctx.lang}"
    labels = _labels(values, unit, ctx.lang)
    fig = go.Figure(
        go.Choroplethmap(
            geojson=geojson,
            locations=values["geo_code"],
            featureidkey="id",
            z=values["value"],
            customdata=values["geo_code"],
            text=[f"{n}<br>{lab}" for n, lab in zip(values[name_col], labels, strict=True)],
            hoverinfo="text",
            colorscale="Blues",
            marker={"line": {"width": 1, "color": "white"}, "opacity": 0.9},
            colorbar={
                "title": {"text": ""},
                "thickness": 14,
                "tickfont": {"size": SIZES[ctx.medium]["tick"]},
            },
            name="districts",
        )
    )
    if selected and selected in set(values["geo_code"]):
        chosen = values[values["geo_code"] == selected]
        fig.add_trace(
            go.Choroplethmap(
                geojson=boundaries_of(geojson, [selected]),
                locations=chosen["geo_code"],
                featureidkey="id",
                z=[1],
                customdata=chosen["geo_code"],
                colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                showscale=False,
                hoverinfo="skip",
                marker={"line": {"width": 4, "color": SELECTED_COLOUR}},
                name="selected",
            )
        )
    fig.update_layout(map=map_layout(ctx), clickmode="event+select")
    if missing_names:
        subtitle = f"{subtitle} · {_missing_note(list(missing_names), ctx)}"
    return frame(fig, ctx, title=title, subtitle=subtitle, sources=sources)


def district_bar(
    values: pd.DataFrame,
    ctx: ChartContext,
    *,
    title: str,
    subtitle: str,
    unit: str,
    sources: list[str],
    selected: str | None = None,
    city_value: float | None = None,
    missing_names: list[str] = (),
) -> go.Figure:
    """Districts ranked by value, the selected one highlighted, the city average as a line."""
    if values.empty:
        return empty_figure(
            ctx,
            title=title,
            subtitle=subtitle,
            message=t("district.not_reported", ctx.lang),
            sources=sources,
        )
    ranked = values.sort_values("value", ascending=True)
    name_col = f"name_{ctx.lang}"
    colours = [SELECTED_COLOUR if c == selected else DISTRICT_COLOUR for c in ranked["geo_code"]]
    labels = _labels(ranked, unit, ctx.lang)
    fig = go.Figure(
        go.Bar(
            x=ranked["value"],
            y=ranked[name_col],
            orientation="h",
            marker={"color": colours},
            customdata=ranked["geo_code"],
            text=labels,
            textposition="outside",
            cliponaxis=False,
            textfont={"size": SIZES[ctx.medium]["tick"]},
            hovertext=[f"{n}: {lab}" for n, lab in zip(ranked[name_col], labels, strict=True)],
            hoverinfo="text",
            name="districts",
        )
    )
    if city_value is not None and unit in ("percent", "years", "ratio"):
        fig.add_vline(
            x=city_value,
            line={"color": THEMES[ctx.theme]["muted"], "dash": "dash"},
            annotation_text=t("district.city_value", ctx.lang),
            annotation_position="top",
        )
    fig.update_layout(showlegend=False, bargap=0.25, clickmode="event+select")
    fig.update_xaxes(
        showticklabels=False, showgrid=False, range=[0, float(ranked["value"].max()) * 1.25]
    )
    fig.update_yaxes(automargin=True)
    if missing_names:
        subtitle = f"{subtitle} · {_missing_note(list(missing_names), ctx)}"
    return frame(fig, ctx, title=title, subtitle=subtitle, sources=sources)


def flag_map(
    flags: pd.DataFrame,
    geojson: dict,
    ctx: ChartContext,
    *,
    title: str,
    subtitle: str,
    sources: list[str],
    selected: str | None = None,
) -> go.Figure:
    """Yes/no per district (e.g. pay rules issued), in two colours with a worded legend."""
    if flags.empty:
        return empty_figure(
            ctx,
            title=title,
            subtitle=subtitle,
            message=t("district.not_reported", ctx.lang),
            sources=sources,
        )
    fig = go.Figure()
    name_col = f"name_{ctx.lang}"
    for value, colour, key in ((1.0, "#009E73", "flag.yes"), (0.0, "#E69F00", "flag.no")):
        part = flags[flags["value"] == value]
        if part.empty:
            continue
        fig.add_trace(
            go.Choroplethmap(
                geojson=boundaries_of(geojson, part["geo_code"]),
                locations=part["geo_code"],
                featureidkey="id",
                z=[1] * len(part),
                customdata=part["geo_code"],
                colorscale=[[0, colour], [1, colour]],
                showscale=False,
                text=[f"{n}: {t(key, ctx.lang)}" for n in part[name_col]],
                hoverinfo="text",
                marker={"line": {"width": 3 if selected else 1, "color": "white"}},
                name=t(key, ctx.lang),
                showlegend=True,
            )
        )
    if selected:
        fig.add_trace(
            go.Choroplethmap(
                geojson=boundaries_of(geojson, [selected]),
                locations=[selected],
                featureidkey="id",
                z=[1],
                customdata=[selected],
                colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                showscale=False,
                hoverinfo="skip",
                marker={"line": {"width": 4, "color": SELECTED_COLOUR}},
                showlegend=False,
                name="selected",
            )
        )
    fig.update_layout(map=map_layout(ctx), clickmode="event+select")
    return frame(fig, ctx, title=title, subtitle=subtitle, sources=sources)


def selected_district(event: object, valid_codes: set[str]) -> str | None:
    """The district code a chart selection points at, or None; ignores anything not a known code."""
    try:
        points = event["selection"]["points"]  # type: ignore[index]
    except (KeyError, TypeError):
        points = getattr(getattr(event, "selection", None), "points", None) or []
    for point in points or []:
        data = point.get("customdata") if isinstance(point, dict) else None
        code = data[0] if isinstance(data, list | tuple) and data else data
        if code is None and isinstance(point, dict):
            code = point.get("location")
        if isinstance(code, str) and code in valid_codes:
            return code
    return None

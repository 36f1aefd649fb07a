"""District drill-down charts: an SVG choropleth (no WebGL, quick without a GPU) and a ranked
bar, both carrying the district code in `customdata` so a click selects a district regardless of
sorting or trace order."""

from __future__ import annotations

import json
from urllib.parse import quote

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.base import (
    DISTRICT_COLOUR,
    SELECTED_COLOUR,
    SIDE_MARGINS_PX,
    SIZES,
    THEMES,
    ChartContext,
    empty_figure,
    frame,
    layout_width,
    text_em,
)
from dashboard.formatting import format_value
from dashboard.i18n import t

# Plotly's SVG map asks for a world outline file whenever a trace names locations, even from its
# own GeoJSON with the base map hidden; the map must never call another host (intranet use, exports,
# decks). This address answers that request with an empty topology, from the page itself: the text
# after "#" (the file name Plotly appends) is not part of a data address.
OFFLINE_TOPOJSON_URL = (
    "data:application/json,"
    + quote(json.dumps({"type": "Topology", "objects": {}, "arcs": []}, separators=(",", ":")))
    + "#"
)
# Label anchors (lon, lat) for the districts whose centroid would crowd another name: the two
# central districts are about 13 px wide on screen, so their names sit just north and south of
# them, and their neighbours' names move aside. Other districts are named at their centroid.
LABEL_ANCHORS = {
    "110101": (116.41, 39.835),  # Dongcheng, south of its boundary
    "110102": (116.35, 39.995),  # Xicheng, north of its boundary
    "110105": (116.53, 39.96),  # Chaoyang
    "110106": (116.17, 39.81),  # Fengtai, west of Dongcheng's name
    "110107": (116.17, 39.93),  # Shijingshan
    "110108": (116.19, 40.06),  # Haidian, west of Xicheng's name
}
# The central districts' names are drawn smaller: they sit on their neighbours.
SMALL_LABELS = {"110101", "110102", "110107"}
# Name size relative to the medium's tick size: on screen the whole city is about 300 px tall.
LABEL_SCALE = {"screen": 0.72, "present": 0.8, "export": 0.85}
# The selected district's outline: one colour on every map, outside every category's colour family
# (the blues of a value scale, the green and orange of issued / pending).
SELECTED_OUTLINE = "#C2008F"


def geo_layout() -> dict:
    """An SVG map fitted to the districts drawn: no base map, no tiles, nothing fetched."""
    return {
        "fitbounds": "locations",
        "visible": False,
        "projection": {"type": "mercator"},
        "bgcolor": "rgba(0,0,0,0)",
    }


def _centroid(geometry: dict) -> tuple[float, float]:
    """Area-weighted centroid of the largest polygon's outer ring."""
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    best = (0.0, 0.0, 0.0)
    for polygon in polygons:
        ring = np.asarray(polygon[0], dtype=float)
        x, y = ring[:, 0], ring[:, 1]
        cross = x[:-1] * y[1:] - x[1:] * y[:-1]
        area = _signed_area(ring)
        if area and abs(area) > abs(best[0]):
            cx = ((x[:-1] + x[1:]) * cross).sum() / (6 * area)
            cy = ((y[:-1] + y[1:]) * cross).sum() / (6 * area)
            best = (area, cx, cy)
    return float(best[1]), float(best[2])


def _centroid_of(geojson: dict, code: str) -> tuple[float, float]:
    return next(_centroid(f["geometry"]) for f in geojson["features"] if f["id"] == code)


def label_points(geojson: dict, codes) -> dict[str, tuple[float, float]]:
    """Where each district's name is written: its anchor, else its centroid."""
    wanted = set(codes)
    return {
        f["id"]: LABEL_ANCHORS.get(f["id"]) or _centroid(f["geometry"])
        for f in geojson["features"]
        if f["id"] in wanted
    }


def _mercator(lon: float, lat: float) -> tuple[float, float]:
    return np.radians(lon), float(np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)))


def _extent(geometry: dict) -> tuple[float, float, float, float]:
    """The largest polygon's bounds on the map's projection (x0, y0, x1, y1)."""
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    ring = max((np.asarray(p[0], dtype=float) for p in polygons), key=lambda r: len(r))
    xs, ys = zip(*(_mercator(lon, lat) for lon, lat in ring[:, :2]), strict=True)
    return min(xs), min(ys), max(xs), max(ys)


def readable_names(
    geojson: dict, texts: dict[str, str], points: dict, font_px: float, map_px: float
) -> list[str]:
    """The districts whose name fits inside their own shape on a map `map_px` across and stands
    clear of the names already placed, largest districts first; the others are named in the
    hover and the table (on a phone the two central districts are a few pixels wide)."""
    extents = {f["id"]: _extent(f["geometry"]) for f in geojson["features"] if f["id"] in texts}
    x0 = min(e[0] for e in extents.values())
    y0 = min(e[1] for e in extents.values())
    x1 = max(e[2] for e in extents.values())
    y1 = max(e[3] for e in extents.values())
    scale = map_px / max(x1 - x0, y1 - y0)
    boxes: list[tuple[float, float, float, float]] = []
    kept = []
    by_area = sorted(
        extents, key=lambda c: -(extents[c][2] - extents[c][0]) * (extents[c][3] - extents[c][1])
    )
    for code in by_area:
        e = extents[code]
        wide, high = text_em(texts[code]) * font_px, font_px * 1.3
        if wide > (e[2] - e[0]) * scale * 1.1 or high > (e[3] - e[1]) * scale:
            continue
        x, y = _mercator(*points[code])
        box = ((x - x0) * scale - wide / 2, (y - y0) * scale - high / 2)
        box = (*box, box[0] + wide, box[1] + high)
        if any(b[0] < box[2] and box[0] < b[2] and b[1] < box[3] and box[1] < b[3] for b in boxes):
            continue
        boxes.append(box)
        kept.append(code)
    return kept


# On screen a map's plot is about this tall at most (the chart's height less its title and
# source line), whatever the width: the map fits the smaller of the two.
SCREEN_MAP_PX = 300
# Room the colour bar and legend take beside the map.
COLOURBAR_PX = 80


def name_labels(geojson: dict, names: pd.Series, ctx: ChartContext) -> go.Scattergeo:
    """District names in the view's language, drawn over the map with a white halo so they read
    on light and dark fills alike; not hoverable, so a click on a name falls to the district.
    On screen only the names that fit in their districts at the drawn size are written."""
    points = label_points(geojson, names.index)
    codes = [c for c in names.index if c in points]
    size = SIZES[ctx.medium]["tick"] * LABEL_SCALE[ctx.medium]
    # "区" (district) is left off the map's names, as on printed maps: every area is a district.
    name_of = {c: names[c].removesuffix("区") if ctx.lang == "zh" else names[c] for c in codes}
    if ctx.medium == "screen":
        # On screen the central districts' names keep to their own shapes (no anchors beside).
        points = {c: _centroid_of(geojson, c) for c in codes}
        map_px = min(layout_width(ctx) - SIDE_MARGINS_PX - COLOURBAR_PX, SCREEN_MAP_PX)
        shown = set(readable_names(geojson, name_of, points, size, map_px))
        codes = [c for c in codes if c in shown]
    texts = [name_of[c] for c in codes]
    return go.Scattergeo(
        lon=[points[c][0] for c in codes],
        lat=[points[c][1] for c in codes],
        text=texts,
        mode="text",
        textfont={
            "size": [round(size * (0.85 if c in SMALL_LABELS else 1)) for c in codes],
            "color": "#1a1a1a",
            "shadow": "0 0 2px white, 0 0 3px white, 0 0 4px white",
        },
        hoverinfo="skip",
        showlegend=False,
        name="names",
    )


def selected_outline(geojson: dict, code: str) -> go.Choropleth:
    """The selected district's thick outline, transparent inside, in its own colour."""
    return go.Choropleth(
        geojson=boundaries_of(geojson, [code]),
        locations=[code],
        featureidkey="id",
        z=[1],
        customdata=[code],
        colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
        showscale=False,
        hoverinfo="skip",
        marker={"line": {"width": 5, "color": SELECTED_OUTLINE}},
        showlegend=False,
        name="selected",
    )


def _selection_note(subtitle: str, name: str, ctx: ChartContext) -> str:
    note = t("district.selected_outline", ctx.lang, name=name)
    return f"{subtitle} · {note}"


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


def _signed_area(ring) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return float((x[:-1] * y[1:] - x[1:] * y[:-1]).sum() / 2)


def _wound_for_svg(geometry: dict) -> dict:
    """The geometry with outer rings clockwise and holes anticlockwise, as Plotly's SVG map needs
    (the boundaries file follows the GeoJSON standard, the reverse: drawn as is, a district would
    fill the whole world but itself)."""
    polygons = (
        geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    )
    wound = []
    for polygon in polygons:
        rings = []
        for index, ring in enumerate(polygon):
            ring = np.asarray(ring, dtype=float)
            clockwise = _signed_area(ring) < 0
            rings.append(ring if clockwise == (index == 0) else ring[::-1])
        wound.append(rings)
    coordinates = wound if geometry["type"] == "MultiPolygon" else wound[0]
    return {**geometry, "coordinates": coordinates}


def boundaries_of(geojson: dict, codes) -> dict:
    """The same collection with only these districts' features, wound for the SVG map: a trace
    that colours a few districts carries no other outlines."""
    wanted = set(codes)
    return {
        **geojson,
        "features": [
            {**f, "geometry": _wound_for_svg(f["geometry"])}
            for f in geojson["features"]
            if f["id"] in wanted
        ],
    }


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
        go.Choropleth(
            geojson=boundaries_of(geojson, values["geo_code"]),
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
    names = values.set_index("geo_code")[name_col]
    if selected and selected in names.index:
        fig.add_trace(selected_outline(geojson, selected))
        subtitle = _selection_note(subtitle, names[selected], ctx)
    fig.add_trace(name_labels(geojson, names, ctx))
    fig.update_layout(geo=geo_layout(), clickmode="event+select")
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
            go.Choropleth(
                geojson=boundaries_of(geojson, part["geo_code"]),
                locations=part["geo_code"],
                featureidkey="id",
                z=[1] * len(part),
                customdata=part["geo_code"],
                colorscale=[[0, colour], [1, colour]],
                showscale=False,
                text=[f"{n}: {t(key, ctx.lang)}" for n in part[name_col]],
                hoverinfo="text",
                marker={"line": {"width": 1, "color": "white"}},
                name=t(key, ctx.lang),
                showlegend=True,
            )
        )
    names = flags.set_index("geo_code")[name_col]
    if selected and selected in names.index:
        fig.add_trace(selected_outline(geojson, selected))
        subtitle = _selection_note(subtitle, names[selected], ctx)
    fig.add_trace(name_labels(geojson, names, ctx))
    fig.update_layout(geo=geo_layout(), clickmode="event+select")
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

"""Chart builders tested as data: traces, labels, annotations and customdata, not pixels."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import catalog, schema
from dashboard import queries as q
from dashboard.charts.base import (
    BAR_ROW_PX,
    DISTRICT_COLOUR,
    SELECTED_COLOUR,
    ChartContext,
    fitted_height,
)
from dashboard.charts.comparisons import Bar, labelled_bars
from dashboard.charts.districts import (
    OFFLINE_TOPOJSON_URL,
    SELECTED_OUTLINE,
    district_bar,
    district_map,
    flag_map,
    label_points,
    selected_district,
)
from dashboard.charts.milestones import UNDATED_GAP, milestone_timeline
from dashboard.charts.trends import trend_chart
from dashboard.i18n import t
from dashboard.snapshot import Snapshot, load_geojson, load_snapshot

LANGS = ("zh", "en")
SNAPSHOTS = ("2019-01-09", "2026-11-27", "sample")
CHAOYANG = "110105"
CITY_ROWS = ["geo_code", "period", "year", "value", "qualifier", "status", "source_id"]


@pytest.fixture(scope="module")
def reported() -> Snapshot:
    return load_snapshot("2019-01-09")


@pytest.fixture(scope="module")
def sample() -> Snapshot:
    return load_snapshot("sample")


@pytest.fixture(scope="module")
def geojson() -> dict:
    boundaries = load_geojson()
    assert boundaries is not None, "data/geo/beijing_districts.geojson is missing"
    return boundaries


def ctx(lang: str = "zh", *, sample: bool = False) -> ChartContext:
    place = "北京市 › 朝阳区" if lang == "zh" else "Beijing › Chaoyang"
    return ChartContext(
        lang=lang, snapshot_id="2019-01-09", as_of="2019-01-09", is_sample=sample, place=place
    )


def annotations(fig: go.Figure, name: str) -> list:
    return [a for a in fig.layout.annotations if a.name == name]


def only(items: list):
    assert len(items) == 1, f"expected exactly one, found {len(items)}: {items}"
    return items[0]


def points(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=CITY_ROWS)
    frame["year"] = frame["year"].astype("Int16")
    return frame


REPORTED_POINTS = [
    ("110000", "2012", 2012, 2755.0, "", "reported", "src-2012"),
    ("110000", "2019-01-09", 2019, 3177.0, "over", "reported", "src-press"),
]
EVENT_LABEL = {"zh": "2017 特别法人", "en": "2017 legal status"}
SOURCE_LABELS = {"src-2012": "市民政局 2012-07-27", "src-press": "市政府新闻办 2019-01-09"}


def _trend(rows: pd.DataFrame, lang: str = "zh", *, sample: bool = False) -> go.Figure:
    return trend_chart(
        rows,
        ctx(lang, sample=sample),
        title={"zh": "社区居委会", "en": "Residents' committees"}[lang],
        subtitle="个",
        unit="count",
        place_names={"110000": t("geo.beijing", lang)},
        sources=SOURCE_LABELS,
        events=[(2017, EVENT_LABEL[lang])],
    )


# --- trends ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_points_of_one_source_are_labelled_markers_joined_by_a_named_dashed_line(lang: str) -> None:
    same_source = points([(*r[:-1], "src-press") for r in REPORTED_POINTS])
    fig = _trend(same_source, lang)
    connection = only([tr for tr in fig.data if tr.mode == "lines"])
    assert connection.line.dash == "dash"
    assert t("chart.connection", lang) in connection.name
    assert list(connection.x) == [2012, 2019]
    assert connection.hoverinfo == "skip", "a connection is not data and must not hover as data"

    markers = only([tr for tr in fig.data if tr.mode == "markers+text"])
    assert list(markers.x) == [2012, 2019]
    assert list(markers.y) == [2755.0, 3177.0]
    expected = {"zh": ("2755个", ">3177个"), "en": ("2,755", ">3,177")}[lang]
    assert tuple(markers.text) == expected
    assert t("chart.reported_points", lang) in markers.name
    assert list(markers.customdata) == ["110000", "110000"]
    assert SOURCE_LABELS["src-press"] in markers.hovertext[0]
    assert t("status.reported", lang) in markers.hovertext[1]


@pytest.mark.parametrize("lang", LANGS)
def test_points_of_different_sources_are_never_joined(lang: str) -> None:
    """Two sources may count differently (towns in 2012 counted the area offices apart), so a
    gap between them is drawn as two series, never as a line that reads as growth."""
    fig = _trend(points(REPORTED_POINTS), lang)
    assert not [tr for tr in fig.data if tr.mode == "lines"]
    series = [tr for tr in fig.data if tr.mode == "markers+text"]
    assert [list(tr.x) for tr in series] == [[2012], [2019]]
    assert series[0].marker.color != series[1].marker.color
    assert all(t("chart.source_series", lang, source="")[:3] in tr.name for tr in series)


def test_a_single_reported_point_has_no_connection() -> None:
    fig = _trend(points(REPORTED_POINTS[:1]))
    assert [tr.mode for tr in fig.data] == ["markers+text"]


def test_gaps_in_a_yearly_sample_series_break_the_line() -> None:
    rows = points(
        [
            ("110000", str(y), y, float(v), "", "sample", "sample-generator")
            for y, v in ((2000, 10), (2001, 11), (2003, 13), (2004, 14))
        ]
    )
    fig = _trend(rows, "en", sample=True)
    line = only([tr for tr in fig.data if tr.mode == "lines+markers"])
    assert list(line.x) == [2000, 2001, None, 2003, 2004]
    assert list(line.y) == [10.0, 11.0, None, 13.0, 14.0]
    assert t("chart.sample_series", "en") in line.name
    assert not [tr for tr in fig.data if tr.mode == "lines"], "a sample series has no connection"
    marker = only([tr for tr in fig.data if tr.mode == "markers"])
    assert marker.text is None


def unwrapped(text: str) -> str:
    """Text as read, whatever the line breaks: a wrap turns a space into <br>, or breaks
    between two CJK characters with none."""
    return re.sub(r"<br>|\s", "", text)


@pytest.mark.parametrize("lang", LANGS)
def test_titles_subtitle_and_footer(lang: str) -> None:
    fig = _trend(points(REPORTED_POINTS), lang)
    assert (
        fig.layout.title.text
        == {"zh": "<b>社区居委会</b>", "en": "<b>Residents' committees</b>"}[lang]
    )
    assert fig.layout.title.subtitle.text == "个"
    footer = unwrapped(only(annotations(fig, "footer")).text)
    assert footer == unwrapped(
        t(
            "footer.line",
            lang,
            sources="; ".join(SOURCE_LABELS.values()),
            snapshot="2019-01-09",
            as_of="2019-01-09",
            place=ctx(lang).place,
        )
    )
    assert unwrapped(SOURCE_LABELS["src-press"]) in footer
    assert "2019-01-09" in footer
    assert unwrapped(ctx(lang).place) in footer


def test_events_are_drawn_within_the_years_shown() -> None:
    fig = _trend(points(REPORTED_POINTS), "en")
    event = only(annotations(fig, "event"))
    # The year prefix is dropped in the label: the x axis already shows it.
    assert (event.x, event.text) == (2017, "legal status")
    far = trend_chart(
        points(REPORTED_POINTS[:1]),
        ctx("en"),
        title="x",
        subtitle="y",
        unit="count",
        place_names={},
        sources={},
        events=[(1990, "long ago")],
    )
    assert annotations(far, "event") == []


@pytest.mark.parametrize("lang", LANGS)
def test_sample_context_carries_the_watermark(lang: str) -> None:
    marked = _trend(points(REPORTED_POINTS), lang, sample=True)
    watermark = only(annotations(marked, "sample-watermark"))
    assert watermark.text == "示例数据 / SAMPLE DATA"
    assert only(annotations(marked, "footer")).text.startswith("示例数据 / SAMPLE DATA · ")
    plain = _trend(points(REPORTED_POINTS), lang)
    assert annotations(plain, "sample-watermark") == []
    assert "SAMPLE" not in only(annotations(plain, "footer")).text


@pytest.mark.parametrize("lang", LANGS)
def test_an_empty_frame_gives_a_framed_no_data_figure(lang: str) -> None:
    fig = _trend(points([]), lang)
    assert len(fig.data) == 0
    assert only(annotations(fig, "no-data")).text == t("chart.no_data", lang)
    assert fig.layout.title.text.startswith("<b>")
    assert only(annotations(fig, "footer")).text


def test_a_year_range_outside_the_data_is_no_data() -> None:
    fig = trend_chart(
        points(REPORTED_POINTS),
        ctx("en"),
        title="x",
        subtitle="y",
        unit="count",
        place_names={},
        sources={},
        year_range=(1980, 1990),
    )
    assert only(annotations(fig, "no-data")).text == t("chart.no_data", "en")


# --- districts -------------------------------------------------------------------------------------


def test_district_map_carries_codes_and_highlights_the_selection(sample, geojson) -> None:
    values = q.district_values(sample, "community_workers")
    fig = district_map(
        values,
        geojson,
        ctx("zh", sample=True),
        title="t",
        subtitle="s",
        unit="persons",
        sources=["x"],
        selected=CHAOYANG,
    )
    districts = only([tr for tr in fig.data if tr.name == "districts"])
    assert list(districts.customdata) == list(values["geo_code"])
    assert set(districts.customdata) == set(schema.DISTRICT_CODES)
    assert list(districts.locations) == list(districts.customdata)
    assert list(districts.z) == list(values["value"])
    assert districts.type == "choropleth", "SVG, not WebGL: quick without a GPU"
    chosen = only([tr for tr in fig.data if tr.name == "selected"])
    assert list(chosen.locations) == [CHAOYANG]
    assert chosen.marker.line.color == SELECTED_OUTLINE
    assert fig.layout.title.subtitle.text.endswith(
        t("district.selected_outline", "zh", name="朝阳区")
    )
    names = only([tr for tr in fig.data if tr.name == "names"])
    assert "朝阳" in names.text
    plain = district_map(
        values, geojson, ctx(), title="t", subtitle="s", unit="persons", sources=[]
    )
    assert [tr.name for tr in plain.data] == ["districts", "names"]
    assert plain.layout.title.subtitle.text == "s"


def test_maps_draw_offline_with_svg_and_outer_rings_clockwise(reported, geojson) -> None:
    """The SVG map fills the inside of a ring only when the outer ring runs clockwise; the map
    hides Plotly's world outlines and its own config answers the request for them in the page."""
    flags = q.district_values(reported, "pay_rules_issued")
    fig = flag_map(flags, geojson, ctx("en"), title="t", subtitle="s", sources=[])
    assert fig.layout.geo.visible is False and fig.layout.geo.fitbounds == "locations"
    assert "map" not in fig.layout.to_plotly_json() or not fig.layout.map.to_plotly_json()
    for trace in fig.data:
        if trace.type != "choropleth":
            continue
        for feature in trace.geojson["features"]:
            geometry = feature["geometry"]
            polygons = (
                geometry["coordinates"]
                if geometry["type"] == "MultiPolygon"
                else [geometry["coordinates"]]
            )
            for polygon in polygons:
                ring = polygon[0]
                x, y = ring[:, 0], ring[:, 1]
                assert (x[:-1] * y[1:] - x[1:] * y[:-1]).sum() < 0, feature["id"]
    assert OFFLINE_TOPOJSON_URL.startswith("data:application/json,")
    assert OFFLINE_TOPOJSON_URL.endswith("#"), "Plotly's appended file name is not fetched"


@pytest.mark.parametrize("lang", LANGS)
def test_every_district_is_named_inside_the_map(reported, geojson, lang: str) -> None:
    """An exported map names all sixteen districts (the central ones beside their shapes)."""
    flags = q.district_values(reported, "pay_rules_issued")
    fig = flag_map(
        flags, geojson, ctx(lang).for_medium("export"), title="t", subtitle="s", sources=[]
    )
    names = only([tr for tr in fig.data if tr.name == "names"])
    expected = flags[f"name_{lang}"].str.removesuffix("区") if lang == "zh" else flags["name_en"]
    assert sorted(names.text) == sorted(expected)
    assert names.hoverinfo == "skip", "a click on a name falls through to its district"
    points = label_points(geojson, schema.DISTRICT_CODES)
    lons = [p[0] for p in points.values()]
    lats = [p[1] for p in points.values()]
    assert min(lons) > 115.4 and max(lons) < 117.5 and min(lats) > 39.4 and max(lats) < 41.1


@pytest.mark.parametrize("lang", LANGS)
def test_a_map_on_screen_names_only_districts_whose_name_fits_in_them(
    reported, geojson, lang: str
) -> None:
    """On a phone the two central districts are a few pixels wide: their names are left to the
    hover and the table, while the large outer districts keep theirs; a wide map names more."""
    flags = q.district_values(reported, "pay_rules_issued")

    def named(width: int) -> list[str]:
        view = replace(ctx(lang), width=width)
        fig = flag_map(flags, geojson, view, title="t", subtitle="s", sources=[])
        return list(only([tr for tr in fig.data if tr.name == "names"]).text)

    phone, desktop = named(360), named(1500)
    central = {"东城", "西城"} if lang == "zh" else {"Dongcheng", "Xicheng"}
    outer = {"延庆", "房山", "密云"} if lang == "zh" else {"Yanqing", "Fangshan", "Miyun"}
    assert not central & set(phone) and outer <= set(phone)
    assert len(desktop) >= len(phone) and len(phone) >= 8
    # Every district still answers a hover with its name and value.
    districts = [tr for tr in flag_map(flags, geojson, replace(ctx(lang), width=360),
                 title="t", subtitle="s", sources=[]).data if tr.type == "choropleth"]  # fmt: skip
    assert sum(len(tr.text) for tr in districts if tr.name != "selected") == 16


def test_selected_outline_is_no_category_colour(reported, geojson) -> None:
    """The selected district's outline is one colour on every map, outside the fills' families."""
    flags = q.district_values(reported, "pay_rules_issued")
    fig = flag_map(
        flags, geojson, ctx("zh"), title="t", subtitle="s", sources=[], selected=CHAOYANG
    )
    fills = {
        tr.colorscale[0][1]
        for tr in fig.data
        if tr.name in (t("flag.yes", "zh"), t("flag.no", "zh"))
    }
    assert SELECTED_OUTLINE not in fills | {SELECTED_COLOUR}
    chosen = only([tr for tr in fig.data if tr.name == "selected"])
    assert chosen.marker.line.color == SELECTED_OUTLINE and chosen.marker.line.width >= 4
    assert "朝阳区" in fig.layout.title.subtitle.text


def test_district_map_names_missing_districts(reported, geojson) -> None:
    values = q.district_values(reported, "pay_rules_issued").iloc[:14]
    fig = district_map(
        values,
        geojson,
        ctx("en"),
        title="t",
        subtitle="s",
        unit="count",
        sources=[],
        missing_names=["Pinggu", "Miyun"],
    )
    assert fig.layout.title.subtitle.text == "s · " + t(
        "district.missing_list", "en", names="Pinggu, Miyun"
    )


def test_district_bar_carries_codes_and_highlights_the_selection(sample) -> None:
    values = q.district_values(sample, "community_workers")
    fig = district_bar(
        values,
        ctx("en", sample=True),
        title="t",
        subtitle="s",
        unit="persons",
        sources=[],
        selected=CHAOYANG,
    )
    bar = only(list(fig.data))
    codes = list(bar.customdata)
    assert sorted(codes) == sorted(schema.DISTRICT_CODES)
    assert all(isinstance(c, str) and c.startswith("1101") for c in codes), "codes, not indices"
    colours = list(bar.marker.color)
    assert colours[codes.index(CHAOYANG)] == SELECTED_COLOUR
    assert colours.count(SELECTED_COLOUR) == 1
    assert set(colours) == {SELECTED_COLOUR, DISTRICT_COLOUR}
    assert list(bar.x) == sorted(values["value"]), "ranked by value"
    by_code = dict(zip(values["geo_code"], values["name_en"], strict=True))
    assert list(bar.y) == [by_code[c] for c in codes]


@pytest.mark.parametrize("builder", ["map", "bar"])
def test_district_charts_with_no_values_say_not_reported(builder, geojson) -> None:
    empty = pd.DataFrame(columns=["geo_code", "value", "qualifier", "name_zh", "name_en"])
    if builder == "map":
        fig = district_map(
            empty, geojson, ctx("en"), title="t", subtitle="s", unit="count", sources=[]
        )
    else:
        fig = district_bar(empty, ctx("en"), title="t", subtitle="s", unit="count", sources=[])
    assert only(annotations(fig, "no-data")).text == t("district.not_reported", "en")


@pytest.mark.parametrize("lang", LANGS)
def test_flag_map_worded_legend_and_selection(reported, geojson, lang: str) -> None:
    flags = q.district_values(reported, "pay_rules_issued")
    fig = flag_map(
        flags, geojson, ctx(lang), title="t", subtitle="s", sources=[], selected=CHAOYANG
    )
    yes = only([tr for tr in fig.data if tr.name == t("flag.yes", lang)])
    no = only([tr for tr in fig.data if tr.name == t("flag.no", lang)])
    assert set(no.customdata) == {"110111", "110117"}
    assert len(yes.customdata) == 14
    assert set(yes.customdata) | set(no.customdata) == set(schema.DISTRICT_CODES)
    assert all(text.endswith(t("flag.yes", lang)) for text in yes.text)
    chosen = only([tr for tr in fig.data if tr.name == "selected"])
    assert list(chosen.customdata) == [CHAOYANG]
    assert chosen.showlegend is False
    # Each trace carries only the outlines of the districts it colours.
    for trace in (yes, no, chosen):
        assert {f["id"] for f in trace.geojson["features"]} == set(trace.locations)


def test_boundaries_are_arrays_that_serialise_as_the_file_does(geojson, repo) -> None:
    """Rings are numpy arrays (fast to serialise) and the JSON sent to the browser holds the
    same coordinates as the boundaries file."""
    import json

    import numpy as np
    import plotly.io as pio

    first = geojson["features"][0]["geometry"]["coordinates"]
    ring = first[0] if geojson["features"][0]["geometry"]["type"] == "Polygon" else first[0][0]
    assert isinstance(ring, np.ndarray) and ring.shape[1] == 2
    fig = go.Figure(go.Choroplethmap(geojson=geojson, locations=[CHAOYANG], z=[1]))
    sent = json.loads(pio.to_json(fig))["data"][0]["geojson"]
    on_disk = json.loads((repo / "data" / "geo" / "beijing_districts.geojson").read_text("utf-8"))
    assert sent == on_disk


# --- bars and the timeline -------------------------------------------------------------------------


def test_labelled_bars_hatch_qualified_values() -> None:
    bars = [
        Bar("城市社区", 100, "percent", "", "derived", "urban"),
        Bar("农村社区", 70, "percent", "over", "reported", "rural"),
        Bar("持证", 27000, "persons", "nearly", "reported", "certified"),
        Bar("月增", 3000, "yuan", "about", "reported", "raise"),
    ]
    fig = labelled_bars(bars, ctx("zh"), title="t", subtitle="s", sources=[])
    bar = only(list(fig.data))
    assert list(bar.marker.pattern.shape) == ["", "/", "/", "/"]
    assert list(bar.text) == ["100%", ">70%", "近2.7万人", "约3000元"]
    assert list(bar.customdata) == ["urban", "rural", "certified", "raise"]
    assert list(bar.y) == ["城市社区", "农村社区", "持证", "月增"]


def test_labelled_bars_without_bars_is_no_data() -> None:
    fig = labelled_bars([], ctx("en"), title="t", subtitle="s", sources=[])
    assert only(annotations(fig, "no-data")).text == t("chart.no_data", "en")


@pytest.mark.parametrize("lang", LANGS)
def test_milestone_timeline_sets_undated_milestones_apart(reported, lang: str) -> None:
    """Undated milestones stand in a 'year not stated' column, never at a guessed year."""
    ms = reported.milestones
    fig = milestone_timeline(ms, ctx(lang), title="t", subtitle="s", sources=[], selected_rank=3)
    last_year = int(ms["year"].dropna().max())
    undated_x = last_year + UNDATED_GAP
    placed = {}
    for trace in fig.data:
        for rank, x, symbol in zip(trace.customdata, trace.x, trace.marker.symbol, strict=True):
            placed[int(rank)] = (x, symbol)
    assert sorted(placed) == list(range(1, 11))
    for row in ms.itertuples():
        x, symbol = placed[int(row.rank)]
        if pd.isna(row.year):
            assert (x, symbol) == (undated_x, "diamond-open"), row.rank
        else:
            assert (x, symbol) == (int(row.year), "diamond"), row.rank
    column = only(annotations(fig, "undated-column"))
    assert column.text == t("chart.undated_column", lang)
    assert column.x == undated_x
    labels = [label for trace in fig.data for label in trace.y]
    assert f"1. {ms.iloc[0][f'title_{lang}']}" in labels
    selected = [
        colour
        for trace in fig.data
        for colour, rank in zip(trace.marker.line.color, trace.customdata, strict=True)
        if rank == 3
    ]
    assert selected == [SELECTED_COLOUR]


# --- selection events ------------------------------------------------------------------------------

VALID = set(schema.DISTRICT_CODES)

# Widths a page reports for its charts: a phone's, a laptop's, a desktop's and a 4K screen's.
REFLOW_WIDTHS = (360, 820, 1200, 3200)


def _written(fig: go.Figure) -> str:
    """Every text a figure writes, tags, line breaks and spaces taken out (a wrapped name reads
    the same as a whole one)."""
    texts = [fig.layout.title.text or "", fig.layout.title.subtitle.text or ""]
    texts += [a.text or "" for a in fig.layout.annotations]
    texts += [str(x) for tr in fig.data if tr.text is not None for x in np.atleast_1d(tr.text)]
    texts += [str(x) for x in fig.layout.yaxis.ticktext or ()]
    # Categories without tick texts are written as they are.
    texts += [y for tr in fig.data if tr.y is not None for y in tr.y if isinstance(y, str)]
    return re.sub(r"<[^>]+>|\s", "", " ".join(texts))


@pytest.mark.parametrize("chart_id", ["ten-firsts", "forty-years", "forty-year-story"])
@pytest.mark.parametrize("lang", LANGS)
def test_a_chart_reflowed_to_any_width_keeps_every_number_name_and_source(
    reported, chart_id: str, lang: str
) -> None:
    """Laid out for a phone or a 4K screen, a chart wraps and moves its text; it never drops or
    changes a number, a row's name or its source line, and on a phone it is taller, not
    squeezed."""
    spec = catalog.chart(chart_id)
    base = spec.build(reported, catalog.View(lang=lang, width=820)).figure
    expected = [re.sub(r"<[^>]+>|\s", "", str(x)) for x in _texts_of(base)]
    for width in REFLOW_WIDTHS:
        fig = spec.build(reported, catalog.View(lang=lang, width=width)).figure
        assert fig.layout.meta["layout_width"] == width
        written = _written(fig)
        missing = [x for x in expected if x not in written]
        assert not missing, (width, missing)
    phone = spec.build(reported, catalog.View(lang=lang, width=360)).figure
    assert phone.layout.height > base.layout.height


def _texts_of(fig: go.Figure) -> list[str]:
    """The numbers, names and source a chart writes, each as one string."""
    texts = [a.text for a in fig.layout.annotations if a.text]
    texts += [str(x) for tr in fig.data if tr.text is not None for x in np.atleast_1d(tr.text)]
    texts += [str(x) for x in fig.layout.yaxis.ticktext or ()]
    return [x for x in texts if x.strip()]


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"selection": {"points": [{"customdata": ["110105"]}]}}, "110105"),
        ({"selection": {"points": [{"customdata": "110105"}]}}, "110105"),
        ({"selection": {"points": [{"location": "110108"}]}}, "110108"),
        (
            {"selection": {"points": [{"customdata": "<script>"}, {"customdata": ["110101"]}]}},
            "110101",
        ),
        ({"selection": {"points": [{"customdata": "<script>alert(1)</script>"}]}}, None),
        ({"selection": {"points": [{"customdata": ["999999"]}]}}, None),
        ({"selection": {"points": [{"customdata": ["110000"]}]}}, None),
        ({"selection": {"points": [{"customdata": [3]}]}}, None),
        ({"selection": {"points": [{"point_index": 3}]}}, None),
        ({"selection": {"points": ["110105"]}}, None),
        ({"selection": {"points": []}}, None),
        ({"selection": {}}, None),
        ({}, None),
        (None, None),
        ("110105", None),
        (42, None),
    ],
)
def test_selected_district(event, expected) -> None:
    assert selected_district(event, VALID) == expected


def test_selected_district_reads_attribute_style_events() -> None:
    class Selection:
        def __init__(self) -> None:
            self.points = [{"customdata": ["110105"]}]

    class Event:
        def __init__(self) -> None:
            self.selection = Selection()

    assert selected_district(Event(), VALID) == "110105"


# --- every catalog chart ---------------------------------------------------------------------------


def _title(fig: go.Figure) -> str:
    return (fig.layout.title.text or "").replace("<b>", "").replace("</b>", "").strip()


@pytest.mark.parametrize("district", [schema.CITY_CODE, CHAOYANG])
@pytest.mark.parametrize("snapshot_id", SNAPSHOTS)
def test_every_catalog_chart_builds_in_both_languages(snapshot_id: str, district: str) -> None:
    snapshot = load_snapshot(snapshot_id)
    specs = list(catalog.CHARTS) + catalog.trend_charts(snapshot)
    assert len(specs) > len(catalog.CHARTS), "no trend charts in this snapshot"
    problems = []
    for spec in specs:
        titles = {}
        for lang in LANGS:
            result = spec.build(snapshot, catalog.View(lang=lang, district=district))
            assert isinstance(result.figure, go.Figure), spec.id
            assert isinstance(result.data, pd.DataFrame), spec.id
            titles[lang] = _title(result.figure)
            footer = only(annotations(result.figure, "footer")).text
            if snapshot_id not in footer:
                problems.append(f"{spec.id}/{lang}: footer lacks the snapshot id")
            if snapshot.is_sample != bool(annotations(result.figure, "sample-watermark")):
                problems.append(f"{spec.id}/{lang}: sample watermark wrong")
        if not titles["zh"] or not titles["en"]:
            problems.append(f"{spec.id}: empty title {titles}")
        elif titles["zh"] == titles["en"]:
            problems.append(f"{spec.id}: the same title in both languages: {titles['zh']}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("snapshot_id", SNAPSHOTS)
def test_every_district_chart_builds_and_keeps_codes(snapshot_id: str) -> None:
    snapshot = load_snapshot(snapshot_id)
    ids = catalog.district_indicators(snapshot, schema.TOPICS)
    assert ids, "no indicator with district values"
    for indicator in ids:
        for kind in ("map", "bar"):
            spec = catalog.chart(f"district-{kind}-{indicator}")
            assert spec.selectable
            titles = {}
            for lang in LANGS:
                fig = spec.build(snapshot, catalog.View(lang=lang, district=CHAOYANG)).figure
                titles[lang] = _title(fig)
                codes = {
                    c
                    for trace in fig.data
                    if trace.customdata is not None
                    for c in trace.customdata
                }
                assert codes and codes <= VALID, f"{spec.id}: customdata {sorted(codes)[:3]}"
            assert titles["zh"] and titles["en"] and titles["zh"] != titles["en"], spec.id


def test_unknown_chart_id_is_refused() -> None:
    with pytest.raises(KeyError, match="unknown chart 'nope'"):
        catalog.chart("nope")


def test_legend_rows_and_label_width_follow_the_text():
    """The estimates that size margins: more legend rows as the width shrinks, label width from
    category labels only (a numeric series has none)."""
    from dashboard.charts.base import SIZES, category_label_px, legend_rows

    size = SIZES["export"]
    names = ["Responsive government", "Legal status", "Standards", "Elections"]
    fig = go.Figure([go.Scatter(x=[1], y=["a"], name=n) for n in names])
    assert legend_rows(fig, size, 2000) == 1
    assert legend_rows(fig, size, 700) == 2
    assert legend_rows(fig, size, 200) == 4
    assert legend_rows(go.Figure(go.Scatter(x=[1], y=[1], name="only")), size, 100) == 1
    rows = go.Figure(go.Bar(x=[1, 2], y=["short", "a much longer label"], orientation="h"))
    series = go.Figure(go.Scatter(x=np.arange(3), y=np.array([1.0, 2.0, 3.0])))
    assert category_label_px(series, size) == 0
    assert category_label_px(rows, size) > 2 * category_label_px(
        go.Figure(go.Bar(x=[1], y=["short"], orientation="h")), size
    )


# --- rules every chart in the catalog follows --------------------------------------------------
# Each rule is checked over every chart the catalog can build (its fixed charts, every trend and
# every district panel) on every snapshot, so the next chart cannot break one silently.


def every_chart_id(snapshot: Snapshot) -> list[str]:
    ids = [c.id for c in catalog.CHARTS] + [c.id for c in catalog.trend_charts(snapshot)]
    districts = catalog.district_indicators(snapshot, schema.TOPICS)
    return ids + [f"district-bar-{i}" for i in districts]


@pytest.fixture(scope="module", params=SNAPSHOTS)
def built(request) -> tuple[Snapshot, dict[str, catalog.ChartResult]]:
    snapshot = load_snapshot(request.param)
    view = catalog.View(lang="en")
    return snapshot, {i: catalog.chart(i).build(snapshot, view) for i in every_chart_id(snapshot)}


def test_bars_on_one_axis_measure_one_thing_of_one_base(built) -> None:
    """Like with like: community workers never beside social workers, a share of community workers
    never beside a share of China's certified social workers (their panels have their own axes)."""
    _, charts = built
    for chart_id, result in charts.items():
        if chart_id.startswith("district-"):
            continue  # districts compared on one measure, drawn from one indicator
        axes: dict[str, set[str]] = {}
        for trace in result.figure.data:
            if trace.type != "bar" or trace.customdata is None:
                continue  # a pale 100% track is the whole, not a figure
            axis = axes.setdefault(trace.xaxis or "x", set())
            axis.update(catalog.bar_measure(str(k)) for k in trace.customdata)
        mixed = {axis: measures for axis, measures in axes.items() if len(measures) > 1}
        assert not mixed, f"{chart_id}: different measures share an axis: {mixed}"


def test_workforce_groups_and_shares_stand_in_separate_panels(reported) -> None:
    for chart_id, apart in (
        ("workforce-profile", ({"community_workers"}, {"social_workers"})),
        (
            "workforce-shares",
            ({"community_workers_college_share"}, {"certified_social_workers_national_share"}),
        ),
    ):
        fig = catalog.chart(chart_id).build(reported, catalog.View()).figure
        panels = [
            {catalog.bar_measure(k) for k in tr.customdata}
            for tr in fig.data
            if tr.type == "bar" and tr.customdata is not None
        ]
        assert sorted(map(sorted, panels)) == sorted(map(sorted, apart)), chart_id
        axes = {tr.xaxis for tr in fig.data if tr.type == "bar" and tr.customdata is not None}
        assert len(axes) == 2, f"{chart_id}: each group on its own axis"


def _drawn_years(fig: go.Figure) -> list[int]:
    years = [
        int(x)
        for tr in fig.data
        if tr.type == "scatter" and "markers" in (tr.mode or "") and tr.x is not None
        for x in tr.x
        if x is not None
    ]
    years += [int(s.x0) for s in fig.layout.shapes if s.x0 is not None and s.x0 == s.x1]
    return years


def test_a_trend_ends_on_its_last_published_point(built) -> None:
    """Every trend shows its indicator's latest dated city value; none ends on its oldest point."""
    snapshot, charts = built
    for chart_id, result in charts.items():
        if not chart_id.startswith("trend-"):
            continue
        last = int(q.series(snapshot, chart_id.removeprefix("trend-"))["year"].max())
        assert max(_drawn_years(result.figure)) >= last, chart_id


def test_a_state_given_in_words_is_drawn_as_words_not_a_number(reported) -> None:
    """Office space: 20% in 2009, then 全面实现 as the source says, with no invented percentage."""
    for lang in LANGS:
        result = catalog.chart("office-space").build(reported, catalog.View(lang=lang))
        fig = result.figure
        stated = only(annotations(fig, "stated-end"))
        assert t("label.fully_met", lang) in stated.text.replace("<br>", " ")
        assert max(_drawn_years(fig)) == 2019 and min(_drawn_years(fig)) == 2009
        points = [y for tr in fig.data if tr.type == "scatter" for y in (tr.y or ())]
        assert points == [20.0], "no number the source does not give"
        assert "全面的实现" in " ".join(result.data["quote"])

        forty = catalog.chart("forty-years").build(reported, catalog.View(lang=lang)).figure
        assert t("label.fully_met", lang) in only(annotations(forty, "stated-end")).text.replace(
            "<br>", " "
        )
        assert "2009" in forty.layout.title.text and "2019" in forty.layout.title.text


def test_lines_join_only_points_of_one_publisher(built) -> None:
    """A definition change (towns in 2012 and 2022 come from publishers that count differently)
    is never drawn as a line; one publisher's yearly editions are."""
    snapshot, charts = built
    for chart_id, result in charts.items():
        rows = result.data
        if not {"year", "value", "source_id"} <= set(rows.columns):
            continue
        for trace in result.figure.data:
            if trace.type != "scatter" or trace.mode != "lines" or trace.x is None:
                continue
            joined = rows[
                rows["year"].isin([x for x in trace.x if x is not None])
                & rows["value"].isin([y for y in trace.y if y is not None])
            ]
            if (joined["status"] == "sample").all():
                continue  # a synthetic yearly series is one series by construction
            publishers = {catalog.publisher(snapshot, s, "en") for s in joined["source_id"]}
            assert len(publishers) == 1, f"{chart_id} joins {publishers}"


def test_district_panels_compare_only_a_period_most_districts_report(built) -> None:
    """No district map or bar on one stale value: at least 8 of 16 districts, one period."""
    snapshot, charts = built
    for chart_id, result in charts.items():
        if not chart_id.startswith("district-"):
            continue
        rows = result.data
        assert rows["geo_code"].nunique() >= q.MIN_DISTRICTS_TO_COMPARE, chart_id
        assert rows["period"].nunique() == 1, f"{chart_id} mixes periods"
    if not snapshot.is_sample:
        panel = catalog.district_indicators(snapshot, ("grid_services", "trends"))
        assert "grid_cells" not in panel, "one district's 2004 grid count is not a comparison"


def test_comparable_values_prefer_a_period_most_districts_share() -> None:
    snapshot = load_snapshot("2019-01-09")
    rows = snapshot.indicators
    extra = rows[(rows["indicator_id"] == "resident_population") & (rows["geo_code"] == CHAOYANG)]
    lone = extra.iloc[[-1]].assign(period="2024", year=pd.array([2024], dtype="Int16"))
    import dataclasses

    changed = dataclasses.replace(
        snapshot,
        indicators=pd.concat([rows, lone], ignore_index=True),
        fingerprint="lone-2024",
        memo={},
    )
    values = q.comparable_district_values(changed, "resident_population")
    assert set(values["period"]) != {"2024"} and values["geo_code"].nunique() >= 8


def test_trend_events_are_only_those_that_concern_the_chart(reported) -> None:
    """The 2008 Olympics are marked on volunteers, not on town counts; labels are words."""
    towns = catalog.key_events(reported, "zh", "towns")
    volunteers = catalog.key_events(reported, "zh", "volunteers_registered")
    assert towns == []
    assert [y for y, _ in volunteers] == [2008]
    assert all("十个一(" not in label for _, label in volunteers)


@pytest.mark.parametrize("lang", LANGS)
def test_forty_year_story_spans_1978_to_the_snapshot_with_every_point_quoted(
    lang: str, transcript: str
) -> None:
    for snapshot_id in ("2019-01-09", "2026-11-27"):
        snapshot = load_snapshot(snapshot_id)
        result = catalog.chart("forty-year-story").build(snapshot, catalog.View(lang=lang))
        fig, rows = result.figure, result.data
        assert tuple(fig.layout.xaxis.range) == (1977, int(snapshot.as_of[:4]) + 1)
        told = rows[rows["kind"].isin(["era", "turning_point", "first"])]
        assert set(told["kind"]) == {"era", "turning_point", "first"}
        assert all(quote in transcript for quote in told["quote"])
        assert set(rows["source_id"]) <= set(snapshot.sources["source_id"])
        # Every dated city figure of the snapshot is placed on the axis.
        figures = rows[rows["kind"] == "figure"]
        assert len(figures) == len(q.dated_city_values(snapshot))
        counts = [
            int(x)
            for tr in fig.data
            if tr.type == "scatter" and tr.text is not None and tr.marker.symbol == "square"
            for x in tr.text
        ]
        assert sum(counts) == len(figures)
        # The eras and turning points the speaker names, each at the year he gives.
        years = dict(zip(snapshot.story["key"], snapshot.story["year"], strict=True))
        assert years["community_talk_begins"] == 1990
        assert years["community_building_begins"] == 2000
        assert years["mass_volunteering"] == 2008
        assert years["consultation_norm"] == 2012
        # And it says plainly what was never published as a yearly series.
        statement = catalog.yearly_statement(snapshot, lang)
        assert unwrapped(statement) in unwrapped(fig.layout.title.subtitle.text)
        cover = q.series_coverage(snapshot)
        if cover.yearly_from is None:
            assert cover.longest_run < q.YEARLY_RUN, "the statement would be false"
        else:
            assert str(cover.yearly_from - 1) in statement, "says where yearly data begins"


@pytest.mark.parametrize("lang", LANGS)
def test_a_drilled_chart_says_in_its_title_whose_figures_it_shows(reported, lang: str) -> None:
    view = catalog.View(lang=lang, district=CHAOYANG)
    district = q.geo_name(reported, CHAOYANG, lang)
    city = catalog.chart("workforce-profile").build(reported, view).figure.layout.title.text
    assert city.startswith("<b>" + t("drill.title_city", lang, district=district).rstrip(" ·"))
    own = catalog.chart("trend-resident_population").build(reported, view).figure.layout.title.text
    assert own.startswith("<b>" + t("drill.title_district", lang, district=district).rstrip(" ·"))
    plain = catalog.chart("workforce-profile").build(reported, catalog.View(lang=lang)).figure
    assert not plain.layout.title.text.startswith("<b>" + t("drill.title_city", lang, district=""))
    first, rest = catalog.drill_summary(reported, view)
    assert q.indicator_name(reported, "resident_population", lang) in first and district in rest
    # The division codes' nine kinds of unit are named once, not one by one.
    assert first.count(t("drill.division_codes", lang)) == 1
    assert q.indicator_name(reported, "division_towns", lang) not in first


def test_words_for_a_stated_end_survive_in_the_pptx(reported) -> None:
    """The PPTX turns simple charts into native ones; office space keeps its picture, so its
    "全面实现" is not dropped from the pack."""
    from dashboard.pptx_charts import native_chart

    view = catalog.View(medium="export")
    fig = catalog.chart("office-space").build(reported, view).figure
    assert annotations(fig, "stated-end") and native_chart(fig) is None
    pay = catalog.chart("workforce-pay").build(reported, view).figure
    assert native_chart(pay) is not None, "an ordinary trend still becomes a native chart"


# --- charts fit the width they are drawn at --------------------------------------------------------


@pytest.fixture(scope="module")
def divisions_snapshot() -> Snapshot:
    return load_snapshot("2026-11-27")


def test_the_division_codes_editions_are_one_series_under_one_source_line(
    divisions_snapshot,
) -> None:
    """The statistics bureau's yearly editions, counted by one rule, are one series joined by a
    line, and the source line names the run of editions once instead of eight times."""
    for lang in LANGS:
        fig = (
            catalog.chart("trend-division_subdistricts")
            .build(divisions_snapshot, catalog.View(lang=lang, width=480))
            .figure
        )
        lines = [tr for tr in fig.data if tr.mode == "lines"]
        points = [tr for tr in fig.data if tr.mode == "markers+text"]
        assert len(lines) == 1 and len(points) == 1 and len(points[0].x) == 8
        assert points[0].name == t("chart.reported_points", lang)
        footer = only(annotations(fig, "footer")).text.replace("<br>", " ")
        assert footer.count("npm") == 1 and "2016" in footer and "2023" in footer


@pytest.mark.parametrize("lang", LANGS)
def test_narrow_charts_thin_their_ticks_and_names_but_keep_every_point(
    divisions_snapshot, lang: str
) -> None:
    """On a phone the editions are named by year, every other one; only the lines' names that stand
    apart are written; every edition and every district is still drawn (and in the hover)."""
    build = catalog.chart("communities-lines-residents").build

    def drawn(width: int):
        return build(divisions_snapshot, catalog.View(lang=lang, width=width)).figure

    phone, desktop = drawn(360), drawn(1500)
    assert len(phone.layout.xaxis.tickvals) < 8 == len(desktop.layout.xaxis.tickvals)
    assert all(len(text) == 4 and text.isdigit() for text in phone.layout.xaxis.ticktext)
    named = len(annotations(phone, "line-name"))
    assert 3 <= named <= len(annotations(desktop, "line-name")) < 16
    for fig in (phone, desktop):
        assert len([tr for tr in fig.data if tr.type == "scatter"]) == 16
        assert all(len(tr.x) == 8 for tr in fig.data if tr.type == "scatter")
    # Names printed at the lines' ends stand at least a line apart on the drawn scale.
    ys = sorted(a.y for a in annotations(phone, "line-name"))
    top = max(max(tr.y) for tr in phone.data)
    assert all(b - a > top / 16 for a, b in itertools.pairwise(ys))


def test_a_trend_shows_as_many_year_ticks_as_fit_and_none_beyond_its_years(reported) -> None:
    for width in (360, 820, 1800):
        fig = (
            catalog.chart("trend-residents_committees")
            .build(reported, catalog.View(lang="en", width=width))
            .figure
        )
        ticks = list(fig.layout.xaxis.tickvals)
        years = [x for tr in fig.data if tr.type == "scatter" for x in tr.x if x is not None]
        assert min(years) <= ticks[0] and ticks[-1] <= max(years)
        assert len(ticks) <= max(int((width - 90) // 43), 2)


def test_separate_panels_stand_one_above_another_on_a_phone(reported) -> None:
    """Side by side on a desktop; on a phone each panel takes the width, one under the other."""
    for width, stacked in ((360, True), (1500, False)):
        fig = catalog.chart("workforce-profile").build(reported, catalog.View(width=width)).figure
        x_domains = {tuple(a.domain) for a in fig.select_xaxes()}
        y_domains = {tuple(a.domain) for a in fig.select_yaxes()}
        assert (len(y_domains), len(x_domains)) == ((2, 1) if stacked else (1, 2))


def test_a_chart_grows_taller_rather_than_squeeze_its_plot(divisions_snapshot) -> None:
    """Sixteen district bars get a readable row each; wrapped text on a phone leaves the plot its
    height; a chart with room keeps the height asked for."""
    view = catalog.View(lang="en", width=360)
    bar = (
        catalog.chart("district-bar-division_residents_committees")
        .build(divisions_snapshot, view)
        .figure
    )
    margin = bar.layout.margin
    assert fitted_height(bar, 480) >= margin.t + margin.b + 16 * BAR_ROW_PX
    wide = (
        catalog.chart("communities-shift")
        .build(divisions_snapshot, catalog.View(lang="en", width=1500))
        .figure
    )
    assert fitted_height(wide, 460) == 460

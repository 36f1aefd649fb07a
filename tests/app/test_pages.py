"""One AppTest run per page, language and snapshot, plus the behaviours that cross pages: the
district drill-down and its way back, bad link parameters, and a damaged snapshot on disk."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import queries as q
from dashboard.catalog import OVERVIEW_HEADLINES
from dashboard.i18n import t
from dashboard.snapshot import DEFAULT_SNAPSHOT, load_snapshot

REPO = Path(__file__).resolve().parents[2]
REPORTED, SAMPLE = "2019-01-09", "sample"
CHAOYANG = "110105"

# Every page script and the fewest charts it draws on the reported snapshot. The sample draws at
# least as many, since it has district values for the district panels.
PAGES = {
    "overview": 2,
    "forty_years": 1,
    "ten_firsts": 1,
    "trends": 1,
    "workforce": 4,
    "volunteers": 1,
    "deliberation": 1,
    "grid_services": 2,
    "communities": 5,
    "data_sources": 0,
}


def _pick(elements: Iterable, predicate: Callable[[object], bool]):
    """The one element that matches; fails when none or several do, so a test never passes by
    reading the wrong widget."""
    matches = [e for e in elements if predicate(e)]
    if len(matches) != 1:
        seen = [getattr(e, "value", getattr(e, "label", e)) for e in elements]
        raise AssertionError(f"expected exactly one match, found {len(matches)} among {seen}")
    return matches[0]


def _app(page: str | None, *, lang: str, snapshot: str, **params: str) -> AppTest:
    """Open the app as a link with these parameters would, then go to `page`.

    The first run registers the pages with st.navigation; only after it can switch_page find a
    page by its file (AppTest documents this).
    """
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.query_params["snapshot"] = snapshot
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page:
        at.switch_page(f"pages/{page}.py")
        at.run()
    return at


def _title(at: AppTest) -> str:
    return _pick(at.title, lambda _: True).value


def _charts(at: AppTest) -> int:
    return len(at.get("plotly_chart"))


def _metrics(at: AppTest) -> list[tuple[str, str]]:
    return [(m.label, m.value) for m in at.metric]


def _as_of(at: AppTest) -> str:
    prefix = t("sidebar.as_of", "en", date="")
    return _pick(at.sidebar.caption, lambda c: c.value.startswith(prefix)).value.removeprefix(
        prefix
    )


# --- every page --------------------------------------------------------------------------------


@pytest.mark.parametrize("snapshot", [REPORTED, SAMPLE])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_renders(page: str, lang: str, snapshot: str) -> None:
    at = _app(page, lang=lang, snapshot=snapshot)
    assert not at.exception, [e.value for e in at.exception]
    assert _title(at) == t(f"page.{page}", lang)
    assert _charts(at) >= PAGES[page], f"{page}: {_charts(at)} charts"
    banner = t("sample.banner", lang)
    banners = [e for e in at.error if e.value == banner]
    if snapshot == SAMPLE:
        _pick(at.error, lambda e: e.value == banner)
    else:
        assert banners == [], "the sample banner on a reported snapshot"
    assert not at.warning, [w.value for w in at.warning]


# Pages outside the sidebar, each with its title key. Streamlit runs a page script on its own for a
# direct URL, and the page starts the session itself (ui.current), so each runs from its file.
SPECIAL_PAGES = {"compare": "page.compare", "import_data": "page.import"}


@pytest.mark.parametrize("snapshot", [REPORTED, SAMPLE])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", sorted(SPECIAL_PAGES))
def test_special_page_renders(page: str, lang: str, snapshot: str) -> None:
    script = REPO / "pages" / f"{page}.py"
    if not script.is_file():
        pytest.skip(f"pages/{page}.py is not in this checkout")
    at = AppTest.from_file(str(script), default_timeout=60)
    at.query_params["lang"] = lang
    at.query_params["snapshot"] = snapshot
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert _title(at) == t(SPECIAL_PAGES[page], lang)
    if snapshot == SAMPLE:
        _pick(at.error, lambda e: e.value == t("sample.banner", lang))


@pytest.mark.parametrize("snapshot", [REPORTED, SAMPLE])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_present_page(lang: str, snapshot: str) -> None:
    """pages/present.py is the only page in presentation mode; its exit button leaves the mode."""
    at = _app("present", lang=lang, snapshot=snapshot, present="1")
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["present"] is True
    at.button(key="present_exit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["present"] is False


# --- drill-down --------------------------------------------------------------------------------


def _headline_tiles(at: AppTest, snapshot: str, lang: str) -> list[tuple[str, str]]:
    """The overview's headline tiles in order (the district profile above them is left out)."""
    snap = load_snapshot(snapshot)
    names = [q.indicator_name(snap, i, lang) for i in OVERVIEW_HEADLINES]
    tiles = [
        _pick(at.metric, lambda m, n=name: m.label == n or m.label.startswith(f"{n} ("))
        for name in names
    ]
    return [(m.label, m.value) for m in tiles]


def test_district_on_the_sample_shows_district_numbers() -> None:
    city = _headline_tiles(_app("overview", lang="en", snapshot=SAMPLE), SAMPLE, "en")
    at = _app("overview", lang="en", snapshot=SAMPLE, district=CHAOYANG)
    assert not at.exception
    district = _headline_tiles(at, SAMPLE, "en")
    assert [label for label, _ in city] == [label for label, _ in district], (
        "district values, not city"
    )
    kept = [a for a, b in zip(city, district, strict=True) if a[1] == b[1]]
    assert not kept, f"tiles that kept the city value: {kept}"
    _pick(at.markdown, lambda m: m.value == "**Beijing › Chaoyang**")


def test_the_city_view_has_no_breadcrumb() -> None:
    at = _app("overview", lang="en", snapshot=SAMPLE)
    assert not [m for m in at.markdown if "›" in m.value]
    assert "back_to_city" not in [b.key for b in at.button]


def test_district_on_the_reported_snapshot_says_city_figure() -> None:
    at = _app("overview", lang="zh", snapshot=REPORTED, district=CHAOYANG)
    assert not at.exception
    district = _headline_tiles(at, REPORTED, "zh")
    suffix = f"({t('district.city_value', 'zh')})"
    assert all(label.endswith(suffix) for label, _ in district), district
    city = _headline_tiles(_app("overview", lang="zh", snapshot=REPORTED), REPORTED, "zh")
    assert [v for _, v in city] == [v for _, v in district]
    _pick(at.markdown, lambda m: m.value == "**北京市 › 朝阳区**")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_district_on_the_reported_snapshot_says_not_reported(lang: str) -> None:
    at = _app("workforce", lang=lang, snapshot=REPORTED, district=CHAOYANG)
    assert not at.exception
    _pick(at.info, lambda i: i.value.endswith(t("district.not_reported", lang)))


def test_later_snapshot_district_view() -> None:
    at = _app("overview", lang="en", snapshot="2026-11-27", district=CHAOYANG)
    assert not at.exception
    assert _as_of(at) == "2026-11-27"
    _pick(at.markdown, lambda m: m.value == "**Beijing › Chaoyang**")


def test_back_button_returns_to_the_city() -> None:
    at = _app("overview", lang="zh", snapshot=SAMPLE, district=CHAOYANG)
    drilled = _headline_tiles(at, SAMPLE, "zh")
    at.button(key="back_to_city").click().run()
    assert not at.exception
    assert at.session_state["district"] == "110000"
    assert not [m for m in at.markdown if "›" in m.value], "breadcrumb still shown"
    assert "district" not in at.query_params
    city = _app("overview", lang="zh", snapshot=SAMPLE)
    assert _metrics(at) == _metrics(city)
    assert _headline_tiles(at, SAMPLE, "zh") != drilled


def test_a_charts_data_table_is_drawn_when_asked_for() -> None:
    """Each chart's table alternative: off at first (no data grid on the page), then the chart's
    own values with their sources once its toggle is on."""
    at = _app("grid_services", lang="en", snapshot=REPORTED)
    assert not at.dataframe, "tables drawn before anyone asked"
    toggle = at.toggle(key="table_grid-workers")
    assert toggle.label == t("chart.table", "en") and toggle.value is False
    toggle.set_value(True).run()
    assert not at.exception
    table = _pick(at.dataframe, lambda _: True).value
    snapshot = load_snapshot(REPORTED)
    parts = [q.latest(snapshot, f"grid_workers_{kind}") for kind in ("fulltime", "parttime")]
    assert sorted(table[t("col.value", "en")]) == sorted(p.value for p in parts)
    assert table[t("col.source", "en")].str.len().gt(0).all(), "every row names its source"
    at.toggle(key="table_grid-workers").set_value(False).run()
    assert not at.dataframe


def test_a_long_values_table_shows_its_first_rows_and_says_so(monkeypatch) -> None:
    """Past the cap the data view draws the first rows and says how many there are in all."""
    from dashboard import ui

    monkeypatch.setattr(ui, "TABLE_ROWS_SHOWN", 100)
    at = _app("data_sources", lang="en", snapshot=SAMPLE)
    assert not at.exception, [e.value for e in at.exception]
    total = len(load_snapshot(SAMPLE).indicators)
    values = _pick(at.dataframe, lambda d: t("col.indicator", "en") in d.value.columns).value
    assert len(values) == 100
    _pick(
        at.caption, lambda c: c.value == t("data.count_capped", "en", n=f"{total:,}", shown="100")
    )


# --- language and links ------------------------------------------------------------------------


def test_switching_language_in_the_sidebar() -> None:
    at = _app("workforce", lang="zh", snapshot=REPORTED)
    assert _title(at) == t("page.workforce", "zh")
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert _title(at) == t("page.workforce", "en")
    assert at.query_params["lang"] == "en"


def test_bad_link_parameters_are_named_and_ignored() -> None:
    """The notice shows on the page the link opens (the first run, here the default page)."""
    at = _app(None, lang="en", snapshot="../../etc/passwd", district="<script>")
    assert _title(at) == t("page.overview", "en")
    assert not at.exception
    for name in ("district", "snapshot"):
        _pick(at.warning, lambda w, n=name: w.value == t("notice.bad_param", "en", name=n))
    assert _as_of(at) == DEFAULT_SNAPSHOT
    assert at.session_state["district"] == "110000"


# --- damaged data --------------------------------------------------------------------------------


def test_a_damaged_snapshot_falls_back_to_the_default(data_dir: Path) -> None:
    """AppTest runs the page in this process, so the data_dir fixture's DATA_DIR applies."""
    damaged = data_dir / "snapshots" / SAMPLE / "indicators.parquet"
    damaged.write_bytes(damaged.read_bytes()[:200])
    at = _app("overview", lang="en", snapshot=SAMPLE)
    assert not at.exception, [e.value for e in at.exception]
    warning = _pick(at.warning, lambda w: w.value.startswith("Snapshot sample cannot be used"))
    # The message is shown as plain text: Markdown characters arrive escaped.
    shown = warning.value.replace("\\", "")
    assert "sample/indicators.parquet: checksum does not match the manifest" in shown
    assert shown.endswith(f"Showing {DEFAULT_SNAPSHOT} instead.")
    assert _title(at) == t("page.overview", "en")
    assert _as_of(at) == DEFAULT_SNAPSHOT
    assert not [e for e in at.error if e.value == t("sample.banner", "en")]
    assert _charts(at) >= PAGES["overview"]


def test_the_data_dir_fixture_reaches_the_app(data_dir: Path) -> None:
    """A snapshot only in the throwaway folder is offered, so the app reads that folder."""
    import shutil

    shutil.copytree(data_dir / "snapshots" / REPORTED, data_dir / "snapshots" / "only-here")
    manifest = data_dir / "snapshots" / "only-here" / "manifest.json"  # its id names its folder
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(f'"id": "{REPORTED}"', '"id": "only-here"'),
        encoding="utf-8",
    )
    at = _app("overview", lang="en", snapshot="only-here")
    assert not at.exception
    assert not at.warning, [w.value for w in at.warning]
    assert _pick(at.sidebar.selectbox, lambda s: s.key == "snapshot").value == "only-here"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_forty_year_story_shows_every_era_and_turning_point_with_its_words(lang: str) -> None:
    at = _app("forty_years", lang=lang, snapshot=REPORTED)
    story = load_snapshot(REPORTED).story
    texts = [e.value for e in at.text]
    for row in story.itertuples():
        assert f"“{row.quote}”" in texts, row.key
    captions = " ".join(c.value for c in at.caption)
    assert captions.count(t("story.source", lang, source="", title="")[:3]) >= len(story)


def test_trends_view_has_no_common_year_slider_and_says_what_was_never_published() -> None:
    from dashboard import catalog

    at = _app("trends", lang="en", snapshot=REPORTED)
    assert not at.slider
    statement = catalog.yearly_statement(load_snapshot(REPORTED), "en")
    _pick(at.caption, lambda c: c.value == statement)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_communities_checks_the_2018_edition_against_the_press_conference(lang: str) -> None:
    """Both sides of the check come from the snapshot: the edition's count and the speaker's."""
    at = _app("communities", lang=lang, snapshot=DEFAULT_SNAPSHOT)
    captions = [str(c.value) for c in at.caption]
    check = [c for c in captions if "2018-10-31" in c]
    assert len(check) == 1, captions
    assert check[0].count("3920") + check[0].count("3,920") == 2  # the edition and the speaker
    assert "3177" in check[0] or "3,177" in check[0]
    assert "3211" in check[0] or "3,211" in check[0]


def test_a_district_profile_sets_the_city_of_the_same_period_beside_it() -> None:
    """Dongcheng's 2020 census population never stands beside the city's 2010 census total."""
    dongcheng = "110101"
    at = _app("overview", lang="en", snapshot=DEFAULT_SNAPSHOT, district=dongcheng)
    snapshot = load_snapshot(DEFAULT_SNAPSHOT)
    own = q.latest(snapshot, "resident_population", dongcheng)
    city_then = q.at_period(snapshot, "resident_population", own.period)
    city_latest = q.latest(snapshot, "resident_population")
    captions = [str(c.value) for c in at.caption if str(c.value).startswith("City, ")]
    assert captions, "the profile names the city's figure of the same period"
    population = next(c for c in captions if own.period in c)
    if city_then is None:  # said in words, not with a dash
        assert population == t("district.city_value_unsourced", "en", period=own.period)
    if city_latest is not None and city_latest.period != own.period:
        from dashboard.formatting import format_value

        stale = format_value(city_latest.value, city_latest.unit, "en", city_latest.qualifier)
        assert stale not in population


def test_each_chart_is_laid_out_for_the_width_it_is_drawn_at() -> None:
    """The page reports the main column's width and a chart's share of it in 2, 3, 4 columns
    (in steps): a full-width chart is laid out for the column, charts side by side for their
    share, so a wide chart is not squeezed to the width of its narrower neighbours."""
    import json

    at = _app(None, lang="en", snapshot=REPORTED)
    at.session_state["page_width"] = [1200, 480, 360, 360]
    at.switch_page("pages/workforce.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    widths = {}
    for element in at.get("plotly_chart"):
        figure = json.loads(element.proto.spec)
        widths[element.proto.id] = figure["layout"]["meta"]["layout_width"]
    assert sorted(widths.values()) == [480, 480, 1200, 1200, 1200], widths

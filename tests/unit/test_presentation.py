"""Presentation mode: the scene list, type sizes readable from the back of a room, labels that do
not need hover, speaker notes, the notes window's board, and the page driven through AppTest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashboard import catalog, presentation
from dashboard.charts.base import SIZES
from dashboard.i18n import t
from dashboard.snapshot import DEFAULT_SNAPSHOT, SAMPLE_SNAPSHOT, load_snapshot

CHAOYANG = "110105"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def reported():
    return load_snapshot(DEFAULT_SNAPSHOT)


@pytest.fixture(scope="module")
def sample():
    return load_snapshot(SAMPLE_SNAPSHOT)


def present_view(lang="zh", theme="dark", district="110000") -> catalog.View:
    return catalog.View(lang=lang, district=district, theme=theme, medium="present")


def test_the_show_covers_the_briefing_in_ten_to_fourteen_scenes(reported):
    scenes = presentation.scenes(reported)
    assert 10 <= len(scenes) <= 14
    keys = [s.key for s in scenes]
    assert keys[0] == "headlines"
    for expected in (
        "ten-firsts",
        "forty-years",
        "volunteers",
        "deliberation",
        "grid",
        "pay-rules-map",
    ):
        assert expected in keys
    assert sum(k.startswith("workforce") for k in keys) >= 2
    assert len(set(keys)) == len(keys)
    for scene in scenes:
        if scene.kind == "chart":
            catalog.chart(scene.chart)  # every chart scene names a catalogued chart
        else:
            assert scene.title_key and t(scene.title_key, "en")


def test_scenes_without_data_are_left_out(reported, monkeypatch):
    empty = reported.milestones.iloc[0:0]
    from dataclasses import replace

    bare = replace(reported, milestones=empty, id="no-milestones", fingerprint="x")
    assert "ten-firsts" not in [s.key for s in presentation.scenes(bare)]


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chart_scenes_are_readable_from_the_back(reported, lang, theme):
    """At the projector's 1280x720: titles >= 36 px, axis text >= 20 px, no label only on hover."""
    for scene in presentation.scenes(reported):
        if scene.kind != "chart":
            continue
        fig = scene.build(reported, present_view(lang, theme)).figure
        assert fig.layout.title.font.size >= 36, scene.key
        for axis in (fig.layout.xaxis, fig.layout.yaxis):
            if axis.visible is not False and axis.showticklabels is not False:
                assert axis.tickfont.size >= 20, (scene.key, axis.plotly_name)
        assert fig.layout.paper_bgcolor == ("#0B1220" if theme == "dark" else "#FFFFFF")
        labelled = False
        for trace in fig.data:
            if trace.type == "bar":
                assert trace.text is not None and len(trace.text) == len(trace.x), scene.key
                assert trace.textfont.size >= 20
                labelled = True
            elif trace.type in ("choropleth", "choroplethmap") and trace.name:
                labelled = True  # a category map reads by its legend
            elif trace.type == "scatter" and "markers" in (trace.mode or ""):
                if all(isinstance(y, str) for y in trace.y):
                    labelled = True  # events on a timeline's row, named by it, not values
                    continue
                assert "text" in trace.mode, f"{scene.key}: points without value labels"
                assert trace.textfont.size >= 20
                labelled = True
        assert labelled, f"{scene.key} has no value labels"


def test_present_sizes_meet_the_projector_minimums():
    assert SIZES["present"]["title"] >= 36
    assert SIZES["present"]["tick"] >= 20 and SIZES["present"]["body"] >= 20


def test_headline_scene_shows_the_district_or_says_it_is_the_city_value(reported):
    scene = next(s for s in presentation.scenes(reported) if s.key == "headlines")
    city = presentation.headline_figures(reported, present_view("en"), scene)
    assert [f.value_row.geo_code for f in city] == ["110000"] * len(city)
    drilled = presentation.headline_figures(reported, present_view("en", district=CHAOYANG), scene)
    for figure in drilled:
        if figure.value_row.geo_code == "110000":
            assert t("district.city_value", "en") in figure.label


def test_scene_notes_hold_quotes_and_sources(reported):
    for scene in presentation.scenes(reported):
        notes = presentation.scene_notes(reported, present_view(), scene)
        assert notes.sources, scene.key
        data = presentation.scene_data(reported, present_view(), scene)
        for quote in (q for q in data.get("quote", []) if q):
            assert any(quote in line for line in notes.quotes), scene.key


def test_ten_firsts_scene_lists_every_milestone_and_a_year_only_where_a_source_gives_one(
    reported,
):
    rows = presentation.milestone_rows(reported, "en")
    assert list(rows["rank"]) == sorted(reported.milestones["rank"])
    dated = rows["year"].notna()
    assert all(rows.loc[dated, "year_text"]) and not any(rows.loc[~dated, "year_text"])
    assert not rows["year_text"].str.contains(t("pack.undated", "en")).any()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_headline_scenes_carry_their_source_line(reported, lang):
    for scene in presentation.scenes(reported):
        if scene.kind == "chart":
            continue
        line = presentation.source_line(reported, present_view(lang), scene)
        label = t("footer.line", lang, sources="", snapshot="", as_of="", place="").split(" ")[0]
        assert line.startswith(label.rstrip(":：")[:2]), line
        assert reported.id in line and reported.as_of in line
        ids = set(presentation.scene_data(reported, present_view(lang), scene)["source_id"])
        from dashboard import queries as q

        for source_id in ids:
            assert q.source_label(reported, source_id, lang) in line


def test_chart_scenes_have_a_text_alternative_with_their_values(reported):
    for scene in presentation.scenes(reported):
        if scene.kind != "chart":
            continue
        alt = presentation.scene_alt(reported, present_view("en"), scene)
        title = scene.title(reported, present_view("en"))
        assert alt.startswith(title), (scene.key, alt)
        assert any(ch.isdigit() for ch in alt), (scene.key, alt)


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_hatched_bars_stand_out_on_both_themes(reported, theme):
    """The bars the source gives only as a bound keep their colour (>= 3:1 on the background)
    and carry stripes (>= 3:1 on the bar) and an outline (>= 3:1 on the background)."""
    from dashboard.charts.base import HATCH_OUTLINE, THEMES, contrast

    background = THEMES[theme]["paper"]
    hatched_seen = False
    for scene in presentation.scenes(reported):
        if scene.kind != "chart":
            continue
        for trace in scene.build(reported, present_view("zh", theme)).figure.data:
            pattern = trace.marker.pattern if trace.type == "bar" else None
            if not pattern or not any(pattern.shape or []):
                continue
            hatched_seen = True
            assert pattern.fillmode == "overlay", scene.key
            for shape, colour, stripes in zip(
                pattern.shape, trace.marker.color, pattern.fgcolor, strict=True
            ):
                if shape:
                    assert contrast(stripes, colour) >= 3, (scene.key, colour, stripes)
            assert contrast(trace.marker.line.color, background) >= 3, scene.key
    assert hatched_seen
    assert set(HATCH_OUTLINE) == set(THEMES)


def test_step_stops_at_both_ends_and_clamp_keeps_numbers_in_range():
    assert presentation.step(1, 12, -1) == 1
    assert presentation.step(12, 12, 1) == 12
    assert presentation.step(3, 12, 1) == 4
    assert presentation.clamp(99, 12) == 12
    assert presentation.clamp(0, 12) == 1
    assert presentation.clamp(5, 0) == 1


def test_scene_board_follows_by_token_and_refuses_odd_tokens():
    board = presentation.SceneBoard(size=2)
    board.publish("abcdefgh12", 3, "2019-01-09", "zh", "110000")
    found = board.read("abcdefgh12")
    assert (found.scene, found.snapshot_id, found.lang, found.district) == (
        3,
        "2019-01-09",
        "zh",
        "110000",
    )
    board.move("abcdefgh12", 5)
    assert board.read("abcdefgh12").scene == 5, "the presenter window moves the show"
    assert board.read("abcdefgh12").started == found.started, "the clock keeps running"
    board.move("unknown-token", 2)
    assert board.read("unknown-token") is None
    board.publish("../../etc", 1, "x", "zh", "110000")
    assert board.read("../../etc") is None
    assert board.read("") is None
    board.publish("second-token", 1, "x", "zh", "110000")
    board.publish("third-token", 1, "x", "zh", "110000")
    assert board.read("abcdefgh12") is None, "the board is bounded"


def test_sample_snapshot_marks_every_chart_scene(sample):
    for scene in presentation.scenes(sample):
        if scene.kind == "chart":
            fig = scene.build(sample, present_view()).figure
            names = [a.name for a in fig.layout.annotations]
            assert "sample-watermark" in names, scene.key


# --- the page, without a browser -----------------------------------------------------------------


@pytest.fixture
def app():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60)
    at.query_params["present"] = "1"
    at.query_params["lang"] = "en"
    return at


def _counter(at) -> str:
    return next(
        m.value.strip("*").split("**")[0]
        for m in at.markdown
        if "/" in m.value and m.value.strip("*").split("/")[0].strip().isdigit()
    )


def _keys(at) -> set[str]:
    return {b.key for b in at.button}


def test_page_starts_from_a_ready_screen_then_moves_between_scenes_and_leaves(app, reported):
    at = app.run()
    assert not at.exception
    assert "present_next" not in _keys(at), "no scene before the show starts"
    at.button(key="present_start").click().run()
    total = len(presentation.scenes(reported))
    assert _counter(at) == f"1 / {total}"
    assert "present_start" not in _keys(at), "the ready screen is gone during the show"
    at.button(key="present_next").click().run()
    assert _counter(at) == f"2 / {total}"
    assert at.session_state["scene"] == 2
    at.button(key="present_pgdn").click().run()
    assert _counter(at) == f"3 / {total}"
    at.button(key="present_pgup").click().run()
    at.button(key="present_prev").click().run()
    assert _counter(at) == f"1 / {total}"
    at.button(key="present_pgup").click().run()
    assert _counter(at) == f"1 / {total}", "stays on the first scene"
    at.button(key="present_end").click().run()
    assert _counter(at) == f"{total} / {total}"
    at.button(key="present_home").click().run()
    assert _counter(at) == f"1 / {total}"
    at.button(key="present_blank").click().run()
    assert at.session_state["present_black"] is True
    assert not list(at.metric), "a black screen shows nothing"
    at.button(key="present_blank").click().run()
    assert at.metric, "B again brings the scene back"
    at.button(key="present_exit").click().run()
    assert not at.exception
    assert at.session_state["present"] is False


def test_sample_show_needs_a_confirmation_and_carries_a_watermark(app):
    app.query_params["snapshot"] = "sample"
    at = app.run()
    assert not at.exception
    assert at.button(key="present_start").disabled, "a sample show cannot start unconfirmed"
    at.checkbox(key="present_sample_ok").check().run()
    assert not at.button(key="present_start").disabled
    at.button(key="present_start").click().run()
    marks = [
        m.value
        for m in at.markdown
        if t("sample.watermark", "en").replace("/", "")
        in m.value.replace("\\", "").replace("/", "")
    ]
    assert marks, "the scene carries the sample watermark"


def test_page_theme_toggle_switches_light_and_dark(app):
    at = app.run()
    assert at.session_state["theme"] == "dark"
    at.toggle(key="present_dark").set_value(False).run()
    assert at.session_state["theme"] == "light"
    assert not at.exception


def test_presenter_window_moves_the_show_it_follows(app, reported):
    token = "presenter-test-01"
    presentation.BOARD.publish(token, 2, reported.id, "en", "110000")
    app.query_params.update({"notes": "1", "follow": token, "scene": "2"})
    at = app.run()
    assert not at.exception
    at.button(key="notes_next").click().run()
    assert presentation.BOARD.read(token).scene == 3
    at.button(key="notes_jump_5").click().run()
    assert presentation.BOARD.read(token).scene == 5
    assert at.button(key="notes_jump_5").proto.type == "primary"


def test_notes_view_shows_the_scene_notes(app, reported):
    app.query_params["notes"] = "1"
    app.query_params["scene"] = "3"
    at = app.run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert "3 / " in text
    assert t("pack.quotes", "en") in text


def test_long_titles_and_labels_wrap_to_the_projector_width():
    from dashboard.charts.base import text_em, wrap_text

    title = "Minimum average pay of community workers relative to the city's average wage"
    lines = wrap_text(title, 38, 1240, bold=True)
    assert len(lines) == 2 and " ".join(lines) == title
    assert all(text_em(line) * 38 * 1.06 <= 1240 for line in lines)
    chinese = "来源:北京市人民政府新闻办公室 2019-01-09; 中国政府网(新华社稿) 2013-10-16 · 快照 2019-01-09"
    lines = wrap_text(chinese, 16, 400)
    assert "".join(lines).replace(" ", "") == chinese.replace(" ", "")
    assert all(text_em(line) * 16 <= 400 for line in lines)
    assert wrap_text("short", 38, 1240) == ["short"]
    assert wrap_text("<b>bold</b> " * 40, 38, 200) == ["<b>bold</b> " * 40], "markup is left alone"
    assert wrap_text("a<br>b", 38, 1240) == ["a", "b"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_chart_scene_titles_start_where_text_scene_titles_do(reported, lang):
    """The image is set in by CHART_INSET on the stage; its title then starts at STAGE_PAD, as
    the title of a headline scene does."""
    for scene in presentation.scenes(reported):
        if scene.kind != "chart":
            continue
        fig = presentation.stage_figure(reported, present_view(lang), scene)
        assert fig.layout.width == presentation.CHART_WIDTH, scene.key
        left = presentation.CHART_INSET + fig.layout.title.x * presentation.CHART_WIDTH
        assert abs(left - presentation.STAGE_PAD) < 0.5, (scene.key, left)


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_map_scene_gives_the_map_most_of_the_stage(reported, theme):
    scene = next(s for s in presentation.scenes(reported) if s.key == "pay-rules-map")
    view = present_view(theme=theme)
    fig = presentation.stage_figure(reported, view, scene)
    margin = fig.layout.margin
    assert presentation.STAGE_HEIGHT - margin.t - margin.b >= 0.65 * presentation.STAGE_HEIGHT
    assert fig.layout.legend.orientation == "v"
    footer = next(a for a in fig.layout.annotations if a.name == "footer")
    assert footer.yshift == -presentation.MAP_FOOTER_GAP
    # The source line still fits below the map.
    assert margin.b >= SIZES["present"]["footer"] * 2 + presentation.MAP_FOOTER_GAP
    # The shared figure is untouched: the page's own map keeps its layout.
    shared = scene.build(reported, view).figure
    assert shared.layout.legend.orientation != "v" and shared.layout.width != fig.layout.width
    assert fig.layout.paper_bgcolor == shared.layout.paper_bgcolor


@pytest.mark.parametrize("snapshot_id", ["2019-01-09", DEFAULT_SNAPSHOT])
def test_every_scene_footer_names_the_snapshot_shown(snapshot_id):
    snapshot = load_snapshot(snapshot_id)
    for lang in ("zh", "en"):
        view = present_view(lang)
        for scene in presentation.scenes(snapshot):
            if scene.kind == "chart":
                fig = presentation.stage_figure(snapshot, view, scene)
                footer = next(a for a in fig.layout.annotations if a.name == "footer").text
            else:
                footer = presentation.source_line(snapshot, view, scene)
            # The words may be wrapped over lines; the snapshot named is the one shown.
            flat = re.sub(r"\s*<br>\s*", " ", footer)
            named = re.findall(r"(?:快照|snapshot) (\S+)", flat)
            assert named == [snapshot_id], (scene.key, footer)


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_every_text_of_a_chart_scene_reads_at_4_5_to_1(reported, theme):
    from dashboard.charts.base import contrast

    hexes = re.compile(r"^#[0-9A-Fa-f]{6}$")
    for scene in presentation.scenes(reported):
        if scene.kind != "chart":
            continue
        fig = presentation.stage_figure(reported, present_view(theme=theme), scene)
        background = fig.layout.paper_bgcolor
        colours = []
        for trace in fig.data:
            font = getattr(trace, "textfont", None)
            if trace.type == "scattergeo":
                # District names on the map keep the colour chosen for the districts' fills.
                shared = scene.build(reported, present_view(theme=theme)).figure
                names = [t for t in shared.data if t.type == "scattergeo"]
                assert font.color == names[0].textfont.color
                continue
            if font is not None and font.color is not None:
                colours += [font.color] if isinstance(font.color, str) else list(font.color)
        colours += [a.font.color for a in fig.layout.annotations if a.font and a.font.color]
        for colour in filter(lambda c: isinstance(c, str) and hexes.match(c), colours):
            assert contrast(colour, background) >= 4.5, (scene.key, colour, background)


def test_readable_keeps_a_colour_that_reads_and_lifts_one_that_does_not():
    assert presentation._readable("#F3F4F6", "#0B1220") == "#F3F4F6"
    lifted = presentation._readable("#0072B2", "#0B1220")
    assert lifted != "#0072B2" and lifted.startswith("#")
    darker = presentation._readable("#E69F00", "#FFFFFF")
    assert darker != "#E69F00"
    assert presentation._readable("white", "#0B1220") == "white"


def test_no_wrapped_line_starts_with_closing_punctuation():
    from dashboard.charts.base import wrap_text

    subtitle = "1978—2018年没有公布逐年数据:本快照67个有日期的全市数值分布在8个年份,任何一项指标最多只有2个年份的数值。"
    for width in range(600, 1300, 20):
        lines = wrap_text(subtitle, 24, width)
        assert "".join(lines) == subtitle
        assert not any(line[0] in "。，、；：！？）" for line in lines), (width, lines)

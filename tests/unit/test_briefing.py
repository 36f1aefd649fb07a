"""Briefing packs as files: slide and page structure, notes, the offline HTML deck, the ZIP's
contents, and CSV bytes. Images come from a stand-in renderer here (no browser); real renders are
checked in test_export_images.py."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pandas as pd
import plotly
import pytest
from PIL import Image

from dashboard import briefing, catalog, export, render
from dashboard.i18n import t
from dashboard.snapshot import DEFAULT_SNAPSHOT, load_snapshot

EXPECTED = Path(__file__).parent / "expected"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
CHARTS = ["overview-headlines", "ten-firsts", "workforce-age", "workforce-pay"]


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _pdf(width: int, height: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width * 0.75, height * 0.75)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def fake_render(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, int]]:
    """Replace Chromium with a stand-in that returns well-formed files of the asked size."""
    calls: list[tuple[str, int, int]] = []

    def fake(fig, fmt="png", width=1920, height=1080, scale=1.0) -> bytes:
        calls.append((fmt, width, height))
        if fmt == "png":
            return _png(width, height)
        if fmt == "pdf":
            return _pdf(width, height)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"/>'.encode()
        )

    monkeypatch.setattr(render, "render", fake)
    monkeypatch.setattr(export, "_images", export._ImageCache(64))
    return calls


@pytest.fixture(scope="module")
def snapshot():
    return load_snapshot(DEFAULT_SNAPSHOT)


def view(lang: str = "zh", district: str = "110000") -> catalog.View:
    return catalog.View(lang=lang, district=district)


# --- notes --------------------------------------------------------------------------------------


def test_notes_hold_figures_quotes_and_sources(snapshot):
    result = catalog.chart("overview-headlines").build(snapshot, view())
    notes = briefing.chart_notes(snapshot, result.data, "zh")
    assert len(notes.figures) == len(result.data)
    quoted = [q for q in result.data["quote"] if q]
    assert quoted, "the press-conference figures carry their quotes"
    for quote in quoted:
        assert any(quote in line for line in notes.quotes)
    registry = snapshot.sources.set_index("source_id")
    for source in notes.sources:
        assert source.publisher == registry.at[source.source_id, "publisher_zh"]
        assert source.url == registry.at[source.source_id, "url"]
    text = notes.text("zh")
    assert t("pack.quotes", "zh") in text and t("pack.sources", "zh") in text


def test_notes_of_the_ten_firsts_list_every_milestone(snapshot):
    result = catalog.chart("ten-firsts").build(snapshot, view("en"))
    notes = briefing.chart_notes(snapshot, result.data, "en")
    assert len(notes.figures) == len(snapshot.milestones)
    assert notes.figures[0].startswith("1. ")


# --- PPTX ---------------------------------------------------------------------------------------


def _pptx(snapshot, fake_render, lang="zh", district="110000", charts=CHARTS):
    from pptx import Presentation

    data = briefing.build(snapshot, view(lang, district), charts, "pptx")
    return Presentation(io.BytesIO(data))


def test_pptx_has_a_title_slide_a_slide_per_chart_and_sources(snapshot, fake_render):
    prs = _pptx(snapshot, fake_render)
    slides = list(prs.slides)
    pack_sources = {
        s for c in CHARTS for s in catalog.chart(c).build(snapshot, view()).data["source_id"]
    }
    source_slides = -(-len(pack_sources) // briefing.SOURCES_PER_SLIDE)
    assert len(slides) == 1 + len(CHARTS) + source_slides
    assert abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.01
    assert slides[0].shapes.title.text == t("app.title", "zh")
    title_slide_text = "\n".join(s.text_frame.text for s in slides[0].shapes if s.has_text_frame)
    assert snapshot.id in title_slide_text and snapshot.as_of in title_slide_text
    assert "北京市" in title_slide_text
    for slide, chart_id in zip(slides[1:], CHARTS, strict=False):
        fig = catalog.chart(chart_id).build(snapshot, view()).figure
        expected = briefing.plain_title(fig)
        assert slide.shapes.title.text == expected
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        charts = [s for s in slide.shapes if s.has_chart]
        if chart_id in ("workforce-age", "workforce-pay"):
            assert len(charts) == 1 and not pictures, chart_id
            assert expected in charts[0]._element.nvGraphicFramePr.cNvPr.get("descr")
        else:
            assert len(pictures) == 1 and not charts, chart_id
            ratio = briefing.PICTURE_SIZE[0] / briefing.PICTURE_SIZE[1]
            assert pictures[0].width / pictures[0].height == pytest.approx(ratio, rel=0.01)
            assert expected in pictures[0]._element.nvPicPr.cNvPr.get("descr")
    assert slides[-1].shapes.title.text.startswith(t("pack.sources", "zh"))
    # Only the pictures were rendered, each once, without their titles.
    assert fake_render == [("png", *briefing.PICTURE_SIZE)] * 2


def test_slide_pictures_leave_the_title_to_the_slide_and_keep_the_source(snapshot):
    fig = catalog.chart("ten-firsts").build(snapshot, catalog.View(medium="export")).figure
    bare = briefing.bare_figure(fig)
    assert fig.layout.title.text and not bare.layout.title.text
    assert not bare.layout.title.subtitle.text
    assert [a.text for a in bare.layout.annotations if a.name == "footer"] == [
        a.text for a in fig.layout.annotations if a.name == "footer"
    ]
    assert bare.layout.margin.t < fig.layout.margin.t
    assert (bare.layout.width, bare.layout.height) == briefing.PICTURE_SIZE
    assert fig.layout.title.text, "the shared figure is left as it was"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bar_and_trend_charts_become_editable_powerpoint_charts_with_their_data(
    snapshot, fake_render, lang
):
    from pptx.enum.chart import XL_CHART_TYPE

    prs = _pptx(snapshot, fake_render, lang=lang, charts=["volunteers-reporting", "workforce-pay"])
    slides = list(prs.slides)
    bars = next(s for s in slides[1].shapes if s.has_chart).chart
    fig = catalog.chart("volunteers-reporting").build(snapshot, view(lang)).figure
    assert bars.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    assert list(bars.plots[0].categories) == list(fig.data[0].y)
    assert list(bars.plots[0].series[0].values) == [float(x) for x in fig.data[0].x]
    labels = [p.data_label.text_frame.text for p in bars.plots[0].series[0].points]
    assert labels == list(fig.data[0].text), "labels as on the image, qualifiers included"
    source_text = "\n".join(s.text_frame.text for s in slides[1].shapes if s.has_text_frame)
    assert t("footer.line", lang, sources="", snapshot="", as_of="", place="")[:3] in source_text
    line = next(s for s in slides[2].shapes if s.has_chart).chart
    assert line.chart_type == XL_CHART_TYPE.XY_SCATTER_LINES
    data = catalog.chart("workforce-pay").build(snapshot, view(lang)).data
    assert sorted(line.plots[0].series[0].values) == sorted(data["value"].astype(float))


def test_pptx_notes_hold_quotes_and_sources(snapshot, fake_render):
    prs = _pptx(snapshot, fake_render)
    slides = list(prs.slides)
    data = catalog.chart("overview-headlines").build(snapshot, view()).data
    notes = slides[1].notes_slide.notes_text_frame.text
    for quote in (q for q in data["quote"] if q):
        assert quote in notes
    for source_id in set(data["source_id"]):
        row = snapshot.sources.set_index("source_id").loc[source_id]
        assert row["publisher_zh"] in notes
        if row["url"]:
            assert row["url"] in notes
    closing = "\n".join(s.text_frame.text for s in slides[-1].shapes if s.has_text_frame)
    assert t("pack.sources", "zh") in closing


def test_pptx_text_is_set_in_microsoft_yahei_for_east_asian_script(snapshot, fake_render):
    from pptx.oxml.ns import qn

    prs = _pptx(snapshot, fake_render)
    runs = 0
    for slide in prs.slides:
        frames = [s.text_frame for s in slide.shapes if s.has_text_frame]
        frames.append(slide.notes_slide.notes_text_frame)
        for frame in frames:
            for paragraph in frame.paragraphs:
                for run in paragraph.runs:
                    rpr = run._r.find(qn("a:rPr"))
                    assert rpr is not None
                    assert rpr.find(qn("a:ea")).get("typeface") == briefing.EA_FONT
                    assert rpr.find(qn("a:latin")).get("typeface") == briefing.EA_FONT
                    runs += 1
    assert runs > 20


def test_pptx_in_english_for_a_district(snapshot, fake_render):
    prs = _pptx(snapshot, fake_render, lang="en", district="110105", charts=["workforce-age"])
    title_text = "\n".join(
        s.text_frame.text for s in next(iter(prs.slides)).shapes if s.has_text_frame
    )
    assert "Beijing › Chaoyang" in title_text
    assert next(iter(prs.slides)).shapes.title.text == t("app.title", "en")


# --- PDF ----------------------------------------------------------------------------------------


def test_pdf_has_cover_contents_numbered_pages_and_small_charts_two_to_a_page(
    snapshot, fake_render
):
    from pypdf import PdfReader

    data = briefing.build(snapshot, view(), CHARTS, "pdf")
    reader = PdfReader(io.BytesIO(data))
    pack_sources = {
        s for c in CHARTS for s in catalog.chart(c).build(snapshot, view()).data["source_id"]
    }
    source_pages = -(-len(pack_sources) // briefing.SOURCES_PER_PAGE)
    # workforce-age and workforce-pay: two bars, two points, one topic: one page.
    assert len(reader.pages) == 1 + 1 + 3 + source_pages
    titles = [item["/Title"] for item in reader.outline]
    assert titles[0] == t("app.title", "zh")
    assert titles[1] == t("pack.contents", "zh")
    assert titles[2] == briefing.plain_title(
        catalog.chart(CHARTS[0]).build(snapshot, view()).figure
    )
    assert reader.metadata.title.startswith(t("app.title", "zh"))
    assert ("pdf", *briefing.HALF_PAGE) in fake_render
    assert fake_render.count(("pdf", *briefing.HALF_PAGE)) == 2
    assert ("png", 1920, 1080) not in fake_render
    sizes = {
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages
    }
    assert len(sizes) == 1, "a shared page is as large as any other"


def test_pdf_contents_list_every_page_with_its_number(snapshot):
    pack = briefing.collect(snapshot, view(), catalog.briefing_charts(snapshot), ())
    groups = briefing.chart_pages(pack)
    assert sum(len(g) for g in groups) == len(pack.charts)
    assert any(len(g) == 2 for g in groups), "small charts share pages"
    for group in groups:
        if len(group) == 2:
            assert all(briefing.is_small(c) for c in group)
            assert len({catalog.chart(c.id).page for c in group}) == 1
    entries = [(f"chart {n}", n + 3) for n in range(30)]
    pages = briefing.contents_pages(pack, entries)
    assert len(pages) == 2, "a long contents list goes on, never cut short"
    texts = [a.text for page in pages for a in page.layout.annotations]
    for title, number in entries:
        line = t("pack.contents_line", "zh", title=title, page=number)
        assert any(line in text for text in texts), line


def test_pdf_text_layer_maps_lookalike_radicals_back():
    cmap = b"1 beginbfchar\n<0003> <2F2F>\n<0004> <2EA0>\n<0005> <0041>\nendbfchar\n"
    fixed = briefing._fix_to_unicode(cmap)
    assert b"<0003> <5DE5>" in fixed  # 工, not the Kangxi radical
    assert b"<0004> <6C11>" in fixed  # 民
    assert b"<0005> <0041>" in fixed


# --- HTML ---------------------------------------------------------------------------------------


class _References(HTMLParser):
    """Every attribute that can make a browser fetch something, and every tag name."""

    FETCHING: ClassVar[set[str]] = {"src", "href", "srcset", "action", "formaction", "poster", "data", "background",
                "xlink:href", "manifest", "ping", "cite", "longdesc", "codebase"}  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.tags: list[str] = []
        self.meta: list[dict] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in self.FETCHING and value:
                self.refs.append((tag, name, value))
        if tag == "meta":
            self.meta.append(dict(attrs))


@pytest.fixture(scope="module")
def deck() -> str:
    snap = load_snapshot(DEFAULT_SNAPSHOT)
    return briefing.build(snap, view(), [*CHARTS, "pay-rules-map"], "html").decode("utf-8")


def test_html_deck_inlines_plotly_once_and_references_nothing_outside(deck):
    library = PLOTLY_JS.read_text(encoding="utf-8")
    assert deck.count(library) == 1, "plotly.js is inlined exactly once"
    ours = deck.replace(library, "")
    # Outside the library's own text (licence comments, default settings of features not used),
    # the deck holds no address of any other host: not in markup, figures or notes.
    assert not re.search(r"https?://", ours), re.findall(r"https?://[^\s\"'<>]{0,60}", ours)[:5]
    assert "//cdn" not in ours and "url(" not in ours.lower()
    parser = _References()
    parser.feed(ours)
    external = [r for r in parser.refs if not r[2].startswith("#")]
    assert external == [], external
    assert not {"link", "iframe", "img", "object", "embed", "base"} & set(parser.tags)


def test_html_deck_forbids_remote_fetches_by_policy(deck):
    parser = _References()
    parser.feed(deck.replace(PLOTLY_JS.read_text(encoding="utf-8"), ""))
    policies = [
        m["content"] for m in parser.meta if m.get("http-equiv") == "Content-Security-Policy"
    ]
    assert policies == [briefing.CSP]
    directives = dict(d.strip().split(" ", 1) for d in briefing.CSP.split(";"))
    # The only connection allowed is to a data: address (the SVG map's empty world outline).
    assert directives["default-src"] == "'none'" and directives["connect-src"] == "data:"
    for name in ("script-src", "style-src", "img-src", "font-src", "worker-src", "connect-src"):
        assert "http" not in directives[name] and "*" not in directives[name]


def _plots(html_text: str) -> list[tuple[list, dict, dict]]:
    """(data, layout, config) of every Plotly.newPlot call in the page, parsed as JSON."""
    decoder, plots, start = json.JSONDecoder(), [], 0
    while (start := html_text.find("Plotly.newPlot(", start)) != -1:
        position = html_text.index(",", start) + 1  # after the div id
        parts = []
        for _ in range(3):
            while html_text[position] in " \n\t,":
                position += 1
            value, position = decoder.raw_decode(html_text, position)
            parts.append(value)
        plots.append(tuple(parts))
        start = position
    return plots


def test_html_deck_figures_need_no_remote_map_or_topojson(deck):
    plots = _plots(deck.replace(PLOTLY_JS.read_text(encoding="utf-8"), ""))
    assert len(plots) == len(CHARTS) + 1
    remote_types = {"scattermapbox", "choroplethmapbox", "densitymapbox"}
    for data, layout, config in plots:
        assert not {trace.get("type") for trace in data} & remote_types
        assert "mapbox" not in layout and "mapboxAccessToken" not in config
        if "geo" in layout:  # the SVG district map: its own boundaries, no world outlines
            assert layout["geo"]["visible"] is False
            assert all(
                trace.get("locationmode", "geojson-id") == "geojson-id"
                for trace in data
                if trace.get("type") == "choropleth"
            )
            # Plotly asks for a world file even so: answered in the page, not from a host.
            assert config["topojsonURL"].startswith("data:")
    assert any("geo" in layout for _, layout, _ in plots), "the district map is in the deck"


def test_html_deck_cites_sources_without_links(deck, snapshot):
    for chart_id in CHARTS:
        title = briefing.plain_title(catalog.chart(chart_id).build(snapshot, view()).figure)
        assert title in deck or title.replace('"', "&quot;") in deck
    urls = [u for u in snapshot.sources["url"] if u]
    cited = {s for c in CHARTS for s in catalog.chart(c).build(snapshot, view()).data["source_id"]}
    cited_urls = [snapshot.sources.set_index("source_id").at[s, "url"] for s in cited]
    for url in filter(None, cited_urls):
        assert re.sub(r"^https?://", "", url) in deck
    assert urls, "the registry has addresses to cite"
    assert t("pack.offline", "zh") in deck


# --- ZIP ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "place"), [("en", "Beijing_Chaoyang"), ("zh", "北京市_朝阳区")])
def test_zip_lists_every_chart_as_png_svg_csv_with_manifest(snapshot, fake_render, lang, place):
    data = briefing.build(snapshot, view(lang, "110105"), CHARTS, "zip")
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    manifest = json.loads(archive.read("manifest.json"))
    for n, chart in enumerate(manifest["charts"], 1):
        # Named in the pack's language: number, title, place, snapshot.
        stem = f"{n:02d}_{export.readable_name(chart['title'] + '_' + place + '_' + snapshot.id)}"
        assert {f"{stem}.png", f"{stem}.svg", f"{stem}.csv"} <= names
        assert set(chart["files"].values()) == {f"{stem}.png", f"{stem}.svg", f"{stem}.csv"}
        assert archive.read(f"{stem}.csv").startswith("\ufeff".encode())
    sources_file = f"{t('pack.sources_file', lang)}.csv"
    assert {"manifest.json", sources_file} <= names
    assert manifest["snapshot"]["id"] == snapshot.id
    assert manifest["language"] == lang
    assert manifest["district"]["code"] == "110105"
    assert manifest["district"]["name"] == ("Chaoyang" if lang == "en" else "朝阳区")
    assert [c["id"] for c in manifest["charts"]] == CHARTS
    for name, digest in manifest["sha256"].items():
        import hashlib

        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    sources = pd.read_csv(io.BytesIO(archive.read(sources_file)), encoding="utf-8-sig")
    assert list(sources.columns) == [t(f"col.source_{c}", lang) for c in briefing.SOURCE_COLUMNS]
    cited = {s for c in manifest["charts"] for s in c["sources"]}
    assert len(sources) == len(cited)
    if lang == "zh":
        for name in names:
            csv = archive.read(name).decode("utf-8-sig") if name.endswith(".csv") else ""
            header = csv.splitlines()[0] if csv else ""
            for field in ("indicator", "geo_code", "source_id", "persons", "sq_km"):
                assert field not in header, (name, header)
    # PNG and SVG rendered once per chart, nothing else.
    assert sorted(fake_render) == sorted([("png", 1920, 1080), ("svg", 1920, 1080)] * len(CHARTS))


def test_a_second_pack_reuses_the_rendered_images(snapshot, fake_render):
    briefing.build(snapshot, view(), CHARTS[:2], "pptx")
    first = len(fake_render)
    briefing.build(snapshot, view(), CHARTS[:2], "pptx")
    assert len(fake_render) == first, "the slide pictures come from the cache"
    briefing.build(snapshot, view(), CHARTS[:2], "zip")
    zipped = len(fake_render)
    assert zipped - first == 4, "a PNG and an SVG of each chart, with its title"
    export.render_spec(snapshot, view(), CHARTS[0], "png")
    assert len(fake_render) == zipped, "a chart's own download reuses the pack's PNG"


def test_unknown_charts_and_formats_are_refused(snapshot, fake_render):
    with pytest.raises(KeyError, match="no-such-chart"):
        briefing.build(snapshot, view(), ["no-such-chart"], "pptx")
    with pytest.raises(ValueError, match="docx"):
        briefing.build(snapshot, view(), CHARTS, "docx")
    assert fake_render == []


# --- CSV bytes ----------------------------------------------------------------------------------


def test_csv_with_chinese_header_matches_the_expected_file_byte_for_byte():
    frame = pd.DataFrame({
        "指标": ["社区工作者人数", "社区工作者平均年龄", "实名注册志愿者人数"],
        "区域": ["北京市", "朝阳区", "北京市"],
        "时间": ["2019-01-09", "2019-01-09", ""],
        "数值": [35000.0, 39.3, 4267000.0],
        "单位": ["人", "岁", "人"],
        "来源": ["北京市人民政府新闻办公室", "北京市人民政府新闻办公室, 发布会", '引述:"突破426.7万"'],
    })  # fmt: skip
    data = export.csv_bytes(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data == (EXPECTED / "provenance_zh.csv").read_bytes()


def test_formula_neutralisation_matches_the_expected_file_byte_for_byte():
    frame = pd.DataFrame({
        "cell": ["=1+2", "+86 10 1234", "-3", "@SUM(A1:A2)", "\tindented", "\rline", "1+2=3",
                 "plain 文本", -3.5],
        "kind": ["equals", "plus", "minus", "at", "tab", "carriage return", "inside only", "plain",
                 "number"],
    })  # fmt: skip
    assert export.csv_bytes(frame) == (EXPECTED / "neutralised.csv").read_bytes()


def test_cli_writes_a_pack(tmp_path, fake_render, capsys):
    from dashboard import cli

    out = tmp_path / "pack.zip"
    code = cli.main(["export", "--snapshot", DEFAULT_SNAPSHOT, "--lang", "en", "--format", "zip",
                     "--out", str(out), "--charts", "workforce-age,forty-years"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert "wrote" in capsys.readouterr().out
    names = zipfile.ZipFile(out).namelist()
    assert sum(n.endswith(".png") for n in names) == 2
    assert cli.main(["export", "--out", str(tmp_path / "x.pptx"), "--charts", "nope"]) == 1
    assert "unknown chart" in capsys.readouterr().err
    assert cli.main(["export", "--out", str(tmp_path / "x.docx")]) == 1
    assert cli.main(["export", "--out", str(tmp_path / "x.pdf"), "--district", "999"]) == 1
    assert cli.main(["export", "--out", str(tmp_path / "x.pdf"), "--snapshot", "../etc"]) == 1
    assert cli.main(["export"]) == 1, "no --out and no --charts list"
    assert "--out" in capsys.readouterr().err


def test_cli_lists_the_chart_ids_without_an_output_file(capsys):
    from dashboard import cli

    assert cli.main(["export", "--charts", "list"]) == 0
    listed = capsys.readouterr().out.split()
    assert "forty-years" in listed and "ten-firsts" in listed


# --- the panel in the app ------------------------------------------------------------------------


def test_briefing_panel_builds_a_pack_and_offers_it_for_download(fake_render):
    from streamlit.testing.v1 import AppTest

    repo = Path(__file__).resolve().parents[2]
    at = AppTest.from_file(str(repo / "streamlit_app.py"), default_timeout=120)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("pages/data_sources.py").run()
    assert not at.exception
    snapshot = load_snapshot(DEFAULT_SNAPSHOT)
    select = at.multiselect(key=f"briefing_charts_{snapshot.id}_en")
    assert select.value == catalog.briefing_charts(snapshot), "the default briefing is ticked"
    select.set_value(["workforce-age", "forty-years"])
    at.radio(key="briefing_format").set_value("zip")
    at.button(key="briefing_build").click().run()
    assert not at.exception
    assert any(t("brief.download", "en") == b.label for b in at.get("download_button"))
    pack = at.session_state["briefing_pack"]
    assert (
        pack["name"]
        == export.readable_name(f"{t('app.title', 'en')}_briefing_Beijing_{snapshot.id}", 120)
        + ".zip"
    )
    assert zipfile.ZipFile(io.BytesIO(pack["data"])).namelist()[0] == "manifest.json"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_drilled_pack_says_on_its_cover_whose_figures_it_holds(snapshot, fake_render, lang):
    """The cover of a pack drilled to Chaoyang says, in heading type, which figures are
    Chaoyang's own and that the rest are the city's; a city pack says nothing of the kind."""
    own, rest = catalog.drill_summary(snapshot, view(lang, "110105"))
    prs = _pptx(snapshot, fake_render, lang=lang, district="110105")
    cover = "\n".join(s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame)
    assert own in cover and rest in cover
    city = _pptx(snapshot, fake_render, lang=lang)
    city_cover = "\n".join(s.text_frame.text for s in city.slides[0].shapes if s.has_text_frame)
    assert rest not in city_cover
    pack = briefing.collect(snapshot, view(lang, "110105"), CHARTS, ())
    page = briefing.title_page(pack)
    shown = [html.unescape(a.text) for a in page.layout.annotations]
    headings = [
        a for a in page.layout.annotations if a.font.size >= 40 and a.text.startswith("<b>")
    ]
    assert any(rest in text for text in shown) and len(headings) >= 2

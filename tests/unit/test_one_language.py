"""One language at a time, over everything a reader gets outside the browser: the notes in the
sources, every chart's text, every table and CSV/XLSX behind a chart, the registry and manifest
tables, and the briefing pack files (PPTX slides and notes, PDF pages, HTML, ZIP names and CSVs).

A Chinese reader sees no English word outside the short allow-list in tests/language.py and the
sources' own words (quotes, titles); an English reader sees no text written in Chinese outside
those."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml

from dashboard import briefing, catalog, export, schema
from dashboard.formatting import written_in_chinese
from dashboard.snapshot import load_snapshot
from tests.language import chinese_in_english, english_in_chinese, source_texts

REPO = Path(__file__).resolve().parents[2]
SNAPSHOTS = ("2019-01-09", "2026-11-27", "sample")
CHAOYANG = "110105"
# Keys of a figure's JSON that hold text a reader sees (titles and annotations hold a "text").
TEXT_KEYS = {"text", "hovertext", "ticktext", "name", "hovertemplate", "texttemplate"}
# Trace types plotly keeps out of the legend unless told otherwise.
NO_LEGEND = {"choropleth", "choroplethmap", "choroplethmapbox", "heatmap"}


def _wrong_language(texts, lang: str, verbatim: tuple[str, ...]) -> list[str]:
    found = []
    for text in texts:
        if lang == "zh":
            words = english_in_chinese(text, verbatim)
            if words:
                found.append(f"{sorted(words)} in: {str(text)[:160]}")
        elif chinese_in_english(text, verbatim):
            found.append(str(text)[:160])
    return sorted(set(found))


def _strings(node, key: str = "", layout: bool = False):
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("customdata", "meta", "ids", "geojson", "locations", "template"):
                continue
            yield from _strings(v, k, layout)
    elif isinstance(node, list | tuple):
        for item in node:
            yield from _strings(item, key, layout)
    elif isinstance(node, str) and key in TEXT_KEYS and not (key == "name" and layout):
        yield node.replace("%{", " ").replace("<extra></extra>", "")


def figure_texts(fig) -> list[str]:
    """Text the figure draws: in its layout (titles, annotations, ticks) and in its traces
    (legend names, labels, hover text). A layout item's `name` is an id, never drawn."""
    spec = fig.to_plotly_json()
    texts = [t for t in _strings(spec.get("layout", {}), layout=True) if t]
    legend = spec.get("layout", {}).get("showlegend", True) is not False
    for trace in spec.get("data", []):
        # A trace's name is drawn in the legend; one kept out of it is an id for the code.
        shown = trace.get("showlegend", trace.get("type") not in NO_LEGEND)
        named = legend and shown is not False
        texts += [t for t in _strings(trace, layout=not named) if t]
    return texts


def frame_texts(frame: pd.DataFrame) -> list[str]:
    texts = [str(c) for c in frame.columns]
    for column in frame.columns:
        texts += [str(v) for v in frame[column].dropna().unique() if isinstance(v, str)]
    return texts


def all_charts(snapshot) -> list[catalog.ChartSpec]:
    ids = [c.id for c in catalog.CHARTS] + [c.id for c in catalog.trend_charts(snapshot)]
    for indicator in catalog.district_indicators(snapshot, schema.TOPICS):
        ids += [f"district-map-{indicator}", f"district-bar-{indicator}"]
    return [catalog.chart(i) for i in dict.fromkeys(ids)]


# --- the sources ------------------------------------------------------------------------------


def _noted_items():
    for path in sorted((REPO / "data" / "sources").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            continue
        for key, items in data.items():
            for item in items if isinstance(items, list) else []:
                if isinstance(item, dict) and item.get("note"):
                    yield path.relative_to(REPO), key, item


def test_every_note_in_the_sources_is_written_for_readers_of_both_languages() -> None:
    problems = []
    for path, key, item in _noted_items():
        where = f"{path} {key} {item.get('id') or item.get('indicator')}/{item.get('geo', '')}"
        zh, en = str(item.get("note_zh") or ""), str(item.get("note_en") or "")
        if not zh or not written_in_chinese(zh):
            problems.append(f"{where}: no Chinese note_zh")
        if not en or written_in_chinese(en):
            problems.append(f"{where}: no English note_en")
        verbatim = (str(item.get("quote") or ""), str(item.get("title") or ""))
        if english_in_chinese(zh, verbatim):
            problems.append(f"{where}: note_zh speaks English {english_in_chinese(zh, verbatim)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("snapshot_id", SNAPSHOTS)
def test_every_note_of_a_snapshot_is_there_in_both_languages(snapshot_id: str) -> None:
    """The build carries both notes through, and writes both for what it derives or counts."""
    rows = load_snapshot(snapshot_id).indicators
    noted = rows[rows["note"] != ""]
    assert (noted["note_zh"] != "").all(), noted.loc[noted["note_zh"] == "", "note"].head().tolist()
    assert (noted["note_en"] != "").all(), noted.loc[noted["note_en"] == "", "note"].head().tolist()
    for note in noted["note_zh"].drop_duplicates():
        assert written_in_chinese(note), note


# --- charts and the tables behind them ------------------------------------------------------------


@pytest.mark.parametrize("district", [schema.CITY_CODE, CHAOYANG])
@pytest.mark.parametrize("snapshot_id", SNAPSHOTS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_and_its_table_speak_the_readers_language(
    lang: str, snapshot_id: str, district: str
) -> None:
    snapshot = load_snapshot(snapshot_id)
    verbatim = source_texts(snapshot)
    view = catalog.View(lang=lang, district=district)
    problems = []
    for spec in all_charts(snapshot):
        result = spec.build(snapshot, view)
        table = export.provenance_table(snapshot, result.data, lang)
        for text in _wrong_language(
            figure_texts(result.figure) + frame_texts(table), lang, verbatim
        ):
            problems.append(f"{spec.id}: {text}")
    assert not problems, "\n".join(problems[:60])


@pytest.mark.parametrize("snapshot_id", SNAPSHOTS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_values_registry_and_manifest_tables_speak_the_readers_language(
    lang: str, snapshot_id: str
) -> None:
    from dashboard import queries

    snapshot = load_snapshot(snapshot_id)
    verbatim = source_texts(snapshot)
    values = export.reader_table(snapshot, queries.values_table(snapshot, lang).head(3000), lang)
    texts = frame_texts(values) + frame_texts(export.registry_table(snapshot, lang))
    texts += frame_texts(export.manifest_table(snapshot, lang))
    assert not _wrong_language(texts, lang, verbatim)


def test_csv_and_xlsx_of_a_chart_carry_chinese_headings_and_cells() -> None:
    snapshot = load_snapshot("2026-11-27")
    verbatim = source_texts(snapshot)
    result = catalog.chart("workforce-profile").build(snapshot, catalog.View())
    table = export.provenance_table(snapshot, result.data, "zh")
    from_csv = pd.read_csv(io.BytesIO(export.csv_bytes(table)), encoding="utf-8-sig", dtype=str)
    from_xlsx = pd.read_excel(io.BytesIO(export.xlsx_bytes(table)), dtype=str)
    for frame in (from_csv, from_xlsx):
        assert list(frame.columns) == list(table.columns)
        assert not _wrong_language(frame_texts(frame), "zh", verbatim)
    from openpyxl import load_workbook

    for sheet in ("data", "compare"):
        book = load_workbook(io.BytesIO(export.xlsx_bytes(table, sheet)))
        assert not _wrong_language(book.sheetnames, "zh", ()), book.sheetnames


# --- briefing pack files --------------------------------------------------------------------------


@pytest.fixture
def fake_render(monkeypatch: pytest.MonkeyPatch):
    """Pictures are not text: a blank stand-in keeps these tests away from the browser."""
    from dashboard import render
    from tests.unit.test_briefing import _pdf, _png

    def fake(fig, fmt="png", width=1920, height=1080, scale=1.0) -> bytes:
        if fmt == "png":
            return _png(width, height)
        if fmt == "pdf":
            return _pdf(width, height)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"/>'.encode()
        )

    monkeypatch.setattr(render, "render", fake)
    monkeypatch.setattr(export, "_images", export._ImageCache(64))


def _pack(snapshot_id: str, district: str, lang: str = "zh"):
    snapshot = load_snapshot(snapshot_id)
    view = catalog.View(lang=lang, district=district)
    return snapshot, view, catalog.briefing_charts(snapshot)


def _pptx_texts(data: bytes) -> list[str]:
    from pptx import Presentation

    texts = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if getattr(shape, "has_chart", False) and shape.has_chart:
                chart = shape.chart
                if chart.has_title:
                    texts.append(chart.chart_title.text_frame.text)
                for plot in chart.plots:
                    texts += [str(c) for c in plot.categories]
                    texts += [s.name for s in plot.series]
        if slide.has_notes_slide:
            texts.append(slide.notes_slide.notes_text_frame.text)
    return texts


@pytest.mark.parametrize(
    ("snapshot_id", "district", "lang"),
    [("2019-01-09", CHAOYANG, "zh"), ("2026-11-27", schema.CITY_CODE, "zh"),
     ("2026-11-27", CHAOYANG, "en")],
)  # fmt: skip
def test_a_deck_speaks_its_language_on_its_slides_charts_and_notes(
    fake_render, snapshot_id: str, district: str, lang: str
) -> None:
    snapshot, view, charts = _pack(snapshot_id, district, lang)
    texts = _pptx_texts(briefing.build(snapshot, view, charts, "pptx"))
    assert texts
    assert not _wrong_language(texts, lang, source_texts(snapshot))
    assert not _wrong_language([briefing.file_name(snapshot, view, "pptx")], lang, ())


class _VisibleText(HTMLParser):
    """Text a reader sees in the page (not the scripts that draw the charts)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data)


def test_a_chinese_html_deck_and_zip_have_no_english(fake_render) -> None:
    snapshot, view, charts = _pack("2019-01-09", schema.CITY_CODE)
    verbatim = source_texts(snapshot)
    parser = _VisibleText()
    parser.feed(briefing.build(snapshot, view, charts, "html").decode("utf-8"))
    assert not _wrong_language(parser.texts, "zh", verbatim)
    archive = zipfile.ZipFile(io.BytesIO(briefing.build(snapshot, view, charts, "zip")))
    # manifest.json is the machine-readable list of checksums, named as such tools expect.
    names = [n for n in archive.namelist() if n != "manifest.json"]
    assert not _wrong_language(names, "zh", verbatim)
    for name in names:
        if name.endswith(".csv"):
            frame = pd.read_csv(io.BytesIO(archive.read(name)), encoding="utf-8-sig", dtype=str)
            assert not _wrong_language(frame_texts(frame), "zh", verbatim), name


def test_the_pdf_pages_speak_chinese(fake_render) -> None:
    """Cover, contents and sources pages are figures: their text is checked before rendering."""
    snapshot, view, charts = _pack("2026-11-27", CHAOYANG)
    pack = briefing.collect(snapshot, view, charts, ())
    pages = [briefing.title_page(pack), *briefing.source_pages(pack)]
    pages += briefing.contents_pages(pack, [(c.title, n) for n, c in enumerate(pack.charts, 3)])
    texts = [text for page in pages for text in figure_texts(page)]
    assert not _wrong_language(texts, "zh", source_texts(snapshot))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_a_rendered_chinese_pdf_has_no_english_in_its_text_layer(tmp_path: Path) -> None:
    snapshot = load_snapshot("2019-01-09")
    view = catalog.View(lang="zh")
    data = briefing.build(snapshot, view, ["workforce-age", "workforce-pay"], "pdf")
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    assert "社区工作者" in text
    lines = [line for line in text.splitlines() if line.strip()]
    assert not _wrong_language(lines, "zh", source_texts(snapshot))


# --- Plotly's own words ---------------------------------------------------------------------------


def test_plotly_toolbar_tips_and_messages_have_chinese_words() -> None:
    """Every toolbar tip and message of the Plotly that Streamlit serves (its mode bar's titles,
    its download messages) has a Chinese entry, so a Streamlit upgrade adding one fails here."""
    import re

    import streamlit

    from dashboard.i18n import plotly_locale

    static = Path(streamlit.__file__).parent / "static" / "static" / "js"
    bundle = next(p for p in static.glob("PlotlyChart*.js"))
    phrases = set(
        re.findall(r"title:function\(\w+\)\{return \w+\(\w+,`([^`]+)`\)", bundle.read_text())
    )
    phrases |= {"Download plot as a PNG", "Download plot", "Image download succeeded"}
    # 3-D, drawing and cloud tools are never in our charts' toolbars.
    unused = re.compile(r"camera|rotation|Draw|Erase|Share chart")
    wanted = {p for p in phrases if not unused.search(p)}
    assert len(wanted) > 10, "the scan found the toolbar's words"
    dictionary = plotly_locale("zh")["locales"]["zh-CN"]["dictionary"]
    assert not wanted - set(dictionary)
    assert all(written_in_chinese(word) for word in dictionary.values())
    assert plotly_locale("en") == {}

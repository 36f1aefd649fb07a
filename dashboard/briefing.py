"""Briefing packs: the chosen charts of one snapshot, language and district as a file to hand on.

Four forms share one collection step: each chart is built once at export size and rendered once
per image format through export.render_chart (whose cache the per-chart downloads share), a few
charts at a time in the shared Chromium. Then:

- PPTX: 16:9 slides (title, one per chart, sources), the figures' quotes and sources as speaker
  notes, East Asian text set in Microsoft YaHei so PowerPoint and WPS lay Chinese out well;
- PDF: the same pages drawn by Chromium (vector text, glyphs embedded), merged with pypdf;
- HTML: one self-contained, offline page with the interactive charts; plotly.js inlined once, no
  link, script, style or image from another host, and a Content-Security-Policy that forbids
  fetching any;
- ZIP: every chart as PNG and SVG, its data as CSV, sources.csv and manifest.json.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import json
import re
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace

import pandas as pd
import plotly.graph_objects as go

from dashboard import catalog, export, render, schema
from dashboard import queries as q
from dashboard.charts.base import (
    FONT_FAMILY,
    LEGEND_ROW_EM,
    SIDE_MARGINS_PX,
    SIZES,
    THEMES,
    legend_rows,
    wrap_text,
)
from dashboard.charts.districts import OFFLINE_TOPOJSON_URL
from dashboard.formatting import format_value
from dashboard.i18n import plotly_locale, t
from dashboard.pptx_charts import add_native_chart, native_chart
from dashboard.snapshot import Snapshot

FORMATS = ("pptx", "pdf", "html", "zip")
MIME = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pdf": "application/pdf",
    "html": "text/html",
    "zip": "application/zip",
}
# The image formats collected for each pack (through the shared image cache). HTML draws its
# charts live in the browser; PPTX and PDF render what they need themselves (a picture without
# its title for a slide, half-page charts and page numbers for the PDF).
RENDERS = {"pptx": (), "pdf": (), "html": (), "zip": ("png", "svg")}
PAGE_SIZE = (1920, 1080)
# A slide's picture sits below the slide's own title and subtitle.
PICTURE_SIZE = (1920, 920)
# Typeface for East Asian text in the slides: installed with Office and WPS on officials' desktops.
EA_FONT = "Microsoft YaHei"
SOURCES_PER_SLIDE = 7
SOURCES_PER_PAGE = 11


# --- what a chart says and where it comes from -------------------------------------------------


@dataclass(frozen=True)
class Source:
    source_id: str
    publisher: str
    title: str
    published: str
    url: str

    def label(self) -> str:
        date = f" ({self.published})" if self.published else ""
        title = f": {self.title}" if self.title else ""
        return f"{self.publisher}{title}{date}"


@dataclass(frozen=True)
class Notes:
    """The figures a chart shows, the source's own words, and the sources: speaker notes."""

    figures: tuple[str, ...]
    quotes: tuple[str, ...]
    sources: tuple[Source, ...]

    def text(self, lang: str, *, urls: bool = True) -> str:
        parts = []
        if self.figures:
            parts.append(t("pack.figures", lang) + "\n" + "\n".join(f"• {f}" for f in self.figures))
        if self.quotes:
            parts.append(t("pack.quotes", lang) + "\n" + "\n".join(f"• {x}" for x in self.quotes))
        if self.sources:
            lines = [
                f"• {s.label()}" + (f"\n  {s.url}" if urls and s.url else "") for s in self.sources
            ]
            parts.append(t("pack.sources", lang) + "\n" + "\n".join(lines))
        return "\n\n".join(parts)


def source_entry(snapshot: Snapshot, source_id: str, lang: str) -> Source:
    row = q.source_row(snapshot, source_id)
    if row is None:
        return Source(source_id, source_id, "", "", "")
    publisher = str(row[f"publisher_{lang}"] or row["publisher_zh"])
    return Source(
        source_id,
        publisher,
        str(row["title"] or ""),
        str(row["published"] or ""),
        str(row["url"] or ""),
    )


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def chart_notes(snapshot: Snapshot, data: pd.DataFrame, lang: str) -> Notes:
    """Notes from the rows behind a chart: indicator values or the ten firsts."""
    figures, quotes = [], []
    if {"indicator_id", "value"} <= set(data.columns):
        for row in data.itertuples():
            name = q.indicator_name(snapshot, row.indicator_id, lang)
            place = q.geo_name(snapshot, row.geo_code, lang) if hasattr(row, "geo_code") else ""
            period = _text(getattr(row, "period", "")) or t("prov.period_unstated", lang)
            value = format_value(row.value, row.unit, lang, _text(row.qualifier))
            status = "" if row.status == "reported" else f" [{t(f'status.{row.status}', lang)}]"
            figures.append(f"{name} · {place} · {period}: {value}{status}")
            if _text(getattr(row, "quote", "")):
                source = q.source_label(snapshot, row.source_id, lang)
                quotes.append(f"“{row.quote}” ({source})")
    elif "rank" in data.columns:
        title_column = f"title_{lang}" if f"title_{lang}" in data.columns else "title_zh"
        for row in data.sort_values("rank").itertuples():
            year = int(row.year) if pd.notna(row.year) else t("pack.undated", lang)
            title = getattr(row, title_column)
            figures.append(t("pack.milestone", lang, rank=int(row.rank), title=title, year=year))
            if _text(row.quote):
                source = q.source_label(snapshot, row.source_id, lang)
                quotes.append(f"{int(row.rank)}. “{row.quote}” ({source})")
    ids = (
        list(dict.fromkeys(data["source_id"])) if "source_id" in data.columns and len(data) else []
    )
    sources = tuple(source_entry(snapshot, s, lang) for s in ids)
    return Notes(tuple(figures), tuple(dict.fromkeys(quotes)), sources)


def plain_title(fig: go.Figure) -> str:
    text = fig.layout.title.text or ""
    return re.sub(r"<[^>]+>", "", text.replace("<br>", " ")).strip()


def plain_subtitle(fig: go.Figure) -> str:
    subtitle = fig.layout.title.subtitle
    text = (subtitle.text if subtitle else "") or ""
    return re.sub(r"<[^>]+>", "", text.replace("<br>", " ")).strip()


# --- collecting the pack ------------------------------------------------------------------------


@dataclass
class PackChart:
    id: str
    title: str
    subtitle: str
    result: catalog.ChartResult
    files: dict[str, bytes]
    notes: Notes
    table: pd.DataFrame


@dataclass
class Pack:
    snapshot: Snapshot
    view: catalog.View
    charts: list[PackChart]
    generated: str = field(default_factory=lambda: dt.date.today().isoformat())

    @property
    def lang(self) -> str:
        return self.view.lang

    @property
    def place(self) -> str:
        return catalog.place_label(self.snapshot, self.view)

    def sources(self) -> list[tuple[Source, list[str]]]:
        """Every source cited, in first-cited order, with the titles of the charts citing it."""
        found: dict[str, tuple[Source, list[str]]] = {}
        for chart in self.charts:
            for source in chart.notes.sources:
                found.setdefault(source.source_id, (source, []))[1].append(chart.title)
        return list(found.values())

    def header_lines(self) -> list[str]:
        lang, snap = self.lang, self.snapshot
        lines = [
            t("pack.snapshot", lang, id=snap.id, title=snap.title(lang)),
            t("pack.as_of", lang, date=snap.as_of),
            t("pack.place", lang, place=self.place),
            t("pack.generated", lang, date=self.generated),
        ]
        return lines

    def drill_lines(self) -> list[str]:
        """For a pack drilled to a district: which figures are the district's own and that the
        rest are the city's, said on the cover as large as a heading."""
        if not self.view.drilled:
            return []
        return list(catalog.drill_summary(self.snapshot, self.view))


def validate_charts(chart_ids: list[str]) -> list[str]:
    """The ids that name no chart (empty when all are known)."""
    unknown = []
    for chart_id in chart_ids:
        try:
            catalog.chart(chart_id)
        except KeyError:
            unknown.append(chart_id)
    return unknown


def collect(
    snapshot: Snapshot,
    view: catalog.View,
    chart_ids: list[str],
    fmts: tuple[str, ...],
    progress: Callable[[int, int], None] | None = None,
    medium: str = "export",
) -> Pack:
    """Build every chart once and render it once per format, a few at a time."""
    view = replace(view, medium=medium, theme="light")

    def one(chart_id: str) -> PackChart:
        if fmts:
            result, files = export.render_chart(snapshot, view, chart_id, fmts)
        else:  # rendered by the pack's writer, or drawn live (HTML, at screen sizes)
            result, files = catalog.chart(chart_id).build(snapshot, view), {}
            if medium == "export":
                result.figure.update_layout(width=PAGE_SIZE[0], height=PAGE_SIZE[1])
        fig = result.figure
        return PackChart(
            chart_id,
            plain_title(fig) or chart_id,
            plain_subtitle(fig),
            result,
            files,
            chart_notes(snapshot, result.data, view.lang),
            export.provenance_table(snapshot, result.data, view.lang),
        )

    charts: dict[str, PackChart] = {}
    with ThreadPoolExecutor(max_workers=render.RENDER_TABS) as pool:
        # Maps take several times longer than other charts: start them first.
        ordered = sorted(dict.fromkeys(chart_ids), key=lambda c: "map" not in c)
        futures = {pool.submit(one, chart_id): chart_id for chart_id in ordered}
        for future in as_completed(futures):
            charts[futures[future]] = future.result()
            if progress:
                progress(len(charts), len(futures))
    return Pack(snapshot, view, [charts[c] for c in dict.fromkeys(chart_ids)])


def build(
    snapshot: Snapshot,
    view: catalog.View,
    chart_ids: list[str],
    fmt: str,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}': choose one of {', '.join(FORMATS)}")
    unknown = validate_charts(chart_ids)
    if unknown:
        raise KeyError(f"unknown chart(s): {', '.join(unknown)}")
    medium = "screen" if fmt == "html" else "export"
    pack = collect(snapshot, view, chart_ids, RENDERS[fmt], progress, medium)
    return WRITERS[fmt](pack)


def file_name(snapshot: Snapshot, view: catalog.View, fmt: str) -> str:
    """`北京基层治理四十年_简报_北京市_2019-01-09.pptx`: named in the pack's language by what it
    is, the place and the snapshot, safe on any disk."""
    place = catalog.place_label(snapshot, view).replace(" › ", "_")
    title = f"{t('app.title', view.lang)}_{t('pack.file', view.lang)}_{place}_{snapshot.id}"
    return f"{export.readable_name(title, 120)}.{fmt}"


# --- PPTX ---------------------------------------------------------------------------------------


def _east_asian(text_frame, lang: str) -> None:
    """Every run in Microsoft YaHei for East Asian and Latin text, marked with its language."""
    from pptx.oxml.ns import qn

    for paragraph in text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.name = EA_FONT
            rpr = run._r.get_or_add_rPr()
            rpr.set("lang", "zh-CN" if lang == "zh" else "en-US")
            rpr.set("altLang", "en-US" if lang == "zh" else "zh-CN")
            ea = rpr.find(qn("a:ea"))
            if ea is None:
                ea = rpr.makeelement(qn("a:ea"), {})
                rpr.find(qn("a:latin")).addnext(ea)
            ea.set("typeface", EA_FONT)


def _fill(text_frame, lines: list[tuple[str, float, bool]], colour=None) -> None:
    """Paragraphs of (text, size in pt, bold)."""
    from pptx.util import Pt

    text_frame.clear()
    text_frame.word_wrap = True
    for i, (text, size, bold) in enumerate(lines):
        paragraph = text_frame.paragraphs[0] if i == 0 else text_frame.add_paragraph()
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        if colour is not None:
            run.font.color.rgb = colour


def _theme_fonts(prs) -> None:
    """East Asian theme fonts, so text typed into the deck later is in YaHei too."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    theme = prs.slide_master.part.part_related_by(RT.THEME)
    theme._blob = theme.blob.replace(
        b'<a:ea typeface=""/>', f'<a:ea typeface="{EA_FONT}"/>'.encode()
    )


def bare_figure(fig: go.Figure) -> go.Figure:
    """The chart for a slide whose title and subtitle are slide text: the picture keeps its
    legend, plot and source line, and no second title."""
    bare = go.Figure(fig)
    size = SIZES["export"]
    rows = legend_rows(bare, size, PICTURE_SIZE[0] - SIDE_MARGINS_PX)
    named = [tr for tr in bare.data if tr.name and tr.showlegend is not False]
    legend = bare.layout.showlegend is not False and len(named) >= 2
    room = int(LEGEND_ROW_EM * size["body"] * rows + 40) if legend else 40
    bare.update_layout(
        title={"text": "", "subtitle": {"text": ""}},
        margin={"t": room},
        width=PICTURE_SIZE[0],
        height=PICTURE_SIZE[1],
    )
    return bare


def footer_line(fig: go.Figure) -> str:
    """The figure's source line as plain text."""
    for annotation in fig.layout.annotations:
        if annotation.name == "footer":
            return re.sub(r"<[^>]+>", "", annotation.text.replace("<br>", " "))
    return ""


def _render_pictures(pack: Pack, charts: list[PackChart]) -> dict[str, bytes]:
    """PNGs of the charts without their titles, a few at a time, through the image cache."""

    def one(chart: PackChart) -> bytes:
        return export.cached_image(
            (pack.snapshot.id, pack.snapshot.fingerprint, chart.id, pack.view.district, pack.lang),
            "slide-png",
            lambda: render.render(bare_figure(chart.result.figure), "png", *PICTURE_SIZE),
        )

    with ThreadPoolExecutor(max_workers=render.RENDER_TABS) as pool:
        return dict(zip([c.id for c in charts], pool.map(one, charts), strict=True))


def _description(chart: PackChart) -> str:
    """The chart in words for a screen reader: title, what it shows, its figures."""
    head = " · ".join(x for x in (chart.title, chart.subtitle) if x)
    return f"{head}. {'; '.join(chart.notes.figures)}"[:1000]


def _chart_slide_text(slide, chart: PackChart, width) -> None:
    from pptx.dml.color import RGBColor
    from pptx.util import Inches

    title = slide.shapes.title
    title.left, title.top, title.width, title.height = (
        Inches(0.4),
        Inches(0.15),
        width - Inches(0.8),
        Inches(0.8),
    )
    _fill(title.text_frame, [(chart.title, 26 if len(chart.title) < 60 else 22, True)])
    if chart.subtitle:
        box = slide.shapes.add_textbox(Inches(0.4), Inches(0.95), width - Inches(0.8), Inches(0.5))
        _fill(box.text_frame, [(chart.subtitle, 15, False)], RGBColor(0x4B, 0x55, 0x63))


def _sample_mark(slide, width, height, lang: str) -> None:
    """The sample mark across the slide, as on every chart drawn from sample data."""
    from pptx.dml.color import RGBColor
    from pptx.util import Inches

    box = slide.shapes.add_textbox(
        Inches(1.5), height // 2 - Inches(0.8), width - Inches(3), Inches(1.6)
    )
    _fill(box.text_frame, [(t("sample.watermark", lang), 60, True)], RGBColor(0xF0, 0xA8, 0xA8))
    box.rotation = -20


def to_pptx(pack: Pack) -> bytes:
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.util import Emu, Inches

    lang, snap = pack.lang, pack.snapshot
    muted = RGBColor(0x4B, 0x55, 0x63)
    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # 13.333 x 7.5 in, 16:9
    width, height = prs.slide_width, prs.slide_height
    _theme_fonts(prs)
    props = prs.core_properties
    props.title = f"{t('app.title', lang)} · {snap.id}"
    props.subject = pack.place
    props.author = props.last_modified_by = t("app.title", lang)
    props.keywords = f"{snap.id}; {pack.view.district}; {lang}"
    props.language = "zh-CN" if lang == "zh" else "en-US"
    props.revision = 1
    title_layout, title_only = prs.slide_layouts[0], prs.slide_layouts[5]

    # Title slide
    slide = prs.slides.add_slide(title_layout)
    title, subtitle = slide.placeholders[0], slide.placeholders[1]
    title.left, title.top, title.width, title.height = (
        Inches(0.8),
        Inches(1.6),
        width - Inches(1.6),
        Inches(1.6),
    )
    subtitle.left, subtitle.top = Inches(0.8), Inches(3.4)
    subtitle.width, subtitle.height = width - Inches(1.6), Inches(3.2)
    _fill(title.text_frame, [(t("app.title", lang), 40, True)])
    lines = [(t("app.subtitle", lang), 20, False)] + [
        (line, 18, False) for line in pack.header_lines()
    ]
    lines += [(line, 24, True) for line in pack.drill_lines()]
    _fill(subtitle.text_frame, lines, RGBColor(0x37, 0x41, 0x51))
    if snap.is_sample:
        box = slide.shapes.add_textbox(Inches(0.8), Inches(0.5), width - Inches(1.6), Inches(0.9))
        _fill(box.text_frame, [(t("sample.banner", lang), 16, True)], RGBColor(0xB9, 0x1C, 0x1C))
    slide.notes_slide.notes_text_frame.text = "\n".join(pack.header_lines())

    # One slide per chart: its title and subtitle as slide text, then a native chart (data
    # inside, editable) where the kind allows or the picture without its title, the source line,
    # and notes with figures, quotes and sources.
    pictures = _render_pictures(
        pack, [c for c in pack.charts if native_chart(c.result.figure) is None]
    )
    for chart in pack.charts:
        slide = prs.slides.add_slide(title_only)
        _chart_slide_text(slide, chart, width)
        top, box_height = Inches(1.45), height - Inches(1.45) - Inches(0.7)
        native = native_chart(chart.result.figure)
        if native is not None:
            frame = add_native_chart(
                slide, native, Inches(0.4), top, width - Inches(0.8), box_height, EA_FONT
            )
            frame._element.nvGraphicFramePr.cNvPr.set("descr", _description(chart))
            footer = slide.shapes.add_textbox(
                Inches(0.4), height - Inches(0.7), width - Inches(0.8), Inches(0.6)
            )
            _fill(footer.text_frame, [(footer_line(chart.result.figure), 11, False)], muted)
        else:
            picture_height = height - top - Inches(0.1)
            picture_width = int(picture_height * PICTURE_SIZE[0] / PICTURE_SIZE[1])
            picture = slide.shapes.add_picture(
                io.BytesIO(pictures[chart.id]),
                int((width - picture_width) / 2),
                top,
                width=picture_width,
                height=picture_height,
            )
            picture._element.nvPicPr.cNvPr.set("descr", _description(chart))
        if pack.snapshot.is_sample:
            _sample_mark(slide, width, height, lang)
        notes = [chart.title, chart.subtitle, "", chart.notes.text(lang)]
        slide.notes_slide.notes_text_frame.text = "\n".join(notes).strip()

    # Sources, a few to a slide
    sources = pack.sources()
    for start in range(0, max(len(sources), 1), SOURCES_PER_SLIDE):
        slide = prs.slides.add_slide(title_only)
        title = slide.shapes.title
        title.left, title.top, title.width, title.height = (
            Inches(0.4),
            Inches(0.15),
            width - Inches(0.8),
            Inches(0.75),
        )
        _fill(
            title.text_frame,
            [(t("pack.sources" if start == 0 else "pack.sources_more", lang), 24, True)],
        )
        box = slide.shapes.add_textbox(
            Inches(0.5), Inches(1.0), width - Inches(1.0), height - Inches(1.2)
        )
        lines = []
        for n, (source, charts) in enumerate(sources[start : start + SOURCES_PER_SLIDE], start + 1):
            lines.append((f"{n}. {source.label()}", 14, True))
            url = t("pack.url", lang, url=source.url) if source.url else t("pack.no_url", lang)
            lines.append(
                (f"{url} · {t('pack.cited_by', lang, charts='; '.join(charts))}", 11, False)
            )
        _fill(box.text_frame, lines or [("–", 14, False)], RGBColor(0x1F, 0x29, 0x37))
        slide.notes_slide.notes_text_frame.text = "\n".join(
            f"{s.label()} {s.url}".strip() for s, _ in sources[start : start + SOURCES_PER_SLIDE]
        )

    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                _east_asian(shape.text_frame, lang)
        _east_asian(slide.notes_slide.notes_text_frame, lang)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


# --- PDF ----------------------------------------------------------------------------------------


def _text_page(lines: list[tuple[str, int, str, bool]], pack: Pack) -> go.Figure:
    """A page of text as a figure, so Chromium lays it out and embeds its glyphs like the charts'.
    Lines are (text, size px, colour, bold); long ones wrap."""
    theme = THEMES["light"]
    fig = go.Figure()
    y = 70
    for text, size, colour, bold in lines:
        for part in wrap_text(text, size, PAGE_SIZE[0] - 200, bold=bold) if text else [""]:
            shown = f"<b>{html.escape(part)}</b>" if bold else html.escape(part)
            fig.add_annotation(
                text=shown,
                x=0,
                y=1,
                xref="paper",
                yref="paper",
                xanchor="left",
                yanchor="top",
                yshift=-y,
                showarrow=False,
                align="left",
                font={"size": size, "color": colour},
            )
            y += int(size * 1.45)
    if pack.snapshot.is_sample:
        fig.add_annotation(
            text=t("sample.watermark", pack.lang),
            x=0.5,
            y=0.45,
            xref="paper",
            yref="paper",
            showarrow=False,
            textangle=-20,
            opacity=0.22,
            font={"size": SIZES["export"]["watermark"], "color": "#B91C1C"},
        )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(
        font={"family": FONT_FAMILY, "color": theme["text"]},
        paper_bgcolor=theme["paper"],
        plot_bgcolor=theme["plot"],
        margin={"l": 100, "r": 100, "t": 0, "b": 0},
        width=PAGE_SIZE[0],
        height=PAGE_SIZE[1],
    )
    return fig


def title_page(pack: Pack) -> go.Figure:
    """The cover: what the document is, for which snapshot, place and date."""
    lang, theme = pack.lang, THEMES["light"]
    lines = [
        ("", 40, theme["text"], False),
        ("", 40, theme["text"], False),
        ("", 40, theme["text"], False),
        (t("app.title", lang), 76, theme["text"], True),
        (t("app.subtitle", lang), 34, theme["muted"], False),
        ("", 30, theme["text"], False),
    ]
    lines += [(line, 30, theme["text"], False) for line in pack.header_lines()]
    if pack.drill_lines():
        lines += [("", 30, theme["text"], False)]
        lines += [(line, 40, theme["text"], True) for line in pack.drill_lines()]
    if pack.snapshot.is_sample:
        lines += [("", 30, theme["text"], False), (t("sample.banner", lang), 26, "#B91C1C", True)]
    return _text_page(lines, pack)


CONTENTS_LINES_PER_PAGE = 24


def contents_pages(pack: Pack, entries: list[tuple[str, int]]) -> list[go.Figure]:
    """Every page's heading with its page number, as many contents pages as they need."""
    lang, theme = pack.lang, THEMES["light"]
    pages = []
    for start in range(0, len(entries), CONTENTS_LINES_PER_PAGE):
        lines = [
            (t("pack.contents", lang), 44, theme["text"], True),
            ("", 16, theme["text"], False),
        ]
        for title, number in entries[start : start + CONTENTS_LINES_PER_PAGE]:
            lines.append(
                (t("pack.contents_line", lang, title=title, page=number), 24, theme["text"], False)
            )
        pages.append(_text_page(lines, pack))
    return pages


def source_pages(pack: Pack) -> list[go.Figure]:
    lang, theme = pack.lang, THEMES["light"]
    sources = pack.sources()
    pages = []
    for start in range(0, max(len(sources), 1), SOURCES_PER_PAGE):
        heading = t("pack.sources" if start == 0 else "pack.sources_more", lang)
        lines = [(heading, 44, theme["text"], True), ("", 16, theme["text"], False)]
        for n, (source, charts) in enumerate(sources[start : start + SOURCES_PER_PAGE], start + 1):
            url = t("pack.url", lang, url=source.url) if source.url else t("pack.no_url", lang)
            lines.append((f"{n}. {source.label()}", 24, theme["text"], True))
            lines.append(
                (
                    f"{url} · {t('pack.cited_by', lang, charts='; '.join(charts))}",
                    18,
                    theme["muted"],
                    False,
                )
            )
        pages.append(_text_page(lines, pack))
    return pages


# Chromium's PDF text layer maps some characters to look-alike radicals that share their glyph in
# Noto Sans CJK (工 as ⼯, 民 as ⺠), which breaks searching and copying. The glyphs are right; the
# text layer is put back: Kangxi radicals by NFKC, the rest by this table, found by rendering every
# unified ideograph through the renderer and reading the text layer back.
_LOOKALIKES = {
    0x2E82: "乛", 0x2E83: "乚", 0x2E85: "亻", 0x2E89: "刂", 0x2E8F: "尣", 0x2E90: "尢",
    0x2E92: "巳", 0x2E93: "幺", 0x2E94: "彑", 0x2E95: "彐", 0x2E96: "忄", 0x2E98: "扌",
    0x2E99: "攵", 0x2E9B: "旡", 0x2E9E: "歺", 0x2E9F: "母", 0x2EA0: "民", 0x2EA1: "氵",
    0x2EA3: "灬", 0x2EA4: "爫", 0x2EA6: "丬", 0x2EA8: "犭", 0x2EAD: "礻", 0x2EAF: "糹",
    0x2EB0: "纟", 0x2EB1: "罓", 0x2EB9: "耂", 0x2EBA: "肀", 0x2EBE: "艹", 0x2EC2: "衤",
    0x2EC5: "见", 0x2EC6: "角", 0x2EC8: "讠", 0x2EC9: "贝", 0x2ECB: "车", 0x2ECC: "辶",
    0x2ED0: "钅", 0x2ED1: "長", 0x2ED2: "镸", 0x2ED3: "长", 0x2ED4: "门", 0x2ED6: "阝",
    0x2ED8: "青", 0x2ED9: "韦", 0x2EDA: "页", 0x2EDB: "风", 0x2EDC: "飞", 0x2EDD: "食",
    0x2EDF: "飠", 0x2EE0: "饣", 0x2EE2: "马", 0x2EE3: "骨", 0x2EE4: "鬼", 0x2EE5: "鱼",
    0x2EE6: "鸟", 0x2EE7: "卤", 0x2EE8: "麦", 0x2EE9: "黄", 0x2EEA: "黾", 0x2EEB: "斉",
    0x2EEC: "齐", 0x2EEE: "齿", 0x2EEF: "竜", 0x2EF0: "龙", 0x2EF2: "亀", 0x2EF3: "龟",
    0x2F3E: "户", 0x3ADA: "曶", 0x3B35: "胶", 0x3B3A: "幐", 0x3BA3: "槩", 0x58AB: "壿",
}  # fmt: skip


def _unified(code: int) -> int:
    import unicodedata

    if code in _LOOKALIKES:
        return ord(_LOOKALIKES[code])
    if 0x2F00 <= code <= 0x2FDF:  # Kangxi radicals decompose to the unified ideograph
        return ord(unicodedata.normalize("NFKC", chr(code)))
    return code


def _fix_to_unicode(data: bytes) -> bytes:
    def swap(match: re.Match) -> bytes:
        hex_text = match.group(1).decode()
        if len(hex_text) != 4:
            return match.group(0)
        code = int(hex_text, 16)
        fixed = _unified(code)
        return b"<%04X>" % fixed if fixed != code else match.group(0)

    # Destination values of bfchar/bfrange entries are the last <...> on each line.
    return re.sub(rb"<([0-9A-Fa-f]+)>(?=\s*(?:\r?\n|$))", swap, data)


def _clean_text_layer(pages) -> None:
    from pypdf.errors import PdfReadError

    seen = set()
    for page in pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            cmap = font.get("/ToUnicode")
            if cmap is None or id(cmap.get_object()) in seen:
                continue
            stream = cmap.get_object()
            seen.add(id(stream))
            data = stream.get_data()
            fixed = _fix_to_unicode(data)
            if fixed != data:
                try:
                    stream.set_data(fixed)
                except PdfReadError:  # a filter pypdf cannot re-encode: keep the text layer
                    continue


# A chart of at most this many bars or points takes half a page; two of one topic share a page.
SMALL_CHART_POINTS = 3
HALF_PAGE = (PAGE_SIZE[0], PAGE_SIZE[1] // 2)


def is_small(chart: PackChart) -> bool:
    fig = chart.result.figure
    if not fig.data or any(tr.type not in ("bar", "scatter") for tr in fig.data):
        return False
    if legend_rows(fig, SIZES["export"], PAGE_SIZE[0] - SIDE_MARGINS_PX) > 1:
        return False  # a legend of several rows needs the room
    points = max(len(tr.x) if tr.x is not None else 0 for tr in fig.data)
    return 0 < points <= SMALL_CHART_POINTS


def chart_pages(pack: Pack) -> list[list[PackChart]]:
    """The charts page by page: two small charts of the same topic share a page."""
    pages: list[list[PackChart]] = []
    for chart in pack.charts:
        last = pages[-1] if pages else None
        if (
            last is not None
            and len(last) == 1
            and is_small(last[0])
            and is_small(chart)
            and catalog.chart(last[0].id).page == catalog.chart(chart.id).page
        ):
            last.append(chart)
        else:
            pages.append([chart])
    return pages


def _numbered(fig: go.Figure, number: int, total: int, lang: str) -> go.Figure:
    """The figure with its page number at the bottom right corner of the page."""
    numbered = go.Figure(fig)
    bottom = numbered.layout.margin.b or 0
    numbered.add_annotation(
        text=t("pack.page_number", lang, page=number, total=total),
        xref="paper",
        yref="paper",
        x=1,
        y=0,
        xanchor="right",
        yanchor="bottom",
        yshift=-bottom + 18,
        showarrow=False,
        font={"size": 18, "color": THEMES["light"]["muted"]},
        name="page-number",
    )
    return numbered


def _half(fig: go.Figure) -> go.Figure:
    half = go.Figure(fig)
    half.update_layout(width=HALF_PAGE[0], height=HALF_PAGE[1])
    return half


def _stacked(top: bytes, bottom: bytes):
    """One page of two half-page PDFs, one above the other."""
    from pypdf import PageObject, PdfReader, Transformation

    upper, lower = PdfReader(io.BytesIO(top)).pages[0], PdfReader(io.BytesIO(bottom)).pages[0]
    width, height = float(upper.mediabox.width), float(upper.mediabox.height)
    page = PageObject.create_blank_page(width=width, height=2 * height)
    page.merge_transformed_page(upper, Transformation().translate(0, height))
    page.merge_page(lower)
    return page


def to_pdf(pack: Pack) -> bytes:
    """A document: cover, contents listing every page, the charts by topic (two small ones to a
    page), the sources; every page numbered, every glyph embedded."""
    from pypdf import PdfReader, PdfWriter

    lang = pack.lang
    groups = chart_pages(pack)
    sources = source_pages(pack)
    headings = [" / ".join(c.title for c in group) for group in groups]
    source_heads = [
        t("pack.sources" if i == 0 else "pack.sources_more", lang) for i in range(len(sources))
    ]
    entry_count = len(headings) + len(source_heads)
    contents_count = -(-entry_count // CONTENTS_LINES_PER_PAGE)
    first_chart_page = 2 + contents_count
    numbers = list(range(first_chart_page, first_chart_page + entry_count))
    entries = list(zip([*headings, *source_heads], numbers, strict=True))
    contents = contents_pages(pack, entries)
    total = 1 + len(contents) + entry_count

    # Every page as figures to render: one for a whole page, two for a shared one.
    jobs: list[list[tuple[go.Figure, tuple[int, int]]]] = [[(title_page(pack), PAGE_SIZE)]]
    jobs += [[(page, PAGE_SIZE)] for page in contents]
    for group in groups:
        if len(group) == 1:
            jobs.append([(group[0].result.figure, PAGE_SIZE)])
        else:
            jobs.append([(_half(c.result.figure), HALF_PAGE) for c in group])
    jobs += [[(page, PAGE_SIZE)] for page in sources]
    for number, job in enumerate(jobs, start=1):
        fig, size = job[-1]
        job[-1] = (_numbered(fig, number, total, lang), size)

    flat = [item for job in jobs for item in job]
    with ThreadPoolExecutor(max_workers=render.RENDER_TABS) as pool:
        rendered = list(pool.map(lambda item: render.render(item[0], "pdf", *item[1]), flat))

    writer = PdfWriter()
    outline = [t("app.title", lang), *[t("pack.contents", lang)] * len(contents)]
    outline += [*headings, *source_heads]
    position = 0
    for index, (job, heading) in enumerate(zip(jobs, outline, strict=True)):
        parts = rendered[position : position + len(job)]
        position += len(job)
        if len(parts) == 1:
            writer.add_page(PdfReader(io.BytesIO(parts[0])).pages[0])
        else:
            writer.add_page(_stacked(*parts))
        if index == 0 or heading != outline[index - 1]:  # one bookmark for the contents
            writer.add_outline_item(heading, index)
    _clean_text_layer(writer.pages)  # after the merge, when the fonts are parsed already
    writer.add_metadata(
        {
            "/Title": f"{t('app.title', lang)} · {pack.snapshot.id} · {pack.place}",
            "/Subject": t("app.subtitle", lang),
            "/Author": t("app.title", lang),
            "/Keywords": f"{pack.snapshot.id}; {pack.view.district}; {lang}",
        }
    )
    writer.page_mode = "/UseOutlines"
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- HTML ---------------------------------------------------------------------------------------

# Nothing may come from another host: scripts and styles are inline, images and workers are data:
# or blob: (plotly's map draws with a blob worker), and the only connection is to a data:
# address (the SVG map's empty world outline, answered in the page).
CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:; worker-src blob:; child-src blob:; connect-src data:; "
    "form-action 'none'; base-uri 'none'"
)
HTML_CSS = """
body{font-family:"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei","PingFang SC",sans-serif;
 margin:0;color:#1F2937;background:#F3F4F6}
header,main>section,footer{max-width:1280px;margin:0 auto;padding:16px 28px;background:#fff}
header{border-bottom:1px solid #E5E7EB}h1{margin:8px 0 4px;font-size:30px}
.sub{color:#4B5563;margin:0 0 8px}.meta{color:#374151;margin:2px 0}
.sample{color:#B91C1C;font-weight:bold}nav ol{columns:2;padding-left:20px;color:#374151}
nav a{color:#0B5394}section{margin-top:12px!important;border-radius:6px}
details{margin:8px 0 4px}summary{cursor:pointer;color:#0B5394}
table{border-collapse:collapse;font-size:13px;width:100%}
td,th{border:1px solid #E5E7EB;padding:4px 6px;text-align:left;vertical-align:top}
ul{padding-left:20px}.url{font-family:monospace;color:#4B5563;word-break:break-all}
footer{color:#4B5563;font-size:13px}
"""


def _no_scheme(url: str) -> str:
    """A source address as text to cite, not to follow: without its scheme."""
    return re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", url)


def _esc(value: object) -> str:
    return html.escape(_text(value))


def _table(frame: pd.DataFrame) -> str:
    frame = frame.drop(columns=[c for c in ("source_url",) if c in frame.columns])
    head = "".join(f"<th>{_esc(c)}</th>" for c in frame.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_esc(v)}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def html_figure(chart: PackChart) -> go.Figure:
    """The chart as built for the screen, as wide as the page."""
    fig = go.Figure(chart.result.figure)
    fig.update_layout(height=560, width=None, autosize=True)
    return fig


def to_html(pack: Pack) -> bytes:
    lang, snap = pack.lang, pack.snapshot
    config = {
        "displaylogo": False,
        "responsive": True,
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
        "topojsonURL": OFFLINE_TOPOJSON_URL,  # the SVG map's world outlines: answered in the page
        **plotly_locale(lang),
    }
    sections, toc = [], []
    for n, chart in enumerate(pack.charts, 1):
        anchor = f"chart-{n}"
        toc.append(f'<li><a href="#{anchor}">{_esc(chart.title)}</a></li>')
        div = html_figure(chart).to_html(
            full_html=False,
            include_plotlyjs=(n == 1),
            include_mathjax=False,
            config=config,
            div_id=f"figure-{n}",
            default_width="100%",
            default_height="560px",
        )
        notes = chart.notes
        figures = "".join(f"<li>{_esc(f)}</li>" for f in notes.figures)
        quotes = "".join(f"<li>{_esc(x)}</li>" for x in notes.quotes)
        sources = "".join(
            f"<li>{_esc(s.label())}"
            + (f'<br><span class="url">{_esc(_no_scheme(s.url))}</span>' if s.url else "")
            + "</li>"
            for s in notes.sources
        )
        details = (
            f"<details><summary>{_esc(t('pack.details', lang))}</summary>"
            + (f"<h3>{_esc(t('pack.figures', lang))}</h3><ul>{figures}</ul>" if figures else "")
            + (f"<h3>{_esc(t('pack.quotes', lang))}</h3><ul>{quotes}</ul>" if quotes else "")
            + (f"<h3>{_esc(t('pack.sources', lang))}</h3><ul>{sources}</ul>" if sources else "")
            + _table(chart.table)
            + "</details>"
        )
        sections.append(f'<section id="{anchor}">{div}{details}</section>')
    source_items = "".join(
        f"<li>{_esc(s.label())}<br><span class='url'>"
        f"{_esc(_no_scheme(s.url)) if s.url else _esc(t('pack.no_url', lang))}</span></li>"
        for s, _ in pack.sources()
    )
    sample = f'<p class="sample">{_esc(t("sample.banner", lang))}</p>' if snap.is_sample else ""
    meta = "".join(f'<p class="meta">{_esc(line)}</p>' for line in pack.header_lines())
    page = f"""<!DOCTYPE html>
<html lang="{"zh-CN" if lang == "zh" else "en"}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{_esc(t("app.title", lang))} · {_esc(snap.id)} · {_esc(pack.place)}</title>
<style>{HTML_CSS}</style>
</head>
<body>
<header><h1>{_esc(t("app.title", lang))}</h1><p class="sub">{_esc(t("app.subtitle", lang))}</p>
{meta}{sample}
<nav><h2>{_esc(t("pack.contents", lang))}</h2><ol>{"".join(toc)}</ol></nav></header>
<main>
{"".join(sections)}
<section id="sources"><h2>{_esc(t("pack.sources", lang))}</h2><ol>{source_items}</ol></section>
</main>
<footer>{_esc(t("pack.offline", lang))}</footer>
</body>
</html>
"""
    return page.encode("utf-8")


# --- ZIP ----------------------------------------------------------------------------------------


SOURCE_COLUMNS = ("publisher", "title", "published", "url", "charts")


def sources_table(pack: Pack) -> pd.DataFrame:
    """The pack's sources under headings in the pack's language."""
    rows = [
        (s.publisher, s.title, s.published, s.url, "; ".join(charts))
        for s, charts in pack.sources()
    ]
    headings = [t(f"col.source_{c}", pack.lang) for c in SOURCE_COLUMNS]
    return pd.DataFrame(rows, columns=headings)


def to_zip(pack: Pack) -> bytes:
    snap, view = pack.snapshot, pack.view
    files: dict[str, bytes] = {}
    entries = []
    place = catalog.place_label(snap, view).replace(" › ", "_")
    for n, chart in enumerate(pack.charts, 1):
        # Named as a reader would name it: number, title, place and snapshot, in the pack's
        # language (the chart's id stays in the manifest).
        stem = f"{n:02d}_{export.readable_name(f'{chart.title}_{place}_{snap.id}')}"
        names = {"png": f"{stem}.png", "svg": f"{stem}.svg", "csv": f"{stem}.csv"}
        files[names["png"]] = chart.files["png"]
        files[names["svg"]] = chart.files["svg"]
        files[names["csv"]] = export.csv_bytes(chart.table)
        entries.append(
            {
                "id": chart.id,
                "title": chart.title,
                "subtitle": chart.subtitle,
                "files": names,
                "sources": [s.source_id for s in chart.notes.sources],
            }
        )
    files[f"{t('pack.sources_file', pack.lang)}.csv"] = export.csv_bytes(sources_table(pack))
    district_name = (
        q.geo_name(snap, view.district, pack.lang) if view.drilled else t("geo.city", pack.lang)
    )
    manifest = {
        "snapshot": {
            "id": snap.id,
            "kind": snap.kind,
            "as_of": snap.as_of,
            "title": snap.title(pack.lang),
            "sample": snap.is_sample,
        },
        "language": pack.lang,
        "district": {
            "code": view.district,
            "name": district_name,
            "city": view.district == schema.CITY_CODE,
        },
        "generated": pack.generated,
        "charts": entries,
        "sha256": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        for name, data in files.items():
            # PNGs are compressed already; storing them saves time for nothing lost.
            method = zipfile.ZIP_STORED if name.endswith(".png") else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


WRITERS: dict[str, Callable[[Pack], bytes]] = {
    "pptx": to_pptx,
    "pdf": to_pdf,
    "html": to_html,
    "zip": to_zip,
}

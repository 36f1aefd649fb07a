"""Charts and tables as files an official can paste into a report.

Images are rebuilt at export size with export type sizes (not scaled screenshots), so titles,
sources and the sample mark stay legible. Table downloads carry provenance columns and are
neutralised against spreadsheet formula injection.
"""

from __future__ import annotations

import io
import re
import threading
from collections import OrderedDict
from dataclasses import replace

import pandas as pd

from dashboard import catalog, render
from dashboard.formatting import (
    published_number,
    qualifier_name,
    reader_note,
    unit_name,
    written_in_chinese,
)
from dashboard.i18n import TEXTS, t
from dashboard.snapshot import Snapshot

ASPECTS = {"16:9": (1920, 1080), "4:3": (1920, 1440)}
# Spreadsheet programs treat a cell starting with these as a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Enough for every chart of a few snapshots in both languages, bounded so memory stays flat.
IMAGE_CACHE_ENTRIES = 256


def safe_name(text: str) -> str:
    """A file name safe on any disk: letters, digits, dot, dash and underscore only."""
    return re.sub(r"[^A-Za-z0-9._-]", "-", text)


# Characters no Windows, Mac or Linux file name may hold, and runs of spaces.
_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+|\s+')


def readable_name(text: str, limit: int = 80) -> str:
    """A file name a reader recognises (Chinese kept), safe on any disk."""
    name = _UNSAFE_IN_NAMES.sub("_", text).strip("._ ")
    return name[:limit] or "chart"


def chart_file_stem(figure, place: str, snapshot_id: str) -> str:
    """A chart's download named by its title as drawn, the place and the snapshot."""
    title = figure.layout.title.text or ""
    title = re.sub(r"<[^>]+>", "", title.replace("<br>", " ")).strip()
    return readable_name(f"{title}_{place.replace(' › ', '_')}_{snapshot_id}")


def file_stem(chart_id: str, district: str, snapshot_id: str) -> str:
    """`volunteers-registered_110105_2019-01-09`: chart, place and snapshot, safe on any disk."""
    return safe_name(f"{chart_id}_{district}_{snapshot_id}")


class _ImageCache:
    def __init__(self, size: int) -> None:
        self._items: OrderedDict[tuple, bytes] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: tuple) -> bytes | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: tuple, value: bytes) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


_images = _ImageCache(IMAGE_CACHE_ENTRIES)


def export_figure(
    snapshot: Snapshot,
    view: catalog.View,
    chart_id: str,
    aspect: str = "16:9",
    theme: str = "light",
):
    """The chart rebuilt for a standalone image: export type sizes, solid light background."""
    width, height = ASPECTS[aspect]
    export_view = replace(view, medium="export", theme=theme)
    fig = catalog.chart(chart_id).build(snapshot, export_view).figure
    fig.update_layout(width=width, height=height)
    return fig


def _cache_key(
    snapshot: Snapshot, view: catalog.View, chart_id: str, fmt: str, aspect: str, theme: str
) -> tuple:
    place = (snapshot.id, snapshot.fingerprint, chart_id, view.district, view.lang)
    return (*place, fmt, aspect, theme)


def render_spec(snapshot: Snapshot, view: catalog.View, chart_id: str, fmt: str = "png",
                aspect: str = "16:9", theme: str = "light") -> bytes:  # fmt: skip
    """Image bytes of a chart, cached by snapshot, chart, district, language, format and size."""
    key = _cache_key(snapshot, view, chart_id, fmt, aspect, theme)
    cached = _images.get(key)
    if cached is not None:
        return cached
    fig = export_figure(snapshot, view, chart_id, aspect, theme)
    width, height = ASPECTS[aspect]
    data = render.render(fig, fmt, width, height)
    _images.put(key, data)
    return data


def cached_image(place: tuple, kind: str, draw) -> bytes:
    """An image drawn once per place (snapshot, chart, district, language) and kind."""
    key = (*place, kind)
    data = _images.get(key)
    if data is None:
        data = draw()
        _images.put(key, data)
    return data


def scene_image(
    snapshot: Snapshot, view: catalog.View, chart_id: str, width: int, height: int
) -> str:
    """A presentation scene's chart as SVG, laid out at the stage's size in the show's type sizes
    and theme. Drawn as an image, the browser scales it to any screen without losing sharpness
    (a live chart measures itself in screen pixels and would be laid out again at every size)."""
    key = (snapshot.id, snapshot.fingerprint, chart_id, view.district, view.lang)
    key = (*key, "svg", f"present-{width}x{height}", view.theme)
    cached = _images.get(key)
    if cached is None:
        present_view = replace(view, medium="present")
        fig = catalog.chart(chart_id).build(snapshot, present_view).figure
        fig.update_layout(width=width, height=height)
        cached = render.render(fig, "svg", width, height)
        _images.put(key, cached)
    return cached.decode("utf-8")


def render_chart(
    snapshot: Snapshot,
    view: catalog.View,
    chart_id: str,
    fmts: tuple[str, ...] = ("png",),
    aspect: str = "16:9",
    theme: str = "light",
) -> tuple[catalog.ChartResult, dict[str, bytes]]:
    """The chart built once at export size, and its bytes in each format (through the same cache
    as render_spec, so a pack reuses what a download already rendered and the reverse)."""
    width, height = ASPECTS[aspect]
    result = catalog.chart(chart_id).build(snapshot, replace(view, medium="export", theme=theme))
    result.figure.update_layout(width=width, height=height)
    files = {}
    for fmt in fmts:
        key = _cache_key(snapshot, view, chart_id, fmt, aspect, theme)
        data = _images.get(key)
        if data is None:
            data = render.render(result.figure, fmt, width, height)
            _images.put(key, data)
        files[fmt] = data
    return result, files


def neutralise(value: object) -> object:
    """Prefix a quote to text a spreadsheet would run as a formula; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM and CRLF line ends, so Excel opens Chinese text correctly."""
    text = neutralised(frame).to_csv(index=False, lineterminator="\r\n")
    return ("\ufeff" + text).encode("utf-8")


# Sheets named by the callers' ids, each named in the language of the table's headings.
SHEET_KEYS = {"data": "sheet.data", "compare": "sheet.compare"}


def sheet_name(sheet: str, frame: pd.DataFrame) -> str:
    """The sheet's name in the reader's language, read off the table's headings."""
    if sheet not in SHEET_KEYS:
        return sheet
    chinese = written_in_chinese("".join(str(c) for c in frame.columns))
    return t(SHEET_KEYS[sheet], "zh" if chinese else "en")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
    sheet = sheet_name(sheet, frame)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralised(frame).to_excel(writer, index=False, sheet_name=sheet[:31])
    return buffer.getvalue()


PROVENANCE_COLUMNS = (
    "indicator_id",
    "geo_code",
    "period",
    "value",
    "unit",
    "qualifier",
    "status",
    "source_id",
    "quote",
    "note",
)


# The columns of a table handed to a reader, in order, each named in the reader's language.
READER_COLUMNS = (
    "indicator",
    "place",
    "period",
    "value",
    "unit",
    "qualifier",
    "status",
    "grade",
    "source",
    "source_url",
    "quote",
    "note",
    "snapshot",
)


def provenance_table(snapshot: Snapshot, data: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rows behind a chart as a reader's table: names, places, numbers rounded as
    published, units, qualifiers, status, source and notes in the reader's language, under
    headings in that language (no field name, id or code of the data)."""
    if "rank" in data.columns and "category" in data.columns:
        return milestone_table(snapshot, data, lang)
    if "kind" in data.columns and "title_zh" in data.columns:
        return story_table(snapshot, data, lang)
    if "indicator_id" not in data.columns or "value" not in data.columns:
        return data.reset_index(drop=True)
    return reader_table(snapshot, data, lang)


REGISTRY_COLUMNS = ("publisher", "title", "published", "url", "grade", "accessed", "terms")


def registry_table(snapshot: Snapshot, lang: str) -> pd.DataFrame:
    """The source registry for a reader: publisher in the reader's language, kind of source,
    headings in that language."""
    sources = snapshot.sources
    publisher = sources[f"publisher_{lang}"].where(sources[f"publisher_{lang}"] != "")
    rows = pd.DataFrame(
        {
            "publisher": publisher.fillna(sources["publisher_zh"]),
            "title": sources["title"],
            "published": sources["published"],
            "url": sources["url"],
            "grade": sources["grade"].map(lambda g: t(f"grade.{g}", lang) if g else ""),
            "accessed": sources.get("accessed", ""),
            "terms": sources.get("terms", pd.Series("", index=sources.index)).map(
                lambda text: terms_of_use(text, lang)
            ),
        }
    )
    return rows.rename(columns={c: t(f"col.registry_{c}", lang) for c in REGISTRY_COLUMNS})


# The terms of use the sources state, each by the words it begins with (the registry keeps the
# curator's English; a reader gets them in the reader's language).
TERMS_KEYS = {
    "Public web page of a municipal government agency": "terms.agency_page",
    "Public web page": "terms.web_page",
    "News article as reposted": "terms.news_reposted",
    "News article": "terms.news",
    "Government press release": "terms.press_release",
    "Government plan": "terms.plan",
    "Official statistical standard": "terms.statistical_standard",
    "Internal district return": "terms.district_return",
    "Synthetic": "terms.synthetic",
}


def terms_of_use(text: str, lang: str) -> str:
    """A source's terms of use in the reader's language; terms no key knows stay as written."""
    for start, key in TERMS_KEYS.items():
        if str(text).startswith(start):
            return t(key, lang)
    return str(text or "")


def manifest_table(snapshot: Snapshot, lang: str) -> pd.DataFrame:
    """The snapshot's manifest as a reader reads it: what it is, as of when, how many sources,
    and each table's rows and checksum, under headings in the reader's language."""
    manifest = snapshot.manifest
    kind = str(manifest.get("kind", ""))
    rows = [
        (t("manifest_row.id", lang), str(manifest.get("id", ""))),
        (t("manifest_row.title", lang), str(manifest.get(f"title_{lang}", ""))),
        (t("manifest_row.kind", lang), t(f"manifest_row.kind.{kind}", lang) if kind else ""),
        (t("manifest_row.as_of", lang), str(manifest.get("as_of", ""))),
        (t("manifest_row.sources", lang), str(len(manifest.get("source_ids", [])))),
    ]
    for name, table in (manifest.get("tables") or {}).items():
        key = f"manifest_row.table.{name}"
        label = t(key, lang) if key in TEXTS else name
        rows_count, sha = f"{table.get('rows', 0):,}", str(table.get("sha256", ""))[:16]
        rows.append((label, t("manifest_row.table_line", lang, rows=rows_count, sha=sha)))
    headings = [t("manifest_row.item", lang), t("manifest_row.content", lang)]
    return pd.DataFrame(rows, columns=headings)


STORY_COLUMNS = ("rank", "kind", "years", "title", "year_note", "quote", "source")


def story_table(snapshot: Snapshot, data: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The forty-year story as a reader reads it: what each point is, its years, its title and
    the source by name, in the reader's language."""
    sources = snapshot.sources.drop_duplicates("source_id").set_index("source_id")
    publisher = sources[f"publisher_{lang}"].where(sources[f"publisher_{lang}"] != "", None)
    publisher = publisher.fillna(sources["publisher_zh"])
    dated = publisher + sources["published"].map(lambda d: f" {d}" if d else "")

    def years(row) -> str:
        end = row["end_year"]
        if pd.isna(end) or int(end) == int(row["year"]):
            return str(int(row["year"]))
        return f"{int(row['year'])}—{int(end)}"

    rows = pd.DataFrame(
        {
            "rank": data["rank"].astype(int),
            "kind": data["kind"].map(lambda k: t(f"story.kind.{k}", lang)),
            "years": data.apply(years, axis=1),
            "title": data[f"title_{lang}"],
            "year_note": data["year_note"].fillna(""),
            "quote": data["quote"].fillna(""),
            "source": data["source_id"].map(dated).fillna(data["source_id"]),
        }
    )
    return rows.reset_index(drop=True).rename(
        columns={c: t(f"col.story_{c}", lang) for c in STORY_COLUMNS}
    )


MILESTONE_COLUMNS = ("rank", "year", "category", "title", "summary", "quote", "source")


def milestone_table(snapshot: Snapshot, data: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The ten firsts as a reader reads them: a year only where a source gives one."""
    from dashboard.charts.milestones import CATEGORY_NAMES

    sources = snapshot.sources.drop_duplicates("source_id").set_index("source_id")
    side = 0 if lang == "zh" else 1
    title = data[f"title_{lang}"] if f"title_{lang}" in data.columns else data["title_zh"]
    summary = data[f"summary_{lang}"] if f"summary_{lang}" in data.columns else ""
    rows = pd.DataFrame(
        {
            "rank": data["rank"].astype(int),
            "year": data["year"].map(lambda y: str(int(y)) if pd.notna(y) else ""),
            "category": data["category"].map(lambda c: CATEGORY_NAMES.get(c, (c, c))[side]),
            "title": title,
            "summary": summary,
            "quote": data["quote"].fillna(""),
            "source": data["source_id"].map(sources[f"publisher_{lang}"]).fillna(data["source_id"]),
        }
    ).sort_values("rank")
    return rows.reset_index(drop=True).rename(
        columns={c: t(f"col.milestone_{c}", lang) for c in MILESTONE_COLUMNS}
    )


def reader_table(snapshot: Snapshot, data: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Indicator rows (with their provenance) as a reader reads them, in one language."""
    # A community-scale snapshot keeps its codes as categories; filling a category's gaps with
    # values outside its categories fails, so they are read as plain values here.
    data = data.astype({c: object for c, d in data.dtypes.items() if d == "category"})
    names = snapshot.indicator_meta.set_index("indicator_id")[f"name_{lang}"]
    places = snapshot.geography.set_index("geo_code")[f"name_{lang}"]
    sources = snapshot.sources.drop_duplicates("source_id").set_index("source_id")
    publisher = sources[f"publisher_{lang}"].where(sources[f"publisher_{lang}"] != "", None)
    publisher = publisher.fillna(sources["publisher_zh"])
    dated = publisher + sources["published"].map(lambda d: f" {d}" if d else "")
    column = data.get
    rows = pd.DataFrame(
        {
            "indicator": data["indicator_id"].map(names).fillna(data["indicator_id"]),
            "place": column("geo_code", pd.Series("", index=data.index)).map(places),
            "period": column("period", pd.Series("", index=data.index)).fillna(""),
            "value": [
                published_number(v, u) for v, u in zip(data["value"], data["unit"], strict=True)
            ],
            "unit": data["unit"].map(lambda u: unit_name(u, lang)),
            "qualifier": column("qualifier", pd.Series("", index=data.index))
            .fillna("")
            .map(lambda x: qualifier_name(x, lang)),
            "status": data["status"].map(lambda s: t(f"status.{s}", lang)),
        },
        index=data.index,
    )
    source_ids = data["source_id"]
    grade = source_ids.map(sources["grade"]).fillna("")
    rows["grade"] = grade.map(lambda g: t(f"grade.{g}", lang) if g else "")
    rows["source"] = source_ids.map(dated).fillna(source_ids)
    rows["source_url"] = source_ids.map(sources["url"]).fillna("")
    rows["quote"] = column("quote", pd.Series("", index=data.index)).fillna("")
    note_columns = [c for c in ("note", "note_zh", "note_en") if c in data.columns]
    rows["note"] = (
        [
            reader_note(dict(zip(note_columns, values, strict=True)), lang)
            for values in zip(*(data[c].fillna("") for c in note_columns), strict=True)
        ]
        if note_columns
        else ""
    )
    rows["snapshot"] = snapshot.id
    rows = rows.reset_index(drop=True)
    return rows.rename(columns={c: t(f"col.{c}", lang) for c in READER_COLUMNS})

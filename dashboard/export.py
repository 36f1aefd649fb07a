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
from dashboard.i18n import t
from dashboard.snapshot import Snapshot

ASPECTS = {"16:9": (1920, 1080), "4:3": (1920, 1440)}
# Spreadsheet programs treat a cell starting with these as a formula (OWASP CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Enough for every chart of a few snapshots in both languages, bounded so memory stays flat.
IMAGE_CACHE_ENTRIES = 256


def safe_name(text: str) -> str:
    """A file name safe on any disk: letters, digits, dot, dash and underscore only."""
    return re.sub(r"[^A-Za-z0-9._-]", "-", text)


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


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "data") -> bytes:
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


def provenance_table(snapshot: Snapshot, data: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The rows behind a chart with readable names, the source, and a column per provenance
    field."""
    if "indicator_id" not in data.columns or "value" not in data.columns:
        return data.reset_index(drop=True)
    rows = data[[c for c in PROVENANCE_COLUMNS if c in data.columns]].copy()
    names = snapshot.indicator_meta.set_index("indicator_id")[f"name_{lang}"]
    places = snapshot.geography.set_index("geo_code")[f"name_{lang}"]
    sources = snapshot.sources.set_index("source_id")
    rows.insert(0, "indicator", rows["indicator_id"].map(names))
    rows.insert(2, "place", rows["geo_code"].map(places))
    rows["status"] = rows["status"].map(lambda s: t(f"status.{s}", lang))
    rows["source"] = rows["source_id"].map(
        lambda s: sources.at[s, f"publisher_{lang}"] if s in sources.index else s
    )
    rows["source_url"] = rows["source_id"].map(
        lambda s: sources.at[s, "url"] if s in sources.index else ""
    )
    rows["snapshot"] = snapshot.id
    return rows.reset_index(drop=True)

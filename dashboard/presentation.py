"""Presentation mode without Streamlit: the scenes of the big-screen show and what a presenter
needs to say about each (figures, quotes, sources), plus the small board through which a notes
window on a second screen follows the presenter's scene."""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard import briefing, catalog, export, render, schema
from dashboard import queries as q
from dashboard.catalog import OVERVIEW_HEADLINES
from dashboard.charts.base import SIZES, contrast, footer_offset
from dashboard.i18n import t
from dashboard.snapshot import Snapshot

# Every scene is laid out on a 1280x720 stage, the common projector, and the browser scales the
# whole stage to the screen (1920x1080, 3840x2160...), so type grows with the screen. A chart
# scene takes the whole stage; the controls are keys, never drawn on it.
STAGE_WIDTH = 1280
STAGE_HEIGHT = 720
SCENE_HEIGHT = STAGE_HEIGHT
# Every scene's title starts this far from the stage's left edge, text scenes and chart scenes
# alike. A chart is drawn a little narrower than the stage and set in by CHART_INSET, so its tick
# and category labels keep clear of the screen's edge too.
STAGE_PAD = 44
CHART_INSET = 32
CHART_WIDTH = STAGE_WIDTH - CHART_INSET
AUTO_INTERVALS = (10, 15, 20, 30, 45, 60)
DEFAULT_INTERVAL = 20


@dataclass(frozen=True)
class Scene:
    """One screen of the show: big headline numbers, the ten firsts as a list, or one chart."""

    key: str
    kind: str  # "headlines" | "milestones" | "chart"
    chart: str | None = None
    indicators: tuple[str, ...] = ()
    title_key: str | None = None

    def title(self, snapshot: Snapshot, view: catalog.View) -> str:
        if self.title_key:
            return t(self.title_key, view.lang)
        return briefing.plain_title(self.build(snapshot, view).figure)

    def build(self, snapshot: Snapshot, view: catalog.View) -> catalog.ChartResult:
        """The chart of a chart scene, live for this snapshot, language, district and theme."""
        if self.chart is None:
            raise ValueError(f"scene '{self.key}' has no chart")
        return catalog.chart(self.chart).build(snapshot, view)


SCENES: tuple[Scene, ...] = (
    Scene(
        "headlines",
        "headlines",
        indicators=tuple(OVERVIEW_HEADLINES),
        title_key="chart.headlines.title",
    ),
    Scene("forty-year-story", "chart", chart="forty-year-story"),
    Scene("ten-firsts", "milestones", title_key="chart.ten_firsts.title"),
    Scene("forty-years", "chart", chart="forty-years"),
    Scene("workforce-profile", "chart", chart="workforce-profile"),
    Scene("workforce-age", "chart", chart="workforce-age"),
    Scene("workforce-pay", "chart", chart="workforce-pay"),
    Scene("pay-rules-map", "chart", chart="pay-rules-map"),
    Scene(
        "volunteers",
        "headlines",
        indicators=("volunteers_registered", "volunteer_groups", "volunteer_service_hours"),
        title_key="chart.volunteers.title",
    ),
    Scene("volunteers-reporting", "chart", chart="volunteers-reporting"),
    Scene("deliberation", "chart", chart="deliberation-coverage"),
    Scene(
        "grid",
        "headlines",
        indicators=(
            "grid_cells",
            "grid_workers",
            "fifteen_minute_circles",
            "fifteen_minute_circle_coverage",
            "community_homes",
            "legal_person_committees",
        ),
        title_key="chart.grid.title",
    ),
    Scene("grid-workers", "chart", chart="grid-workers"),
    Scene("office-space", "chart", chart="office-space"),
)

TREND_SCENES = {"workforce-pay", "office-space"}

_available: dict[tuple[str, str], tuple[Scene, ...]] = {}
_available_lock = threading.Lock()


def _has_content(snapshot: Snapshot, scene: Scene) -> bool:
    if scene.kind == "headlines":
        return any(q.latest(snapshot, i) is not None for i in scene.indicators)
    if scene.kind == "milestones":
        return len(snapshot.milestones) > 0
    data = scene.build(snapshot, catalog.View()).data
    if "year" in data.columns and scene.chart in TREND_SCENES:
        return data["year"].nunique() >= 2  # a trend of one point is not worth a slide
    return len(data) > 0


def scenes(snapshot: Snapshot) -> list[Scene]:
    """The scenes this snapshot can fill, in show order (a scene without data is left out)."""
    key = (snapshot.id, snapshot.fingerprint)
    with _available_lock:
        cached = _available.get(key)
    if cached is None:
        cached = tuple(s for s in SCENES if _has_content(snapshot, s))
        with _available_lock:
            if len(_available) > 16:
                _available.clear()
            _available[key] = cached
    return list(cached)


def clamp(number: int, total: int) -> int:
    """A scene number within 1..total (1 when there are none)."""
    return min(max(int(number), 1), max(total, 1))


def step(number: int, total: int, delta: int) -> int:
    """The next or previous scene number, stopping at the ends."""
    return clamp(number + delta, total)


# --- chart scenes drawn for the stage ------------------------------------------------------

# Shared by every session: a scene's image depends only on the snapshot and the view.
_stage_images = export._ImageCache(64)
# How close the source line sits under a map, which has no tick labels to keep clear of.
MAP_FOOTER_GAP = 8


def _is_map(fig: go.Figure) -> bool:
    return any(trace.type in ("choropleth", "scattergeo") for trace in fig.data)


def _fill_stage_with_map(fig: go.Figure) -> None:
    """A map takes the height the chart keeps for tick labels and a legend row: the legend
    stands at the plot's top left, beside the map, and the source line moves up under it."""
    size = SIZES["present"]
    margin = fig.layout.margin
    legend_row = int(1.8 * size["body"])
    freed = footer_offset(size) - MAP_FOOTER_GAP
    fig.update_layout(
        margin={"t": max(margin.t - legend_row, 0), "b": max(margin.b - freed, 0)},
        legend={"orientation": "v", "x": 0, "xanchor": "left", "y": 1, "yanchor": "top"},
    )
    fig.update_annotations(selector={"name": "footer"}, yshift=-MAP_FOOTER_GAP)


# Text on the stage (value labels, years, notes) reads from the back of a room: at least WCAG's
# 4.5:1 against the background, in either theme.
TEXT_CONTRAST = 4.5
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _readable(colour: object, background: str) -> object:
    """The colour mixed towards white (on a dark stage) or black (on a light one) just enough to
    reach TEXT_CONTRAST; anything but a #RRGGBB colour is left as it is."""
    if not isinstance(colour, str) or not _HEX.match(colour) or not _HEX.match(background):
        return colour
    if contrast(colour, background) >= TEXT_CONTRAST:
        return colour
    towards = 255 if contrast("#FFFFFF", background) > contrast("#000000", background) else 0
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    for step in range(1, 11):
        mixed = "#" + "".join(f"{round(c + (towards - c) * step / 10):02X}" for c in rgb)
        if contrast(mixed, background) >= TEXT_CONTRAST:
            return mixed
    return colour


def _readable_text(fig: go.Figure) -> None:
    background = fig.layout.paper_bgcolor or "#FFFFFF"
    for trace in fig.data:
        font = getattr(trace, "textfont", None)
        # A map's names sit on the districts' own colours, chosen for them, not on the stage.
        if font is None or font.color is None or trace.type == "scattergeo":
            continue
        if isinstance(font.color, str):
            font.color = _readable(font.color, background)
        else:
            font.color = [_readable(c, background) for c in font.color]
    for note in fig.layout.annotations:
        if note.font and note.font.color:
            note.font.color = _readable(note.font.color, background)


def stage_figure(snapshot: Snapshot, view: catalog.View, scene: Scene) -> go.Figure:
    """A chart scene's figure at the stage's size: the title where text scenes have theirs, a map
    as large as the stage allows, and every text readable on the stage's background."""
    present_view = dataclasses.replace(view, medium="present")
    # A copy: built figures are shared between sessions and must not change.
    fig = go.Figure(scene.build(snapshot, present_view).figure)
    fig.update_layout(
        width=CHART_WIDTH,
        height=STAGE_HEIGHT,
        title_x=(STAGE_PAD - CHART_INSET) / CHART_WIDTH,
    )
    if _is_map(fig):
        _fill_stage_with_map(fig)
    _readable_text(fig)
    return fig


def scene_svg(snapshot: Snapshot, view: catalog.View, scene: Scene) -> str:
    """A chart scene as SVG: the browser scales it to any screen without losing sharpness (a
    live chart would be laid out again at every screen size)."""
    key = (snapshot.id, snapshot.fingerprint, scene.key, view.district, view.lang, view.theme)
    cached = _stage_images.get(key)
    if cached is None:
        fig = stage_figure(snapshot, view, scene)
        cached = render.render(fig, "svg", CHART_WIDTH, STAGE_HEIGHT)
        _stage_images.put(key, cached)
    return cached.decode("utf-8")


# --- headline numbers and the ten firsts, for scenes drawn as text --------------------------


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    period: str
    value_row: q.Value


def headline_figures(snapshot: Snapshot, view: catalog.View, scene: Scene) -> list[Figure]:
    """The scene's numbers for the district when it has them, otherwise for the city."""
    from dashboard.formatting import format_value

    lang = view.lang
    figures = []
    for indicator_id in scene.indicators:
        value = q.latest(snapshot, indicator_id, view.district) if view.drilled else None
        label = q.indicator_name(snapshot, indicator_id, lang)
        if value is None:
            value = q.latest(snapshot, indicator_id)
            if value is not None and view.drilled:
                label = f"{label} ({t('district.city_value', lang)})"
        if value is None:
            continue
        text = format_value(value.value, value.unit, lang, value.qualifier)
        figures.append(Figure(label, text, value.period or t("prov.period_unstated", lang), value))
    return figures


def milestone_rows(snapshot: Snapshot, lang: str) -> pd.DataFrame:
    """The ten firsts in rank order; `year_text` is the year where a source gives one and empty
    otherwise (the scene says once, not on every row, that the sources give no year)."""
    rows = snapshot.milestones.sort_values("rank").copy()
    rows["year_text"] = [str(int(y)) if pd.notna(y) else "" for y in rows["year"]]
    rows["title"] = rows[f"title_{lang}"]
    return rows


def source_line(snapshot: Snapshot, view: catalog.View, scene: Scene) -> str:
    """The source line of a scene drawn as text, worded as every chart's footer."""
    data = scene_data(snapshot, view, scene)
    ids = list(dict.fromkeys(data["source_id"])) if "source_id" in data.columns else []
    sources = [q.source_label(snapshot, s, view.lang) for s in ids]
    line = t(
        "footer.line",
        view.lang,
        sources="; ".join(dict.fromkeys(sources)) or "–",
        snapshot=snapshot.id,
        as_of=snapshot.as_of,
        place=catalog.place_label(snapshot, view),
    )
    return f"{t('sample.watermark', view.lang)} · {line}" if snapshot.is_sample else line


# --- speaker notes ---------------------------------------------------------------------------


def scene_data(snapshot: Snapshot, view: catalog.View, scene: Scene) -> pd.DataFrame:
    """The rows behind a scene, with provenance (indicator rows or the milestones)."""
    if scene.kind == "headlines":
        rows = [f.value_row.__dict__ for f in headline_figures(snapshot, view, scene)]
        return pd.DataFrame(rows, columns=list(q.Value.__dataclass_fields__))
    if scene.kind == "milestones":
        return snapshot.milestones
    return scene.build(snapshot, view).data


def scene_notes(snapshot: Snapshot, view: catalog.View, scene: Scene) -> briefing.Notes:
    return briefing.chart_notes(snapshot, scene_data(snapshot, view, scene), view.lang)


def scene_alt(snapshot: Snapshot, view: catalog.View, scene: Scene, limit: int = 900) -> str:
    """A chart scene in words, for screen readers: title, what it shows, its values."""
    result = scene.build(snapshot, view)
    notes = briefing.chart_notes(snapshot, result.data, view.lang)
    parts = [briefing.plain_title(result.figure), briefing.plain_subtitle(result.figure)]
    text = ". ".join(p for p in parts if p) + ". " + "; ".join(notes.figures)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def scene_titles(snapshot: Snapshot, view: catalog.View) -> list[str]:
    return [s.title(snapshot, view) for s in scenes(snapshot)]


# --- a notes window following the presenter -------------------------------------------------

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,32}$")


@dataclass(frozen=True)
class ShowState:
    """Where one show is: its scene, the view it is shown in, and when it began (epoch seconds,
    for the presenter's clock)."""

    scene: int
    snapshot_id: str
    lang: str
    district: str
    started: float


class SceneBoard:
    """The scene each presentation is on, by a random token the presenter link carries. The
    audience screen and the presenter window both write it when they move and both follow it.
    Process-wide, bounded; holds nothing but the scene number and the view to show it in."""

    def __init__(self, size: int = 256) -> None:
        self._items: OrderedDict[str, ShowState] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def publish(self, token: str, scene: int, snapshot_id: str, lang: str, district: str) -> None:
        if not TOKEN_PATTERN.fullmatch(token):
            return
        with self._lock:
            earlier = self._items.get(token)
            started = earlier.started if earlier else time.time()
            self._items[token] = ShowState(scene, snapshot_id, lang, district, started)
            self._items.move_to_end(token)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def move(self, token: str, scene: int) -> None:
        """The presenter window moved the show: only the scene changes."""
        with self._lock:
            earlier = self._items.get(token) if TOKEN_PATTERN.fullmatch(token or "") else None
            if earlier is not None:
                self._items[token] = dataclasses.replace(earlier, scene=scene)

    def read(self, token: str) -> ShowState | None:
        if not TOKEN_PATTERN.fullmatch(token or ""):
            return None
        with self._lock:
            return self._items.get(token)


BOARD = SceneBoard()


def district_or_city(code: str) -> str:
    return code if code in schema.DISTRICT_CODES else schema.CITY_CODE

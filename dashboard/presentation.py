"""Presentation mode without Streamlit: the scenes of the big-screen show and what a presenter
needs to say about each (figures, quotes, sources), plus the small board through which a notes
window on a second screen follows the presenter's scene."""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import pandas as pd

from dashboard import briefing, catalog, schema
from dashboard import queries as q
from dashboard.catalog import OVERVIEW_HEADLINES
from dashboard.i18n import t
from dashboard.snapshot import Snapshot

# Height of a chart scene in pixels; the projector is 1280x720 and the controls take the rest.
# (The district maps are zoomed for this height: charts.districts.MAP_FIGURE_HEIGHT["present"].)
SCENE_HEIGHT = 600
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
    """The ten firsts in rank order with a printable year."""
    rows = snapshot.milestones.sort_values("rank").copy()
    rows["year_text"] = [
        str(int(y)) if pd.notna(y) else t("pack.undated", lang) for y in rows["year"]
    ]
    rows["title"] = rows[f"title_{lang}"]
    return rows


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


def scene_titles(snapshot: Snapshot, view: catalog.View) -> list[str]:
    return [s.title(snapshot, view) for s in scenes(snapshot)]


# --- a notes window following the presenter -------------------------------------------------

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,32}$")


class SceneBoard:
    """The scene each presentation is on, by a random token the notes link carries. Process-wide,
    bounded; holds nothing but the scene number and the view to show it in."""

    def __init__(self, size: int = 256) -> None:
        self._items: OrderedDict[str, tuple[int, str, str, str]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def publish(self, token: str, scene: int, snapshot_id: str, lang: str, district: str) -> None:
        if not TOKEN_PATTERN.fullmatch(token):
            return
        with self._lock:
            self._items[token] = (scene, snapshot_id, lang, district)
            self._items.move_to_end(token)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def read(self, token: str) -> tuple[int, str, str, str] | None:
        if not TOKEN_PATTERN.fullmatch(token or ""):
            return None
        with self._lock:
            return self._items.get(token)


BOARD = SceneBoard()


def district_or_city(code: str) -> str:
    return code if code in schema.DISTRICT_CODES else schema.CITY_CODE

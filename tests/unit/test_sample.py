"""The sample generator: every row marked sample, district parts adding up to the city, series
passing through the published points, and the same bytes every time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from dashboard import schema
from dashboard.pipeline.sample import ADDITIVE_UNITS, POINT_ONLY_UNITS, build_sample
from dashboard.pipeline.sources import SourceError
from dashboard.snapshot import Snapshot, load_snapshot, validate_snapshot


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def sample_dir(data_dir: Path, repo: Path) -> Path:
    """A freshly generated sample in the throwaway data folder.

    The generator reads the derivation rules from DATA_DIR/sources, which the data_dir fixture
    does not copy, so the sources come along here.
    """
    shutil.copytree(repo / "data" / "sources", data_dir / "sources")
    path = build_sample(out=data_dir / "snapshots")
    assert path == data_dir / "snapshots" / "sample"
    return path


@pytest.fixture
def sample(sample_dir: Path) -> Snapshot:
    return load_snapshot("sample")


@pytest.fixture
def reported(sample_dir: Path) -> Snapshot:
    return load_snapshot("2019-01-09")


def test_every_row_is_marked_sample(sample: Snapshot) -> None:
    assert sample.is_sample
    assert set(sample.indicators["status"]) == {"sample"}
    assert set(sample.indicators["source_id"]) == {"sample-generator"}


def test_additive_district_values_add_up_to_the_city(sample: Snapshot) -> None:
    ind = sample.indicators[sample.indicators["unit"].isin(ADDITIVE_UNITS)]
    checked, wrong = 0, []
    for (indicator, period), rows in ind.groupby(["indicator_id", "period"]):
        districts = rows[rows["geo_code"].isin(schema.DISTRICT_CODES)]
        if districts.empty:
            continue
        city = rows.loc[rows["geo_code"] == schema.CITY_CODE, "value"]
        checked += 1
        if len(city) != 1 or districts["value"].sum() != city.iloc[0]:
            wrong.append((indicator, period, districts["value"].sum(), city.tolist()))
    assert checked > 100, "too few additive series with districts: this test checks little"
    assert not wrong, f"district values do not add up to the city value: {wrong[:5]}"


def test_series_pass_through_every_reported_city_point(
    sample: Snapshot, reported: Snapshot
) -> None:
    """Dated points are hit exactly. An undated point is pinned to the as-of year only when its
    indicator has no dated point at all (otherwise it may be older than any of them)."""
    meta = reported.indicator_meta.set_index("indicator_id")
    ind = reported.indicators
    points = ind[
        (ind["geo_code"] == schema.CITY_CODE)
        & ind["preferred"]
        & (ind["status"] != "derived")
        & (ind["unit"] != "flag")
        & (ind["indicator_id"] != "district_area")
        & ind["indicator_id"].map(meta["derivation"]).eq("")
    ]
    dated = points[points["year"].notna()]
    has_dated = set(dated["indicator_id"])
    city = sample.indicators[sample.indicators["geo_code"] == schema.CITY_CODE]
    by_key = city.set_index(["indicator_id", "period"])["value"]
    misses = []
    for p in points.itertuples():
        if pd.isna(p.year) and p.indicator_id in has_dated:
            continue
        # A band of ages keeps its own period: "formerly" is not pinned to the as-of year.
        period = p.period if p.unit in POINT_ONLY_UNITS else (p.period or reported.as_of)
        got = by_key.get((p.indicator_id, period))
        if got != p.value:
            misses.append((p.indicator_id, period, p.value, got))
    assert len(points) > 50
    assert not misses, f"sample series miss published points: {misses}"


def test_generation_is_deterministic(sample_dir: Path, repo: Path) -> None:
    first = _files(sample_dir)
    second = _files(build_sample(out=sample_dir.parent))
    assert sorted(first) == sorted(second)
    assert [n for n in first if first[n] != second[n]] == []
    # And the shipped sample is what the generator makes today.
    shipped = _files(repo / "data" / "snapshots" / "sample")
    assert [n for n in first if first[n] != shipped.get(n)] == [], "rebuild the shipped sample"


def test_sample_validates(sample_dir: Path) -> None:
    assert validate_snapshot("sample") == []


def test_sample_without_sources_is_refused(data_dir: Path) -> None:
    """Without the curated sources the derivation rules are unknown; refuse rather than drop them."""
    with pytest.raises(SourceError, match="no curated sources folder"):
        build_sample(out=data_dir / "snapshots")


# --- the rules of the real data, over the sample and the reported snapshots alike ---------------

REPORTED = ("2019-01-09", "2026-11-27")


@pytest.fixture(params=[*REPORTED, "sample"])
def any_snapshot(request, sample_dir: Path) -> Snapshot:
    """The fresh sample, or a reported snapshot from the same throwaway data folder."""
    return load_snapshot(request.param)


def _preferred(snapshot: Snapshot) -> pd.DataFrame:
    return snapshot.indicators[snapshot.indicators["preferred"]]


def test_percentages_stay_between_0_and_100(any_snapshot: Snapshot) -> None:
    rows = _preferred(any_snapshot)
    rows = rows[rows["unit"] == "percent"]
    assert len(rows), "no percentages: this test checks nothing"
    wrong = rows[(rows["value"] < 0) | (rows["value"] > 100)]
    assert wrong.empty, wrong[["indicator_id", "geo_code", "period", "value"]].to_string()


def test_a_counted_flag_agrees_with_its_count(any_snapshot: Snapshot, repo: Path) -> None:
    """'14 of 16 districts' on a tile means 14 districts marked yes on the map."""
    from dashboard.pipeline.sources import read_sources

    rules = [
        i
        for i in read_sources(repo / "data" / "sources").indicators
        if (i.get("derivation") or {}).get("op") == "complement_flag"
    ]
    rows = _preferred(any_snapshot)
    checked = 0
    for rule in rules:
        counts = rows[
            (rows["indicator_id"] == rule["derivation"]["count"])
            & (rows["geo_code"] == schema.CITY_CODE)
        ]
        flags = rows[
            (rows["indicator_id"] == rule["id"]) & rows["geo_code"].isin(schema.DISTRICT_CODES)
        ]
        for count in counts.itertuples():
            marked = flags[flags["period"] == count.period]
            if marked.empty:
                continue
            checked += 1
            assert len(marked) == len(schema.DISTRICT_CODES), (rule["id"], count.period)
            assert marked["value"].sum() == count.value, (rule["id"], count.period)
    assert checked, "no flag with a count: this test checks nothing"


def test_districts_add_up_to_the_city(any_snapshot: Snapshot) -> None:
    """Where all 16 districts and the city have a count for the same period, the districts add
    up to the city (within 1%, for figures the sources round)."""
    rows = _preferred(any_snapshot)
    rows = rows[rows["unit"].isin(ADDITIVE_UNITS)]
    checked, wrong = 0, []
    for (indicator, period), group in rows.groupby(["indicator_id", "period"]):
        districts = group[group["geo_code"].isin(schema.DISTRICT_CODES)]
        city = group.loc[group["geo_code"] == schema.CITY_CODE, "value"]
        if len(districts) < len(schema.DISTRICT_CODES) or len(city) != 1:
            continue
        checked += 1
        if abs(districts["value"].sum() - city.iloc[0]) > 0.01 * city.iloc[0]:
            wrong.append((indicator, period, districts["value"].sum(), city.iloc[0]))
    assert checked, "no complete district set: this test checks nothing"
    assert not wrong, f"districts that do not add up to the city: {wrong}"

"""Deterministic synthetic data that shows what each view does with full data.

Every row is status `sample`. Series pass exactly through each reported city value; additive
district values (people, counts, hours) add up to the city value of the same period; rates vary
around the city rate. Nothing here is ever shown without the sample mark.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard import schema
from dashboard.i18n import t
from dashboard.pipeline.snapshot_build import derive, finish_indicators, sources_root
from dashboard.pipeline.sources import read_sources
from dashboard.pipeline.writer import write_snapshot
from dashboard.snapshot import load_snapshot, snapshots_dir

SEED = 42
FIRST_YEAR, LAST_YEAR = 1978, 2018
ADDITIVE_UNITS = ("persons", "count", "hours")
BOUNDED_UNITS = {"percent": (0.0, 100.0), "flag": (0.0, 1.0)}
SAMPLE_SOURCE = "sample-generator"
# Figures that describe the city as a whole (a standard, a count of districts, a term of office)
# are not split over districts, even in the sample.
CITY_ONLY = (
    "districts_pay_rules_issued",
    "districts_pay_rules_pending",
    "office_space_standard",
    "committee_term_years",
    "grid_cell_typical_area",
    "city_work_conferences",
    "community_direct_items",
    "community_plaques",
    "certified_social_workers_national_share",
    "community_worker_age_earlier_low",
    "community_worker_age_earlier_high",
    "community_worker_age_now_low",
    "community_worker_age_now_high",
)
SAMPLE_NOTE = "synthetic sample value, not a published figure"
# Counts in the statistical division codes: one edition a year at its cut-off date, not a
# yearly path from 1978.
DIVISION_PREFIX = "division_"
# Units whose values are named points, not quantities that grow or split over districts.
POINT_ONLY_UNITS = ("age_decade",)


def sample_source_row() -> dict:
    return {
        "source_id": SAMPLE_SOURCE,
        "publisher_zh": "本看板示例数据生成器",
        "publisher_en": "This dashboard's sample generator",
        "title": "示例数据 / SAMPLE DATA (python -m dashboard sample)",
        "published": "",
        "url": "",
        "grade": "internal",
        "reliability": "S",
        "accessed": "",
        "terms": "Synthetic; for demonstration only, never to be quoted",
        "note": "Generated with a fixed seed from the reported snapshot's city values.",
        "note_zh": "本看板生成的合成示例数据,仅供演示,不得引用。",
        "note_en": "Synthetic data made by this dashboard for demonstration; never to be quoted.",
    }


def anchors(reported: pd.DataFrame, indicator: str, as_of: str) -> list[tuple[int, str, float]]:
    """The reported city values a sample series must pass through. An indicator known only
    undated is pinned to the snapshot's as-of year (the source gives it as current); undated values
    of an indicator that also has dated ones may be older, so they are not used."""
    rows = reported[
        (reported["indicator_id"] == indicator)
        & (reported["geo_code"] == schema.CITY_CODE)
        & reported["preferred"]
        & (reported["status"] != "derived")
    ]
    if rows["year"].notna().any():
        rows = rows[rows["year"].notna()]
    points = {}
    for r in rows.sort_values("period").itertuples():
        year = int(r.year) if pd.notna(r.year) else int(as_of[:4])
        points[year] = (year, r.period or as_of, float(r.value))
    return [points[y] for y in sorted(points)]


def city_series(
    points: list[tuple[int, str, float]], unit: str, rng: random.Random
) -> list[tuple[str, float]]:
    """Yearly values through every anchor: log-linear between anchors, a gentle ramp before."""
    first_year = min(FIRST_YEAR, points[0][0])
    last_year = max(LAST_YEAR, points[-1][0])
    by_year = {y: (p, v) for y, p, v in points}
    growth = rng.uniform(0.03, 0.09)
    series = []
    for year in range(first_year, last_year + 1):
        if year in by_year:
            series.append(by_year[year])
            continue
        before = [pt for pt in points if pt[0] < year]
        after = [pt for pt in points if pt[0] > year]
        if before and after:
            (y0, _, v0), (y1, _, v1) = before[-1], after[0]
            t = (year - y0) / (y1 - y0)
            value = v0 + (v1 - v0) * t if min(v0, v1) <= 0 else v0 * (v1 / v0) ** t
        elif after:
            y1, _, v1 = after[0]
            value = v1 / (1 + growth) ** (y1 - year)
        else:
            y0, _, v0 = before[-1]
            value = v0 * (1 + growth / 3) ** (year - y0)
        value *= 1 + rng.uniform(-0.02, 0.02)
        series.append((str(year), shape(value, unit)))
    return series


def shape(value: float, unit: str) -> float:
    low, high = BOUNDED_UNITS.get(unit, (0.0, float("inf")))
    value = min(max(value, low), high)
    return float(round(value)) if unit in ADDITIVE_UNITS else round(value, 2)


def split_total(total: float, weights: np.ndarray) -> np.ndarray:
    """Integer shares of `total` in proportion to `weights` that add up exactly.

    Largest-remainder rounding: floors first, then one more to the largest fractions.
    """
    raw = weights / weights.sum() * total
    floor = np.floor(raw)
    remainder = round(total - floor.sum())
    order = np.argsort(-(raw - floor), kind="stable")
    floor[order[:remainder]] += 1
    return floor


def district_weights(reported: pd.DataFrame, rng: random.Random) -> np.ndarray:
    pop = reported[
        (reported["indicator_id"] == "resident_population") & (reported["period"] == "2010-11-01")
    ].set_index("geo_code")["value"]
    base = np.array([pop.get(code, 1.0) for code in schema.DISTRICT_CODES], dtype=float)
    return base * np.array([rng.uniform(0.7, 1.3) for _ in schema.DISTRICT_CODES])


def shared_weights(rules: list[dict]) -> dict[str, str]:
    """Numerator -> denominator of every share or ratio: a numerator is split over districts
    with its denominator's weights, so no district's share exceeds the city's bounds (a sample
    district with more deliberation halls than communities would break the real data's rules)."""
    return {
        r["derivation"]["numerator"]: r["derivation"]["denominator"]
        for r in rules
        if (r.get("derivation") or {}).get("op") in ("share", "ratio")
    }


def sample_rows(
    reported: pd.DataFrame,
    meta: pd.DataFrame,
    as_of: str,
    seed: int = SEED,
    rules: list[dict] | None = None,
) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = []
    same_as = shared_weights(rules or [])
    weights_of: dict[str, np.ndarray] = {}
    for ind in meta.itertuples():
        weights_of[ind.indicator_id] = district_weights(reported, rng)
    for ind in meta.itertuples():
        if ind.derivation or ind.unit == "flag" or ind.indicator_id == "district_area":
            continue
        if ind.unit in POINT_ONLY_UNITS:
            # A band named by its decade has no yearly path and no district share: the
            # reported points, with their own periods ("formerly" stays undated).
            mine = reported[
                (reported["indicator_id"] == ind.indicator_id)
                & (reported["geo_code"] == schema.CITY_CODE)
                & reported["preferred"]
            ]
            rows += [
                (r.indicator_id, r.geo_code, r.period, r.value, r.unit) for r in mine.itertuples()
            ]
            continue
        points = anchors(reported, ind.indicator_id, as_of)
        if not points:
            continue
        weights = weights_of[same_as.get(ind.indicator_id, ind.indicator_id)]
        for period, value in city_series(points, ind.unit, rng):
            rows.append((ind.indicator_id, schema.CITY_CODE, period, value, ind.unit))
            if ind.indicator_id in CITY_ONLY:
                continue
            for code, v in zip(
                schema.DISTRICT_CODES, districts(value, ind.unit, weights, rng), strict=True
            ):
                rows.append((ind.indicator_id, code, period, v, ind.unit))
    frame = pd.DataFrame(rows, columns=["indicator_id", "geo_code", "period", "value", "unit"])
    flags = sample_flags(reported, meta, rng, frame, rules or [])
    return pd.concat([frame, flags, sample_divisions(reported, rng)], ignore_index=True)


def sample_divisions(reported: pd.DataFrame, rng: random.Random) -> pd.DataFrame:
    """Division-code counts for the editions the base holds, at their cut-off dates: each city
    count kept, its districts' shares shuffled a little and adding up to it exactly."""
    counts = reported[reported["indicator_id"].str.startswith(DIVISION_PREFIX)]
    rows = []
    for (indicator_id, period), group in counts.groupby(["indicator_id", "period"]):
        city = group.loc[group["geo_code"] == schema.CITY_CODE, "value"]
        by_code = group.set_index("geo_code")["value"]
        if city.empty:
            continue
        base = np.array([by_code.get(c, 0.0) for c in schema.DISTRICT_CODES], dtype=float)
        weights = base * np.array([rng.uniform(0.85, 1.15) for _ in schema.DISTRICT_CODES])
        shares = split_total(city.iloc[0], weights) if weights.sum() else base
        rows.append((indicator_id, schema.CITY_CODE, period, float(city.iloc[0]), "count"))
        rows += [
            (indicator_id, code, period, float(v), "count")
            for code, v in zip(schema.DISTRICT_CODES, shares, strict=True)
        ]
    return pd.DataFrame(rows, columns=["indicator_id", "geo_code", "period", "value", "unit"])


def districts(value: float, unit: str, weights: np.ndarray, rng: random.Random) -> list[float]:
    if unit in ADDITIVE_UNITS:
        return [float(v) for v in split_total(value, weights)]
    return [shape(value * (1 + rng.uniform(-0.12, 0.12)), unit) for _ in weights]


def sample_flags(
    reported: pd.DataFrame,
    meta: pd.DataFrame,
    rng: random.Random,
    values: pd.DataFrame,
    rules: list[dict],
) -> pd.DataFrame:
    """Per-district yes/no indicators, every district present. A flag counted by a city figure
    ("14 of 16 districts") has exactly that many districts marked yes, so a tile and its map
    agree; other flags get a plausible mix. City-wide statements stay as reported."""
    counted_by = {
        r["id"]: r["derivation"]["count"]
        for r in rules
        if (r.get("derivation") or {}).get("op") == "complement_flag"
    }
    rows = []
    for ind in meta[meta["unit"] == "flag"].itertuples():
        mine = reported[reported["indicator_id"] == ind.indicator_id]
        if not mine.empty and set(mine["geo_code"]) == {schema.CITY_CODE}:
            rows += [
                (ind.indicator_id, r.geo_code, r.period, r.value, "flag") for r in mine.itertuples()
            ]
            continue
        for period in sorted(set(mine["period"])) or ["2018"]:
            count = values[
                (values["indicator_id"] == counted_by.get(ind.indicator_id))
                & (values["geo_code"] == schema.CITY_CODE)
                & (values["period"] == period)
            ]["value"]
            if len(count):
                yes = set(rng.sample(schema.DISTRICT_CODES, int(count.iloc[0])))
                flags = [float(code in yes) for code in schema.DISTRICT_CODES]
            else:
                flags = [float(rng.random() < 0.8) for _ in schema.DISTRICT_CODES]
            rows += [
                (ind.indicator_id, code, period, flag, "flag")
                for code, flag in zip(schema.DISTRICT_CODES, flags, strict=True)
            ]
    return pd.DataFrame(rows, columns=["indicator_id", "geo_code", "period", "value", "unit"])


def as_indicator_table(frame: pd.DataFrame, rules: list[dict]) -> pd.DataFrame:
    frame = frame.assign(
        qualifier="",
        status="sample",
        source_id=SAMPLE_SOURCE,
        quote="",
        note=SAMPLE_NOTE,
        note_zh=t("note.sample", "zh"),
        note_en=t("note.sample", "en"),
    )
    frame = finish_indicators(frame)
    derived = derive(frame, rules)
    if len(derived):
        derived = derived.assign(
            status="sample",
            source_id=SAMPLE_SOURCE,
            note=SAMPLE_NOTE + "; " + derived["note"],
            note_zh=t("note.sample", "zh") + ";" + derived["note_zh"],
            note_en=t("note.sample", "en") + "; " + derived["note_en"],
        )
        frame = finish_indicators(
            pd.concat([frame.drop(columns=["year", "preferred"]), derived], ignore_index=True)
        )
    return frame


def build_sample(base_id: str = "2019-01-09", out: Path | None = None, seed: int = SEED) -> Path:
    base = load_snapshot(base_id)
    rules = read_sources(sources_root()).indicators
    rows = sample_rows(base.indicators, base.indicator_meta, base.as_of, seed, rules)
    indicators = as_indicator_table(rows, rules)
    sources = pd.concat([base.sources, pd.DataFrame([sample_source_row()])], ignore_index=True)
    tables = {
        "indicators": indicators,
        "indicator_meta": base.indicator_meta,
        "milestones": base.milestones,
        "story": base.story,
        "geography": base.geography,
        "sources": sources.sort_values("source_id").reset_index(drop=True),
    }
    manifest = {
        "id": "sample",
        "kind": "sample",
        "as_of": base.as_of,
        "title_zh": "示例数据(合成,仅供演示)",
        "title_en": "SAMPLE DATA (synthetic, for demonstration only)",
        "base_snapshot": base_id,
        "seed": seed,
        "source_ids": sorted(sources["source_id"]),
    }
    return write_snapshot(tables, manifest, out or snapshots_dir(), replace=True)

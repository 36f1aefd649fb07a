"""A community-level snapshot for measuring how the dashboard's cost grows with data.

`scale-community` holds every row of the `sample` snapshot plus, for each of about 7,100
communities, a value of every indicator the sample splits over districts, in every period the
sample has (1978-2018). Community codes are 12 digits under their district (110105 + 6 digits).
Additive units (people, counts, hours) add up exactly to the sample's district value; rates and
other units vary around it; yes/no flags are the district's. Every row is status `sample`.

The table has about 14 million rows (≈ 400x the sample's 34,000: 7,097 communities x 2,000 district
rows each), so it is built with numpy and written with pyarrow, the repetitive text columns
dictionary-encoded: they load as ordered pandas categoricals with sorted categories, so sorting,
min and max behave as on text, in about 0.4 GiB instead of several GiB of Python strings. It
goes to `data/snapshots/scale-community` (ignored by git; DASHBOARD_DATA_DIR moves it) and is
never shipped.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard import schema
from dashboard.i18n import LANGS, t
from dashboard.pipeline.sample import (
    ADDITIVE_UNITS,
    BOUNDED_UNITS,
    SAMPLE_NOTE,
    SAMPLE_SOURCE,
    SEED,
    split_total,
)
from dashboard.pipeline.writer import move_into_place, temporary_folder
from dashboard.snapshot import (
    SAMPLE_SNAPSHOT,
    SnapshotError,
    load_snapshot,
    sha256_file,
    snapshots_dir,
)

SCALE_SNAPSHOT = "scale-community"
# 3,920 village and 3,177 urban residents' committees (press conference, 2019-01-09).
COMMUNITIES = 7_097
# Every district gets at least this many communities; the rest follow district population.
MIN_COMMUNITIES_PER_DISTRICT = 100
# How far a community's rate or average strays from its district's, and how unequal communities
# of one district are in size (log-normal sigma of their weights).
RATE_SPREAD = 0.10
SIZE_SIGMA = 0.5
COMMUNITY_NOTE = SAMPLE_NOTE + "; community share of the sample district value"
COMMUNITY_NOTES = {
    f"note_{lang}": t("note.sample", lang)
    + ("；" if lang == "zh" else "; ")
    + t("note.sample_community", lang)
    for lang in LANGS
}
# Stored as plain text, not dictionary-encoded: pandas groups a categorical by every category,
# seen or not (observed=False), and the trend chart groups its rows by geo_code, so it would draw
# 7,114 empty traces. Plain text costs load time instead (pandera matches 14 million codes).
PLAIN_TEXT_COLUMNS = ("geo_code",)
TEXT_COLUMNS = ("indicator_id", "geo_code", "period", "unit", "qualifier", "status", "source_id",
                "quote", "note", "note_zh", "note_en")  # fmt: skip


def community_counts(weights: np.ndarray, total: int = COMMUNITIES) -> np.ndarray:
    """Communities per district: a floor each, the rest in proportion to `weights`."""
    floor = min(MIN_COMMUNITIES_PER_DISTRICT, total // len(weights))
    rest = split_total(float(total - floor * len(weights)), np.asarray(weights, dtype=float))
    return (rest + floor).astype(int)


def community_geography(
    districts: pd.DataFrame, counts: np.ndarray, sizes: np.ndarray
) -> pd.DataFrame:
    """One row per community, coded `<district><nnnnnn>`, its area a share of the district's."""
    rows = []
    start = 0
    for d, n in zip(districts.itertuples(), counts, strict=True):
        share = sizes[start : start + n] / sizes[start : start + n].sum()
        for k in range(n):
            rows.append(
                {
                    "geo_code": f"{d.geo_code}{k + 1:06d}",
                    "level": "community",
                    "parent_code": d.geo_code,
                    "name_zh": f"{d.name_zh}示例社区{k + 1:04d}",
                    "name_en": f"{d.name_en} sample community {k + 1}",
                    "zone_zh": d.zone_zh,
                    "zone_en": d.zone_en,
                    "area_sq_km": round(float(d.area_sq_km * share[k]), 4)
                    if pd.notna(d.area_sq_km)
                    else np.nan,
                    "area_source_id": "",
                }
            )
        start += n
    return pd.DataFrame(rows, columns=list(schema.GEOGRAPHY.columns))


def community_values(
    totals: np.ndarray,
    units: np.ndarray,
    district_of: np.ndarray,
    sizes: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Values (keys x communities) from district values (keys x districts).

    Additive units: integer shares by community size (jittered per key), largest-remainder
    rounded so each district's communities add up exactly. Others: the district value times
    1 ± RATE_SPREAD, kept in the unit's bounds; flags: the district's own.
    """
    n_keys, n_comm = totals.shape[0], len(district_of)
    values = totals[:, district_of] * 1.0
    additive = np.isin(units, ADDITIVE_UNITS)
    flags = units == "flag"
    spread = rng.uniform(1 - RATE_SPREAD, 1 + RATE_SPREAD, size=(n_keys, n_comm))
    other = ~additive & ~flags
    values[other] = np.round(values[other] * spread[other], 2)
    for unit, (low, high) in BOUNDED_UNITS.items():
        rows = units == unit
        values[rows] = np.clip(values[rows], low, high)
    weights = sizes[None, :] * spread[additive]
    shares = np.empty_like(weights)
    for d in np.unique(district_of):
        seg = district_of == d
        part = weights[:, seg]
        raw = part / part.sum(axis=1, keepdims=True) * totals[additive, d][:, None]
        floor = np.floor(raw)
        remainder = np.rint(totals[additive, d] - floor.sum(axis=1)).astype(int)
        order = np.argsort(-(raw - floor), axis=1, kind="stable")
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, np.arange(seg.sum())[None, :], axis=1)
        shares[:, seg] = floor + (ranks < remainder[:, None])
    values[additive] = shares
    return values


def scale_indicators(
    sample: pd.DataFrame, geo: pd.DataFrame, sizes: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """The sample's rows plus a community row for every district row of the sample."""
    districts = list(schema.DISTRICT_CODES)
    rows = sample[sample["geo_code"].isin(districts)]
    keys = rows[["indicator_id", "period", "unit", "year"]]
    keys = keys.drop_duplicates(["indicator_id", "period"])
    keys = keys.sort_values(["indicator_id", "period"]).reset_index(drop=True)
    key_index = pd.MultiIndex.from_frame(keys[["indicator_id", "period"]])
    totals = np.full((len(keys), len(districts)), np.nan)
    at = key_index.get_indexer(pd.MultiIndex.from_frame(rows[["indicator_id", "period"]]))
    totals[at, [districts.index(c) for c in rows["geo_code"]]] = rows["value"].to_numpy()

    communities = geo[geo["level"] == "community"]
    district_of = np.array([districts.index(c) for c in communities["parent_code"]])
    values = community_values(
        np.nan_to_num(totals), keys["unit"].to_numpy(), district_of, sizes, rng
    )
    present = ~np.isnan(totals[:, district_of])  # a district without a value gives no rows

    key_of, comm_of = np.nonzero(present)
    n = len(key_of)
    # Text columns as categoricals with sorted categories; codes come from the few keys and
    # communities, so no per-row string work is done on the 14 million rows.
    cats = {c: sorted(set(sample[c])) for c in TEXT_COLUMNS}
    cats["geo_code"] = sorted(set(cats["geo_code"]) | set(communities["geo_code"]))
    cats["note"] = sorted(set(cats["note"]) | {COMMUNITY_NOTE})
    for column, note in COMMUNITY_NOTES.items():
        cats[column] = sorted(set(cats[column]) | {note})

    def codes(column: str, labels: np.ndarray, picks: np.ndarray) -> pd.Categorical:
        lookup = np.searchsorted(cats[column], labels).astype(np.int32)
        return pd.Categorical.from_codes(lookup[picks], categories=cats[column], ordered=True)

    def constant(column: str, label: str) -> pd.Categorical:
        code = cats[column].index(label)
        filled = np.full(n, code, dtype=np.int32)
        return pd.Categorical.from_codes(filled, categories=cats[column], ordered=True)

    community = pd.DataFrame(
        {
            "indicator_id": codes("indicator_id", keys["indicator_id"].to_numpy(), key_of),
            "geo_code": codes("geo_code", communities["geo_code"].to_numpy(), comm_of),
            "period": codes("period", keys["period"].to_numpy(), key_of),
            "year": keys["year"].array.take(key_of),
            "value": values[key_of, comm_of],
            "unit": codes("unit", keys["unit"].to_numpy(), key_of),
            "qualifier": constant("qualifier", ""),
            "status": constant("status", "sample"),
            "source_id": constant("source_id", SAMPLE_SOURCE),
            "quote": constant("quote", ""),
            "note": constant("note", COMMUNITY_NOTE),
            **{column: constant(column, note) for column, note in COMMUNITY_NOTES.items()},
            "preferred": np.ones(n, dtype=bool),
        }
    )
    base = sample.assign(
        **{c: pd.Categorical(sample[c], categories=cats[c], ordered=True) for c in TEXT_COLUMNS}
    )
    frame = pd.concat([base, community[base.columns]], ignore_index=True)
    # The order the shipped snapshots use: indicator, place, period (codes follow sorted text).
    order = np.lexsort(
        (
            frame["period"].cat.codes.to_numpy(),
            frame["geo_code"].cat.codes.to_numpy(),
            frame["indicator_id"].cat.codes.to_numpy(),
        )
    )
    return frame.take(order).reset_index(drop=True)


def _write(tables: dict[str, pd.DataFrame], manifest: dict, root: Path) -> Path:
    """Write into a temporary folder beside the target and swap it in only when complete."""
    root.mkdir(parents=True, exist_ok=True)
    target = root / manifest["id"]
    tmp = temporary_folder(root, manifest["id"])  # ordinary permissions, leftovers recovered
    try:
        entries = {}
        for name in schema.TABLES:
            file = tmp / f"{name}.parquet"
            table = pa.Table.from_pandas(tables[name].reset_index(drop=True), preserve_index=False)
            for column in set(PLAIN_TEXT_COLUMNS) & set(table.column_names):
                at = table.schema.get_field_index(column)
                table = table.set_column(at, column, table[column].cast(pa.string()))
            pq.write_table(table, file, compression="zstd", write_statistics=False)
            entries[name] = {
                "file": file.name,
                "rows": len(tables[name]),
                "sha256": sha256_file(file),
            }
        full = {**manifest, "schema_version": schema.SCHEMA_VERSION, "tables": entries}
        (tmp / "manifest.json").write_text(
            json.dumps(full, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        move_into_place(tmp, target)  # one exchange: the id never goes missing
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def build_scale_sample(
    seed: int = SEED,
    *,
    base_id: str = SAMPLE_SNAPSHOT,
    communities: int = COMMUNITIES,
    out: Path | None = None,
) -> Path:
    """Generate `scale-community` from the sample snapshot; returns its folder."""
    try:
        base = load_snapshot(base_id)
    except SnapshotError as exc:
        raise SnapshotError(
            f"the scale snapshot is built from '{base_id}', which cannot be loaded ({exc}); "
            "run: python -m dashboard sample"
        ) from exc
    rng = np.random.default_rng(seed)
    geo = base.geography
    districts = geo.set_index("geo_code").loc[list(schema.DISTRICT_CODES)].reset_index()
    pop = base.indicators[
        (base.indicators["indicator_id"] == "resident_population")
        & base.indicators["geo_code"].isin(schema.DISTRICT_CODES)
    ]
    latest = pop.sort_values("period").drop_duplicates("geo_code", keep="last")
    weights = latest.set_index("geo_code")["value"].reindex(schema.DISTRICT_CODES).fillna(1.0)
    counts = community_counts(weights.to_numpy(), communities)
    sizes = rng.lognormal(0.0, SIZE_SIGMA, size=int(counts.sum()))
    geography = pd.concat([geo, community_geography(districts, counts, sizes)], ignore_index=True)
    indicators = scale_indicators(base.indicators, geography, sizes, rng)
    tables = {
        "indicators": indicators,
        "indicator_meta": base.indicator_meta,
        "milestones": base.milestones,
        "story": base.story,
        "geography": geography,
        "sources": base.sources,
    }
    for name, frame in tables.items():
        # pandera checks a categorical's text columns like plain strings (its categories).
        schema.SCHEMAS[name].validate(frame, lazy=True)
    manifest = {
        "id": SCALE_SNAPSHOT,
        "kind": "sample",
        "as_of": base.as_of,
        "title_zh": "规模测试示例数据(社区级,合成,仅供测速)",
        "title_en": "SCALE TEST SAMPLE (community level, synthetic, for benchmarks only)",
        "base_snapshot": base_id,
        "seed": seed,
        "communities": int(counts.sum()),
        "source_ids": sorted(base.sources["source_id"]),
    }
    return _write(tables, manifest, out or snapshots_dir())

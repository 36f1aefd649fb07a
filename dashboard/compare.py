"""What changed between two snapshots: values added, removed and changed, by indicator, place and
period. Pure functions of the indicator tables; the page only draws the result."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.i18n import t
from dashboard.snapshot import Snapshot

KEY = ["indicator_id", "geo_code", "period"]
CHANGES = ("added", "removed", "changed")
DIFF_COLUMNS = [
    "change", "indicator_id", "geo_code", "period", "old_value", "new_value", "old_unit",
    "new_unit", "old_qualifier", "new_qualifier", "old_status", "new_status", "old_source_id",
    "new_source_id",
]  # fmt: skip
COMPARED = ("value", "unit", "qualifier", "status", "source_id")
# Values read back from Parquet are exact; this only absorbs arithmetic noise in derived values.
RELATIVE_TOLERANCE = 1e-9


def preferred(indicators: pd.DataFrame) -> pd.DataFrame:
    """The one value a snapshot shows for each indicator, place and period."""
    rows = indicators[indicators["preferred"]] if "preferred" in indicators else indicators
    return rows.drop_duplicates(KEY, keep="first")[[*KEY, *COMPARED]]


def diff(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Rows of `new` not in `old` (added), of `old` not in `new` (removed), and rows in both whose
    value, unit or qualifier differ (changed), each with the old and the new fields side by side."""
    merged = preferred(old).merge(
        preferred(new), on=KEY, how="outer", suffixes=("_old", "_new"), indicator=True
    )
    both = merged["_merge"] == "both"
    old_v, new_v = merged["value_old"].to_numpy(float), merged["value_new"].to_numpy(float)
    with np.errstate(invalid="ignore"):
        same_value = np.isclose(old_v, new_v, rtol=RELATIVE_TOLERANCE, atol=0.0)
    differs = (
        ~same_value
        | (merged["unit_old"] != merged["unit_new"]).to_numpy()
        | (merged["qualifier_old"] != merged["qualifier_new"]).to_numpy()
    )
    change = np.select(
        [merged["_merge"] == "right_only", merged["_merge"] == "left_only", both & differs],
        ["added", "removed", "changed"],
        default="",
    )
    merged["change"] = change
    out = merged[merged["change"] != ""].rename(
        columns={f"{c}_{side}": f"{side}_{c}" for c in COMPARED for side in ("old", "new")}
    )
    out["change"] = pd.Categorical(out["change"], categories=CHANGES, ordered=True)
    out = out.sort_values(["change", *KEY]).reset_index(drop=True)
    out["change"] = out["change"].astype(str)
    for column in ("old_value", "new_value"):
        out[column] = out[column].astype(float)
    for column in DIFF_COLUMNS:
        if column not in ("old_value", "new_value", "change", *KEY):
            out[column] = out[column].fillna("").astype(str)
    return out[DIFF_COLUMNS]


def diff_snapshots(old: Snapshot, new: Snapshot) -> pd.DataFrame:
    return diff(old.indicators, new.indicators)


def summary(changes: pd.DataFrame) -> dict[str, int]:
    counts = changes["change"].value_counts()
    return {kind: int(counts.get(kind, 0)) for kind in CHANGES}


def labelled(changes: pd.DataFrame, old: Snapshot, new: Snapshot, lang: str) -> pd.DataFrame:
    """The diff with readable names in one language, for the page and its downloads."""
    names = pd.concat([new.indicator_meta, old.indicator_meta]).drop_duplicates("indicator_id")
    places = pd.concat([new.geography, old.geography]).drop_duplicates("geo_code")
    names = names.set_index("indicator_id")[f"name_{lang}"]
    places = places.set_index("geo_code")[f"name_{lang}"]
    table = changes.copy()
    table.insert(1, "indicator", table["indicator_id"].map(names).fillna(table["indicator_id"]))
    table.insert(2, "place", table["geo_code"].map(places).fillna(table["geo_code"]))
    table.insert(1, "change_label", table["change"].map(lambda c: t(f"compare.{c}", lang)))
    table["old_snapshot"] = old.id
    table["new_snapshot"] = new.id
    return table

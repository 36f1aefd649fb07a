"""What changed between two snapshots: values added, removed and changed, by indicator, place and
period. Pure functions of the indicator tables; the page only draws the result."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import queries as q
from dashboard.formatting import format_value
from dashboard.i18n import t
from dashboard.snapshot import Snapshot, SnapshotError

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


# The columns of the readable table, in order, each with its translation key.
READABLE_COLUMNS = (
    ("change_label", "compare.col.change"),
    ("indicator", "compare.col.indicator"),
    ("place", "compare.col.place"),
    ("period", "compare.col.period"),
    ("old_text", "compare.col.old_value"),
    ("new_text", "compare.col.new_value"),
    ("old_status_text", "compare.col.old_status"),
    ("new_status_text", "compare.col.new_status"),
    ("old_source", "compare.col.old_source"),
    ("new_source", "compare.col.new_source"),
)
ABSENT = "–"


def _value_text(value: float, unit: str, qualifier: str, lang: str) -> str:
    if pd.isna(value) or not unit:
        return ABSENT
    return format_value(float(value), unit, lang, qualifier)


def readable(changes: pd.DataFrame, old: Snapshot, new: Snapshot, lang: str) -> pd.DataFrame:
    """The diff as a reader sees it: columns named in the chosen language, values written with
    their units and qualifiers, sources by name, and a dash where a side has no value."""
    table = labelled(changes, old, new, lang)
    sources = {
        **{s: q.source_label(old, s, lang) for s in set(table["old_source_id"]) - {""}},
        **{s: q.source_label(new, s, lang) for s in set(table["new_source_id"]) - {""}},
    }
    for side in ("old", "new"):
        table[f"{side}_text"] = [
            _value_text(v, u, qq, lang)
            for v, u, qq in zip(
                table[f"{side}_value"],
                table[f"{side}_unit"],
                table[f"{side}_qualifier"],
                strict=True,
            )
        ]
        table[f"{side}_status_text"] = [
            t(f"status.{s}", lang) if s else ABSENT for s in table[f"{side}_status"]
        ]
        table[f"{side}_source"] = [sources.get(s, s) or ABSENT for s in table[f"{side}_source_id"]]
    table["period"] = [p or t("prov.period_unstated", lang) for p in table["period"]]
    out = table[[c for c, _ in READABLE_COLUMNS]]
    return out.rename(columns={c: t(key, lang) for c, key in READABLE_COLUMNS})


# How many indicators a sentence names before it says "and N more".
NAMED_IN_SUMMARY = 3


def describe(changes: pd.DataFrame, old: Snapshot, new: Snapshot, lang: str) -> list[str]:
    """What changed, in words: one sentence for the whole, then one per kind of change naming the
    indicators with the most values concerned."""
    counts = summary(changes)
    lines = [
        t(
            "compare.summary",
            lang,
            old=old.id,
            old_date=old.as_of,
            new=new.id,
            new_date=new.as_of,
            **counts,
        )
    ]
    if changes.empty:
        return lines
    names = pd.concat([new.indicator_meta, old.indicator_meta]).drop_duplicates("indicator_id")
    names = names.set_index("indicator_id")[f"name_{lang}"]
    joiner = "、" if lang == "zh" else ", "
    for kind in CHANGES:
        rows = changes[changes["change"] == kind]
        if rows.empty:
            continue
        top = rows["indicator_id"].value_counts()
        named = [
            t("compare.named", lang, name=names.get(i, i), n=int(n))
            for i, n in top.head(NAMED_IN_SUMMARY).items()
        ]
        more = len(top) - NAMED_IN_SUMMARY
        text = joiner.join(named) + (t("compare.more", lang, n=more) if more > 0 else "")
        lines.append(t(f"compare.{kind}_line", lang, items=text))
    return lines


def default_pair(current: Snapshot, ids: list[str], load) -> tuple[str, str]:
    """Which two snapshots the page opens with: the current one and its base (or another), the
    older by as-of date as "earlier", so the view never opens backwards."""
    base = current.manifest.get("base_snapshot")
    other = base if base in ids and base != current.id else next(i for i in ids if i != current.id)
    try:
        pair = sorted((current, load(other)), key=lambda s: (s.as_of, s.id != base))
    except SnapshotError:
        return other, current.id  # the page says why the other cannot be read
    return pair[0].id, pair[1].id

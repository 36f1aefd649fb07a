"""Turn curated sources into the tables of a reported snapshot."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboard import schema
from dashboard.i18n import LANGS, t
from dashboard.pipeline.sources import (
    AREA_TOLERANCE,
    Curated,
    SourceError,
    division_indicator,
    published_date,
    read_sources,
)
from dashboard.pipeline.writer import write_snapshot
from dashboard.snapshot import snapshots_dir

INDICATOR_COLUMNS = list(schema.INDICATORS.columns)


def year_of(period: str) -> int | None:
    return int(period[:4]) if period else None


def facts_frame(
    facts: list[dict], units: dict[str, str], rank: dict[int, str] | None = None
) -> pd.DataFrame:
    rank = rank or {}
    rows = [
        {
            "indicator_id": f["indicator"],
            "geo_code": str(f["geo"]),
            "period": str(f.get("period") or ""),
            "value": float(f["value"]),
            "unit": units[f["indicator"]],
            "qualifier": f.get("qualifier") or "",
            "status": f.get("status") or "reported",
            "source_id": f["source"],
            "quote": str(f.get("quote") or ""),
            "note": str(f.get("note") or ""),
            "note_zh": str(f.get("note_zh") or ""),
            "note_en": str(f.get("note_en") or ""),
            "_rank": rank.get(id(f), ""),
        }
        for f in facts
    ]
    columns = [c for c in INDICATOR_COLUMNS if c not in ("year", "preferred")] + ["_rank"]
    return finish_indicators(pd.DataFrame(rows, columns=columns))


def finish_indicators(frame: pd.DataFrame) -> pd.DataFrame:
    """Add year and the preferred flag, sort stably, and fix dtypes.

    An optional `_rank` column (source grade and publication date) settles competing values whose
    preferred version is absent.
    """
    frame = frame.copy().reset_index(drop=True)
    for column in ("note_zh", "note_en"):
        frame[column] = frame[column].fillna("") if column in frame else ""
    frame["year"] = pd.array([year_of(p) for p in frame["period"]], dtype="Int16")
    frame["preferred"] = mark_preferred(frame)
    frame = frame.sort_values(
        ["indicator_id", "geo_code", "period", "source_id", "value"], kind="stable"
    )
    return frame[INDICATOR_COLUMNS].reset_index(drop=True)


def mark_preferred(frame: pd.DataFrame) -> pd.Series:
    """One value per indicator, place and period: the single row, or the one noted 'preferred'.

    When the preferred version is not in this snapshot (published later), the best remaining
    version is chosen by source grade, then publication date, and its note says so.
    """
    key = ["indicator_id", "geo_code", "period"]
    group_size = frame.groupby(key)["value"].transform("size")
    noted = frame["note"].str.lower().str.startswith("preferred")
    preferred = (group_size == 1) | noted
    chosen = preferred.groupby([frame[k] for k in key]).transform("sum")
    if (chosen > 1).any():
        first = frame[chosen > 1].iloc[0]
        raise SourceError(
            f"{first.indicator_id}/{first.geo_code}/{first.period}: "
            "more than one value noted 'preferred'"
        )
    orphans = frame[chosen == 0]
    if len(orphans) and "_rank" not in frame:
        first = orphans.iloc[0]
        raise SourceError(
            f"{first.indicator_id}/{first.geo_code}/{first.period}: "
            "competing values, none noted 'preferred'"
        )
    # A version noted "alternative" that is alone in this snapshot (the preferred one was
    # published later) is the one shown, and its note must not point to a value not here.
    alone = (group_size == 1) & frame["note"].str.lower().str.startswith("alternative")
    frame.loc[alone, "note"] = (
        "the only version in this snapshot (the version noted preferred was published later); "
        + frame.loc[alone, "note"]
    )
    _prefix_reader_notes(frame, alone, "note.only_version")
    for _, group in orphans.groupby(key):
        best = group.sort_values("_rank").index[-1]
        preferred.loc[best] = True
        frame.loc[best, "note"] = (
            "preferred in this snapshot (the version noted preferred was published later); "
            + frame.loc[best, "note"]
        )
        _prefix_reader_notes(frame, frame.index == best, "note.preferred_here")
    return preferred


def _prefix_reader_notes(frame: pd.DataFrame, rows, key: str) -> None:
    """Say in each reader's language why this version is the one shown."""
    for lang in LANGS:
        column = f"note_{lang}"
        frame.loc[rows, column] = t(key, lang) + frame.loc[rows, column]


def derive(
    values: pd.DataFrame,
    indicators: list[dict],
    place_names: dict[str, dict[str, str]] | None = None,
) -> pd.DataFrame:
    """Compute every derived indicator where both inputs exist for the same place and period."""
    preferred = values[values["preferred"]]
    names = {lang: {i["id"]: i[f"name_{lang}"] for i in indicators} for lang in LANGS}
    rows = []
    for ind in indicators:
        rule = ind.get("derivation")
        if not rule or rule.get("op") not in ("ratio", "share", "density"):
            continue
        num = preferred[preferred["indicator_id"] == rule["numerator"]]
        den = preferred[preferred["indicator_id"] == rule["denominator"]]
        if rule["op"] == "density":
            # Land area is published without a date: the latest stated area serves every period.
            den = (
                den.sort_values("period")
                .drop_duplicates("geo_code", keep="last")
                .rename(columns={"period": "period_d"})
            )
            both = num.merge(den, on=["geo_code"], suffixes=("_n", "_d"))
        else:
            both = num.merge(den, on=["geo_code", "period"], suffixes=("_n", "_d"))
        both = both[both["value_d"] != 0]
        scale = 100.0 if rule["op"] == "share" else 1.0
        for r in both.itertuples():
            rows.append(
                {
                    "indicator_id": ind["id"],
                    "geo_code": r.geo_code,
                    "period": r.period,
                    "value": round(r.value_n / r.value_d * scale, 4),
                    "unit": ind["unit"],
                    "qualifier": r.qualifier_n
                    if r.qualifier_n == r.qualifier_d
                    else "about"
                    if (r.qualifier_n or r.qualifier_d)
                    else "",
                    "status": "derived",
                    "source_id": r.source_id_n,
                    "quote": "",
                    "note": derivation_note(rule, names["en"], r),
                    "note_zh": derivation_note(rule, names["zh"], r, "zh"),
                    "note_en": derivation_note(rule, names["en"], r),
                }
            )
    rows += implied_flags(preferred, indicators, place_names or {})
    if not rows:
        return values.iloc[0:0]
    return pd.DataFrame(rows)


def derivation_note(rule: dict, names: dict[str, str], row, lang: str = "en") -> str:
    """The arithmetic in words a reader can check: each input with its period, and the result."""
    scale = 100.0 if rule["op"] == "share" else 1.0
    factor = " × 100" if scale != 1.0 else ""
    result = _plain(round(row.value_n / row.value_d * scale, 1))
    result += "%" if rule["op"] == "share" else ""
    numerator = f"{names[rule['numerator']]} {_plain(row.value_n)}{_when(row.period, lang)}"
    area = (" km²" if lang == "en" else "平方千米") if rule["op"] == "density" else ""
    period_d = getattr(row, "period_d", row.period)
    name_d = names[rule["denominator"]]
    denominator = f"{name_d.lower() if lang == 'en' else name_d} {_plain(row.value_d)}{area}"
    apart = t("note.sources_apart", lang) if row.source_id_n != row.source_id_d else ""
    return f"{numerator} ÷ {denominator}{_when(period_d, lang)}{factor} = {result}{apart}"


def _plain(number: float) -> str:
    """A number as a reader writes it: thousands separated, no trailing .0."""
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,.10g}"


def _when(period: str, lang: str = "en") -> str:
    if lang == "zh":
        return f"({period})" if period else "(未注明时间)"
    return f" ({period})" if period else " (no date stated)"


def implied_flags(
    preferred: pd.DataFrame, indicators: list[dict], place_names: dict[str, dict[str, str]]
) -> list[dict]:
    """Districts implied by a reported count: 'N of 16 have X, and these (16 - N) have not'."""
    rows = []
    english = place_names.get("en", {})
    for ind in indicators:
        rule = ind.get("derivation") or {}
        if rule.get("op") != "complement_flag":
            continue
        totals = preferred[
            (preferred["indicator_id"] == rule["count"])
            & (preferred["geo_code"] == schema.CITY_CODE)
        ]
        for total in totals.itertuples():
            named = preferred[
                (preferred["indicator_id"] == ind["id"]) & (preferred["period"] == total.period)
            ]
            missing = [d for d in schema.DISTRICT_CODES if d not in set(named["geo_code"])]
            named_no = set(named.loc[named["value"] == 0, "geo_code"])
            if (
                len(missing) != total.value
                or len(named_no) != len(schema.DISTRICT_CODES) - total.value
            ):
                continue
            for code in missing:
                rows.append(
                    {
                        "indicator_id": ind["id"],
                        "geo_code": code,
                        "period": total.period,
                        "value": 1.0,
                        "unit": ind["unit"],
                        "qualifier": "",
                        "status": "derived",
                        "source_id": total.source_id,
                        "quote": "",
                        "note": f"{total.value:g} of the 16 districts have done so (reported); "
                        f"the {len(named_no)} named as not yet done are "
                        f"{', '.join(english.get(c, c) for c in sorted(named_no))}, "
                        "so this one is done",
                        **{
                            f"note_{lang}": t(
                                "note.implied_flag",
                                lang,
                                done=f"{total.value:g}",
                                n=len(named_no),
                                names=("、" if lang == "zh" else ", ").join(
                                    place_names.get(lang, {}).get(c, c) for c in sorted(named_no)
                                ),
                            )
                            for lang in LANGS
                        },
                    }
                )
    return rows


def meta_frame(indicators: list[dict]) -> pd.DataFrame:
    rows = [
        {
            "indicator_id": i["id"],
            "topic": i["topic"],
            "unit": i["unit"],
            "name_zh": i["name_zh"],
            "name_en": i["name_en"],
            "description_zh": str(i.get("description_zh") or ""),
            "description_en": str(i.get("description_en") or ""),
            "derivation": describe_derivation(i.get("derivation")),
        }
        for i in indicators
    ]
    return pd.DataFrame(rows).sort_values("indicator_id").reset_index(drop=True)


def describe_derivation(rule: dict | None) -> str:
    if not rule:
        return ""
    if rule["op"] == "share":
        return f"{rule['numerator']} ÷ {rule['denominator']} × 100"
    if rule["op"] in ("ratio", "density"):
        return f"{rule['numerator']} ÷ {rule['denominator']}"
    if rule["op"] == "complement_flag":
        return f"1 for the districts not named as pending when {rule['count']} of 16 are done"
    return str(rule)


def milestones_frame(milestones: list[dict]) -> pd.DataFrame:
    rows = [
        {
            "rank": m["rank"],
            "year": m.get("year"),
            "date": str(m.get("date") or ""),
            "category": m["category"],
            "title_zh": m["title_zh"],
            "title_en": m["title_en"],
            "summary_zh": str(m.get("summary_zh") or ""),
            "summary_en": str(m.get("summary_en") or ""),
            "quote": m["quote"],
            "source_id": m["source"],
            "year_source_id": str(m.get("year_source") or m["source"]),
        }
        for m in sorted(milestones, key=lambda m: m["rank"])
    ]
    frame = pd.DataFrame(rows)
    frame["rank"] = frame["rank"].astype("Int16")
    frame["year"] = pd.array(frame["year"].tolist(), dtype="Int16")
    return frame


def story_frame(story: list[dict], sources: dict[str, dict], as_of: str) -> pd.DataFrame:
    """The eras and turning points of the forty-year story told by a source published by
    `as_of`, in time order."""
    columns = list(schema.STORY.columns)
    rows = [
        {
            "key": s["key"],
            "kind": s["kind"],
            "year": s["year"],
            "end_year": s.get("end_year"),
            "year_basis": s["year_basis"],
            "topic": str(s.get("topic") or ""),
            "indicators": " ".join(s.get("indicators") or []),
            "title_zh": s["title_zh"],
            "title_en": s["title_en"],
            "summary_zh": str(s.get("summary_zh") or ""),
            "summary_en": str(s.get("summary_en") or ""),
            "quote": s["quote"],
            "year_note_zh": str(s.get("year_note_zh") or ""),
            "year_note_en": str(s.get("year_note_en") or ""),
            "source_id": s["source"],
        }
        for s in sorted(
            story,
            key=lambda s: (s["year"], s["kind"] != "era", s.get("end_year") or s["year"], s["key"]),
        )
        if str(sources[s["source"]]["published"]) <= as_of
    ]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("year", "end_year"):
        frame[column] = pd.array(frame[column].tolist(), dtype="Int16")
    return frame


def geography_frame(geography: list[dict], values: pd.DataFrame) -> pd.DataFrame:
    area = values[(values["indicator_id"] == "district_area") & values["preferred"]]
    area = area.sort_values("period").drop_duplicates("geo_code", keep="last").set_index("geo_code")
    rows = []
    for g in sorted(geography, key=lambda g: str(g["geo_code"])):
        code = str(g["geo_code"])
        rows.append(
            {
                "geo_code": code,
                "level": g["level"],
                "parent_code": "110000" if g["level"] == "district" else "",
                "name_zh": g["name_zh"],
                "name_en": g["name_en"],
                "zone_zh": g.get("zone_zh") or "",
                "zone_en": g.get("zone_en") or "",
                "area_sq_km": float(area.at[code, "value"]) if code in area.index else None,
                "area_source_id": str(area.at[code, "source_id"]) if code in area.index else "",
            }
        )
    frame = pd.DataFrame(rows)
    frame["area_sq_km"] = frame["area_sq_km"].astype(float)
    return frame


def sources_frame(sources: list[dict], used: set[str]) -> pd.DataFrame:
    columns = list(schema.SOURCES.columns)
    rows = []
    for s in sorted(sources, key=lambda s: s["id"]):
        if s["id"] not in used:
            continue
        row = {c: str(s.get(c) or "") for c in columns if c != "source_id"}
        rows.append({"source_id": s["id"], **row})
    return pd.DataFrame(rows, columns=columns)


# Kinds whose units no rule claims: written only where some exist, so an empty leftover count
# does not draw a flat line of zeros; the rule's note says that none was left.
LEFTOVER_KINDS = ("unmatched_village_units",)


def division_rows(curated: Curated, as_of: str) -> list[dict]:
    """Counts in each edition of the statistical division codes published by `as_of`, per
    district and summed for the city; status derived, because the bureau lists the units and
    the count is ours, made by the rule stated in the note."""
    by_id = {s["id"]: s for s in curated.sources}
    rows, city = [], {}
    for row in curated.divisions:
        source = by_id[f"nbs-division-codes-{row['edition']}"]
        if str(source["published"]) > as_of:
            continue
        key = (row["kind"], row["cutoff"], source["id"], row["edition"])
        city[key] = city.get(key, 0) + row["count"]
        rows.append((row["district_code"], key, row["count"]))
    rows += [(schema.CITY_CODE, key, total) for key, total in city.items()]
    out = []
    for geo, (kind, cutoff, source_id, edition), count in rows:
        if kind in LEFTOVER_KINDS and city[(kind, cutoff, source_id, edition)] == 0:
            continue
        where = "the sum of the 16 districts' counts; " if geo == schema.CITY_CODE else ""
        city_sum = {
            lang: t("note.division_city_sum", lang) if geo == schema.CITY_CODE else ""
            for lang in LANGS
        }
        out.append(
            {
                "indicator_id": division_indicator(kind),
                "geo_code": geo,
                "period": cutoff,
                "value": float(count),
                "unit": "count",
                "qualifier": "",
                "status": "derived",
                "source_id": source_id,
                "quote": "",
                "note": f"Counted in the {edition} edition of the statistical division codes "
                f"(cut-off {cutoff}); {where}rule: {curated.division_rules[kind]}. A count in "
                "a statistical code list, not the civil affairs bureau's count.",
                **{
                    f"note_{lang}": t(
                        "note.division_count",
                        lang,
                        edition=edition,
                        cutoff=cutoff,
                        where=city_sum[lang],
                        rule=t(f"divisions.rule.{kind}", lang),
                    )
                    for lang in LANGS
                },
            }
        )
    return out


def snapshot_problems(tables: dict[str, pd.DataFrame], by_id: dict, as_of: str) -> list[str]:
    """What a snapshot may not hold: a source published after its as-of date, and districts
    whose areas do not add up to their city's."""
    problems = []
    indicators, milestones = tables["indicators"], tables["milestones"]
    cited = [
        (r.source_id, f"row {r.indicator_id}/{r.geo_code}/{r.period}")
        for r in indicators.itertuples()
    ]
    cited += [(m.source_id, f"milestone {m.rank}") for m in milestones.itertuples()]
    cited += [(m.year_source_id, f"milestone {m.rank} (year)") for m in milestones.itertuples()]
    for source_id, where in cited:
        published = str(by_id[source_id]["published"])
        if published > as_of:
            problems.append(
                f"snapshot as of {as_of}: {where} cites '{source_id}', published {published}"
            )
    return problems + area_problems(indicators)


def area_problems(indicators: pd.DataFrame) -> list[str]:
    area = indicators[(indicators["indicator_id"] == "district_area") & indicators["preferred"]]
    area = area.sort_values("period").drop_duplicates("geo_code", keep="last")
    city = area[area["geo_code"] == schema.CITY_CODE]
    districts = area[area["geo_code"].isin(schema.DISTRICT_CODES)]
    if city.empty or districts.empty:
        return []
    city_area, total = float(city["value"].iloc[0]), float(districts["value"].sum())
    complete = len(districts) == len(schema.DISTRICT_CODES)
    gap = (total - city_area) / city_area
    if gap > AREA_TOLERANCE or (complete and abs(gap) > AREA_TOLERANCE):
        listed = ", ".join(
            f"{r.geo_code} {r.value:g} ({r.source_id})" for r in districts.itertuples()
        )
        return [
            f"district_area: the {len(districts)} districts add up to {total:,.2f} km², "
            f"{gap:+.1%} against the city's {city_area:,.2f} ({city['source_id'].iloc[0]}); "
            f"allowed ±{AREA_TOLERANCE:.0%}: {listed}"
        ]
    return []


def reported_tables(curated: Curated, as_of: str) -> dict[str, pd.DataFrame]:
    by_id = {s["id"]: s for s in curated.sources}
    facts = [f for f in curated.facts if published_date(f, by_id) <= as_of]
    units = {i["id"]: i["unit"] for i in curated.indicators}
    # Grade A before B, then the later publication.
    rank = {
        id(
            f
        ): f"{'B' if by_id[f['source']]['reliability'] == 'A' else 'A'}{published_date(f, by_id)}"
        for f in facts
    }
    values = facts_frame(facts, units, rank)
    places = {
        lang: {str(g["geo_code"]): g[f"name_{lang}"] for g in curated.geography} for lang in LANGS
    }
    derived = derive(values, curated.indicators, places)
    divisions = pd.DataFrame(
        division_rows(curated, as_of),
        columns=[c for c in INDICATOR_COLUMNS if c not in ("year", "preferred")],
    )
    indicators = finish_indicators(
        pd.concat(
            [
                values.drop(columns=["year", "preferred"]),
                derived.drop(columns=[c for c in ("year", "preferred") if c in derived]),
                divisions,
            ],
            ignore_index=True,
        )
    )
    milestones = milestones_frame(curated.milestones)
    story = story_frame(curated.story, by_id, as_of)
    geography = geography_frame(curated.geography, indicators)
    used = (
        set(indicators["source_id"])
        | set(milestones["source_id"])
        | set(milestones["year_source_id"])
        | set(story["source_id"])
    )
    used |= set(geography["area_source_id"]) - {""}
    used |= {"bj-master-plan-2016-2035"} & set(by_id)
    tables = {
        "indicators": indicators,
        "indicator_meta": meta_frame(curated.indicators),
        "milestones": milestones,
        "geography": geography,
        "sources": sources_frame(curated.sources, used),
        "story": story,
    }
    problems = snapshot_problems(tables, by_id, as_of)
    if problems:
        raise SourceError("\n".join(problems))
    return tables


def sources_root() -> Path:
    from dashboard.snapshot import DATA_DIR

    return DATA_DIR / "sources"


def build_all(root: Path | None = None, out: Path | None = None) -> list[Path]:
    """Build every reported snapshot listed in sources/snapshots.yaml."""
    root = root or sources_root()
    curated = read_sources(root)
    written = []
    for spec in curated.snapshots:
        if spec["kind"] != "reported":
            continue
        tables = reported_tables(curated, str(spec["as_of"]))
        manifest = {
            "id": str(spec["id"]),
            "kind": "reported",
            "as_of": str(spec["as_of"]),
            "title_zh": spec["title_zh"],
            "title_en": spec["title_en"],
            "source_ids": sorted(tables["sources"]["source_id"]),
        }
        written.append(write_snapshot(tables, manifest, out or snapshots_dir(), replace=True))
    return written

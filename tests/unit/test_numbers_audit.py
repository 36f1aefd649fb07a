"""Every reported number in every reported snapshot, checked against its own quote and source.

The rules an official relies on when reading a figure from a podium: the verbatim quote holds the
figure as shown (in some published form: 3177, 3,177, 4.18万 for 41,800), the source is a
publication and not an encyclopaedia, mirror or aggregator, and it was published on or before the
snapshot's as-of date.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from dashboard.pipeline.sources import NOT_A_SOURCE, read_sources

# Multipliers a published number may carry: 万/萬 and 亿/億 in Chinese documents (the traditional
# forms in the big5 copies on gov.cn), million and thousand on the foreign-language government pages.
MULTIPLIERS = {
    "万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8,
    "million": 1e6, "millionen": 1e6, "millions": 1e6, "thousand": 1e3,
}  # fmt: skip
# A number as printed, with any separators: 3177, 3,177, 16 410,54 (French), 1.993,75 (German).
NUMBER = re.compile(
    r"(\d+(?:[.,\u00a0\u202f\u2009 ]\d+)*)\s*(万|萬|亿|億|millionen|millions|million|thousand)?",
    re.IGNORECASE,
)
SEPARATORS = ".,\u00a0\u202f\u2009 "
# Numbers written out in words: the transcript's 五次 and 两个, the English page's "six sub-districts".
CHINESE_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CHINESE_NUMBER = re.compile(
    r"([一二两三四五六七八九]?)十([一二三四五六七八九]?)|([一二两三四五六七八九])(?=[个年项条次万])(万)?"
)
ENGLISH_WORDS = dict(
    zip(
        [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ],
        range(1, 13),
        strict=True,
    )
)
# A table that states its unit once in its heading: each row is quoted without it. The sixth
# census table gives resident population in 万人 (10,000 persons).
TABLE_UNITS = {"phic-2011-05-16-census-2010-districts": 1e4}
# A yes/no value has no number to find: the quote must hold the words that make it yes or no.
FLAG_WORDING = {
    # 全面的实现 (fully achieved) is the speaker's yes for the 350 m² standard.
    ("office_space_standard_fully_met", 1.0): "全面的实现",
    # Fangshan and Pinggu "still in the approval process": not yet adopted.
    ("pay_rules_issued", 0.0): "正在上会的程序当中",
}

# Quotes that word their figure in a way the normaliser cannot read, each with why the value is
# still exactly what the quote says. Keyed by (indicator, geo, period, source). None needed now.
WORDED_DIFFERENTLY: dict[tuple[str, str, str, str], str] = {}


def readings(token: str) -> set[float]:
    """Every value a printed number can mean: separators as thousands marks, or the last one as
    the decimal mark (1.455 is 1,455 on a German page and 1.455 on an English one)."""
    parts = re.split(f"[{SEPARATORS}]", token)
    values = {float("".join(parts))}
    if len(parts) > 1:
        values.add(float("".join(parts[:-1]) + "." + parts[-1]))
    return values


def published_numbers(quote: str, table_unit: float = 1.0) -> set[float]:
    """Every number the quote states, in base units (4.18万 -> 41800, 3,177 -> 3177)."""
    found = set()
    for match in NUMBER.finditer(quote):
        factor = MULTIPLIERS[match.group(2).lower()] if match.group(2) else 1.0
        for value in readings(match.group(1)):
            found |= {value, value * factor, value * table_unit}
    for match in CHINESE_NUMBER.finditer(quote):
        if match.group(3):
            digit = float(CHINESE_DIGITS[match.group(3)])
            found |= {digit, digit * 1e4} if match.group(4) else {digit}
            continue
        tens = CHINESE_DIGITS.get(match.group(1), 1)
        found.add(float(tens * 10 + CHINESE_DIGITS.get(match.group(2), 0)))
    for word in re.findall(r"[a-z]+", quote.lower()):
        if word in ENGLISH_WORDS:
            found.add(float(ENGLISH_WORDS[word]))
    return found


def quote_states(quote: str, value: float, table_unit: float = 1.0) -> bool:
    return any(
        math.isclose(value, n, rel_tol=1e-9, abs_tol=1e-9)
        for n in published_numbers(quote, table_unit)
    )


def row_states_value(row: pd.Series) -> bool:
    quote = str(row["quote"] or "")
    if row["unit"] == "flag":
        wording = FLAG_WORDING.get((row["indicator_id"], row["value"]))
        return bool(wording) and wording in quote
    return quote_states(quote, row["value"], TABLE_UNITS.get(row["source_id"], 1.0))


def reported_snapshots(repo: Path) -> list[Path]:
    folders = sorted((repo / "data" / "snapshots").iterdir())
    return [
        f
        for f in folders
        if (f / "manifest.json").exists()
        and json.loads((f / "manifest.json").read_text(encoding="utf-8"))["kind"] == "reported"
    ]


def reported_rows(folder: Path) -> pd.DataFrame:
    rows = pd.read_parquet(folder / "indicators.parquet")
    sources = pd.read_parquet(folder / "sources.parquet")
    rows = rows[rows["status"] == "reported"]
    return rows.merge(
        sources[["source_id", "published", "url", "publisher_zh", "publisher_en", "title"]],
        on="source_id",
        how="left",
    )


def row_key(row: pd.Series) -> tuple[str, str, str, str]:
    return (row["indicator_id"], row["geo_code"], row["period"], row["source_id"])


def quote_problems(rows: pd.DataFrame) -> list[str]:
    problems = []
    for _, row in rows.iterrows():
        quote = str(row["quote"] or "").strip()
        if not quote:
            problems.append(f"{row_key(row)}: no quote")
        elif not row_states_value(row) and row_key(row) not in WORDED_DIFFERENTLY:
            problems.append(f"{row_key(row)}: quote does not state {row['value']}: {quote}")
    return problems


def source_problems(rows: pd.DataFrame, as_of: str) -> list[str]:
    problems = []
    for _, row in rows.iterrows():
        if pd.isna(row["published"]):
            problems.append(f"{row_key(row)}: source not in the snapshot's registry")
            continue
        if str(row["published"]) > as_of:
            problems.append(f"{row_key(row)}: source published {row['published']} after {as_of}")
        # A document cannot report a count of a later day than its own (YYYY and YYYY-MM
        # compare as the start of their year or month).
        if row["period"] and str(row["period"]) > str(row["published"]):
            problems.append(f"{row_key(row)}: period {row['period']} after its source's date")
        for column in ("source_id", "url", "publisher_zh", "publisher_en", "title"):
            if NOT_A_SOURCE.search(str(row[column] or "")):
                problems.append(f"{row_key(row)}: {column} '{row[column]}' is not a source")
    return problems


@pytest.mark.parametrize(
    "quote, value",
    [
        ("全市3177个城市社区", 3177),
        ("3,177 urban communities", 3177),
        ("细化到全市4.18万个基础网格", 41800),
        ("专职人员0.68万", 6800),
        ("志愿服务工时累计3亿多小时", 3e8),
        ("涵盖了92%的城市社区", 92),
        ("a population of 1.3 million", 1_300_000),
        ("from 3 years to 5 years", 5),
        ("总面积16410.54平方公里", 16410.54),
        ("Die Gesamtfläche beträgt 1.455 Quadratkilometer.", 1455),
        ("Yanqing hat eine Gesamtfläche von 1.993,75 Quadratkilometern", 1993.75),
        ("betrug die ständige Wohnbevölkerung 1,255 Millionen", 1_255_000),
        ("avec une superficie totale de 1 021 kilomètres carrés", 1021),
        ("惠及790萬社區居民", 7_900_000),
        ("网格是在城市一万平米左右为基本的网格", 10_000),
        ("召开了五次的城市工作管理会议", 5),
        ("administers ten towns, one Hui Township, and six sub-districts.", 6),
    ],
)
def test_normaliser_reads_published_forms(quote: str, value: float) -> None:
    assert quote_states(quote, value)


@pytest.mark.parametrize(
    "quote, value",
    [("全市3177个城市社区", 3178), ("4.18万个基础网格", 4180), ("3,177 urban communities", 31.77)],
)
def test_normaliser_refuses_a_different_number(quote: str, value: float) -> None:
    assert not quote_states(quote, value)


def test_there_are_reported_snapshots_to_audit(repo: Path) -> None:
    names = {f.name for f in reported_snapshots(repo)}
    assert {"2019-01-09", "2026-11-27"} <= names


def test_every_reported_quote_states_its_value(repo: Path) -> None:
    problems = []
    for folder in reported_snapshots(repo):
        problems += [f"{folder.name}: {p}" for p in quote_problems(reported_rows(folder))]
    assert not problems, "\n".join(problems)


def test_every_reported_source_is_a_dated_publication(repo: Path) -> None:
    problems = []
    for folder in reported_snapshots(repo):
        as_of = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["as_of"]
        problems += [f"{folder.name}: {p}" for p in source_problems(reported_rows(folder), as_of)]
    assert not problems, "\n".join(problems)


def test_allow_list_entries_are_still_needed(repo: Path) -> None:
    """An entry whose row is gone or whose quote now reads cleanly is dead weight: remove it."""
    live = set()
    for folder in reported_snapshots(repo):
        for _, row in reported_rows(folder).iterrows():
            if not row_states_value(row):
                live.add(row_key(row))
    assert set(WORDED_DIFFERENTLY) <= live, set(WORDED_DIFFERENTLY) - live


def test_audit_catches_planted_bad_rows(repo: Path) -> None:
    folder = next(f for f in reported_snapshots(repo) if f.name == "2019-01-09")
    rows = reported_rows(folder)
    good = rows.iloc[0].copy()
    wrong_value = good.copy()
    wrong_value["value"] = good["value"] + 1
    no_quote = good.copy()
    no_quote["quote"] = ""
    late = good.copy()
    late["published"] = "2019-01-10"
    wiki = good.copy()
    wiki["url"] = "https://zh.wikipedia.org/wiki/北京市"
    future = good.copy()
    future["period"] = "2019-02"
    planted = pd.DataFrame([wrong_value, no_quote, late, wiki, future])
    assert len(quote_problems(planted)) == 2
    assert len(source_problems(planted, "2019-01-09")) == 3
    assert not quote_problems(pd.DataFrame([good]))
    assert not source_problems(pd.DataFrame([good]), "2019-01-09")


def derivation_rules(repo: Path) -> dict[str, dict]:
    curated = read_sources(repo / "data" / "sources")
    return {i["id"]: i["derivation"] for i in curated.indicators if i.get("derivation")}


def arithmetic_problems(rows: pd.DataFrame, rules: dict[str, dict]) -> list[str]:
    """Recompute each ratio, share and density from the preferred inputs of the same place (and
    period, except a land area, which is published undated and serves every period)."""
    preferred = rows[rows["preferred"] & (rows["status"] != "derived")]
    problems = []
    for _, row in rows[rows["status"] == "derived"].iterrows():
        rule = rules.get(row["indicator_id"])
        if not rule or rule["op"] not in ("ratio", "share", "density"):
            continue
        place = preferred[preferred["geo_code"] == row["geo_code"]]
        num = place[
            (place["indicator_id"] == rule["numerator"]) & (place["period"] == row["period"])
        ]
        den = place[place["indicator_id"] == rule["denominator"]]
        if rule["op"] != "density":
            den = den[den["period"] == row["period"]]
        if len(num) != 1 or len(den) != 1:
            problems.append(f"{row_key(row)}: inputs not found once ({len(num)}, {len(den)})")
            continue
        scale = 100.0 if rule["op"] == "share" else 1.0
        expected = num["value"].iloc[0] / den["value"].iloc[0] * scale
        if not math.isclose(
            row["value"], expected, rel_tol=1e-6, abs_tol=1e-4
        ):  # built to 4 places
            problems.append(f"{row_key(row)}: {row['value']} but the inputs give {expected}")
        stated = f"{num['value'].iloc[0]:,.10g} ({row['period'] or 'no date stated'}) ÷ "
        if stated not in row["note"] or f"{den['value'].iloc[0]:,.10g}" not in row["note"]:
            problems.append(f"{row_key(row)}: note does not state its inputs: {row['note']}")
    return problems


def test_every_derived_value_is_its_stated_arithmetic(repo: Path) -> None:
    rules = derivation_rules(repo)
    problems, checked = [], 0
    for folder in reported_snapshots(repo):
        rows = pd.read_parquet(folder / "indicators.parquet")
        checked += rows["indicator_id"].isin(["population_density"]).sum()
        problems += [f"{folder.name}: {p}" for p in arithmetic_problems(rows, rules)]
    assert checked > 0, "no density to check"
    assert not problems, "\n".join(problems)


def test_arithmetic_check_catches_a_wrong_density(repo: Path) -> None:
    folder = next(f for f in reported_snapshots(repo) if f.name == "2026-11-27")
    rows = pd.read_parquet(folder / "indicators.parquet")
    rules = derivation_rules(repo)
    assert not arithmetic_problems(rows, rules)
    density = rows.index[rows["indicator_id"] == "population_density"][0]
    rows.loc[density, "value"] *= 1.01
    assert len(arithmetic_problems(rows, rules)) == 1


def test_no_note_a_reader_sees_speaks_like_a_developer(repo: Path) -> None:
    """Notes, names and descriptions are shown beside the figure: no file names, field names,
    indicator ids or internal grade letters."""
    ids = set(derivation_rules(repo)) | set(
        pd.read_parquet(reported_snapshots(repo)[0] / "indicator_meta.parquet")["indicator_id"]
    )
    jargon = re.compile(
        r"period is empty|\.md\b|\.yaml\b|\.csv\b|per the research|grade [ABC]\b|\([AB]\)|\bA/B\b"
    )
    problems = []
    for folder in reported_snapshots(repo):
        rows = pd.read_parquet(folder / "indicators.parquet")
        sources = pd.read_parquet(folder / "sources.parquet")
        meta = pd.read_parquet(folder / "indicator_meta.parquet")
        notes = list(rows["note"]) + list(rows.get("note_zh", [])) + list(rows.get("note_en", []))
        notes += list(sources["note_zh"]) + list(sources["note_en"])
        for column in ("name_zh", "name_en", "description_zh", "description_en"):
            notes += list(meta[column])
        for note in set(notes):
            words = set(re.findall(r"[a-z]+(?:_[a-z]+)+", note))
            if jargon.search(note) or words & ids:
                problems.append(f"{folder.name}: {note}")
    assert not problems, "\n".join(problems)

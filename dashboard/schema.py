"""Table schemas of a snapshot, and the vocabularies they use.

Validation goes through pandera so every broken expectation is reported with the column and the
offending values, not as a bare assertion.
"""

from __future__ import annotations

import pandera.pandas as pa

SCHEMA_VERSION = 1

CITY_CODE = "110000"
NATIONAL_CODE = "100000"
# GB/T 2260 codes of Beijing's 16 districts, in the order the bureau lists them.
DISTRICT_CODES = (
    "110101",
    "110102",
    "110105",
    "110106",
    "110107",
    "110108",
    "110109",
    "110111",
    "110112",
    "110113",
    "110114",
    "110115",
    "110116",
    "110117",
    "110118",
    "110119",
)
GEO_CODES = (CITY_CODE, NATIONAL_CODE, *DISTRICT_CODES)
# Communities (only in generated scale snapshots) carry a 12-digit code under their district.
GEO_CODE_PATTERN = r"^(100000|110000|1101\d{2}(\d{6})?)$"

STATUSES = ("reported", "derived", "estimated", "sample")
QUALIFIERS = ("", "over", "nearly", "about")
# years: an age; term_years: a length of time in years; age_decade: a ten-year age band named by
# its first year, as a speaker says 五六十岁 (in their 50s and 60s), never an exact age.
UNITS = (
    "persons",
    "count",
    "percent",
    "years",
    "term_years",
    "age_decade",
    "yuan",
    "sq_m",
    "sq_km",
    "hours",
    "ratio",
    "flag",
)
TOPICS = (
    "trends",
    "milestones",
    "workforce",
    "volunteers",
    "deliberation",
    "grid_services",
    "population",
)
GRADES = ("official", "media", "statistical", "internal")
KINDS = ("reported", "sample")
MILESTONE_CATEGORIES = (
    "legal_status",
    "standards",
    "grid",
    "public_services",
    "elections",
    "social_work",
    "services",
    "mobilisation",
    "participation",
)

PERIOD_PATTERN = r"^(\d{4}(-\d{2}(-\d{2})?)?)?$"
# Quotes are kept short so a tile's popover and a slide's notes stay readable.
MAX_QUOTE_CHARS = 80

TABLES = ("indicators", "indicator_meta", "milestones", "geography", "sources", "story")


def _text(*checks: pa.Check, **kw) -> pa.Column:
    return pa.Column(str, list(checks), **kw)


INDICATORS = pa.DataFrameSchema(
    {
        "indicator_id": _text(pa.Check.str_matches(r"^[a-z][a-z0-9_]*$")),
        "geo_code": _text(pa.Check.str_matches(GEO_CODE_PATTERN)),
        "period": _text(pa.Check.str_matches(PERIOD_PATTERN)),
        "year": pa.Column("Int16", pa.Check.in_range(1949, 2100), nullable=True),
        "value": pa.Column(
            float, pa.Check(lambda s: s.notna() & (s.abs() < 1e13), element_wise=False)
        ),
        "unit": _text(pa.Check.isin(UNITS)),
        "qualifier": _text(pa.Check.isin(QUALIFIERS)),
        "status": _text(pa.Check.isin(STATUSES)),
        "source_id": _text(pa.Check.str_length(min_value=1)),
        "quote": _text(pa.Check.str_length(max_value=MAX_QUOTE_CHARS)),
        "note": _text(),
        # The note written for readers, in each language; `note` stays the curator's own (it
        # marks the preferred version). Optional so snapshots written before still load.
        "note_zh": _text(required=False),
        "note_en": _text(required=False),
        "preferred": pa.Column(bool),
    },
    checks=[
        pa.Check(
            lambda df: (
                (df["status"] != "reported")
                | (df["quote"].str.len() > 0)
                | df["note"].str.contains("no verbatim excerpt", regex=False)
            ),
            error="every reported value needs a verbatim quote",
        ),
    ],
    strict=True,
    coerce=False,
    name="indicators",
)

INDICATOR_META = pa.DataFrameSchema(
    {
        "indicator_id": _text(unique=True),
        "topic": _text(pa.Check.isin(TOPICS)),
        "unit": _text(pa.Check.isin(UNITS)),
        "name_zh": _text(pa.Check.str_length(min_value=1)),
        "name_en": _text(pa.Check.str_length(min_value=1)),
        "description_zh": _text(),
        "description_en": _text(),
        "derivation": _text(),
    },
    strict=True,
    name="indicator_meta",
)

MILESTONES = pa.DataFrameSchema(
    {
        "rank": pa.Column("Int16", pa.Check.in_range(1, 10), unique=True),
        "year": pa.Column("Int16", pa.Check.in_range(1949, 2100), nullable=True),
        "date": _text(pa.Check.str_matches(PERIOD_PATTERN)),
        "category": _text(pa.Check.isin(MILESTONE_CATEGORIES)),
        "title_zh": _text(pa.Check.str_length(min_value=1)),
        "title_en": _text(pa.Check.str_length(min_value=1)),
        "summary_zh": _text(),
        "summary_en": _text(),
        "quote": _text(pa.Check.str_length(min_value=1, max_value=MAX_QUOTE_CHARS)),
        "source_id": _text(),
        "year_source_id": _text(),
    },
    strict=True,
    name="milestones",
)

# The forty-year story: eras and turning points the speaker names, each with its quote.
STORY_KINDS = ("era", "turning_point")
# Where a year comes from: said by the speaker, the year of an event he names, or an era's bounds.
YEAR_BASES = ("stated", "event", "span")

STORY = pa.DataFrameSchema(
    {
        "key": _text(pa.Check.str_matches(r"^[a-z][a-z0-9_]*$"), unique=True),
        "kind": _text(pa.Check.isin(STORY_KINDS)),
        "year": pa.Column("Int16", pa.Check.in_range(1949, 2100)),
        "end_year": pa.Column("Int16", pa.Check.in_range(1949, 2100), nullable=True),
        "year_basis": _text(pa.Check.isin(YEAR_BASES)),
        "topic": _text(pa.Check.isin(("", *TOPICS))),
        # Space-separated ids of the indicators whose charts mark this turning point.
        "indicators": _text(),
        "title_zh": _text(pa.Check.str_length(min_value=1)),
        "title_en": _text(pa.Check.str_length(min_value=1)),
        "summary_zh": _text(),
        "summary_en": _text(),
        "quote": _text(pa.Check.str_length(min_value=1, max_value=MAX_QUOTE_CHARS)),
        "year_note_zh": _text(),
        "year_note_en": _text(),
        "source_id": _text(pa.Check.str_length(min_value=1)),
    },
    strict=True,
    name="story",
)

GEOGRAPHY = pa.DataFrameSchema(
    {
        "geo_code": _text(pa.Check.str_matches(GEO_CODE_PATTERN), unique=True),
        "level": _text(pa.Check.isin(("country", "city", "district", "community"))),
        "parent_code": _text(),
        "name_zh": _text(),
        "name_en": _text(),
        "zone_zh": _text(),
        "zone_en": _text(),
        "area_sq_km": pa.Column(float, pa.Check.gt(0), nullable=True),
        "area_source_id": _text(),
    },
    strict=True,
    name="geography",
)

SOURCES = pa.DataFrameSchema(
    {
        "source_id": _text(unique=True),
        "publisher_zh": _text(),
        "publisher_en": _text(),
        "title": _text(),
        "published": _text(pa.Check.str_matches(PERIOD_PATTERN)),
        "url": _text(),
        "grade": _text(pa.Check.isin(GRADES)),
        "reliability": _text(pa.Check.isin(("A", "B", "S"))),
        "accessed": _text(),
        "terms": _text(),
        "note": _text(),
        # Where the figures come from, in words an official can read out, in both languages.
        # Optional so snapshots written before these columns existed still load.
        "note_zh": _text(required=False),
        "note_en": _text(required=False),
    },
    strict=True,
    name="sources",
)

SCHEMAS = {
    "indicators": INDICATORS,
    "indicator_meta": INDICATOR_META,
    "milestones": MILESTONES,
    "geography": GEOGRAPHY,
    "sources": SOURCES,
    "story": STORY,
}

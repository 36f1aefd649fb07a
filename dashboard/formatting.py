"""Numbers as an official reads them: 万 and 亿 in Chinese, thousands and millions in English,
with the source's own qualifier (">", "约", "近") kept in front."""

from __future__ import annotations

import functools
import math

QUALIFIER_PREFIX = {
    "zh": {"": "", "over": ">", "nearly": "近", "about": "约"},
    "en": {"": "", "over": ">", "nearly": "nearly ", "about": "about "},
}
UNIT_SUFFIX = {
    "zh": {
        "persons": "人",
        "count": "个",
        "hours": "小时",
        "years": "岁",
        "term_years": "年",
        "age_decade": "多岁",
        "yuan": "元",
        "sq_m": "平方米",
        "sq_km": "平方千米",
        "percent": "%",
        "ratio": "",
        "flag": "",
    },
    "en": {
        "persons": "",
        "count": "",
        "hours": " h",
        "years": " yrs",
        "term_years": " years",
        "age_decade": "s",
        "yuan": " yuan",
        "sq_m": " m²",
        "sq_km": " km²",
        "percent": "%",
        "ratio": "",
        "flag": "",
    },
}
FLAG_TEXT = {"zh": {1: "是", 0: "否"}, "en": {1: "yes", 0: "no"}}


def _trim(x: float, digits: int) -> str:
    text = f"{x:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def compact(value: float, lang: str) -> str:
    """4267000 -> '426.7万' / '4.27 million'; small numbers keep their digits."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    size = abs(value)
    if lang == "zh":
        if size >= 1e8:
            return _trim(value / 1e8, 2) + "亿"
        if size >= 1e4:
            return _trim(value / 1e4, 2) + "万"
        # Below 万, Chinese writes the plain digits (3177个, 约3000元), no thousands comma.
        return _trim(value, 1).replace(",", "")
    if size >= 1e9:
        return _trim(value / 1e9, 2) + " billion"
    if size >= 1e6:
        return _trim(value / 1e6, 2) + " million"
    return _trim(value, 1)


def format_value(value: float, unit: str, lang: str, qualifier: str = "") -> str:
    """A value with its unit and qualifier, as it appears on a tile or a label."""
    if unit == "flag":
        return FLAG_TEXT[lang].get(int(value), "–")
    number = (
        _trim(value, 1)
        if unit in ("percent", "years", "term_years", "age_decade", "ratio", "sq_m", "sq_km")
        else compact(value, lang)
    )
    if unit == "ratio":
        # Densities (thousands per km²) read best whole; small ratios keep two decimals.
        number = _trim(value, 0 if abs(value) >= 100 else 2)
    return f"{QUALIFIER_PREFIX[lang].get(qualifier, '')}{number}{UNIT_SUFFIX[lang][unit]}"


def nice_ticks(max_value: float, count: int = 5) -> list[float]:
    """Round tick positions from 0 to just above max_value."""
    if not max_value or max_value <= 0:
        return [0.0]
    raw = max_value / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [i * step for i in range(math.ceil(max_value / step) + 1)]


def tick_labels(ticks: list[float], unit: str, lang: str) -> list[str]:
    if unit == "percent":
        return [f"{_trim(t, 1)}%" for t in ticks]
    return [compact(t, lang) for t in ticks]


# --- tables a reader gets: units, qualifiers and numbers in the reader's language --------------

UNIT_NAME = {
    "zh": {
        "persons": "人",
        "count": "个",
        "hours": "小时",
        "years": "岁",
        "term_years": "年",
        "age_decade": "岁(年龄段)",
        "yuan": "元",
        "sq_m": "平方米",
        "sq_km": "平方千米",
        "percent": "%",
        "ratio": "比值",
        "flag": "是/否",
    },
    "en": {
        "persons": "people",
        "count": "number",
        "hours": "hours",
        "years": "years of age",
        "term_years": "years",
        "age_decade": "age (decade)",
        "yuan": "yuan",
        "sq_m": "m²",
        "sq_km": "km²",
        "percent": "%",
        "ratio": "ratio",
        "flag": "yes/no",
    },
}
QUALIFIER_NAME = {
    "zh": {"": "", "over": "超过", "nearly": "近", "about": "约"},
    "en": {"": "", "over": "over", "nearly": "nearly", "about": "about"},
}
# Digits kept per unit, as the sources publish them; other values keep up to two.
PUBLISHED_DIGITS = {"percent": 1, "years": 1, "term_years": 1, "age_decade": 0, "sq_m": 1}


def unit_name(unit: str, lang: str) -> str:
    return UNIT_NAME[lang].get(unit, unit)


def qualifier_name(qualifier: str, lang: str) -> str:
    return QUALIFIER_NAME[lang].get(qualifier or "", qualifier or "")


def published_number(value: float, unit: str) -> float | int | None:
    """A value rounded as published: densities (ratios of 100 and more) whole, percentages and
    ages to one decimal, whole numbers without a trailing .0 (7530.0276 -> 7530)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    digits = PUBLISHED_DIGITS.get(unit, 2)
    if unit == "ratio":
        digits = 0 if abs(value) >= 100 else 2
    rounded = round(float(value), digits)
    return int(rounded) if rounded.is_integer() else rounded


# Notes repeat across rows (a sample's thousands of rows share a few), and the data view asks
# for every row on every rerun.
@functools.lru_cache(maxsize=4096)
def written_in_chinese(text: str) -> bool:
    """Mostly Chinese: an English note quoting a few Chinese words is still English."""
    chinese = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    latin = sum(ch.isascii() and ch.isalpha() for ch in text)
    return chinese * 2 >= latin and chinese > 0


def reader_note(notes: dict[str, str], lang: str) -> str:
    """The note for a reader of `lang`: its own language's note when the sources give one, else
    the plain note only when it is written in that language (never developer English in a
    Chinese table)."""
    own = (notes.get(f"note_{lang}") or "").strip()
    if own:
        return own
    plain = (notes.get("note") or "").strip()
    return plain if plain and written_in_chinese(plain) == (lang == "zh") else ""

"""Numbers as an official reads them: 万 and 亿 in Chinese, thousands and millions in English,
with the source's own qualifier (">", "约", "近") kept in front."""

from __future__ import annotations

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

"""Numbers as an official reads them, in both languages, qualifiers kept in front."""

from __future__ import annotations

import itertools
import math

import pytest

from dashboard.formatting import compact, format_value, nice_ticks, tick_labels


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (4267000, "426.7万", "4.27 million"),
        (35000, "3.5万", "35,000"),
        (82500, "8.25万", "82,500"),
        (10000, "1万", "10,000"),
        (3177, "3177", "3,177"),
        (999, "999", "999"),
        (12.5, "12.5", "12.5"),
        (0, "0", "0"),
        (-35000, "-3.5万", "-35,000"),
        (123456789, "1.23亿", "123.46 million"),
        (1.5e9, "15亿", "1.5 billion"),
    ],
)
def test_compact(value: float, zh: str, en: str) -> None:
    assert compact(value, "zh") == zh
    assert compact(value, "en") == en


@pytest.mark.parametrize("missing", [None, math.nan])
def test_compact_of_a_missing_value_is_a_dash(missing) -> None:
    assert compact(missing, "zh") == "–"
    assert compact(missing, "en") == "–"


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "zh", "en"),
    [
        (4267000, "persons", "over", ">426.7万人", ">4.27 million"),
        (3000, "yuan", "about", "约3000元", "about 3,000 yuan"),
        (27000, "persons", "nearly", "近2.7万人", "nearly 27,000"),
        (35000, "persons", "", "3.5万人", "35,000"),
        (3177, "count", "", "3177个", "3,177"),
        (1580, "count", "", "1580个", "1,580"),
        (100000, "yuan", "", "10万元", "100,000 yuan"),
        (1200000, "hours", "", "120万小时", "1.2 million h"),
        (39.3, "years", "", "39.3岁", "39.3 yrs"),
        (350, "sq_m", "", "350平方米", "350 m²"),
        (1.23456, "ratio", "", "1.23", "1.23"),
    ],
)
def test_format_value(value, unit, qualifier, zh, en) -> None:
    assert format_value(value, unit, "zh", qualifier) == zh
    assert format_value(value, unit, "en", qualifier) == en


@pytest.mark.parametrize(
    ("value", "qualifier", "zh", "en"),
    [
        (70, "over", ">70%", ">70%"),
        (90, "over", ">90%", ">90%"),
        (100, "", "100%", "100%"),
        (8.2424, "", "8.2%", "8.2%"),
        (92, "about", "约92%", "about 92%"),
    ],
)
def test_percent(value, qualifier, zh, en) -> None:
    assert format_value(value, "percent", "zh", qualifier) == zh
    assert format_value(value, "percent", "en", qualifier) == en


def test_flags_are_words() -> None:
    assert format_value(1, "flag", "zh") == "是"
    assert format_value(0, "flag", "zh") == "否"
    assert format_value(1.0, "flag", "en") == "yes"
    assert format_value(0.0, "flag", "en") == "no"
    assert format_value(2, "flag", "en") == "–"


def test_an_unknown_qualifier_is_dropped_not_shown() -> None:
    assert format_value(5, "count", "en", "roughly") == "5"


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        (100, [0, 20, 40, 60, 80, 100]),
        (118, [0, 25, 50, 75, 100, 125]),
        (7, [0, 2, 4, 6, 8]),
        (4267000 * 1.18, [0, 2000000, 4000000, 6000000]),
        (0, [0.0]),
        (-5, [0.0]),
    ],
)
def test_nice_ticks(top: float, ticks: list[float]) -> None:
    result = nice_ticks(top)
    assert result == ticks
    assert result[-1] >= top


def test_nice_ticks_always_cover_the_value() -> None:
    for top in (0.3, 1, 3.7, 12, 99, 101, 3177, 41800 * 1.18, 21893095):
        ticks = nice_ticks(top)
        assert ticks[0] == 0
        assert ticks[-1] >= top
        steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
        assert len(steps) == 1, f"uneven steps for {top}: {ticks}"


def test_tick_labels() -> None:
    assert tick_labels([0, 25, 50], "percent", "zh") == ["0%", "25%", "50%"]
    assert tick_labels([0, 2e6, 4e6], "persons", "zh") == ["0", "200万", "400万"]
    assert tick_labels([0, 2e6, 4e6], "persons", "en") == ["0", "2 million", "4 million"]
    assert tick_labels([0, 2000, 4000], "count", "zh") == ["0", "2000", "4000"]
    assert tick_labels([0, 2000, 4000], "count", "en") == ["0", "2,000", "4,000"]

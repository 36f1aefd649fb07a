"""Link parameters: good values are taken, hostile ones dropped and named."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import schema
from dashboard.i18n import LANGS
from dashboard.state import KNOWN_PARAMS, MAX_PARAM_LENGTH, LinkState, parse_link

IDS = ["2019-01-09", "2026-11-27", "sample"]


def test_no_parameters_give_the_defaults() -> None:
    state = parse_link({}, IDS)
    assert state == LinkState()
    assert (state.district, state.lang, state.snapshot, state.present, state.scene) == (
        "110000",
        "zh",
        None,
        False,
        1,
    )


def test_good_values_are_taken() -> None:
    params = {
        "district": ["110105"],
        "lang": ["en"],
        "snapshot": ["sample"],
        "present": ["1"],
        "scene": ["7"],
        "theme": ["light"],
    }
    state = parse_link(params, IDS)
    assert state.rejected == []
    assert state.district == "110105"
    assert state.lang == "en"
    assert state.snapshot == "sample"
    assert state.present is True
    assert state.scene == 7
    assert state.theme == "light"


def test_a_single_string_value_is_accepted() -> None:
    state = parse_link({"lang": "en", "district": "110000"}, IDS)
    assert (state.lang, state.district, state.rejected) == ("en", "110000", [])


def test_unknown_parameters_are_ignored_silently() -> None:
    state = parse_link({"utm_source": ["mail"], "lang": ["en"]}, IDS)
    assert (state.lang, state.rejected) == ("en", [])


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("snapshot", "../../etc/passwd"),
        ("snapshot", "/etc/passwd"),
        ("snapshot", ".."),
        ("snapshot", "2018-01-01"),
        ("district", "<script>alert(1)</script>"),
        ("district", "<script>"),
        ("district", "110100"),
        ("district", "110105 "),
        ("district", "1" * (MAX_PARAM_LENGTH + 1)),
        ("lang", "fr"),
        ("lang", "ZH"),
        ("lang", "zh\n"),
        ("lang", "en\x00"),
        ("lang", "en\x7f"),
        ("present", "yes"),
        ("scene", "0"),
        ("scene", "100"),
        ("scene", "-1"),
        ("scene", "1e3"),
        ("scene", "٣"),
        ("scene", "²"),
        ("theme", "javascript:alert(1)"),
    ],
)
def test_hostile_values_are_rejected_by_name(name: str, value: str) -> None:
    state = parse_link({name: [value]}, IDS)
    assert state.rejected == [name]
    assert getattr(state, name) == getattr(LinkState(), name), "a rejected value must not stick"


def test_repeated_keys_are_rejected() -> None:
    state = parse_link({"lang": ["en", "zh"], "district": ["110105", "110105"]}, IDS)
    assert state.rejected == ["district", "lang"]
    assert (state.lang, state.district) == ("zh", "110000")


def test_an_empty_list_is_rejected() -> None:
    assert parse_link({"district": []}, IDS).rejected == ["district"]


def test_overlong_values_are_rejected_before_any_other_check() -> None:
    long_id = "s" * (MAX_PARAM_LENGTH + 1)
    assert parse_link({"snapshot": [long_id]}, [*IDS, long_id]).rejected == ["snapshot"]


def test_every_rejected_name_is_listed_and_good_ones_kept() -> None:
    params = {
        "district": ["<script>"],
        "lang": ["en"],
        "snapshot": ["../../etc/passwd"],
        "scene": ["0"],
        "present": ["1"],
    }
    state = parse_link(params, IDS)
    assert state.rejected == ["district", "snapshot", "scene"]
    assert (state.lang, state.present, state.snapshot, state.district) == (
        "en",
        True,
        None,
        "110000",
    )


# No deadline: the first example pays for imports, which is not what this test measures.
@settings(deadline=None, max_examples=300)
@given(
    st.dictionaries(
        st.sampled_from(KNOWN_PARAMS),
        st.lists(st.text(max_size=80), max_size=3) | st.text(max_size=80),
    )
)
def test_any_input_parses_to_allowed_values_only(params) -> None:
    """Whatever a link holds, parsing never fails and never lets an unlisted value through."""
    state = parse_link(params, IDS)
    assert state.district in (schema.CITY_CODE, *schema.DISTRICT_CODES)
    assert state.lang in LANGS
    assert state.snapshot in (None, *IDS)
    assert 1 <= state.scene <= 99
    assert state.theme in ("dark", "light")
    assert set(state.rejected) <= set(params)

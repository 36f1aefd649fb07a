"""Questions the views ask of a snapshot, answered on the shipped snapshots."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import queries as q
from dashboard import schema
from dashboard.snapshot import Snapshot, load_snapshot


@pytest.fixture(scope="module")
def reported() -> Snapshot:
    return load_snapshot("2019-01-09")


@pytest.fixture(scope="module")
def later() -> Snapshot:
    return load_snapshot("2026-11-27")


@pytest.fixture(scope="module")
def sample() -> Snapshot:
    return load_snapshot("sample")


def test_latest_carries_its_provenance(reported: Snapshot) -> None:
    value = q.latest(reported, "community_workers")
    assert value is not None
    assert (value.geo_code, value.period, value.value, value.unit) == (
        "110000",
        "2019-01-09",
        35000.0,
        "persons",
    )
    assert (value.status, value.source_id) == ("reported", "bj-press-2019-01-09")
    assert value.quote == "全市35000名的社区工作者平均年龄39.3岁"


def test_latest_prefers_the_dated_value_over_an_undated_one(reported: Snapshot) -> None:
    # Undated values count as the oldest.
    value = q.latest(reported, "residents_committees")
    assert (value.period, value.value) == ("2019-01-09", 3177.0)


def test_latest_of_an_undated_only_value_keeps_its_qualifier(reported: Snapshot) -> None:
    value = q.latest(reported, "volunteers_registered")
    assert (value.period, value.value, value.qualifier) == ("", 4267000.0, "over")


def test_latest_is_none_where_nothing_is_reported(reported: Snapshot) -> None:
    assert q.latest(reported, "community_workers", "110105") is None
    assert q.latest(reported, "no_such_indicator") is None


def test_series_is_dated_and_ordered(reported: Snapshot) -> None:
    pay = q.series(reported, "community_worker_pay_floor_ratio")
    assert list(pay["period"]) == ["2017-12", "2018-01-01"]
    assert list(pay["value"]) == [70.0, 100.0]
    committees = q.series(reported, "residents_committees")
    assert list(committees["period"]) == ["2012-07", "2019-01-09"], (
        "undated values are not in a series"
    )
    assert committees["preferred"].all()


def test_series_of_several_places(sample: Snapshot) -> None:
    rows = q.series(sample, "community_workers", [schema.CITY_CODE, "110105"])
    assert set(rows["geo_code"]) == {schema.CITY_CODE, "110105"}
    for _, place in rows.groupby("geo_code"):
        assert list(place["period"]) == sorted(place["period"])


def test_district_values_latest_per_district_with_names(later: Snapshot) -> None:
    rows = q.district_values(later, "resident_population")
    assert sorted(rows["geo_code"]) == sorted(schema.DISTRICT_CODES)
    assert rows["geo_code"].is_unique
    assert set(rows["period"]) == {"2020-11-01"}, "the 2020 census, not the 2010 one"
    assert rows["name_zh"].str.len().gt(0).all() and rows["name_en"].str.len().gt(0).all()
    assert q.missing_districts(later, "resident_population") == []


def test_a_city_total_is_never_shared_out_over_districts(reported: Snapshot) -> None:
    assert q.district_values(reported, "community_workers").empty
    assert not q.has_district_data(reported, "community_workers")
    assert q.missing_districts(reported, "community_workers") == list(schema.DISTRICT_CODES)


def test_pay_rules_cover_all_sixteen_districts(reported: Snapshot) -> None:
    rows = q.district_values(reported, "pay_rules_issued")
    assert len(rows) == 16
    assert dict(zip(rows["geo_code"], rows["value"], strict=True))["110111"] == 0.0
    assert q.missing_districts(reported, "pay_rules_issued") == []


def test_the_sample_has_district_values(sample: Snapshot) -> None:
    assert len(q.district_values(sample, "community_workers")) == 16


def test_multi_period_indicators(reported: Snapshot, later: Snapshot) -> None:
    ids = q.multi_period_indicators(reported)
    assert ids == sorted(ids)
    assert {
        "community_worker_pay_floor_ratio",
        "residents_committees",
        "village_committees",
    } <= set(ids)
    assert "community_workers" not in ids, "one dated value is not a trend"
    assert q.multi_period_indicators(reported, "workforce") == ["community_worker_pay_floor_ratio"]
    assert set(ids) < set(q.multi_period_indicators(later))
    assert "volunteers_registered_volunteer_beijing" in q.multi_period_indicators(
        later, "volunteers"
    )


def test_names_and_labels(reported: Snapshot) -> None:
    assert q.indicator_name(reported, "community_workers", "en")
    assert q.indicator_name(reported, "community_workers", "zh") != q.indicator_name(
        reported, "community_workers", "en"
    )
    assert q.geo_name(reported, "110105", "zh") == "朝阳区"
    assert q.geo_name(reported, "110105", "en") == "Chaoyang"
    assert q.geo_name(reported, "999999", "en") == "999999"
    assert (
        q.source_label(reported, "bj-press-2019-01-09", "zh")
        == "北京市人民政府新闻办公室 2019-01-09"
    )
    assert q.source_label(reported, "unknown-source", "zh") == "unknown-source"
    with pytest.raises(KeyError, match="no metadata for indicator 'nope'"):
        q.meta(reported, "nope")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_values_table_joins_every_value_once(reported: Snapshot, lang: str) -> None:
    table = q.values_table(reported, lang)
    assert len(table) == len(reported.indicators)
    assert table["indicator"].notna().all()
    assert table["grade"].notna().all()


@pytest.mark.parametrize("name", ["reported", "sample"])
def test_kept_lookups_answer_as_a_plain_filter_does(name: str, request) -> None:
    """The lookups kept with a snapshot give, for every indicator, what filtering the table
    afresh gives: the preferred rows in period order, and whether any district has a value."""
    snapshot: Snapshot = request.getfixturevalue(name)
    ind = snapshot.indicators
    for indicator_id in snapshot.indicator_meta["indicator_id"]:
        plain = ind[(ind["indicator_id"] == indicator_id) & ind["preferred"]]
        plain = plain.sort_values("period", kind="stable").reset_index(drop=True)
        kept = q.preferred(snapshot, indicator_id).reset_index(drop=True)
        pd.testing.assert_frame_equal(kept, plain, check_categorical=False)
        by_district = plain["geo_code"].isin(schema.DISTRICT_CODES).any()
        assert q.has_district_data(snapshot, indicator_id) == by_district, indicator_id
    assert q.preferred(snapshot, "no_such_indicator").empty


def test_own_indicators_are_those_with_a_preferred_value_of_the_place(sample: Snapshot) -> None:
    ind = sample.indicators
    expected = set(ind.loc[ind["preferred"] & (ind["geo_code"] == "110105"), "indicator_id"])
    own = q.own_indicators(sample, "110105")
    assert set(own) == expected and len(own) == len(expected)
    assert q.own_indicators(sample, "110105") is own  # kept with the snapshot
    assert "deliberation_coverage_rural" in own


def test_has_series_says_whether_the_place_has_dated_values(sample: Snapshot) -> None:
    for indicator_id in ("deliberation_coverage_rural", "community_workers"):
        dated = not q.series(sample, indicator_id, ["110105"]).empty
        assert q.has_series(sample, indicator_id, "110105") is dated
    assert q.has_series(sample, "deliberation_coverage_rural", schema.CITY_CODE)

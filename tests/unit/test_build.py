"""The sources -> snapshot build: deterministic, in step with the shipped snapshots, derived values
computed and explained, and loud about inconsistent sources."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from dashboard import schema
from dashboard.pipeline.snapshot_build import build_all
from dashboard.pipeline.sources import SourceError, published_date, read_sources
from dashboard.snapshot import Snapshot, load_snapshot

REPORTED = ("2019-01-09", "2026-11-27")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def built(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh build of every reported snapshot; returns the data folder (parent of snapshots/)."""
    data = tmp_path_factory.mktemp("built")
    written = build_all(root=repo / "data" / "sources", out=data / "snapshots")
    assert sorted(p.name for p in written) == sorted(REPORTED)
    return data


@pytest.fixture(scope="module")
def snapshots(built: Path) -> dict[str, Snapshot]:
    return {sid: load_snapshot(sid, built) for sid in REPORTED}


def _rows(snapshot: Snapshot, indicator: str, geo: str | None = None) -> pd.DataFrame:
    ind = snapshot.indicators
    rows = ind[ind["indicator_id"] == indicator]
    return rows if geo is None else rows[rows["geo_code"] == geo]


# --- determinism and drift ------------------------------------------------------------------------


def test_two_builds_are_byte_identical(repo: Path, built: Path, tmp_path: Path) -> None:
    build_all(root=repo / "data" / "sources", out=tmp_path / "snapshots")
    for sid in REPORTED:
        first, second = _files(built / "snapshots" / sid), _files(tmp_path / "snapshots" / sid)
        assert sorted(first) == sorted(second)
        differing = [name for name in first if first[name] != second[name]]
        assert not differing, f"{sid}: files differ between two builds: {differing}"


@pytest.mark.parametrize("snapshot_id", REPORTED)
def test_shipped_snapshot_equals_a_fresh_build(repo: Path, built: Path, snapshot_id: str) -> None:
    """The committed snapshot never drifts from the sources: run `python -m dashboard build`."""
    shipped = _files(repo / "data" / "snapshots" / snapshot_id)
    fresh = _files(built / "snapshots" / snapshot_id)
    assert sorted(shipped) == sorted(fresh)
    stale = [name for name in fresh if shipped[name] != fresh[name]]
    assert not stale, f"data/snapshots/{snapshot_id} is stale in {stale}; rebuild it"


# --- derived values --------------------------------------------------------------------------------


def test_urban_deliberation_is_shown_as_said_not_as_a_percentage(snapshots) -> None:
    """全面建立 is the speaker's word for 3,177 urban communities, never turned into 100%."""
    for snapshot in snapshots.values():
        assert _rows(snapshot, "deliberation_coverage_urban").empty
    halls = _rows(snapshots["2019-01-09"], "deliberation_halls_urban", "110000").iloc[0]
    assert (halls["value"], halls["status"]) == (3177.0, "reported")
    assert "全面建立" in halls["quote"]


def test_full_time_grid_worker_share_is_derived(snapshots) -> None:
    rows = _rows(snapshots["2019-01-09"], "grid_workers_fulltime_share", "110000")
    assert len(rows) == 1
    assert rows.iloc[0]["value"] == pytest.approx(6800 / 82500 * 100, abs=1e-3)
    assert rows.iloc[0]["value"] == pytest.approx(8.24, abs=0.005)
    assert rows.iloc[0]["status"] == "derived"
    assert (
        "Full-time grid workers 6,800 (no date stated) ÷ grid workers 82,500"
        in rows.iloc[0]["note"]
    )


def test_pay_rules_flags_fourteen_done_two_pending(snapshots) -> None:
    rows = _rows(snapshots["2019-01-09"], "pay_rules_issued").set_index("geo_code")
    assert sorted(rows.index) == sorted(schema.DISTRICT_CODES)
    pending = {"110111", "110117"}
    for code, row in rows.iterrows():
        if code in pending:
            assert (row["value"], row["status"]) == (0.0, "reported"), code
            assert row["quote"], code
        else:
            assert (row["value"], row["status"]) == (1.0, "derived"), code
            assert "14 of the 16 districts" in row["note"], code
            assert "Fangshan, Pinggu" in row["note"], code


def test_late_facts_only_in_the_later_snapshot(repo: Path, snapshots) -> None:
    curated = read_sources(repo / "data" / "sources")
    by_id = {s["id"]: s for s in curated.sources}
    late = [f for f in curated.facts if published_date(f, by_id) > "2019-01-09"]
    assert late, "no fact published after the press conference"
    key = ["indicator_id", "geo_code", "period", "source_id"]

    def keys(snapshot: Snapshot) -> set[tuple]:
        return set(map(tuple, snapshot.indicators[key].itertuples(index=False)))

    early, later = keys(snapshots["2019-01-09"]), keys(snapshots["2026-11-27"])
    for fact in late:
        k = (fact["indicator"], str(fact["geo"]), str(fact.get("period") or ""), fact["source"])
        assert k not in early, f"{k} was published later but is in 2019-01-09"
        assert k in later, f"{k} is missing from 2026-11-27"
    # One named example, so a reader sees what "later" means.
    stations = _rows(snapshots["2026-11-27"], "community_service_stations", "110000")
    assert 7149.0 in set(stations["value"])
    assert 7149.0 not in set(_rows(snapshots["2019-01-09"], "community_service_stations")["value"])


@pytest.mark.parametrize("snapshot_id", REPORTED)
def test_exactly_one_preferred_row_per_indicator_place_period(snapshots, snapshot_id) -> None:
    ind = snapshots[snapshot_id].indicators
    groups = ind.groupby(["indicator_id", "geo_code", "period"])["preferred"].agg(["sum", "size"])
    assert (groups["size"] > 1).any(), "no competing values: this test checks nothing"
    wrong = groups[groups["sum"] != 1]
    assert wrong.empty, f"groups without exactly one preferred row:\n{wrong}"


# --- refusals --------------------------------------------------------------------------------------


@pytest.fixture
def sources_copy(repo: Path, tmp_path: Path) -> Path:
    target = tmp_path / "sources"
    shutil.copytree(repo / "data" / "sources", target)
    return target


def test_a_c_grade_source_used_by_a_fact_is_refused(sources_copy: Path, tmp_path: Path) -> None:
    registry = sources_copy / "registry" / "press_conference.yaml"
    text = registry.read_text(encoding="utf-8")
    assert text.count("reliability: A") == 1
    registry.write_text(text.replace("reliability: A", "reliability: C"), encoding="utf-8")
    with pytest.raises(SourceError, match="source 'bj-press-2019-01-09' is grade C"):
        build_all(root=sources_copy, out=tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_duplicate_indicator_ids_are_refused(sources_copy: Path, tmp_path: Path) -> None:
    (sources_copy / "extra.yaml").write_text(
        "indicators:\n"
        "  - id: community_workers\n"
        "    topic: workforce\n"
        "    unit: persons\n"
        "    name_zh: 重复\n"
        "    name_en: Duplicate\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="duplicate id 'community_workers'"):
        build_all(root=sources_copy, out=tmp_path / "out")


def test_a_missing_sources_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no curated sources folder"):
        read_sources(tmp_path / "nowhere")


def _add_fact(sources: Path, fact: str) -> None:
    path = sources / "trends" / "public.yaml"
    path.write_text(path.read_text(encoding="utf-8") + fact, encoding="utf-8")


def test_an_encyclopaedia_source_is_refused_by_name(sources_copy: Path, tmp_path: Path) -> None:
    (sources_copy / "registry" / "extra.yaml").write_text(
        "sources:\n"
        "  - id: district-profile\n"
        "    publisher_zh: 维基\n"
        "    publisher_en: Online encyclopaedia\n"
        "    title: Fengtai District\n"
        "    published: 2020-01-01\n"
        "    url: https://de.wikiup.org/wiki/Fengtai\n"
        "    grade: media\n"
        "    reliability: B\n",
        encoding="utf-8",
    )
    with pytest.raises(
        SourceError, match=r"source 'district-profile': url .*wikiup.* encyclopaedia"
    ):
        build_all(root=sources_copy, out=tmp_path / "out")


@pytest.mark.parametrize(
    "url",
    [
        "http://h2878021.stratoserver.net/en/china/",
        "http://demographia.com/db.htm",
        "https://qbook.qq.com/read/1026244315/13",
    ],
)
def test_an_aggregator_source_is_refused(sources_copy: Path, tmp_path: Path, url: str) -> None:
    registry = sources_copy / "registry" / "public.yaml"
    text = registry.read_text(encoding="utf-8")
    old = "url: https://www.bjnews.com.cn/detail/165625144414992.html"
    assert old in text
    registry.write_text(text.replace(old, f"url: {url}"), encoding="utf-8")
    with pytest.raises(SourceError, match="bjnews-2022-06-26-community-organisations"):
        build_all(root=sources_copy, out=tmp_path / "out")


def test_a_fact_dated_apart_from_its_document_is_refused(
    sources_copy: Path, tmp_path: Path
) -> None:
    _add_fact(
        sources_copy,
        "- indicator: towns\n  geo: '110105'\n  period: '2018'\n  value: 19\n"
        "  source: bjnews-2022-06-26-community-organisations\n  quote: 19个\n"
        "  published: 2018-12-31\n",
    )
    with pytest.raises(SourceError, match="towns/110105/2018: a fact may not carry its own"):
        build_all(root=sources_copy, out=tmp_path / "out")


def test_a_reported_value_without_a_quote_is_refused(sources_copy: Path, tmp_path: Path) -> None:
    _add_fact(
        sources_copy,
        "- indicator: towns\n  geo: '110105'\n  period: '2022'\n  value: 19\n"
        "  source: bjnews-2022-06-26-community-organisations\n  quote: ''\n",
    )
    with pytest.raises(SourceError, match="towns/110105/2022: reported value without its verbatim"):
        build_all(root=sources_copy, out=tmp_path / "out")


def test_a_source_published_after_the_snapshot_is_refused(
    sources_copy: Path, tmp_path: Path
) -> None:
    """A milestone cannot enter the press-conference snapshot on a document of 2022."""
    path = sources_copy / "milestones" / "ten_firsts.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "year_source: bj-press-2019-01-09",
            "year_source: mzj-2022-04-18-civil-affairs-statistics",
            1,
        ),
        encoding="utf-8",
    )
    with pytest.raises(
        SourceError,
        match=r"as of 2019-01-09: milestone 1 \(year\) cites "
        r"'mzj-2022-04-18-civil-affairs-statistics', published 2022-04-18",
    ):
        build_all(root=sources_copy, out=tmp_path / "out")


def test_districts_whose_areas_exceed_the_city_are_refused(
    sources_copy: Path, tmp_path: Path
) -> None:
    # 2,000 km² for the city against the districts' areas of the shipped sources (over 16,000).
    _add_fact(
        sources_copy,
        "- indicator: district_area\n  geo: '110000'\n  period: ''\n  value: 2000\n"
        "  source: bjnews-2022-06-26-community-organisations\n  quote: 2000平方千米\n",
    )
    with pytest.raises(SourceError, match=r"district_area: the \d+ districts add up to .* allowed"):
        build_all(root=sources_copy, out=tmp_path / "out")


def test_districts_adding_up_within_one_percent_pass(snapshots) -> None:
    from dashboard.pipeline.snapshot_build import area_problems

    ind = snapshots["2026-11-27"].indicators
    areas = ind[(ind["indicator_id"] == "district_area") & ind["preferred"]]
    districts = areas[areas["geo_code"].isin(schema.DISTRICT_CODES)]
    total = districts["value"].sum()
    city = districts.iloc[:1].assign(geo_code=schema.CITY_CODE, value=total * 1.009)
    assert area_problems(pd.concat([ind, city])) == []
    too_small = districts.iloc[:1].assign(geo_code=schema.CITY_CODE, value=total / 1.02)
    assert area_problems(pd.concat([ind, too_small]))


def test_the_shipped_sources_obey_the_policy(repo: Path) -> None:
    """Every source in the registry is a document with its own date, none an encyclopaedia."""
    from dashboard.pipeline.sources import policy_problems

    curated = read_sources(repo / "data" / "sources")
    assert [p for s in curated.sources for p in policy_problems(s)] == []
    implied = [s["id"] for s in curated.sources if "safely implied" in str(s.get("note") or "")]
    assert not implied, f"sources dated by their content, not by the document: {implied}"


# --- the statistical division codes ----------------------------------------------------------------


def _division(snapshot: Snapshot, kind: str, period: str) -> pd.DataFrame:
    rows = _rows(snapshot, f"division_{kind}")
    return rows[rows["period"] == period].set_index("geo_code")


def test_the_2018_edition_against_the_press_conference(snapshots) -> None:
    """3,920 villagers' committees exactly; residents' committees 34 more than the 3,177 said."""
    later = snapshots["2026-11-27"]
    villagers = _division(later, "villagers_committees", "2018-10-31")
    residents = _division(later, "residents_committees", "2018-10-31")
    assert villagers.at[schema.CITY_CODE, "value"] == 3920.0
    assert residents.at[schema.CITY_CODE, "value"] - 3177.0 == 34.0
    press = _rows(later, "residents_committees", schema.CITY_CODE)
    assert 3177.0 in set(press["value"]), "the press conference's own count is kept beside it"


def test_every_district_has_every_edition_of_committees_and_townships(snapshots) -> None:
    later = snapshots["2026-11-27"]
    cutoffs = {
        "2016-07-31",
        "2017-10-31",
        "2018-10-31",
        "2019-10-31",
        "2020-06-30",
        "2021-10-31",
        "2022-10-31",
        "2023-06-30",
    }
    for kind in (
        "residents_committees",
        "villagers_committees",
        "subdistricts",
        "towns",
        "townships",
        "area_offices",
        "other_village_units",
    ):
        rows = _rows(later, f"division_{kind}")
        for code in (schema.CITY_CODE, *schema.DISTRICT_CODES):
            assert set(rows.loc[rows["geo_code"] == code, "period"]) == cutoffs, (kind, code)
        assert set(rows["status"]) == {"derived"}
        assert rows["note"].str.contains("not the civil affairs bureau's count").all()
        by_period = rows.groupby([rows["geo_code"] == schema.CITY_CODE, "period"])["value"].sum()
        assert by_period[True].equals(by_period[False]), f"{kind}: districts do not add up"


def test_an_edition_enters_only_snapshots_after_its_publication(snapshots) -> None:
    early = _rows(snapshots["2019-01-09"], "division_villagers_committees")
    # The 2018 edition (cut-off 2018-10-31) was published on 2019-01-31, after the conference.
    assert set(early["period"]) == {"2016-07-31", "2017-10-31"}
    assert set(early["source_id"]) == {"nbs-division-codes-2016", "nbs-division-codes-2017"}


def test_division_counts_keep_every_unit(repo: Path) -> None:
    """Each edition's counts add up to all its units: leftovers are counted, not dropped."""
    import csv

    import yaml

    folder = repo / "data" / "sources" / "division_codes"
    editions = yaml.safe_load((folder / "editions.yaml").read_text(encoding="utf-8"))
    with (folder / "counts.csv").open(encoding="utf-8") as handle:
        counts = list(csv.DictReader(handle))
    village = {
        "residents_committees",
        "villagers_committees",
        "other_village_units",
        "unmatched_village_units",
    }
    for edition in editions["editions"]:
        rows = [r for r in counts if r["edition"] == edition["edition"]]
        units = sum(int(r["count"]) for r in rows if r["kind"] in village)
        townships = sum(int(r["count"]) for r in rows if r["kind"] not in village)
        assert (units, townships) == (edition["village_units"], edition["township_units"])
        assert edition["integrity"].startswith("sha512-")
    with (folder / "leftovers.csv").open(encoding="utf-8") as handle:
        listed = [r for r in csv.DictReader(handle) if r["kind"] == "other_township_units"]
    other = sum(int(r["count"]) for r in counts if r["kind"] == "other_township_units")
    assert len(listed) == other, "every unit no rule claims is listed by name"


@pytest.mark.parametrize("snapshot_id", REPORTED)
def test_no_shown_value_says_another_is_preferred(snapshots, snapshot_id) -> None:
    """A value shown (preferred) whose note calls it the alternative says why it is shown."""
    ind = snapshots[snapshot_id].indicators
    shown = ind[ind["preferred"]]
    wrong = shown[shown["note"].str.lower().str.startswith("alternative")]
    assert wrong.empty, wrong[["indicator_id", "geo_code", "period", "note"]].to_string()


def _division_script():
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "scripts" / "division_codes.py"
    spec = importlib.util.spec_from_file_location("division_codes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("code", "name", "kind"),
    [
        ("110101001001", "多福巷社区居委会", "residents_committees"),  # up to the 2018 edition
        ("110101001001", "多福巷社区", "residents_committees"),  # from 2019: the suffix dropped
        ("110115009002", "鸿博家园第二社区委员会", "residents_committees"),
        ("110112104201", "永合庄村", "villagers_committees"),  # 2019 on: a bare village name
        ("110112104201", "永合庄村民委员会", "villagers_committees"),
        ("110115403498", "北京经济技术开发区虚拟社区", "other_village_units"),  # numbered 400+
        ("110115104400", "亦庄镇东工业区", "other_village_units"),
        (
            "110112104050",
            "永合庄村",
            "unmatched_village_units",
        ),  # a village numbered as a community
    ],
)
def test_the_written_rule_for_village_level_units(code: str, name: str, kind: str) -> None:
    assert _division_script().village_kind(code, name) == kind


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("东华门街道办事处", "subdistricts"),
        ("东华门街道", "subdistricts"),
        ("南磨房地区办事处", "area_offices"),
        ("南磨房地区", "area_offices"),
        ("宋庄镇", "towns"),
        ("于家务回族乡", "townships"),
        ("大兴国际机场", "other_township_units"),
    ],
)
def test_the_written_rule_for_township_level_units(name: str, kind: str) -> None:
    assert _division_script().township_kind(name) == kind

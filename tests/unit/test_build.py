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


def test_urban_deliberation_coverage_is_derived_with_its_arithmetic(snapshots) -> None:
    rows = _rows(snapshots["2019-01-09"], "deliberation_coverage_urban", "110000")
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["value"] == 100.0
    assert row["status"] == "derived"
    assert row["quote"] == ""
    assert row["note"] == (
        "deliberation_halls_urban 3177 ÷ residents_committees 3177 × 100 "
        "(sources: bj-press-2019-01-09)"
    )


def test_full_time_grid_worker_share_is_derived(snapshots) -> None:
    rows = _rows(snapshots["2019-01-09"], "grid_workers_fulltime_share", "110000")
    assert len(rows) == 1
    assert rows.iloc[0]["value"] == pytest.approx(6800 / 82500 * 100, abs=1e-3)
    assert rows.iloc[0]["value"] == pytest.approx(8.24, abs=0.005)
    assert rows.iloc[0]["status"] == "derived"
    assert "grid_workers_fulltime 6800 ÷ grid_workers 82500 × 100" in rows.iloc[0]["note"]


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
            assert "districts_pay_rules_issued = 14 of 16" in row["note"], code
            assert "110111, 110117" in row["note"], code


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

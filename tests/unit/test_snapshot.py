"""The snapshot loader: each kind of damage is refused with its own message naming the file and
the problem; the cache is reused until a file changes; ids never become paths."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dashboard.pipeline.writer import _write_parquet
from dashboard.snapshot import (
    SnapshotError,
    list_snapshots,
    load_snapshot,
    sha256_file,
    snapshot_path,
    validate_snapshot,
)

SID = "2019-01-09"


def _folder(data_dir: Path, sid: str = SID) -> Path:
    return data_dir / "snapshots" / sid


def _recompute_checksum(data_dir: Path, table: str, sid: str = SID) -> None:
    """Make the manifest agree with a damaged file, so the damage itself is what gets caught."""
    folder = _folder(data_dir, sid)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["tables"][table]["sha256"] = sha256_file(folder / f"{table}.parquet")
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def _refusal(sid: str = SID) -> str:
    with pytest.raises(SnapshotError) as info:
        load_snapshot(sid)
    return str(info.value)


def test_the_shipped_snapshots_load(data_dir: Path) -> None:
    for sid in list_snapshots():
        snapshot = load_snapshot(sid)
        assert snapshot.id == sid
        assert len(snapshot.indicators) > 0


# --- each bad input, its own message -------------------------------------------------------------


def test_missing_table_file(data_dir: Path) -> None:
    (_folder(data_dir) / "milestones.parquet").unlink()
    assert _refusal() == f"{SID}/milestones.parquet: table 'milestones' is missing"


def test_truncated_parquet(data_dir: Path) -> None:
    file = _folder(data_dir) / "indicators.parquet"
    data = file.read_bytes()
    file.write_bytes(data[: len(data) // 2])
    _recompute_checksum(data_dir, "indicators")
    message = _refusal()
    assert message.startswith(f"{SID}/indicators.parquet: not a readable Parquet file")


def test_truncated_parquet_without_new_checksum_is_a_checksum_mismatch(data_dir: Path) -> None:
    file = _folder(data_dir) / "indicators.parquet"
    file.write_bytes(file.read_bytes()[:100])
    assert _refusal() == (
        f"{SID}/indicators.parquet: checksum does not match the manifest (file changed or damaged)"
    )


def test_corrupt_bytes_with_matching_checksum(data_dir: Path) -> None:
    file = _folder(data_dir) / "geography.parquet"
    data = bytearray(file.read_bytes())
    # Overwrite the footer (its length and the closing magic bytes): no reader can find the schema.
    data[-8:] = b"\x00" * 8
    file.write_bytes(bytes(data))
    _recompute_checksum(data_dir, "geography")
    assert _refusal().startswith(f"{SID}/geography.parquet: not a readable Parquet file")


@pytest.mark.parametrize("metadata", [b"{not json", b"\xff\xfe\xfd"], ids=["bad-json", "bad-utf8"])
def test_corrupt_pandas_metadata_is_refused_not_raised(data_dir: Path, metadata: bytes) -> None:
    """Damage inside the pandas metadata surfaces as a ValueError from pyarrow; it must still be a
    SnapshotError, or the app cannot fall back to a good snapshot."""
    file = _folder(data_dir) / "milestones.parquet"
    table = pq.read_table(file)
    pq.write_table(table.replace_schema_metadata({b"pandas": metadata}), file)
    _recompute_checksum(data_dir, "milestones")
    assert _refusal().startswith(f"{SID}/milestones.parquet: not a readable Parquet file")
    assert validate_snapshot(SID)[0].startswith(f"{SID}/milestones.parquet: not a readable")


def test_wrong_column_type(data_dir: Path) -> None:
    file = _folder(data_dir) / "indicators.parquet"
    frame = pq.read_table(file).to_pandas()
    frame["value"] = frame["value"].astype(str)
    _write_parquet(frame, file)
    _recompute_checksum(data_dir, "indicators")
    message = _refusal()
    assert message.startswith(f"{SID}/indicators.parquet: wrong schema:")
    assert "column 'value'" in message


def test_row_count_differs_from_manifest(data_dir: Path) -> None:
    file = _folder(data_dir) / "sources.parquet"
    frame = pq.read_table(file).to_pandas()
    _write_parquet(frame.iloc[:-1], file)
    _recompute_checksum(data_dir, "sources")
    assert _refusal() == f"{SID}/sources.parquet: {len(frame) - 1} rows, manifest says {len(frame)}"


def test_checksum_mismatch(data_dir: Path) -> None:
    # A valid Parquet file, but not the one the manifest vouches for.
    shutil.copyfile(
        _folder(data_dir, "2026-11-27") / "indicators.parquet",
        _folder(data_dir) / "indicators.parquet",
    )
    assert _refusal() == (
        f"{SID}/indicators.parquet: checksum does not match the manifest (file changed or damaged)"
    )


def test_unknown_snapshot_id(data_dir: Path) -> None:
    assert _refusal("1999-12-31") == "unknown snapshot '1999-12-31': no such snapshot in snapshots/"


@pytest.mark.parametrize(
    "bad_id", ["../../etc/passwd", "/etc/passwd", "..", "a/b", "x" * 200, "", ".hidden", "a\x00b"]
)
def test_path_like_ids_are_not_valid(data_dir: Path, bad_id: str) -> None:
    message = _refusal(bad_id)
    assert message.endswith("is not a valid snapshot id")
    assert len(message) < 120, "the refusal must not echo an unbounded id"
    with pytest.raises(SnapshotError, match="is not a valid snapshot id"):
        snapshot_path(bad_id)


def test_validate_lists_every_problem(data_dir: Path) -> None:
    folder = _folder(data_dir)
    (folder / "milestones.parquet").unlink()
    (folder / "sources.parquet").write_bytes(b"not parquet")
    problems = validate_snapshot(SID)
    assert problems == [
        f"{SID}/milestones.parquet: table 'milestones' is missing",
        f"{SID}/sources.parquet: checksum does not match the manifest (file changed or damaged)",
    ]


def test_validate_returns_nothing_for_sound_snapshots(data_dir: Path) -> None:
    assert {sid: validate_snapshot(sid) for sid in list_snapshots()} == {
        sid: [] for sid in list_snapshots()
    }


def test_validate_reports_an_unknown_id(data_dir: Path) -> None:
    assert validate_snapshot("../x") == ["'../x' is not a valid snapshot id"]


# --- caching ---------------------------------------------------------------------------------------


def test_loading_twice_returns_the_same_object(data_dir: Path) -> None:
    assert load_snapshot(SID) is load_snapshot(SID)


def test_touching_a_file_invalidates_the_cache(data_dir: Path) -> None:
    first = load_snapshot(SID)
    file = _folder(data_dir) / "geography.parquet"
    stat = file.stat()
    os.utime(file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    second = load_snapshot(SID)
    assert second is not first
    assert second.fingerprint != first.fingerprint
    assert load_snapshot(SID) is second


def test_damage_after_caching_is_noticed(data_dir: Path) -> None:
    load_snapshot(SID)
    (_folder(data_dir) / "indicators.parquet").write_bytes(b"broken")
    assert "checksum does not match" in _refusal()


# --- listing ---------------------------------------------------------------------------------------


def test_list_snapshots_default_first_sample_last(data_dir: Path) -> None:
    root = data_dir / "snapshots"
    for extra in ("0000-early", "2020-05-01", "zz-late"):
        shutil.copytree(root / "2026-11-27", root / extra)
    (root / "no-manifest").mkdir()
    (root / ".tmp-2030-abc").mkdir()
    assert list_snapshots() == [
        "2026-11-27",
        "0000-early",
        "2019-01-09",
        "2020-05-01",
        "zz-late",
        "sample",
    ]


def test_list_snapshots_of_an_empty_folder(tmp_path: Path) -> None:
    assert list_snapshots(tmp_path) == []

"""The atomic snapshot writer: an existing snapshot is never overwritten by accident, and a failed
write leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest

import dashboard.pipeline.writer as writer
from dashboard import schema
from dashboard.pipeline.writer import SnapshotExistsError, write_snapshot
from dashboard.snapshot import load_snapshot, validate_snapshot

SID = "2019-01-09"


def _tables_and_manifest(new_id: str) -> tuple[dict, dict]:
    snapshot = load_snapshot(SID)
    tables = {name: getattr(snapshot, name) for name in schema.TABLES}
    manifest = {k: v for k, v in snapshot.manifest.items() if k not in ("tables", "schema_version")}
    return tables, {**manifest, "id": new_id}


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith((".tmp-", ".old-")))


def test_refuses_to_overwrite_and_leaves_the_folder_untouched(data_dir: Path) -> None:
    root = data_dir / "snapshots"
    before = _tree(root / SID)
    tables, manifest = _tables_and_manifest(SID)
    with pytest.raises(SnapshotExistsError, match=f"snapshot '{SID}' already exists"):
        write_snapshot(tables, manifest, root, replace=False)
    assert _tree(root / SID) == before
    assert _leftovers(root) == []


def test_a_failure_mid_write_leaves_no_folder(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = data_dir / "snapshots"
    real_write = writer._write_parquet
    calls: list[str] = []

    def failing_write(frame, file: Path) -> None:
        calls.append(file.name)
        if len(calls) == 3:
            raise OSError("disk full (simulated)")
        real_write(frame, file)

    monkeypatch.setattr(writer, "_write_parquet", failing_write)
    tables, manifest = _tables_and_manifest("2030-01-01")
    with pytest.raises(OSError, match="disk full"):
        write_snapshot(tables, manifest, root)
    assert len(calls) == 3
    assert not (root / "2030-01-01").exists()
    assert _leftovers(root) == []


def test_a_failure_while_replacing_keeps_the_old_snapshot(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = data_dir / "snapshots"
    before = _tree(root / SID)
    tables, manifest = _tables_and_manifest(SID)

    def failing_write(frame, file: Path) -> None:
        raise OSError("interrupted (simulated)")

    monkeypatch.setattr(writer, "_write_parquet", failing_write)
    with pytest.raises(OSError, match="interrupted"):
        write_snapshot(tables, manifest, root, replace=True)
    assert _tree(root / SID) == before
    assert _leftovers(root) == []


def test_a_written_snapshot_loads_and_validates(data_dir: Path) -> None:
    root = data_dir / "snapshots"
    tables, manifest = _tables_and_manifest("2030-01-01")
    path = write_snapshot(tables, manifest, root)
    assert path == root / "2030-01-01"
    assert validate_snapshot("2030-01-01") == []
    copy = load_snapshot("2030-01-01")
    assert copy.indicators.equals(load_snapshot(SID).indicators)
    # Same tables, same settings: the same bytes as the snapshot it was copied from.
    for name in schema.TABLES:
        assert (path / f"{name}.parquet").read_bytes() == (
            root / SID / f"{name}.parquet"
        ).read_bytes()


def test_an_invalid_id_is_refused_before_anything_is_written(data_dir: Path) -> None:
    root = data_dir / "snapshots"
    tables, manifest = _tables_and_manifest("../escape")
    with pytest.raises(ValueError, match="not a valid snapshot id"):
        write_snapshot(tables, manifest, root)
    assert not (data_dir / "escape").exists()
    assert _leftovers(root) == []

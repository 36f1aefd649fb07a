"""The atomic snapshot writer: an existing snapshot is never overwritten by accident, and a failed
write leaves nothing behind."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

import dashboard.pipeline.writer as writer
from dashboard import schema
from dashboard.pipeline.importer import import_file
from dashboard.pipeline.writer import SnapshotExistsError, write_snapshot
from dashboard.snapshot import DEFAULT_SNAPSHOT, folder_problems, load_snapshot, validate_snapshot

SID = DEFAULT_SNAPSHOT  # the one whose loss is visible to every viewer
REPO = Path(__file__).resolve().parents[2]


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


# --- permissions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("umask", "folder", "file"), [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)]
)
def test_snapshots_get_the_umask_permissions_not_private_ones(
    data_dir: Path, umask: int, folder: int, file: int
) -> None:
    """Found: folders were 0700 (mkdtemp), so a server under another account could not list them."""
    root = data_dir / "snapshots"
    tables, manifest = _tables_and_manifest("2030-01-01")
    previous = os.umask(umask)
    try:
        path = write_snapshot(tables, manifest, root)
        write_snapshot(*_tables_and_manifest(SID), root, replace=True)
    finally:
        os.umask(previous)
    for written in (path, root / SID):
        assert stat.S_IMODE(written.stat().st_mode) == folder
        assert {stat.S_IMODE(p.stat().st_mode) for p in written.iterdir()} == {file}


# --- a write killed at every step -----------------------------------------------------------------

KILL_SCRIPT = """
import os, signal, sys
from pathlib import Path
import dashboard.snapshot as snapshot
import dashboard.pipeline.writer as writer
from dashboard import schema
from dashboard.pipeline.importer import import_file

data_dir, step, by_renames = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "1"
snapshot.DATA_DIR = data_dir
old = snapshot.load_snapshot("{sid}")
tables = {{name: getattr(old, name) for name in schema.TABLES}}
manifest = {{k: v for k, v in old.manifest.items() if k not in ("tables", "schema_version")}}
manifest["title_en"] = "rebuilt"
if by_renames:
    def no_exchange(a, b):
        raise OSError(22, "Invalid argument")
    writer.exchange = no_exchange

def kill_at(name):
    if name == step:
        os.kill(os.getpid(), signal.SIGKILL)

writer.after_step = kill_at
writer.write_snapshot(tables, manifest, data_dir / "snapshots", replace=True)
"""


def _killed_build(data_dir: Path, step: str, by_renames: bool) -> int:
    script = KILL_SCRIPT.format(sid=SID)
    args = [sys.executable, "-c", script, str(data_dir), step, "1" if by_renames else "0"]
    return subprocess.run(args, cwd=REPO, capture_output=True, timeout=120).returncode


@pytest.mark.parametrize(
    ("step", "by_renames"),
    [
        ("writing", False),
        ("written", False),
        ("swapped", False),
        ("cleaned", False),
        ("written", True),
        ("swapped", True),
        ("cleaned", True),
    ],
)
def test_a_build_killed_at_any_step_leaves_a_readable_snapshot(
    data_dir: Path, step: str, by_renames: bool
) -> None:
    """Found: kill -9 between the swap's two renames left no 2019-01-09 folder at all. Now the
    folders are exchanged in one step, and where that is not possible the next write restores."""
    root = data_dir / "snapshots"
    assert _killed_build(data_dir, step, by_renames) == -signal.SIGKILL
    title = load_snapshot(SID).manifest["title_en"]
    assert title == (
        "rebuilt" if step in ("swapped", "cleaned") else load_snapshot(SID).title("en")
    )
    assert validate_snapshot(SID) == []
    writer.recover(root)
    assert load_snapshot(SID).manifest["title_en"] == title


def test_a_build_killed_between_two_renames_is_flagged_and_restored(data_dir: Path) -> None:
    """Where the file system cannot exchange two folders, the one moment without the snapshot is
    between the renames: validate says so, and the next build or import puts it back."""
    root = data_dir / "snapshots"
    before = _tree(root / SID)
    assert _killed_build(data_dir, "set_aside", by_renames=True) == -signal.SIGKILL
    assert not (root / SID).exists()
    problems = folder_problems()
    assert f"the default snapshot {SID} is missing; run: python -m dashboard build" in problems
    assert any(p.startswith(f".old-{SID}-") and "interrupted" in p for p in problems)
    assert any(p.startswith(f".tmp-{SID}-") for p in problems)
    # An import on the default base restores it first, then finds its base.
    content = (REPO / "tests" / "fixtures" / "import" / "chaoyang_gbk.csv").read_bytes()
    outcome = import_file(content, "chaoyang.csv", "2030-01-01", data_dir=data_dir)
    assert outcome.base_id == SID
    assert _tree(root / SID) == before
    assert validate_snapshot(SID) == validate_snapshot("2030-01-01") == []
    assert not any(p.startswith(".old-") for p in _leftovers(root))


def test_an_hour_old_leftover_never_costs_the_set_aside_snapshot(data_dir: Path) -> None:
    """Found: an import an hour after a killed build deleted both hidden copies."""
    root = data_dir / "snapshots"
    new = _tables_and_manifest("2030-01-01")
    assert _killed_build(data_dir, "set_aside", by_renames=True) == -signal.SIGKILL
    hour_ago = time.time() - 2 * writer.STALE_AFTER_SECONDS
    for leftover in _leftovers(root):
        os.utime(root / leftover, (hour_ago, hour_ago))
    write_snapshot(*new, root)
    assert validate_snapshot(SID) == []
    assert _leftovers(root) == []


# --- links in the snapshot folder -----------------------------------------------------------------


def test_a_dangling_link_is_reported_and_never_fatal(data_dir: Path) -> None:
    """Found: a dangling symlink made every import fail with "No such file" and build crash."""
    root = data_dir / "snapshots"
    (root / "ghost").symlink_to(data_dir / "nowhere")
    old = time.time() - 2 * writer.STALE_AFTER_SECONDS
    os.utime(root / "ghost", (old, old), follow_symlinks=False)
    assert "ghost: a link to a folder that does not exist" in folder_problems()
    write_snapshot(*_tables_and_manifest("2030-01-01"), root)
    write_snapshot(*_tables_and_manifest(SID), root, replace=True)
    with pytest.raises(SnapshotExistsError, match="snapshots/ghost is a link to a folder"):
        write_snapshot(*_tables_and_manifest("ghost"), root)
    write_snapshot(*_tables_and_manifest("ghost"), root, replace=True)  # the build owns its ids
    assert validate_snapshot("ghost") == []


def test_the_community_scale_snapshot_is_written_the_same_way(data_dir: Path) -> None:
    """The benchmark's large snapshot has its own writer: ordinary permissions and the one-step
    exchange there too."""
    from dashboard.pipeline import scale

    root = data_dir / "snapshots"
    tables, manifest = _tables_and_manifest("scale-test")
    previous = os.umask(0o022)
    try:
        path = scale._write(tables, manifest, root)
        again = scale._write(tables, {**manifest, "title_en": "again"}, root)
    finally:
        os.umask(previous)
    assert path == again and stat.S_IMODE(path.stat().st_mode) == 0o755
    assert {stat.S_IMODE(p.stat().st_mode) for p in path.iterdir()} == {0o644}
    assert load_snapshot("scale-test").manifest["title_en"] == "again"
    assert _leftovers(root) == []

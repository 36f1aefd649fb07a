"""Write a snapshot folder atomically: a temporary folder, renamed into place only when complete."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard import schema
from dashboard.snapshot import is_valid_snapshot_id, sha256_file


class SnapshotExistsError(Exception):
    """The target snapshot exists and must not be overwritten."""


def _write_parquet(frame: pd.DataFrame, file: Path) -> None:
    table = pa.Table.from_pandas(frame.reset_index(drop=True), preserve_index=False)
    # Fixed settings so unchanged sources give byte-identical files.
    pq.write_table(table, file, compression="zstd", compression_level=9, write_statistics=False)


def write_snapshot(
    tables: dict[str, pd.DataFrame],
    manifest: dict,
    snapshots_root: Path,
    *,
    replace: bool = False,
) -> Path:
    """Validate, write and move a snapshot into `snapshots_root/<id>`.

    With `replace=False` an existing snapshot is never touched. With `replace=True` (the build of
    shipped snapshots, which own their folders) the old folder is swapped out only after the new one
    is complete. An interruption leaves at most a hidden temporary folder, removed later.
    """
    snapshot_id = manifest["id"]
    if not is_valid_snapshot_id(snapshot_id):
        raise ValueError(f"'{snapshot_id}' is not a valid snapshot id")
    for name in schema.TABLES:
        schema.SCHEMAS[name].validate(tables[name], lazy=True)
    snapshots_root.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(snapshots_root)
    target = snapshots_root / snapshot_id
    if target.exists() and not replace:
        raise SnapshotExistsError(f"snapshot '{snapshot_id}' already exists; choose another id")
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{snapshot_id}-", dir=snapshots_root))
    try:
        entries = {}
        for name in schema.TABLES:
            file = tmp / f"{name}.parquet"
            _write_parquet(tables[name], file)
            entries[name] = {
                "file": file.name,
                "rows": len(tables[name]),
                "sha256": sha256_file(file),
            }
        full = {**manifest, "schema_version": schema.SCHEMA_VERSION, "tables": entries}
        (tmp / "manifest.json").write_text(
            json.dumps(full, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        if replace and target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".old-{snapshot_id}-", dir=snapshots_root))
            target.rename(old / "snapshot")
            tmp.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            _rename_without_replacing(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _rename_without_replacing(tmp: Path, target: Path) -> None:
    """Move into place; if another writer created the target meanwhile, the rename fails
    (a directory is never renamed over a non-empty one) and their snapshot stays."""
    try:
        tmp.rename(target)
    except OSError as exc:
        if target.exists():
            raise SnapshotExistsError(
                f"snapshot '{target.name}' already exists; choose another id"
            ) from exc
        raise


# A temporary folder this old belongs to a write that was interrupted, not one under way.
STALE_AFTER_SECONDS = 3600


def _remove_stale_temporaries(root: Path) -> None:
    now = time.time()
    for p in root.iterdir():
        stale = now - p.stat().st_mtime > STALE_AFTER_SECONDS
        if p.is_dir() and p.name.startswith((".tmp-", ".old-")) and stale:
            shutil.rmtree(p, ignore_errors=True)

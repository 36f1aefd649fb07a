"""Write a snapshot folder atomically: a temporary folder, moved into place only when complete.

A rebuilt snapshot takes the place of the old one in a single step (the two folders are exchanged
by one `renameat2(RENAME_EXCHANGE)`), so a reader always finds the old snapshot or the new one,
even if the process is killed at any moment. Where the file system cannot exchange, the old folder
is set aside and the new one renamed in; a write killed between the two renames is undone by the
next build or import, which puts the set-aside folder back (`recover`).
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard import schema
from dashboard.snapshot import is_valid_snapshot_id, sha256_file

# Called with the name of each step of a write once it is done ("writing" after each table,
# "written", "set_aside", "swapped", "cleaned"): tests kill the process there to prove that every
# moment is safe.
after_step: Callable[[str], None] | None = None


def _step(name: str) -> None:
    if after_step is not None:
        after_step(name)


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
    shipped snapshots, which own their folders) the old folder is exchanged for the new one only
    after the new one is complete. Files get the ordinary permissions of the umask (0644 and 0755
    under the usual 022), so a server running as another account can read what an operator wrote.
    """
    snapshot_id = manifest["id"]
    if not is_valid_snapshot_id(snapshot_id):
        raise ValueError(f"'{snapshot_id}' is not a valid snapshot id")
    for name in schema.TABLES:
        schema.SCHEMAS[name].validate(tables[name], lazy=True)
    snapshots_root.mkdir(parents=True, exist_ok=True)
    recover(snapshots_root)
    target = snapshots_root / snapshot_id
    if target.is_symlink() and not target.exists():
        if not replace:
            raise SnapshotExistsError(
                f"snapshots/{snapshot_id} is a link to a folder that does not exist; remove it "
                "or choose another id"
            )
        target.unlink()  # the build owns this id: a broken link in its place is replaced
    if target.exists() and not replace:
        raise SnapshotExistsError(f"snapshot '{snapshot_id}' already exists; choose another id")
    tmp = _make_folder(snapshots_root, f".tmp-{snapshot_id}-")
    try:
        _write_files(tables, manifest, tmp)
        _step("written")
        if replace and target.exists():
            _swap_in(tmp, target)
        else:
            _rename_without_replacing(tmp, target)
            _step("swapped")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def temporary_folder(root: Path, snapshot_id: str) -> Path:
    """A new hidden folder beside the snapshots to write one into (see `move_into_place`)."""
    recover(root)
    return _make_folder(root, f".tmp-{snapshot_id}-")


def move_into_place(tmp: Path, target: Path) -> None:
    """Put a complete snapshot folder at `target`, exchanging it for the old one in one step."""
    if target.exists():
        _swap_in(tmp, target)
    else:
        _rename_without_replacing(tmp, target)


def _make_folder(root: Path, prefix: str) -> Path:
    """A new uniquely named folder with the umask's permissions (mkdtemp's are 0700)."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=root))
    path.chmod(0o777 & ~_umask())
    return path


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _write_files(tables: dict[str, pd.DataFrame], manifest: dict, folder: Path) -> None:
    entries = {}
    for name in schema.TABLES:
        file = folder / f"{name}.parquet"
        _write_parquet(tables[name], file)
        entries[name] = {"file": file.name, "rows": len(tables[name]), "sha256": sha256_file(file)}
        _step("writing")
    full = {**manifest, "schema_version": schema.SCHEMA_VERSION, "tables": entries}
    (folder / "manifest.json").write_text(
        json.dumps(full, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def _swap_in(new: Path, target: Path) -> None:
    """Put the complete folder `new` where `target` is, with no moment without either."""
    try:
        exchange(new, target)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EPERM):
            raise
        _swap_in_by_renames(new, target)
        return
    _step("swapped")
    shutil.rmtree(new, ignore_errors=True)  # `new` now holds the old snapshot
    _step("cleaned")


def _swap_in_by_renames(new: Path, target: Path) -> None:
    """Two renames: between them the id is missing, and `recover` puts the old folder back."""
    old = _make_folder(target.parent, f".old-{target.name}-")
    target.rename(old / "snapshot")
    _step("set_aside")
    new.rename(target)
    _step("swapped")
    shutil.rmtree(old, ignore_errors=True)
    _step("cleaned")


_libc = None


def exchange(a: Path, b: Path) -> None:
    """Atomically exchange two folders (Linux renameat2 with RENAME_EXCHANGE); OSError where
    the system or the file system cannot."""
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL(None, use_errno=True)
            _libc.renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
                                        ctypes.c_char_p, ctypes.c_uint]  # fmt: skip
        except (OSError, AttributeError) as exc:
            raise OSError(errno.ENOSYS, "renameat2 is not available") from exc
    at_fdcwd, rename_exchange = -100, 2
    if _libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange):
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


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


def recover(root: Path) -> list[str]:
    """Undo what an interrupted write left behind; returns what was done, one line each.

    A snapshot set aside by a swap that did not finish goes back in place at once (its id would
    otherwise be missing); any other `.old-`/`.tmp-` folder is removed once it is an hour old, so a
    write under way in another process is never disturbed. Links and unreadable entries are
    skipped, never fatal."""
    done = []
    for entry in _entries(root):
        if not entry.name.startswith(".old-"):
            continue
        restored = _restore(Path(entry.path), root)
        if restored:
            done.append(f"restored {restored} from {entry.name}")
    now = time.time()
    for entry in _entries(root):
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        if is_folder and entry.name.startswith((".tmp-", ".old-")) and age > STALE_AFTER_SECONDS:
            shutil.rmtree(entry.path, ignore_errors=True)
            done.append(f"removed {entry.name}")
    return done


def _entries(root: Path) -> list[os.DirEntry]:
    try:
        return list(os.scandir(root))
    except OSError:
        return []


def _restore(old: Path, root: Path) -> str | None:
    """Put `old/snapshot` back at its id when that id has no folder; the id is the manifest's."""
    inner = old / "snapshot"
    try:
        snapshot_id = json.loads((inner / "manifest.json").read_text(encoding="utf-8"))["id"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    target = root / str(snapshot_id)
    if not is_valid_snapshot_id(snapshot_id) or target.exists() or target.is_symlink():
        return None
    try:
        inner.rename(target)
    except OSError:
        return None
    shutil.rmtree(old, ignore_errors=True)
    return snapshot_id

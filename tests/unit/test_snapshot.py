"""The snapshot loader: each kind of damage is refused with its own message naming the file and
the problem; the cache is reused until a file changes; ids never become paths."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dashboard import cli
from dashboard.pipeline.writer import _write_parquet
from dashboard.snapshot import (
    DEFAULT_SNAPSHOT,
    SnapshotError,
    list_snapshots,
    load_snapshot,
    scan_snapshots,
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


def copy_as(root: Path, source: str, new_id: str) -> Path:
    """A copy of a snapshot under another id, its manifest saying so."""
    shutil.copytree(root / source, root / new_id)
    manifest_file = root / new_id / "manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    manifest_file.write_text(json.dumps({**manifest, "id": new_id}), encoding="utf-8")
    return root / new_id


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
        copy_as(root, "2026-11-27", extra)
    (root / "no-manifest").mkdir()
    (root / ".tmp-2030-abc").mkdir()
    assert scan_snapshots().problems == ["no-manifest/manifest.json is missing"]
    others = sorted({"0000-early", "2020-05-01", "2019-01-09", "2026-11-27", "zz-late"} - {DEFAULT})
    assert list_snapshots() == [DEFAULT, *others, "sample"]


def test_list_snapshots_of_an_empty_folder(tmp_path: Path) -> None:
    assert list_snapshots(tmp_path) == []


# --- a malformed manifest is one snapshot's problem, never the folder's ----------------------------

DEFAULT = DEFAULT_SNAPSHOT
OTHER = next(i for i in ("2019-01-09", "2026-11-27") if i != DEFAULT)  # a snapshot not the default


def _drop(*keys: str):
    def change(m: dict) -> None:
        target = m
        for key in keys[:-1]:
            target = target[key]
        del target[keys[-1]]

    return change


def _put(value: object, *keys: str):
    def change(m: dict) -> None:
        target = m
        for key in keys[:-1]:
            target = target[key]
        target[keys[-1]] = value

    return change


# Each damage and the words the message must hold (besides the file's name).
MANIFEST_DAMAGE = {
    "file deleted": (_drop("tables", "indicators", "file"), "table 'indicators': 'file' must be"),
    "tables a list": (_put([], "tables"), "'tables' must be an object, not a list"),
    "tables null": (_put(None, "tables"), "'tables' must be an object, not null"),
    "entry a string": (_put("x", "tables", "geography"), "table 'geography' must be an object"),
    "entry missing": (_drop("tables", "sources"), "lists no table 'sources'"),
    "sha256 missing": (_drop("tables", "indicators", "sha256"), "'sha256' must be 64 hexadecimal"),
    "sha256 a number": (_put(7, "tables", "indicators", "sha256"), "'sha256' must be 64"),
    "rows missing": (_drop("tables", "milestones", "rows"), "'rows' must be a whole number"),
    "rows text": (_put("18", "tables", "geography", "rows"), "'rows' must be a whole number"),
    "rows negative": (_put(-1, "tables", "geography", "rows"), "'rows' must be a whole number"),
    "file a number": (_put(5, "tables", "indicators", "file"), "'file' must be a Parquet file"),
    "file a path": (
        _put("../2019-01-09/indicators.parquet", "tables", "indicators", "file"),
        "'file' must be a Parquet file name in the folder",
    ),
    "version text": (_put("1", "schema_version"), "'schema_version' must be a whole number"),
    "version true": (_put(True, "schema_version"), "'schema_version' must be a whole number"),
    "version newer": (_put(2, "schema_version"), "has schema version 2, this dashboard reads"),
    "id of another folder": (_put("elsewhere", "id"), "'id' is 'elsewhere' but the folder is"),
    "id a number": (_put(2026, "id"), "'id' must be text, not a number"),
    "kind unknown": (_put("draft", "kind"), "has unknown kind 'draft'"),
    "as_of not a date": (_put("soon", "as_of"), "'as_of' must be a date YYYY-MM-DD"),
    "title null": (_put(None, "title_zh"), "'title_zh' must be text, not null"),
    "title missing": (_drop("title_en"), "lacks title_en"),
    "source ids text": (_put("x", "source_ids"), "'source_ids' must be a list of texts"),
}
RAW_DAMAGE = {
    "not JSON": (b"{", "cannot be read"),
    "a JSON list": (b"[]", "is a list, not a JSON object"),
    "a JSON string": (b'"manifest"', "is text, not a JSON object"),
    "not UTF-8": (b"\xff\xfe{}", "cannot be read"),
    "empty": (b"", "cannot be read"),
    "nested too deep": (b"[" * 100_000 + b"]" * 100_000, "cannot be read"),
}


def _damage(data_dir: Path, name: str) -> str:
    manifest_file = _folder(data_dir, OTHER) / "manifest.json"
    if name in RAW_DAMAGE:
        manifest_file.write_bytes(RAW_DAMAGE[name][0])
        return RAW_DAMAGE[name][1]
    change, words = MANIFEST_DAMAGE[name]
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    change(manifest)
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    return words


@pytest.mark.parametrize("damage", [*MANIFEST_DAMAGE, *RAW_DAMAGE])
def test_a_malformed_manifest_leaves_that_snapshot_out_and_the_rest_serving(
    data_dir: Path, damage: str, capsys: pytest.CaptureFixture
) -> None:
    """Found: one malformed manifest took every page down, and validate ended in a traceback."""
    words = _damage(data_dir, damage)
    listing = scan_snapshots()
    assert OTHER not in listing.ids and listing.ids[0] == DEFAULT
    [problem] = listing.problems
    assert problem.startswith(f"{OTHER}/manifest.json ") and words in problem
    assert load_snapshot(DEFAULT).id == DEFAULT
    assert words in _refusal(OTHER)
    [found] = validate_snapshot(OTHER)
    assert found.startswith(f"{OTHER}/manifest.json ") and words in found
    assert cli.main(["validate"]) == 1
    out = capsys.readouterr()
    assert f"{DEFAULT}: ok" in out.out and f"{OTHER}/manifest.json" in out.out and words in out.out
    assert "Traceback" not in out.out + out.err
    assert cli.main(["validate", OTHER]) == 1
    assert words in capsys.readouterr().out


def _unreadable(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder the server's account may not read: mode 0 works only for an unprivileged account,
    so the refusal the system would give is also simulated for everything inside it."""
    folder.chmod(0)
    real_stat = Path.stat

    def stat(self: Path, *args, **kwargs):
        if folder in self.parents:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)


def test_an_unreadable_snapshot_folder_is_left_out(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """Found: a folder written 0700 by another account made list_snapshots() raise on every page."""
    folder = _folder(data_dir, OTHER)
    try:
        _unreadable(folder, monkeypatch)
        listing = scan_snapshots()
        assert listing.ids == [DEFAULT, "sample"]
        assert listing.problems == [f"{OTHER}/ cannot be read: Permission denied"]
        assert "Permission denied" in _refusal(OTHER)
        assert cli.main(["validate"]) == 1
        assert "Permission denied" in capsys.readouterr().out
    finally:
        folder.chmod(0o755)


def test_validate_flags_a_missing_default_and_leftover_folders(
    data_dir: Path, capsys: pytest.CaptureFixture
) -> None:
    """Found: with the default snapshot gone and only hidden copies left, validate exited 0."""
    root = data_dir / "snapshots"
    shutil.rmtree(root / DEFAULT)
    (root / ".tmp-2030-01-01-abc").mkdir()
    (root / ".old-2019-01-09-def").mkdir()
    assert cli.main(["validate"]) == 1
    out = capsys.readouterr().out
    assert f"the default snapshot {DEFAULT} is missing; run: python -m dashboard build" in out
    assert ".tmp-2030-01-01-abc/ was left by an interrupted build or import" in out
    assert ".old-2019-01-09-def/ was left by an interrupted build or import" in out


def test_the_sidebar_label_reads_the_manifest_only(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found: drawing the sidebar's labels loaded every snapshot whole."""
    from dashboard import ui

    (_folder(data_dir, OTHER) / "indicators.parquet").write_bytes(b"broken")
    monkeypatch.setattr(ui, "load_snapshot", None)  # any load would fail the test
    assert ui.snapshot_label(OTHER, "en").startswith(f"{OTHER} · ")
    assert ui.snapshot_label("sample", "zh").endswith("【示例】")

"""The only module that reads `data/`: list, load, verify and cache snapshots.

A snapshot is a folder `data/snapshots/<id>/` holding Parquet tables and `manifest.json` with a
sha256 per table. Loading verifies checksums and schemas and returns read-only DataFrames; a
process-wide cache keyed on the files' fingerprints means a rerun costs a few `stat` calls.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors
import pyarrow as pa
import pyarrow.parquet as pq

from dashboard import schema

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
# Tests and imports point this elsewhere; the app never takes it from a user.
DATA_DIR = Path(os.environ.get("DASHBOARD_DATA_DIR", REPO_ROOT / "data"))
# The newest reported snapshot opens by default; the press-conference record is one click away.
DEFAULT_SNAPSHOT = "2026-11-27"
SAMPLE_SNAPSHOT = "sample"

# Snapshot ids are dates or short slugs; anything else never reaches the file system.
SNAPSHOT_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class SnapshotError(Exception):
    """A snapshot cannot be used; the message names the snapshot, the file and the problem."""


@dataclass(frozen=True)
class Snapshot:
    id: str
    manifest: dict
    indicators: pd.DataFrame
    indicator_meta: pd.DataFrame
    milestones: pd.DataFrame
    geography: pd.DataFrame
    sources: pd.DataFrame
    story: pd.DataFrame
    fingerprint: str = field(repr=False, default="")
    # Lookups derived from the tables on first use and kept with them (see `queries`): a page
    # asks the same questions on every rerun, and the tables never change once loaded.
    memo: dict = field(repr=False, compare=False, default_factory=dict)

    @property
    def kind(self) -> str:
        return self.manifest["kind"]

    @property
    def is_sample(self) -> bool:
        return self.kind == "sample"

    @property
    def as_of(self) -> str:
        return self.manifest["as_of"]

    def title(self, lang: str) -> str:
        return self.manifest[f"title_{lang}"]


def snapshots_dir(data_dir: Path | None = None) -> Path:
    return (data_dir or DATA_DIR) / "snapshots"


def is_valid_snapshot_id(snapshot_id: object) -> bool:
    return (
        isinstance(snapshot_id, str)
        and bool(SNAPSHOT_ID_PATTERN.fullmatch(snapshot_id))
        and ".." not in snapshot_id
    )


@dataclass(frozen=True)
class Listing:
    """The snapshots that can be offered, and one line per folder left out, naming it and why."""

    ids: list[str]
    problems: list[str]


def scan_snapshots(data_dir: Path | None = None) -> Listing:
    """Every snapshot folder whose manifest reads and checks, the default first, the sample last.

    Only manifests are read (a few kB each, cached by their stat), never tables: listing must stay
    cheap and must not fail because one snapshot is damaged, unreadable or a broken link."""
    root = snapshots_dir(data_dir)
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name) if root.is_dir() else []
    except OSError as exc:
        return Listing([], [f"{root.name}/ cannot be read: {_reason(exc)}"])
    ids, problems = [], []
    for entry in entries:
        if entry.name.startswith(".") or not is_valid_snapshot_id(entry.name):
            continue  # temporaries of a write under way, and names that are never ids
        problem = _listing_problem(Path(entry.path))
        if problem:
            problems.append(problem)
        else:
            ids.append(entry.name)
    ids.sort(key=lambda i: (i != DEFAULT_SNAPSHOT, i == SAMPLE_SNAPSHOT, i))
    return Listing(ids, problems)


def _listing_problem(path: Path) -> str | None:
    try:
        if path.is_symlink() and not path.exists():
            return f"{path.name}: a link to a folder that does not exist"
        if not path.is_dir():
            return None  # a stray file beside the snapshots is not one
        if not (path / "manifest.json").is_file():
            return f"{path.name}/manifest.json is missing"
        read_manifest(path)
    except SnapshotError as exc:
        return str(exc)
    except OSError as exc:
        return f"{path.name}/ cannot be read: {_reason(exc)}"
    return None


def _reason(exc: BaseException) -> str:
    """An OS error as its plain reason, without the absolute path of this machine."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"{type(exc).__name__}: {exc}"


def list_snapshots(data_dir: Path | None = None) -> list[str]:
    """Ids of the snapshots that can be offered, the default first, the sample last."""
    return scan_snapshots(data_dir).ids


def snapshot_path(snapshot_id: str, data_dir: Path | None = None) -> Path:
    """The folder of a snapshot, refusing ids that are not plain names under the snapshot root."""
    if not is_valid_snapshot_id(snapshot_id):
        raise SnapshotError(f"'{str(snapshot_id)[:80]}' is not a valid snapshot id")
    root = snapshots_dir(data_dir).resolve()
    path = (root / snapshot_id).resolve()
    if path.parent != root:
        raise SnapshotError(f"'{snapshot_id}' is not a valid snapshot id")
    if not (path / "manifest.json").is_file():
        raise SnapshotError(f"unknown snapshot '{snapshot_id}': no such snapshot in {root.name}/")
    return path


def listed_manifest(snapshot_id: str, data_dir: Path | None = None) -> dict | None:
    """A snapshot's checked manifest (cached), or None when it cannot be read: enough to label a
    snapshot without loading its tables."""
    try:
        return read_manifest(snapshot_path(snapshot_id, data_dir))
    except (SnapshotError, OSError):
        return None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# The manifest's own schema: each field, its type and what it must hold. A manifest is written by
# `pipeline.writer`, but may be edited by hand or damaged, and every page reads it.
MANIFEST_TEXT_FIELDS = ("id", "kind", "as_of", "title_zh", "title_en")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
AS_OF = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TABLE_FILE = re.compile(r"^[A-Za-z0-9_.-]{1,64}\.parquet$")


def manifest_problems(manifest: object, folder: str) -> list[str]:
    """What is wrong with a manifest's fields, each as a short phrase; empty when it is sound."""
    if not isinstance(manifest, dict):
        return [f"is {_json_type(manifest)}, not a JSON object"]
    missing = [k for k in (*MANIFEST_TEXT_FIELDS, "schema_version", "tables") if k not in manifest]
    if missing:
        return [f"lacks {', '.join(missing)}"]
    problems = [
        f"'{key}' must be text, not {_json_type(manifest[key])}"
        for key in MANIFEST_TEXT_FIELDS
        if not isinstance(manifest[key], str)
    ]
    if problems:
        return problems
    version = manifest["schema_version"]
    if isinstance(version, bool) or not isinstance(version, int):
        problems.append(f"'schema_version' must be a whole number, not {_json_type(version)}")
    elif version != schema.SCHEMA_VERSION:
        problems.append(
            f"has schema version {version}, this dashboard reads version {schema.SCHEMA_VERSION}"
        )
    if manifest["id"] != folder:
        problems.append(f"'id' is '{manifest['id'][:64]}' but the folder is '{folder}'")
    if manifest["kind"] not in schema.KINDS:
        problems.append(f"has unknown kind '{manifest['kind'][:32]}'")
    if not AS_OF.fullmatch(manifest["as_of"]):
        problems.append(f"'as_of' must be a date YYYY-MM-DD, not '{manifest['as_of'][:32]}'")
    sources = manifest.get("source_ids", [])
    if not isinstance(sources, list) or not all(isinstance(x, str) for x in sources):
        problems.append("'source_ids' must be a list of texts")
    return problems + _tables_problems(manifest["tables"])


def _tables_problems(tables: object) -> list[str]:
    if not isinstance(tables, dict):
        return [f"'tables' must be an object, not {_json_type(tables)}"]
    problems = []
    for name in schema.TABLES:
        entry = tables.get(name)
        if entry is None:
            problems.append(f"lists no table '{name}'")
        elif not isinstance(entry, dict):
            problems.append(f"table '{name}' must be an object, not {_json_type(entry)}")
        else:
            problems += [f"table '{name}': {p}" for p in _table_entry_problems(entry)]
    return problems


def _table_entry_problems(entry: dict) -> list[str]:
    problems = []
    file, rows, digest = entry.get("file"), entry.get("rows"), entry.get("sha256")
    if not isinstance(file, str) or not TABLE_FILE.fullmatch(file):
        problems.append(f"'file' must be a Parquet file name in the folder, not {_shown(file)}")
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 0:
        problems.append(f"'rows' must be a whole number, not {_shown(rows)}")
    if not isinstance(digest, str) or not SHA256.fullmatch(digest):
        problems.append(f"'sha256' must be 64 hexadecimal digits, not {_shown(digest)}")
    return problems


def _json_type(value: object) -> str:
    names = {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
             dict: "an object", type(None): "null"}  # fmt: skip
    return names.get(type(value), type(value).__name__)


def _shown(value: object) -> str:
    return "missing" if value is None else f"{_json_type(value)} {str(value)[:40]!r}"


_manifest_cache: dict[Path, tuple[tuple, dict]] = {}


def read_manifest(path: Path) -> dict:
    """The folder's manifest, checked field by field; cached while the file is unchanged."""
    manifest_file = path / "manifest.json"
    label = f"{path.name}/manifest.json"
    try:
        stat = manifest_file.stat()
        key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        cached = _manifest_cache.get(path)
        if cached and cached[0] == key:
            return cached[1]
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SnapshotError(f"{label} cannot be read: {_reason(exc)}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise SnapshotError(f"{label} cannot be read: {str(exc)[:120]}") from exc
    problems = manifest_problems(manifest, path.name)
    if problems:
        raise SnapshotError(f"{label} " + "; ".join(problems[:6]))
    _manifest_cache[path] = (key, manifest)
    return manifest


def _read_table(path: Path, name: str, entry: dict) -> pd.DataFrame:
    file = path / entry["file"]
    label = f"{path.name}/{entry['file']}"
    if file.parent != path or not file.is_file():
        raise SnapshotError(f"{label}: table '{name}' is missing")
    try:
        digest = sha256_file(file)
    except OSError as exc:
        raise SnapshotError(f"{label} cannot be read: {_reason(exc)}") from exc
    if digest != entry["sha256"]:
        raise SnapshotError(
            f"{label}: checksum does not match the manifest (file changed or damaged)"
        )
    try:
        frame = pq.read_table(file).to_pandas()
    # A damaged file can also fail in pandas' metadata (bad JSON or UTF-8): a ValueError.
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise SnapshotError(f"{label}: not a readable Parquet file ({exc})") from exc
    if len(frame) != entry["rows"]:
        raise SnapshotError(f"{label}: {len(frame)} rows, manifest says {entry['rows']}")
    try:
        return schema.SCHEMAS[name].validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as exc:
        problems = exc.failure_cases[["column", "check", "failure_case"]].drop_duplicates().head(8)
        lines = "; ".join(
            f"column '{r.column}' fails {r.check} (e.g. {r.failure_case!r})"
            for r in problems.itertuples()
        )
        raise SnapshotError(f"{label}: wrong schema: {lines}") from exc


def _fingerprint(path: Path, manifest_text: str) -> str:
    stats = [
        f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}"
        for p in sorted(path.iterdir())
        if p.is_file()
    ]
    return hashlib.sha256((manifest_text + "|".join(stats)).encode()).hexdigest()


# Snapshots are loaded when chosen and kept while in use: with uploads on there may be tens of
# imported snapshots, and only the most recently used stay in memory (a session keeps its own).
MAX_CACHED_SNAPSHOTS = 6
_cache: OrderedDict[tuple[str, str], Snapshot] = OrderedDict()
_cache_lock = threading.Lock()


def load_snapshot(snapshot_id: str, data_dir: Path | None = None) -> Snapshot:
    """Load and verify a snapshot; cached until any of its files changes. Whatever is wrong with
    it, the caller gets a `SnapshotError` naming the file, never another exception."""
    try:
        return _load(snapshot_id, data_dir)
    except SnapshotError:
        raise
    except Exception as exc:  # an unforeseen fault in one snapshot must not end the page
        log.exception("snapshot %s failed to load", str(snapshot_id)[:64])
        raise SnapshotError(f"{str(snapshot_id)[:64]} cannot be read: {_reason(exc)}") from exc


def _load(snapshot_id: str, data_dir: Path | None) -> Snapshot:
    path = snapshot_path(snapshot_id, data_dir)
    try:
        manifest_text = (path / "manifest.json").read_text(encoding="utf-8")
        key = (str(path), _fingerprint(path, manifest_text))
    except OSError as exc:
        raise SnapshotError(f"{path.name}/ cannot be read: {_reason(exc)}") from exc
    except UnicodeDecodeError as exc:
        raise SnapshotError(f"{path.name}/manifest.json cannot be read: {exc}") from exc
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    snapshot = _load_uncached(path, key[1])
    with _cache_lock:
        for old in [k for k in _cache if k[0] == key[0]]:
            del _cache[old]
        _cache[key] = snapshot
        while len(_cache) > MAX_CACHED_SNAPSHOTS:
            _cache.popitem(last=False)
    return snapshot


def _load_uncached(path: Path, fingerprint: str) -> Snapshot:
    manifest = read_manifest(path)
    tables = {}
    for name in schema.TABLES:
        tables[name] = _read_table(path, name, manifest["tables"][name])
    problems = cross_table_problems(manifest, tables)
    if problems:
        raise SnapshotError(f"{path.name}: " + "; ".join(problems[:5]))
    log.info("loaded snapshot %s (%d values)", path.name, len(tables["indicators"]))
    return Snapshot(id=path.name, manifest=manifest, fingerprint=fingerprint, **tables)


def cross_table_problems(manifest: dict, tables: dict[str, pd.DataFrame]) -> list[str]:
    """Checks that span tables: every value has metadata and a registered source."""
    problems = []
    ind, meta, src = tables["indicators"], tables["indicator_meta"], tables["sources"]
    # Distinct values first: a generated scale snapshot has ~14 million rows (categoricals).
    unknown = sorted(set(ind["indicator_id"].unique()) - set(meta["indicator_id"]))
    if unknown:
        problems.append(f"indicators without metadata: {', '.join(unknown[:5])}")
    cited = (
        set(ind["source_id"].unique())
        | set(tables["milestones"]["source_id"])
        | set(tables["story"]["source_id"])
    )
    unregistered = sorted(cited - set(src["source_id"]))
    if unregistered:
        problems.append(f"sources not in the registry: {', '.join(unregistered[:5])}")
    if manifest["kind"] == "reported" and (ind["status"] == "sample").any():
        problems.append("a reported snapshot holds sample rows")
    if (
        manifest["kind"] == "sample"
        and (ind["status"] != "sample").any()
        and not (ind["status"].isin(["sample", "derived"]).all())
    ):
        problems.append("a sample snapshot holds rows not marked sample")
    unit_mismatch = (
        ind[["indicator_id", "unit"]]
        .drop_duplicates()
        .merge(meta[["indicator_id", "unit"]], on="indicator_id", suffixes=("", "_m"))
    )
    bad_units = unit_mismatch[unit_mismatch["unit"] != unit_mismatch["unit_m"]]
    if len(bad_units):
        problems.append(f"unit differs from metadata for {bad_units['indicator_id'].iloc[0]}")
    return problems


def validate_snapshot(snapshot_id: str, data_dir: Path | None = None) -> list[str]:
    """Every problem found, as lines naming the file; empty when the snapshot is sound."""
    try:
        return _validate(snapshot_id, data_dir)
    except Exception as exc:  # a check that trips over the damage still names the snapshot
        return [f"{str(snapshot_id)[:64]} cannot be checked: {_reason(exc)}"]


def _validate(snapshot_id: str, data_dir: Path | None) -> list[str]:
    try:
        path = snapshot_path(snapshot_id, data_dir)
        manifest = read_manifest(path)
    except SnapshotError as exc:
        return [str(exc)]
    problems, tables = [], {}
    for name in schema.TABLES:
        try:
            tables[name] = _read_table(path, name, manifest["tables"][name])
        except SnapshotError as exc:
            problems.append(str(exc))
    if not problems:
        problems += [f"{path.name}: {p}" for p in cross_table_problems(manifest, tables)]
    return problems


def folder_problems(data_dir: Path | None = None) -> list[str]:
    """What is wrong with the snapshot folder as a whole: snapshots left out of the list, a
    missing default, and temporary folders left by an interrupted build or import."""
    listing = scan_snapshots(data_dir)
    problems = list(listing.problems)
    if DEFAULT_SNAPSHOT not in listing.ids:
        problems.append(
            f"the default snapshot {DEFAULT_SNAPSHOT} is missing; run: python -m dashboard build"
        )
    problems += [
        f"{name}/ was left by an interrupted build or import; the next build or import puts a "
        "set-aside snapshot back, and removes other leftovers once an hour old"
        for name in leftover_folders(data_dir)
    ]
    return problems


def leftover_folders(data_dir: Path | None = None) -> list[str]:
    root = snapshots_dir(data_dir)
    try:
        return sorted(e.name for e in os.scandir(root) if e.name.startswith((".tmp-", ".old-")))
    except OSError:
        return []


def load_geojson(data_dir: Path | None = None) -> dict | None:
    """District boundaries, or None when the file is absent (maps then fall back to bars).

    Each ring's coordinates are a numpy array: every map is serialised again on every rerun, and
    Plotly hands numpy arrays to its JSON encoder whole, where nested lists are walked in Python
    (about 15x slower). Shared by every caller: read-only."""
    file = (data_dir or DATA_DIR) / "geo" / "beijing_districts.geojson"
    try:
        return _read_geojson_cached(file, file.stat().st_mtime_ns)
    except (OSError, ValueError) as exc:
        log.warning("district boundaries unavailable: %s", exc)
        return None


_geojson_cache: dict[tuple[Path, int], dict] = {}


def _read_geojson_cached(file: Path, mtime: int) -> dict:
    key = (file, mtime)
    if key not in _geojson_cache:
        boundaries = json.loads(file.read_text(encoding="utf-8"))
        for feature in boundaries["features"]:
            geometry = feature["geometry"]
            geometry["coordinates"] = _rings_as_arrays(geometry["coordinates"])
        _geojson_cache[key] = boundaries
    return _geojson_cache[key]


def _rings_as_arrays(coordinates: list) -> list | np.ndarray:
    """Polygon and MultiPolygon nesting kept; each ring of [lon, lat] pairs becomes an array."""
    if coordinates and isinstance(coordinates[0][0], (int, float)):
        return np.asarray(coordinates, dtype=float)
    return [_rings_as_arrays(part) for part in coordinates]


def read_text_file(relative: str) -> str:
    """A text file under data/ (templates, notes) by a fixed relative name."""
    root = DATA_DIR.resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise SnapshotError(f"'{relative}' is outside the data folder")
    return path.read_text(encoding="utf-8")

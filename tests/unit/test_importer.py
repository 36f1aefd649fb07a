"""Import of district tables: every accepted spelling, every refusal with its message, the
atomic write, the command line, and a property test over random tables."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import shutil
import tempfile
import threading
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from openpyxl import Workbook

from dashboard import cli, export, schema, snapshot
from dashboard.pipeline import importer, writer
from dashboard.pipeline.importer import ImportFailed, import_file
from dashboard.snapshot import DEFAULT_SNAPSHOT, load_snapshot, validate_snapshot

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "import"
BASE = DEFAULT_SNAPSHOT
HEADER = "区 district,指标 indicator,时间 period,数值 value,单位 unit,限定 qualifier,说明 note"


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder holding only a copy of the base snapshot; the real data/ is never written."""
    root = tmp_path / "data"
    shutil.copytree(REPO / "data" / "snapshots" / BASE, root / "snapshots" / BASE)
    monkeypatch.setattr(snapshot, "DATA_DIR", root)
    return root


def table(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


def folder_state(root: Path) -> dict[str, str]:
    """Every file under the snapshots folder with its hash: what 'nothing changed' means."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def refused(data_dir: Path, content: bytes, name: str = "t.csv", **kw) -> list[str]:
    with pytest.raises(ImportFailed) as info:
        import_file(content, name, "new", data_dir=data_dir, **kw)
    assert not (data_dir / "snapshots" / "new").exists()
    return [p.bilingual() for p in info.value.problems]


# --- the table of row problems ------------------------------------------------------------------

ROW_CASES = [
    # (case, data row, expected Chinese message, expected English message)
    ("words for a number", "朝阳区,community_workers,2018,约七成,,,",
     "第2行 D列: 数值'约七成'无法识别", "row 2, column D: '约七成' is not a number"),
    ("unknown district", "石家庄,community_workers,2018,5,,,",
     "第2行 A列: 区'石家庄'无法识别", "row 2, column A: '石家庄' is not one of Beijing's 16 districts"),
    ("the city is not a district", "北京市,community_workers,2018,5,,,",
     "第2行 A列: 区'北京市'无法识别", "row 2, column A: '北京市' is not one of"),
    ("unknown indicator", "朝阳区,no_such_thing,2018,5,,,",
     f"第2行 B列: 指标'no_such_thing'不在基础快照 {BASE} 的指标表中",
     f"row 2, column B: 'no_such_thing' is not an indicator of base snapshot {BASE}"),
    ("period in words", "朝阳区,community_workers,去年,5,,,",
     "第2行 C列: 时间'去年'无法识别", "row 2, column C: '去年' is not a period"),
    ("month 13", "朝阳区,community_workers,2018-13,5,,,",
     "第2行 C列: 时间'2018-13'无法识别", "'2018-13' is not a period"),
    ("31 February", "朝阳区,community_workers,2018-02-31,5,,,",
     "时间'2018-02-31'无法识别", "'2018-02-31' is not a period"),
    ("empty district", ",community_workers,2018,5,,,", "第2行 A列: 区为空", "row 2, column A: the district is empty"),
    ("empty period", "朝阳区,community_workers,,5,,,", "第2行 C列: 时间为空", "the period is empty"),
    ("empty value", "朝阳区,community_workers,2018,,,,", "第2行 D列: 数值为空", "row 2, column D: the value is empty"),
    ("percent sign on people", "朝阳区,community_workers,2018,35%,,,",
     "数值'35%'带百分号,但该指标的单位是 persons", "'35%' has a percent sign but the indicator's unit is persons"),
    ("unit column contradicts", "朝阳区,community_workers,2018,5,元,,",
     "第2行 E列: 单位'元'与指标单位 persons 不符", "the unit '元' does not match the indicator's unit persons"),
    ("unit word in the value", "朝阳区,community_workers,2018,3000元,,,",
     "数值'3000元'中的单位与指标单位 persons 不符", "the unit written in '3000元' does not match"),
    ("negative people", "朝阳区,community_workers,2018,-5,,,",
     "数值'-5'不能为负数", "'-5' cannot be negative"),
    ("flag neither yes nor no", "朝阳区,pay_rules_issued,2018,2,,,",
     "数值'2'应为 是/否 或 1/0", "'2' must be yes/no or 1/0"),
    ("unknown qualifier", "朝阳区,community_workers,2018,5,,大概,",
     "第2行 F列: 限定'大概'无法识别", "'大概' is not a qualifier"),
    ("qualifier contradicts the value", "朝阳区,community_workers,2018,约3000,,以上,",
     "数值'约3000'中的限定词与限定列不一致", "the qualifier in '约3000' contradicts the qualifier column"),
    ("out of range", "朝阳区,community_workers,2018,1e20,,,",
     "数值'1e20'超出范围", "'1e20' is out of range"),
    ("infinity", "朝阳区,community_workers,2018,inf,,,", "数值'inf'无法识别", "'inf' is not a number"),
    ("not a number", "朝阳区,community_workers,2018,nan,,,", "数值'nan'无法识别", "'nan' is not a number"),
    ("decimal comma", "朝阳区,community_workers,2018,\"3,5\",,,", "数值'3,5'无法识别", "'3,5' is not a number"),
    ("Excel error value", "朝阳区,community_workers,2018,#DIV/0!,,,",
     "单元格是 Excel 错误值 #DIV/0!", "the cell holds the Excel error #DIV/0!"),
    ("no indicator and no value", "朝阳区,,2018,,,,",
     "第2行: 这一行既没有指标也没有数值", "row 2: this row has neither an indicator nor a value"),
    ("note too long", "朝阳区,community_workers,2018,5,,," + "很" * 600,
     "第2行 G列: 说明超过 500 个字符", "the note is longer than 500 characters"),
    ("cell too long", "朝阳区," + "x" * 1200 + ",2018,5,,,",
     "第2行 B列: 单元格超过 1000 个字符", "the cell is longer than 1000 characters"),
]  # fmt: skip


# Figures that read as numbers but cannot be true: refused, each naming its row.
IMPLAUSIBLE_CASES = [
    ("万 in the header and in the cell", "朝阳区,community_workers,2018,3.5万,,,",
     "第2行 D列: 数值'3.5万'带万/亿,而表头或单位已写万/亿", "'3.5万' carries 万/亿 while the header"),
    ("万人 in the unit and 万 in the cell", "朝阳区,community_workers,2018,3.5万,万人,,",
     "数值'3.5万'带万/亿", "the unit would be scaled twice"),
    ("a percentage above 100", "朝阳区,deliberation_coverage_urban,2018,150,%,,",
     "第2行 D列: 百分比'150'不在 0–100 之间", "the percentage '150' is not between 0 and 100"),
    ("150% with its sign", "朝阳区,deliberation_coverage_urban,2018,150%,,,",
     "百分比'150%'不在 0–100 之间", "'150%' is not between 0 and 100"),
    ("a negative percentage", "朝阳区,deliberation_coverage_urban,2018,-5,,,",
     "百分比'-5'不在 0–100 之间", "'-5' is not between 0 and 100"),
    ("1 for a percentage", "朝阳区,deliberation_coverage_urban,2018,1,%,,",
     "第2行 D列: 百分比'1'含义不明", "the percentage '1' is ambiguous"),
    ("0.92 for a percentage", "朝阳区,deliberation_coverage_urban,2018,0.92,,,",
     "百分比'0.92'含义不明", "'0.92' is ambiguous (0.92% or 0.92 × 100%?)"),
    ("a district above the city", "朝阳区,community_workers,2018,90000,,,",
     "第2行: 区的数值 90,000 大于全市合计 35,000(2018)",
     "row 2: the district's value 90,000 is above the city total 35,000 (2018)"),
    ("a period after the as-of date", "朝阳区,community_workers,2099,5,,,",
     "第2行: 时间 2099 晚于快照的截至日期 2019-01-09",
     "row 2: the period 2099 is after the snapshot's as-of date 2019-01-09"),
    ("a month after the as-of date", "朝阳区,community_workers,2019-02,5,,,",
     "时间 2019-02 晚于快照的截至日期 2019-01-09", "the period 2019-02 is after"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "row", "zh", "en"), IMPLAUSIBLE_CASES, ids=[c[0] for c in IMPLAUSIBLE_CASES]
)
def test_an_implausible_figure_is_refused_naming_its_row(data, case, row, zh, en):
    """Found: "3.5万" under a 万人 header stored 3.5亿 for one district, 1 with unit % became 100%,
    150% coverage was stored, and 2099 became the latest value of a snapshot as of 2019."""
    before = folder_state(data)
    header = HEADER.replace("数值 value", "数值 value (万人)") if "header" in case else HEADER
    messages = refused(data, table(row, header=header), as_of="2019-01-09")
    assert any(zh in m and en in m for m in messages), messages
    assert folder_state(data) == before


def test_the_as_of_year_itself_and_a_percentage_with_its_format_are_accepted(data):
    rows = ["朝阳区,community_workers,2019,5,,,", "朝阳区,deliberation_coverage_urban,2018,92%,,,",
            "朝阳区,deliberation_coverage_urban,2017,100,%,,", "海淀区,grid_workers,2018,4000,,,"]  # fmt: skip
    outcome = import_file(table(*rows), "t.csv", "new", data_dir=data, as_of="2019-01-09")
    assert outcome.rows == 4
    workbook = Workbook()
    workbook.active.append(HEADER.split(","))
    workbook.active.append(["朝阳区", "deliberation_coverage_urban", "2018", 0.92])
    workbook.active["D2"].number_format = "0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    outcome = import_file(buffer.getvalue(), "t.xlsx", "new2", data_dir=data, as_of="2019-01-09")
    assert load_snapshot("new2", data).indicators.query("source_id == 'import-new2'")[
        "value"
    ].tolist() == [92.0]


def test_implausible_rows_can_be_skipped_and_are_listed(data):
    rows = ["朝阳区,community_workers,2018,5,,,", "朝阳区,community_workers,2099,5,,,"]
    outcome = import_file(table(*rows), "t.csv", "new", data_dir=data, as_of="2019-01-09",
                          skip_invalid=True)  # fmt: skip
    assert outcome.rows == 1 and outcome.skipped_rows == 1
    assert outcome.skipped[0].key == "period_after_as_of" and outcome.skipped[0].row == 3


# --- invisible characters -------------------------------------------------------------------------

INVISIBLE = "\uffff\u202e\u200b\u2066\ufeff\U0010ffff"


def test_invisible_and_direction_characters_are_removed_with_a_warning(data):
    """Found: one U+FFFF in a note broke the PPTX and PDF packs and the XLSX download; right-to-left
    overrides and zero-width characters reached titles, sources, exports and the CLI's output."""
    row = f"朝{INVISIBLE}阳区,community_workers,2018,5,,,备{INVISIBLE}注"
    outcome = import_file(table(row), f"chao{INVISIBLE}yang.csv", "new", data_dir=data,
                          source=f"朝阳区{INVISIBLE}民政局")  # fmt: skip
    warnings = [(w.key, w.row, w.column) for w in outcome.warnings]
    assert warnings == [("invisible_removed", 2, "A"), ("invisible_removed", 2, "G"),
                        ("invisible_removed_source", None, None)]  # fmt: skip
    assert outcome.warnings[0].bilingual() == (
        "第2行 A列: 已删除不可见字符或改变文字方向的字符 / "
        "row 2, column A: invisible or text-direction characters were removed"
    )
    new = load_snapshot("new", data)
    texts = [
        *new.indicators.query("source_id == 'import-new'")[["note", "quote"]].to_numpy().ravel(),
        *new.sources.query("source_id == 'import-new'").astype(str).to_numpy().ravel(),
        new.manifest["title_zh"], new.manifest["title_en"], *map(str, new.manifest["import"].values()),
    ]  # fmt: skip
    assert texts and not [x for x in texts if importer.INVISIBLE.search(x)]
    assert "备注" in texts and "chaoyang.csv" in new.manifest["import"]["file"]
    export_xlsx = importer.template_xlsx_bytes(new)  # an XLSX built from the snapshot opens
    assert openpyxl.load_workbook(io.BytesIO(export_xlsx))
    table_xlsx = export.xlsx_bytes(export.provenance_table(new, new.indicators, "zh"))
    assert openpyxl.load_workbook(io.BytesIO(table_xlsx))  # the in-app "Download XLSX"


def test_messages_never_carry_invisible_characters(data):
    messages = refused(data, table(f"石家{INVISIBLE}庄,community_workers,2018,x{INVISIBLE},,,"))
    assert messages and not [m for m in messages if importer.INVISIBLE.search(m)]
    assert "'x' is not a number" in messages[-1]  # quoted as cleaned, hidden characters gone


@pytest.mark.parametrize(("case", "row", "zh", "en"), ROW_CASES, ids=[c[0] for c in ROW_CASES])
def test_row_problem_is_reported_with_row_and_column(data, case, row, zh, en):
    before = folder_state(data)
    messages = refused(data, table(row))
    assert any(zh in m and en in m for m in messages), messages
    assert folder_state(data) == before


def test_every_problem_is_reported_at_once_in_row_and_column_order(data):
    content = table(
        "朝阳区,community_workers,2018,5,,,",
        "石家庄,no_such,去年,约七成,,,",
        "海淀区,community_workers,2018,六,,,",
    )
    with pytest.raises(ImportFailed) as info:
        import_file(content, "t.csv", "new", data_dir=data)
    where = [(p.row, p.column) for p in info.value.problems]
    assert where == [(3, "A"), (3, "B"), (3, "C"), (4, "D")]


def test_a_cell_too_long_is_reported_once(data):
    messages = refused(data, table("朝阳区," + "x" * 1200 + ",2018,5,,,"))
    assert messages == [
        "第2行 B列: 单元格超过 1000 个字符 / row 2, column B: the cell is longer than 1000 characters"
    ]


def test_duplicate_rows_are_refused(data):
    messages = refused(
        data, table("朝阳区,community_workers,2018,5,,,", "Chaoyang,community_workers,2018,6,,,")
    )
    assert messages == [
        "第3行: 与第2行重复(同一指标、区和时间) / row 3: duplicates row 2 (same indicator, district and period)"
    ]


# --- file problems ------------------------------------------------------------------------------

OLE = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504


def _xlsx_bytes(rows: list[list] | None = None) -> bytes:
    workbook = Workbook()
    for row in rows or []:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(name, body)
    return buffer.getvalue()


FILE_CASES = [
    ("empty file", b"", "t.csv", "文件为空", "the file is empty"),
    ("blank lines only", b"\r\n \r\n,,\r\n", "t.csv", "文件中没有内容", "the file has no content"),
    ("no header", b"a,b,c\r\n1,2,3\r\n", "t.csv", "前 30 行中找不到表头", "no header in the first 30 rows"),
    ("header lacks period", "区,指标,数值\r\n朝阳,community_workers,5\r\n".encode(), "t.csv",
     "第1行: 表头缺少列:时间 period", "row 1: the header lacks the columns: 时间 period"),
    ("two value columns", "区,指标,时间,数值,数值\r\n朝阳,community_workers,2018,5,6\r\n".encode(), "t.csv",
     "表头中 D、E 列都表示“数值 value”", "the header has more than one '数值 value' column (D、E)"),
    ("only a header", table(), "t.csv", "第1行: 只有表头,没有数据行", "row 1: only a header, no data rows"),
    ("unsupported extension", b"%PDF-1.4", "t.pdf", "不支持的文件类型'.pdf'", "unsupported file type '.pdf'"),
    ("text named .xlsx", table("朝阳,community_workers,2018,5,,,"), "t.xlsx",
     "文件扩展名为 .xlsx,但内容是文本(CSV)", "the file is named .xlsx but its content is text (CSV)"),
    ("image named .csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "t.csv",
     "内容是非文本的二进制数据", "its content is binary data, not text"),
    ("workbook named .csv", _xlsx_bytes([["x"]]), "t.csv",
     "内容是Excel 工作簿(.xlsx)", "its content is an Excel workbook (.xlsx)"),
    ("old .xls", OLE, "t.xls", "旧版 Excel(.xls)或加密的工作簿无法读取", "old Excel (.xls) and password-protected"),
    ("encrypted .xlsx (an OLE file)", OLE, "t.xlsx", "旧版 Excel(.xls)或加密的工作簿无法读取", "cannot be read"),
    ("xlsx named .xls", _xlsx_bytes([["x"]]), "t.xls", "文件扩展名为 .xls,但内容是Excel 工作簿", "named .xls"),
    ("other zip named .xlsx", _zip({"readme.txt": b"hello"}), "t.xlsx",
     "内容是其他 ZIP 压缩包", "its content is some other ZIP archive"),
    ("damaged zip", b"PK\x03\x04" + b"\x00" * 100, "t.xlsx", "文件已损坏,不是有效的 .xlsx 压缩包", "the file is damaged"),
    ("unknown encoding", b"\xff\xfe\xfa"[1:] + b"abc,\xff\xff\r\n", "t.csv",
     "无法识别文件编码", "the text encoding is not recognised"),
    ("empty workbook", _xlsx_bytes(), "t.xlsx", "工作表'Sheet': 工作表为空", "sheet 'Sheet': the sheet is empty"),
    ("workbook with only a header", _xlsx_bytes([HEADER.split(",")]), "t.xlsx",
     "工作表'Sheet' 第1行: 只有表头", "sheet 'Sheet', row 1: only a header, no data rows"),
    ("too large", b"x" * (importer.MAX_FILE_BYTES + 1), "t.csv", "文件过大", "the file is too large"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "content", "name", "zh", "en"), FILE_CASES, ids=[c[0] for c in FILE_CASES]
)
def test_file_problem_is_refused_with_a_clear_message(data, case, content, name, zh, en):
    before = folder_state(data)
    messages = refused(data, content, name)
    assert any(zh in m and en in m for m in messages), messages
    assert folder_state(data) == before


REQUEST_CASES = [
    ("path in the id", {"snapshot_id": "../evil"}, "快照编号'../evil'无效", "'../evil' is not a valid snapshot id"),
    ("hidden id", {"snapshot_id": ".tmp-x"}, "快照编号'.tmp-x'无效", "is not a valid snapshot id"),
    ("existing id", {"snapshot_id": BASE}, f"快照 {BASE} 已存在", f"snapshot {BASE} already exists"),
    ("impossible as-of date", {"as_of": "2019-02-30"}, "截至日期'2019-02-30'应为 YYYY-MM-DD", "must be YYYY-MM-DD"),
    ("unknown base", {"base_id": "nope"}, "基础快照 nope 无法使用", "the base snapshot nope cannot be used"),
    ("control characters in the source", {"source": "a\x1bb"}, "来源说明不能超过", "without control characters"),
    ("markup in the source", {"source": "<a href='x'>区</a>"}, "也不能含控制字符或尖括号", "or < >"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "kw", "zh", "en"), REQUEST_CASES, ids=[c[0] for c in REQUEST_CASES]
)
def test_bad_request_is_refused_before_reading(data, case, kw, zh, en):
    before = folder_state(data)
    args = {"snapshot_id": "new", **kw}
    with pytest.raises(ImportFailed) as info:
        import_file(table("朝阳,community_workers,2018,5,,,"), "t.csv", data_dir=data, **args)
    messages = [p.bilingual() for p in info.value.problems]
    assert any(zh in m and en in m for m in messages), messages
    assert folder_state(data) == before


def test_sample_snapshot_is_not_a_base(data):
    shutil.copytree(REPO / "data" / "snapshots" / "sample", data / "snapshots" / "sample")
    messages = refused(data, table("朝阳,community_workers,2018,5,,,"), base_id="sample")
    assert any("基础快照 sample 是示例数据" in m for m in messages)


# --- what is accepted ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    ["朝阳", "朝阳区", "Chaoyang", "chaoyang", "CHAOYANG DISTRICT", "Chaoyang Qu", "110105",
     "北京市朝阳区", " 朝阳区 ", "１１０１０５"],
)  # fmt: skip
def test_district_spellings(spelling):
    lookup = importer.Lookup(load_snapshot(BASE))
    assert lookup.district(spelling) == "110105"


def test_district_code_as_an_excel_number():
    lookup = importer.Lookup(load_snapshot(BASE))
    assert lookup.district(110105) == "110105"
    assert lookup.district(110105.0) == "110105"
    assert lookup.district(110000) is None
    assert lookup.district(True) is None


@pytest.mark.parametrize(
    ("raw", "fmt", "unit", "value", "qualifier"),
    [
        ("3.5万", "", "persons", 35000, ""),
        ("45.6万人", "", "persons", 456000, ""),
        ("1,234,567", "", "persons", 1234567, ""),
        ("１２,３４５", "", "persons", 12345, ""),
        ("1.2亿", "", "hours", 1.2e8, ""),
        ("92%", "", "percent", 92, ""),
        (0.935, "0.0%", "percent", 93.5, ""),
        (1, "0%", "percent", 100, ""),
        (92, "General", "percent", 92, ""),
        ("90%以上", "", "percent", 90, "over"),
        ("约3000", "", "persons", 3000, "about"),
        ("3000多人", "", "persons", 3000, "over"),
        ("3.5万人以上", "", "persons", 35000, "over"),
        ("近2.7万", "", "persons", 27000, "nearly"),
        ("2000左右", "", "count", 2000, "about"),
        ("more than 300", "", "count", 300, "over"),
        ("是", "", "flag", 1, ""),
        ("否", "", "flag", 0, ""),
        ("yes", "", "flag", 1, ""),
        (True, "General", "flag", 1, ""),
        ("-3000", "", "yuan", -3000, ""),
        ("38.5岁", "", "years", 38.5, ""),
        ("350平方米", "", "sq_m", 350, ""),
    ],
)
def test_values_as_written(raw, fmt, unit, value, qualifier):
    parsed = importer.parse_value(raw, fmt, unit)
    assert parsed.error is None
    assert parsed.value == pytest.approx(value)
    assert parsed.qualifier == qualifier


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2018", "2018"), (2018, "2018"), (2018.0, "2018"), ("2018年", "2018"), ("2018-12", "2018-12"),
     ("2018/1", "2018-01"), ("2018.12", "2018-12"), ("2018年12月", "2018-12"),
     ("2018-12-31", "2018-12-31"), ("2018/12/31", "2018-12-31"), ("2018年12月31日", "2018-12-31"),
     ("２０１８", "2018"), ("1948", None), ("2018-00", None), ("2018-02-29", None), ("2018.5", "2018-05"),
     (2018.5, None), ("", None), ("2018 年底", None), (True, None)],
)  # fmt: skip
def test_periods_as_written(raw, expected):
    assert importer.parse_period(raw) == expected


def test_excel_date_cells_keep_their_precision():
    import datetime as dt

    day = dt.datetime(2018, 12, 31)
    assert importer.parse_period(day, "yyyy-mm-dd") == "2018-12-31"
    assert importer.parse_period(day, "yyyy-mm") == "2018-12"
    assert importer.parse_period(day, 'yyyy"年"') == "2018"
    assert importer.parse_period(dt.date(2018, 1, 5), "") == "2018-01-05"


@pytest.mark.parametrize(
    ("header", "column"),
    [("区 district", "district"), ("指标 indicator", "indicator"), ("indicator_id", "indicator"),
     ("指标ID", "indicator"), ("时间\nPeriod", "period"), ("数值(Value)", "value"), ("单位 unit", "unit"),
     ("限定 qualifier", "qualifier"), ("备注", "note"), ("District", "district"), ("序号", None),
     ("区 indicator", None), (None, None), (2018, None)],
)  # fmt: skip
def test_header_cells(header, column):
    assert importer.header_column(header) == column


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_encodings_district_offices_send(data, encoding):
    rows = [
        '朝阳区,community_workers,2018-12,"4,120",人,,含书记',
        "海淀,volunteers_registered,2018,3.5万,,约,",
    ]
    content = table(*rows, encoding=encoding)
    if encoding == "utf-16":  # Excel's "Unicode text" is tab-separated UTF-16
        content = "\r\n".join(
            "\t".join(next(csv.reader([line]))) for line in [HEADER, *rows]
        ).encode("utf-16")
    outcome = import_file(content, "t.csv", "new", data_dir=data, as_of="2019-01-31")
    assert outcome.rows == 2
    new = load_snapshot("new", data)
    got = new.indicators[new.indicators["source_id"] == "import-new"].set_index("indicator_id")
    assert got.at["community_workers", "value"] == 4120
    assert got.at["community_workers", "note"] == "含书记; written as '4,120'"
    assert got.at["volunteers_registered", "value"] == 35000
    assert got.at["volunteers_registered", "qualifier"] == "about"


def test_semicolon_separated_csv(data):
    content = "区;指标;时间;数值\r\n朝阳;community_workers;2018;5\r\n".encode()
    assert import_file(content, "t.csv", "new", data_dir=data).rows == 1


# --- the committed fixtures ---------------------------------------------------------------------


def test_district_office_gbk_csv(data):
    path = FIXTURES / "chaoyang_gbk.csv"
    content = path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")  # it really is GBK
    before = folder_state(data / "snapshots" / BASE)
    outcome = import_file(content, path.name, "chaoyang-2018", data_dir=data, as_of="2019-01-05",
                          source="朝阳区民政局 2018年报表")  # fmt: skip
    assert outcome.rows == 7 and not outcome.skipped and len(outcome.replaced) == 0
    assert validate_snapshot("chaoyang-2018", data) == []
    assert folder_state(data / "snapshots" / BASE) == before

    new = load_snapshot("chaoyang-2018", data)
    imported = new.indicators[new.indicators["source_id"] == "import-chaoyang-2018"]
    values = {(r.indicator_id, r.period): (r.value, r.qualifier) for r in imported.itertuples()}
    assert values == {
        ("community_workers", "2018-12"): (4120, ""),
        ("volunteers_registered", "2018-12"): (523000, "about"),
        ("fifteen_minute_circle_coverage", "2018"): (96, ""),
        ("deliberation_coverage_rural", "2018"): (85, "over"),
        ("community_homes", "2018"): (31, ""),
        ("community_worker_avg_age", "2018-12-31"): (38.6, ""),
        ("grid_workers", "2018-12"): (12000, "nearly"),
    }
    assert set(imported["geo_code"]) == {"110105"}
    assert set(imported["status"]) == {"reported"}
    assert imported["quote"].str.len().max() <= schema.MAX_QUOTE_CHARS
    assert "chaoyang_gbk.csv, row 4" in set(imported["quote"])
    # the base's values are all still there
    base = load_snapshot(BASE, data)
    assert len(new.indicators) == len(base.indicators) + 7

    source = new.sources.set_index("source_id").loc["import-chaoyang-2018"]
    assert (source.grade, source.reliability) == ("internal", "B")
    assert source.publisher_zh == "朝阳区民政局 2018年报表"
    assert source.published == "2019-01-05"
    manifest = new.manifest
    assert manifest["as_of"] == "2019-01-05"
    assert manifest["import"]["file"] == "chaoyang_gbk.csv"
    assert manifest["import"]["sha256"] == hashlib.sha256(content).hexdigest()
    assert manifest["import"]["source"] == "朝阳区民政局 2018年报表"
    assert manifest["import"]["base_snapshot"] == BASE
    assert manifest["base_snapshot"] == BASE
    assert "import-chaoyang-2018" in manifest["source_ids"]


def test_messy_workbook(data):
    path = FIXTURES / "messy.xlsx"
    outcome = import_file(path.read_bytes(), path.name, "messy", data_dir=data, as_of="2019-01-31")
    assert validate_snapshot("messy", data) == []
    new = load_snapshot("messy", data)
    imported = new.indicators[new.indicators["source_id"] == "import-messy"]
    values = {
        (r.indicator_id, r.geo_code, r.period): (r.value, r.qualifier)
        for r in imported.itertuples()
    }
    assert values == {
        ("community_workers", "110108", "2018-12"): (5230, ""),  # Haidian District, a date cell
        ("volunteers_registered", "110106", "2018-12"): (12345, ""),  # code as text, full width
        ("community_homes", "110107", "2018"): (15, ""),  # 石景山区, merged over three rows
        ("community_workers", "110107", "2018"): (2950, ""),  # ... its second row
        ("fifteen_minute_circle_coverage", "110107", "2018"): (93.5, ""),  # a 0.0% cell
        ("community_workers", "110102", "2018"): (3000, "about"),  # " xicheng ", 约3000人
        ("grid_workers", "110106", "2018-12-31"): (20500, "over"),  # 丰台, 2.05万, 以上
        ("community_worker_avg_age", "110105", "2018-12-31"): (39.1, ""),  # Chaoyang District
        ("pay_rules_issued", "110109", "2019-01-09"): (1, ""),  # mentougou, 是
    }
    assert [p.bilingual() for p in outcome.warnings] == [
        "工作表'old': 隐藏的工作表未读取 / sheet 'old': hidden sheet not read"
    ]
    # The derived flag for Mentougou in the base is replaced by the district's own figure.
    assert list(outcome.replaced["indicator_id"]) == ["pay_rules_issued"]
    assert list(outcome.replaced["geo_code"]) == ["110109"]
    flags = new.indicators[
        (new.indicators["indicator_id"] == "pay_rules_issued")
        & (new.indicators["geo_code"] == "110109")
    ]
    assert len(flags) == 1 and flags.iloc[0]["source_id"] == "import-messy"


def test_fixtures_are_reproducible(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.chaoyang_csv() == (FIXTURES / "chaoyang_gbk.csv").read_bytes()

    def contents(data: bytes) -> list:
        """What a workbook says, independent of how a given openpyxl version lays out the XML."""
        workbook = openpyxl.load_workbook(io.BytesIO(data))
        return [
            (ws.title, ws.sheet_state, sorted(str(r) for r in ws.merged_cells.ranges),
             [[(c.value, c.number_format) for c in row] for row in ws.iter_rows()])
            for ws in workbook.worksheets
        ]  # fmt: skip

    assert contents(module.messy_xlsx()) == contents((FIXTURES / "messy.xlsx").read_bytes())


@pytest.mark.parametrize("name", ["district_table_example_zh.csv", "district_table_example_zh.xlsx",
                                  "district_table_example_en.csv", "district_table_example_en.xlsx"])  # fmt: skip
def test_shipped_examples_import(data, name):
    content = (REPO / "data" / "templates" / name).read_bytes()
    outcome = import_file(content, name, "example", data_dir=data)
    assert outcome.rows == 5 and not outcome.skipped
    assert validate_snapshot("example", data) == []


@pytest.mark.parametrize("name", ["district_table_template.csv", "district_table_template.xlsx"])
def test_empty_template_has_the_header_and_nothing_else(data, name):
    messages = refused(data, (REPO / "data" / "templates" / name).read_bytes(), name)
    assert len(messages) == 1 and "只有表头,没有数据行" in messages[0]


def test_template_csv_header_is_the_bilingual_header():
    text = (
        (REPO / "data" / "templates" / "district_table_template.csv")
        .read_bytes()
        .decode("utf-8-sig")
    )
    assert text.splitlines()[0].split(",") == importer.template_header()


# --- skipping, replacing, writing ---------------------------------------------------------------


def test_skip_invalid_imports_the_rest_and_lists_what_was_skipped(data):
    content = table(
        "朝阳区,community_workers,2018,5,,,",
        "朝阳区,community_homes,2018,约七成,,,",
        "石家庄,community_homes,2018,3,,,",
    )
    outcome = import_file(content, "t.csv", "new", data_dir=data, skip_invalid=True)
    assert outcome.rows == 1 and outcome.skipped_rows == 2
    assert [(p.row, p.column) for p in outcome.skipped] == [(3, "D"), (4, "A")]
    assert outcome.manifest["import"]["skipped_rows"] == 2
    assert validate_snapshot("new", data) == []


def test_skip_invalid_with_nothing_valid_writes_nothing(data):
    messages = refused(data, table("石家庄,community_homes,2018,3,,,"), skip_invalid=True)
    assert messages[-1] == "没有可导入的有效行 / no valid rows to import"


def test_dry_run_writes_nothing(data):
    before = folder_state(data)
    outcome = import_file(
        table("朝阳,community_workers,2018,5,,,"), "t.csv", "new", data_dir=data, dry_run=True
    )
    assert outcome.rows == 1 and outcome.path is None
    assert folder_state(data) == before


def test_long_file_names_give_short_quotes(data):
    name = "朝阳区" * 40 + ".csv"
    import_file(table("朝阳,community_workers,2018,5,,,"), name, "new", data_dir=data)
    quotes = load_snapshot("new", data).indicators["quote"]
    assert quotes.str.len().max() <= schema.MAX_QUOTE_CHARS
    assert quotes.str.endswith(".csv, row 2").any()


def test_uploaded_names_lose_their_folders(data):
    import_file(
        table("朝阳,community_workers,2018,5,,,"), "..\\..\\C:\\evil/../x.csv", "new", data_dir=data
    )
    assert load_snapshot("new", data).manifest["import"]["file"] == "x.csv"


def test_interrupted_write_leaves_nothing(data, monkeypatch):
    before = folder_state(data)
    calls = []

    def fail_on_third(frame, file):
        calls.append(file.name)
        if len(calls) == 3:
            raise OSError("disk full")
        return original(frame, file)

    original = writer._write_parquet
    monkeypatch.setattr(writer, "_write_parquet", fail_on_third)
    messages = refused(data, table("朝阳,community_workers,2018,5,,,"))
    assert "写入快照失败,未留下任何文件" in messages[0] and "disk full" in messages[0]
    assert folder_state(data) == before
    assert sorted(p.name for p in (data / "snapshots").iterdir()) == [BASE]


def test_keyboard_interrupt_leaves_nothing(data, monkeypatch):
    def interrupted(frame, file):
        raise KeyboardInterrupt

    monkeypatch.setattr(writer, "_write_parquet", interrupted)
    with pytest.raises(KeyboardInterrupt):
        import_file(table("朝阳,community_workers,2018,5,,,"), "t.csv", "new", data_dir=data)
    assert sorted(p.name for p in (data / "snapshots").iterdir()) == [BASE]


def test_two_imports_of_the_same_id_at_once(data):
    results: list[object] = []
    content = table("朝阳,community_workers,2018,5,,,")
    barrier = threading.Barrier(4)

    def run():
        barrier.wait()
        try:
            results.append(import_file(content, "t.csv", "race", data_dir=data))
        except ImportFailed as exc:
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done = [r for r in results if isinstance(r, importer.ImportOutcome)]
    failed = [r for r in results if isinstance(r, ImportFailed)]
    assert len(done) == 1 and len(failed) == 3
    assert all(f.problems[0].key == "snapshot_exists" for f in failed)
    assert sorted(p.name for p in (data / "snapshots").iterdir()) == [BASE, "race"]
    assert validate_snapshot("race", data) == []


def test_import_on_top_of_an_import(data):
    import_file(table("朝阳,community_workers,2018,5,,,"), "a.csv", "first", data_dir=data)
    outcome = import_file(
        table("朝阳,community_workers,2018,6,,,"), "b.csv", "second", base_id="first", data_dir=data
    )
    assert len(outcome.replaced) == 1 and outcome.replaced.iloc[0]["value"] == 5
    new = load_snapshot("second", data)
    rows = new.indicators[
        (new.indicators["indicator_id"] == "community_workers")
        & (new.indicators["geo_code"] == "110105")
    ]
    assert list(rows["value"]) == [6] and list(rows["source_id"]) == ["import-second"]
    assert {"import-first", "import-second"} <= set(new.sources["source_id"])


# --- command line -------------------------------------------------------------------------------


def test_cli_import(data, capsys):
    path = FIXTURES / "chaoyang_gbk.csv"
    assert (
        cli.main(
            [
                "import",
                str(path),
                "--snapshot",
                "cli",
                "--as-of",
                "2019-01-05",
                "--source",
                "朝阳区民政局",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert f"已创建快照 cli:从 chaoyang_gbk.csv 导入 7 个数值(基础快照 {BASE})" in out
    assert f"Created snapshot cli: 7 value(s) imported from chaoyang_gbk.csv (base {BASE})" in out
    assert validate_snapshot("cli", data) == []


def test_cli_refuses_and_prints_every_problem(data, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        table("朝阳区,community_workers,2018,约七成,,,", "石家庄,community_workers,2018,5,,,")
    )
    before = folder_state(data)
    assert cli.main(["import", str(bad), "--snapshot", "x"]) == 1
    err = capsys.readouterr().err
    assert (
        "导入未完成:发现 2 个问题,未写入任何文件 / Import refused: 2 problem(s) found, nothing was written"
        in err
    )
    assert "第2行 D列: 数值'约七成'无法识别 / row 2, column D: '约七成' is not a number" in err
    assert "第3行 A列: 区'石家庄'无法识别" in err
    assert folder_state(data) == before


def test_cli_skip_invalid_lists_skipped_rows(data, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        table("朝阳区,community_workers,2018,5,,,", "朝阳区,community_homes,2018,约七成,,,")
    )
    assert cli.main(["import", str(bad), "--snapshot", "x", "--skip-invalid", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Skipped 1 row(s):" in out
    assert "  - row 3, column D: '约七成' is not a number" in out


def test_cli_never_overwrites(data, capsys):
    before = folder_state(data)
    assert cli.main(["import", str(FIXTURES / "chaoyang_gbk.csv"), "--snapshot", BASE]) == 1
    assert f"快照 {BASE} 已存在" in capsys.readouterr().err
    assert folder_state(data) == before


def test_cli_missing_file(data, tmp_path, capsys):
    assert cli.main(["import", str(tmp_path / "nope.csv"), "--snapshot", "x"]) == 1
    assert "找不到文件 nope.csv / no such file: nope.csv" in capsys.readouterr().err


def test_cli_reads_no_more_than_the_limit(data, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(importer, "MAX_FILE_BYTES", 1000)
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 5000)
    assert cli.main(["import", str(big), "--snapshot", "x"]) == 1
    assert "文件过大" in capsys.readouterr().err


def test_cli_template(data, tmp_path, capsys):
    assert cli.main(["import-template", str(tmp_path / "tpl")]) == 0
    names = sorted(p.name for p in (tmp_path / "tpl").iterdir())
    assert names == sorted(p.name for p in (REPO / "data" / "templates").iterdir())


# --- property: random tables import cleanly or fail cleanly -------------------------------------

DISTRICTS = ["朝阳", "朝阳区", "Chaoyang", "110105", "海淀区", "Haidian", "110108", "石家庄", "", "北京市",
             "<b>x</b>", "=cmd|' /C calc'!A0"]  # fmt: skip
INDICATORS = ["community_workers", "volunteers_registered", "fifteen_minute_circle_coverage",
              "pay_rules_issued", "Community_Workers", "no_such", ""]  # fmt: skip
PERIODS = ["2018", "2018-12", "2018-12-31", "2018年12月", "2019", "2018-13", "", "去年", "1900"]
VALUES = st.one_of(
    st.sampled_from(
        ["3.5万", "92%", "0.92", "约七成", "", "1,234", "-5", "是", "1e20", "nan", "1", "0"]
    ),
    st.integers(min_value=-10, max_value=10**7).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=6),
)
ANY_ROW = st.tuples(
    st.sampled_from(DISTRICTS), st.sampled_from(INDICATORS), st.sampled_from(PERIODS), VALUES,
    st.sampled_from(["", "人", "%", "元"]), st.sampled_from(["", "约", "以上", "over", "大概"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
)  # fmt: skip
# Rows a district office would send, so that a fair share of tables import.
GOOD_ROW = st.tuples(
    st.sampled_from(["朝阳", "朝阳区", "Chaoyang", "110105", "海淀区", "Haidian", "110108", "延庆"]),
    st.sampled_from(["community_workers", "volunteers_registered", "grid_workers"]),
    st.sampled_from(["2016", "2017", "2018-12", "2018-12-31", "2018年6月", "2019"]),
    st.one_of(st.integers(min_value=0, max_value=10**7).map(str),
              st.sampled_from(["3.5万", "1,234", "约3000", "2000多", "0"])),
    st.sampled_from(["", "人"]), st.sampled_from(["", "约", "over"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
)  # fmt: skip
ROW = st.one_of(GOOD_ROW, GOOD_ROW, ANY_ROW)


def _random_csv(rows, titles: int, encoding: str) -> bytes:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    for i in range(titles):
        out.writerow([f"标题 {i}"])
    out.writerow(HEADER.split(","))
    out.writerows(rows)
    text = buffer.getvalue()
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode("utf-8")


def _random_xlsx(rows, titles: int) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    for i in range(titles):
        ws.append([f"标题 {i}"])
    ws.append(HEADER.split(","))
    for row in rows:
        cells = list(row)
        with contextlib.suppress(ValueError):  # numbers as numbers, the way Excel stores them
            cells[3] = float(cells[3]) if cells[3] not in ("nan", "inf", "-inf") else cells[3]
        ws.append([importer.CONTROL.sub("", c) if isinstance(c, str) else c for c in cells])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def property_root():
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "data"
        shutil.copytree(REPO / "data" / "snapshots" / BASE, root / "snapshots" / BASE)
        yield root


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(ROW, min_size=0, max_size=8),
    titles=st.integers(min_value=0, max_value=3),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk"]),
    as_xlsx=st.booleans(),
    skip_invalid=st.booleans(),
)
def test_random_tables_import_cleanly_or_fail_cleanly(
    property_root, rows, titles, encoding, as_xlsx, skip_invalid
):
    root = property_root
    snapshots = root / "snapshots"
    base_before = folder_state(snapshots / BASE)
    content = _random_xlsx(rows, titles) if as_xlsx else _random_csv(rows, titles, encoding)
    name = "random.xlsx" if as_xlsx else "random.csv"
    try:
        outcome = import_file(content, name, "prop", data_dir=root, skip_invalid=skip_invalid)
    except ImportFailed as exc:
        event("refused")
        assert exc.problems
        for problem in exc.problems:
            assert problem.message("zh") and problem.message("en")
        assert not (snapshots / "prop").exists()
    else:
        event("imported")
        assert outcome.rows >= 1
        assert validate_snapshot("prop", root) == []
        new = load_snapshot("prop", root)
        assert (new.indicators["source_id"] == "import-prop").sum() == outcome.rows
        shutil.rmtree(snapshots / "prop")
    finally:
        leftovers = sorted(p.name for p in snapshots.iterdir())
        shutil.rmtree(snapshots / "prop", ignore_errors=True)
    assert leftovers in ([BASE], [BASE, "prop"])
    assert not [n for n in os.listdir(snapshots) if n.startswith((".tmp-", ".old-"))]
    assert folder_state(snapshots / BASE) == base_before


def test_problems_frame_for_the_page():
    problems = [importer.Problem("value_bad", {"value": "约七成"}, sheet="数据", row=12, column="C"),
                importer.Problem("empty_file")]  # fmt: skip
    frame = importer.problems_frame(problems, "zh")
    assert list(frame.columns) == ["工作表", "行", "列", "问题"]
    assert frame.iloc[0].tolist() == ["数据", 12, "C", "数值'约七成'无法识别"]
    assert pd.isna(frame.iloc[1]["行"])
    assert problems[0].bilingual() == (
        "工作表'数据' 第12行 C列: 数值'约七成'无法识别 / sheet '数据', row 12, column C: '约七成' is not a number"
    )


def test_names_lose_markup_before_they_reach_charts(data):
    import_file(
        table("朝阳,community_workers,2018,5,,,"),
        "<img src=x onerror=alert(1)>.csv",
        "new",
        data_dir=data,
    )
    new = load_snapshot("new", data)
    source = new.sources.set_index("source_id").loc["import-new"]
    assert new.manifest["import"]["file"] == "img src=x onerror=alert(1).csv"
    assert "<" not in source.publisher_zh + source.publisher_en + source.title
    assert not new.indicators["quote"].str.contains("<", regex=False).any()

"""Hostile input: bombs and disguised files refused within bounded time and memory, exports
neutralised against spreadsheet formulas, data never rendered as HTML, damaged snapshots refused
while the app keeps serving, production settings, and the upload switch."""

from __future__ import annotations

import ast
import asyncio
import io
import json
import logging
import re
import shutil
import struct
import time
import tomllib
import tracemalloc
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl import Workbook
from streamlit import config as streamlit_config
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.testing.v1 import AppTest

from dashboard import export, schema, settings, snapshot, ui
from dashboard.i18n import t
from dashboard.pipeline import importer
from dashboard.pipeline.importer import ImportFailed, import_file
from dashboard.snapshot import DEFAULT_SNAPSHOT, load_snapshot, validate_snapshot

REPO = Path(__file__).resolve().parents[2]
BASE = DEFAULT_SNAPSHOT
HEADER = [
    "区 district",
    "指标 indicator",
    "时间 period",
    "数值 value",
    "单位 unit",
    "限定 qualifier",
    "说明 note",
]
SHEET = "xl/worksheets/sheet1.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "data"
    shutil.copytree(REPO / "data" / "snapshots" / BASE, root / "snapshots" / BASE)
    shutil.copytree(REPO / "data" / "geo", root / "geo")
    monkeypatch.setattr(snapshot, "DATA_DIR", root)
    return root


def workbook_bytes(rows: list[list] | None = None) -> bytes:
    workbook = Workbook()
    for row in rows or [HEADER, ["朝阳", "community_workers", "2018", 5]]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_member(
    content: bytes, name: str, chunks, compression: int = zipfile.ZIP_DEFLATED
) -> bytes:
    """The workbook with one member replaced, streamed in so huge members never sit in memory."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as target:
        names = [i.filename for i in source.infolist()]
        for member in [*names, *([name] if name not in names else [])]:
            if member == name:
                with target.open(name, "w", force_zip64=False) as out:
                    for chunk in [chunks] if isinstance(chunks, bytes) else chunks:
                        out.write(chunk)
            else:
                target.writestr(member, source.read(member))
    return buffer.getvalue()


def sheet_xml(rows: int, dimension: str | None = None):
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN_NS}">'.encode()
    if dimension:
        yield f'<dimension ref="{dimension}"/>'.encode()
    yield b"<sheetData>"
    for start in range(1, rows + 1, 10_000):
        yield "".join(
            f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>'
            for i in range(start, min(start + 10_000, rows + 1))
        ).encode()
    yield b"</sheetData></worksheet>"


def refusal(content: bytes, name: str) -> tuple[str, float, float]:
    """The bilingual refusal, the seconds it took and the peak traced memory in MB."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(ImportFailed) as info:
            importer.read_sheets(content, name)
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    return " | ".join(p.bilingual() for p in info.value.problems), elapsed, peak


# --- zip and XML bombs --------------------------------------------------------------------------


def test_zip_bomb_is_refused_from_the_directory_alone():
    # 32 MB of zeros packs into about 32 kB: a ratio near 1000:1.
    bomb = with_member(workbook_bytes(), SHEET, (b"\0" * (1 << 20) for _ in range(32)))
    assert len(bomb) < 200_000
    message, elapsed, peak = refusal(bomb, "report.xlsx")
    assert "压缩包中 xl/worksheets/sheet1.xml 的压缩比异常" in message
    assert "like a zip bomb; refused" in message
    assert elapsed < 2 and peak < 5


def test_many_small_members_adding_up_are_refused():
    source = zipfile.ZipFile(io.BytesIO(workbook_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info))
        pad = b"\0" * (1 << 20)  # each 1 MB member stays under the ratio check; together 70 MB
        for i in range(70):
            archive.writestr(f"xl/media/pad{i}.bin", pad)
    content = buffer.getvalue()
    message, elapsed, peak = refusal(content, "report.xlsx")
    assert "压缩包解压后过大" in message and "like a zip bomb" in message
    assert elapsed < 2 and peak < 10


def test_too_many_members_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for i in range(importer.MAX_ZIP_MEMBERS + 1):
            archive.writestr(f"xl/x{i}.xml", "")
    message, elapsed, _ = refusal(buffer.getvalue(), "report.xlsx")
    assert "压缩包内文件过多" in message and elapsed < 2


def _declare_size(content: bytes, member: str, size: int) -> bytes:
    """Rewrite the uncompressed size the archive declares for `member` in both of its headers."""
    raw = bytearray(content)
    name = member.encode()
    local = raw.find(b"PK\x03\x04")
    while local != -1:
        name_length = struct.unpack_from("<H", raw, local + 26)[0]
        if raw[local + 30 : local + 30 + name_length] == name:
            struct.pack_into("<I", raw, local + 22, size)
        local = raw.find(b"PK\x03\x04", local + 4)
    central = raw.find(b"PK\x01\x02")
    while central != -1:
        name_length = struct.unpack_from("<H", raw, central + 28)[0]
        if raw[central + 46 : central + 46 + name_length] == name:
            struct.pack_into("<I", raw, central + 24, size)
        central = raw.find(b"PK\x01\x02", central + 4)
    return bytes(raw)


def test_a_member_lying_about_its_size_cannot_inflate_past_it():
    # Python's zipfile stops at the declared size and then fails the CRC check.
    content = with_member(workbook_bytes(), SHEET, b"\0" * (20 << 20))
    liar = _declare_size(content, SHEET, 1000)
    message, elapsed, peak = refusal(liar, "report.xlsx")
    assert "文件已损坏" in message or "无法读取工作簿" in message
    assert elapsed < 2 and peak < 10


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>"
)


@pytest.mark.parametrize(
    "member", [SHEET, "xl/sharedStrings.xml", "xl/workbook.xml", "[Content_Types].xml"]
)
def test_xml_bomb_is_refused(member):
    body = (
        BILLION_LAUGHS
        + f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'.encode()
    )
    content = with_member(workbook_bytes([["a"]]), member, body)
    message, elapsed, peak = refusal(content, "report.xlsx")
    assert f"工作簿中 {member} 含有 DTD 或 XML 实体定义" in message
    assert "possibly an XML bomb" in message
    assert elapsed < 2 and peak < 20


def test_openpyxl_parses_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True


@pytest.mark.parametrize("member", [SHEET, "xl/sharedStrings.xml"])
def test_xml_bomb_past_our_own_check_is_stopped_by_defusedxml(member, monkeypatch):
    # A DTD pushed beyond the bytes our check reads (comments may precede it) reaches openpyxl,
    # whose defusedxml parser refuses it; the refusal still says what happened.
    padding = b"<?xml version='1.0'?>" + b"<!--" + b" " * (importer.XML_PROLOG_BYTES + 10) + b"-->"
    bomb = padding + BILLION_LAUGHS.split(b"?>", 1)[1]
    content = workbook_bytes([["text"]])
    if member == SHEET:
        body = (
            bomb
            + f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'.encode()
        )
    else:  # openpyxl writes inline strings; declare a shared-string table so that it is read
        body = (
            bomb
            + f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'.encode()
        )
        types = (
            zipfile.ZipFile(io.BytesIO(content))
            .read("[Content_Types].xml")
            .replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            )
        )
        content = with_member(content, "[Content_Types].xml", types)
    content = with_member(content, member, body)
    message, elapsed, peak = refusal(content, "report.xlsx")
    assert "含有 DTD 或 XML 实体定义" in message
    assert elapsed < 2 and peak < 20


# --- huge and odd sheets ------------------------------------------------------------------------


def test_a_million_rows_without_a_declared_size_are_counted_and_refused_early():
    content = with_member(workbook_bytes(), SHEET, sheet_xml(1_000_000))
    assert zipfile.ZipFile(io.BytesIO(content)).getinfo(SHEET).file_size > 40_000_000
    start = time.perf_counter()
    with pytest.raises(ImportFailed) as info:
        importer.read_sheets(content, "report.xlsx")
    assert time.perf_counter() - start < 20
    assert info.value.problems[0].bilingual() == (
        "工作表'Sheet': 行数超过上限 50000 行,已停止读取 / sheet 'Sheet': more than 50000 rows; reading stopped"
    )


def test_a_million_rows_declared_are_refused_before_reading():
    content = with_member(workbook_bytes(), SHEET, sheet_xml(1_000_000, "A1:A1000000"))
    message, elapsed, peak = refusal(content, "report.xlsx")
    assert "行数超过上限 50000 行" in message
    assert elapsed < 2 and peak < 10


def test_a_million_csv_rows_are_refused_without_reading_them_all():
    content = "区,指标,时间,数值\r\n".encode() + b"x,y,2018,1\r\n" * 1_000_000
    message, elapsed, peak = refusal(content, "report.csv")
    assert message == "行数超过上限 50000 行,已停止读取 / more than 50000 rows; reading stopped"
    assert elapsed < 20 and peak < 40


def test_a_wrong_declared_size_does_not_hide_rows(data):
    rows = "".join(
        f'<row r="{i + 2}"><c r="A{i + 2}" t="inlineStr"><is><t>朝阳</t></is></c>'
        f'<c r="B{i + 2}" t="inlineStr"><is><t>community_workers</t></is></c>'
        f'<c r="C{i + 2}"><v>{2000 + i}</v></c><c r="D{i + 2}"><v>{i}</v></c></row>'
        for i in range(10)
    )
    header = "".join(
        f'<c r="{col}1" t="inlineStr"><is><t>{text}</t></is></c>'
        for col, text in zip("ABCD", HEADER, strict=False)
    )
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><dimension ref="A1:D2"/>'
        f'<sheetData><row r="1">{header}</row>{rows}</sheetData></worksheet>'
    ).encode()
    outcome = import_file(
        with_member(workbook_bytes(), SHEET, body), "t.xlsx", "new", data_dir=data
    )
    assert outcome.rows == 10


def test_cells_far_to_the_right_are_ignored_in_bounded_time(data):
    codes = list(schema.DISTRICT_CODES)
    rows = [HEADER] + [
        [codes[i % 16], "community_workers", str(1950 + i // 16), i] for i in range(2000)
    ]
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    for i in range(2, 2002):
        workbook.active.cell(row=i, column=16384, value="far")
    buffer = io.BytesIO()
    workbook.save(buffer)
    start = time.perf_counter()
    outcome = import_file(buffer.getvalue(), "wide.xlsx", "new", data_dir=data, as_of="2100-12-31")
    assert outcome.rows == 2000 and time.perf_counter() - start < 20


def test_a_giant_csv_field_is_refused():
    content = "区,指标,时间,数值\r\n".encode() + b'"' + b"x" * 200_000 + b'",y,2018,1\r\n'
    message, _, _ = refusal(content, "report.csv")
    assert "CSV 无法解析" in message and "the CSV cannot be parsed" in message


def test_formula_without_a_saved_result_is_named(data):
    content = workbook_bytes([HEADER, ["朝阳", "community_workers", "2018", "=B9*2"]])
    with pytest.raises(ImportFailed) as info:
        import_file(content, "t.xlsx", "new", data_dir=data)
    assert info.value.problems[0].bilingual() == (
        "工作表'Sheet' 第2行 D列: 单元格是公式 =B9*2,但文件中没有保存计算结果:请在 Excel 中打开并保存,或粘贴为数值"
        " / sheet 'Sheet', row 2, column D: the cell holds the formula =B9*2 but no calculated result "
        "was saved: open and save the file in Excel, or paste values"
    )


def test_formula_with_a_saved_result_is_read(data):
    header = "".join(
        f'<c r="{col}1" t="inlineStr"><is><t>{text}</t></is></c>'
        for col, text in zip("ABCD", HEADER, strict=False)
    )
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'
        f'<row r="1">{header}</row><row r="2"><c r="A2" t="inlineStr"><is><t>朝阳</t></is></c>'
        '<c r="B2" t="inlineStr"><is><t>community_workers</t></is></c><c r="C2"><v>2018</v></c>'
        '<c r="D2"><f>E2*2</f><v>4240</v></c></row></sheetData></worksheet>'
    ).encode()
    outcome = import_file(
        with_member(workbook_bytes(), SHEET, body), "t.xlsx", "new", data_dir=data
    )
    assert outcome.rows == 1
    values = load_snapshot("new", data).indicators
    assert values[values["source_id"] == "import-new"]["value"].tolist() == [4240]


def test_merged_title_and_district_cells(data):
    workbook = Workbook()
    ws = workbook.active
    rows = {
        1: ["朝阳区 2018"],
        3: HEADER[:4],
        4: ["朝阳区", "community_workers", "2018", 1],
        5: [None, "community_homes", "2018", 2],
        6: [None, "grid_workers", "2018", 3],
        7: [None, "volunteers_registered", "2018", 4],  # not merged: stays an error
    }
    for number, values in rows.items():
        for column, value in enumerate(values, start=1):
            ws.cell(row=number, column=column, value=value)
    ws.merge_cells("A1:D2")
    ws.merge_cells("A4:A6")
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportFailed) as info:
        import_file(buffer.getvalue(), "t.xlsx", "new", data_dir=data)
    assert [(p.row, p.column, p.key) for p in info.value.problems] == [(7, "A", "district_empty")]


# --- exports ------------------------------------------------------------------------------------

HOSTILE = [
    "=1+1",
    "+41",
    "-2+3",
    "@SUM(A1)",
    "\tTAB",
    "\rCR",
    '=HYPERLINK("http://x")',
    "safe",
    "中文=",
    " =x",
]


def test_csv_export_is_neutralised_byte_for_byte():
    frame = pd.DataFrame({"text": HOSTILE, "number": [-1.5, 2, 3, 4, 5, 6, 7, 8, 9, 10]})
    frame = frame.rename(columns={"number": "=cmd"})
    expected = (
        "\ufefftext,'=cmd\r\n"
        "'=1+1,-1.5\r\n"
        "'+41,2.0\r\n"
        "'-2+3,3.0\r\n"
        "'@SUM(A1),4.0\r\n"
        "'\tTAB,5.0\r\n"
        '"\'\rCR",6.0\r\n'
        '"\'=HYPERLINK(""http://x"")",7.0\r\n'
        "safe,8.0\r\n"
        "中文=,9.0\r\n"
        " =x,10.0\r\n"
    ).encode("utf-8")
    assert export.csv_bytes(frame) == expected


def test_xlsx_export_is_neutralised_cell_for_cell():
    frame = pd.DataFrame({"text": HOSTILE, "number": range(10)})
    content = export.xlsx_bytes(frame)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [
        "'=1+1", "'+41", "'-2+3", "'@SUM(A1)", "'\tTAB", "'\rCR", "'=HYPERLINK(\"http://x\")", "safe", "中文=", " =x",
    ]  # fmt: skip
    assert all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml and b"<f " not in xml


def test_import_problem_table_and_diff_downloads_are_neutralised():
    problems = [
        importer.Problem("district_unknown", {"value": "=cmd|' /C calc'!A0"}, row=2, column="A")
    ]
    frame = importer.problems_frame(problems, "en")
    assert b"=cmd" in export.csv_bytes(frame)
    assert b",=cmd" not in export.csv_bytes(frame) and b"\n=cmd" not in export.csv_bytes(frame)


# --- HTML ---------------------------------------------------------------------------------------


def _html_calls(tree: ast.AST):
    """Calls that hand a string to the browser as HTML: st.html(...), components.html(...), and
    anything with unsafe_allow_html=True."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = (
            node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        )
        unsafe = any(
            k.arg == "unsafe_allow_html"
            and not (isinstance(k.value, ast.Constant) and k.value.value is False)
            for k in node.keywords
        )
        if name == "html" or unsafe:
            yield node


def _static_strings(tree: ast.Module) -> set[str]:
    """Module-level names bound once, to a plain string literal (no f-string, no formatting)."""
    bound: dict[str, list[ast.AST]] = {}
    for node in ast.walk(tree):
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, ast.AugAssign | ast.AnnAssign)
            else []
        )
        for target in targets:
            if isinstance(target, ast.Name):
                bound.setdefault(target.id, []).append(node)
    return {
        name
        for name, nodes in bound.items()
        if len(nodes) == 1
        and isinstance(nodes[0], ast.Assign)
        and nodes[0] in tree.body
        and isinstance(nodes[0].value, ast.Constant)
        and isinstance(nodes[0].value.value, str)
    }


# Functions whose HTML is built only from constants, and why: checked by reading them.
STATIC_HTML_FUNCTIONS = {
    "stage_css": "colours from the STAGE_COLOURS table, never data",
    "streamlit_words": "the STREAMLIT_ZH table as a script_json literal, never data",
}


def _safe_html_argument(argument: ast.AST, static: set[str], ui_static: set[str]) -> bool:
    """A constant string; a module-level string constant (here or in dashboard.ui); a function
    known to build from constants only; two such joined; or a constant template filled only with constants,
    numbers and `script_json(...)` values, which cannot end the script they sit in."""
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return True
    if isinstance(argument, ast.Name):
        return argument.id in static
    if isinstance(argument, ast.Attribute):
        return getattr(argument.value, "id", "") == "ui" and argument.attr in ui_static
    if isinstance(argument, ast.Call):
        func = argument.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        return name in STATIC_HTML_FUNCTIONS
    if isinstance(argument, ast.BinOp) and isinstance(argument.op, ast.Add):  # two safe scripts
        return all(
            _safe_html_argument(a, static, ui_static) for a in (argument.left, argument.right)
        )
    if isinstance(argument, ast.BinOp) and isinstance(argument.op, ast.Mod):
        template_ok = _safe_html_argument(argument.left, static, ui_static)
        values = argument.right.values if isinstance(argument.right, ast.Dict) else [None]
        return template_ok and all(_safe_template_value(v) for v in values)
    return False


def _safe_template_value(value: ast.AST | None) -> bool:
    if isinstance(value, ast.Constant) and isinstance(value.value, int | float):
        return True
    if isinstance(value, ast.Attribute | ast.Name):  # a module constant such as STAGE_WIDTH
        return (value.attr if isinstance(value, ast.Attribute) else value.id).isupper()
    if isinstance(value, ast.Call):
        name = value.func.attr if isinstance(value.func, ast.Attribute) else value.func.id
        return name in ("script_json", "int")
    return False


def test_no_data_reaches_html():
    """Every st.html / unsafe_allow_html call passes HTML written in the code; data reaches a
    script only as a `ui.script_json` literal."""
    sources = [
        REPO / "streamlit_app.py",
        *(REPO / "dashboard").rglob("*.py"),
        *(REPO / "pages").rglob("*.py"),
    ]
    ui_static = _static_strings(ast.parse((REPO / "dashboard" / "ui.py").read_text("utf-8")))
    checked = 0
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        static = _static_strings(tree)
        for call in _html_calls(tree):
            where = f"{path.relative_to(REPO).as_posix()}:{call.lineno}"
            assert len(call.args) == 1, where
            assert _safe_html_argument(call.args[0], static, ui_static), where
            checked += 1
    assert checked >= 1  # ui.hide_chrome's static CSS at least


def test_a_title_naming_a_place_cannot_end_its_script():
    literal = ui.script_json("朝阳区</script><img src=x onerror=alert(1)>&")
    assert "<" not in literal and ">" not in literal and "&" not in literal
    assert json.loads(literal) == "朝阳区</script><img src=x onerror=alert(1)>&"


def html_is_only_the_page_meta(at: AppTest) -> bool:
    """Outside presentation mode the only HTML is the static style and the page's language and
    title script, whose values never hold a tag, followed by the static script that says
    Streamlit's own words in the reader's language."""
    for element in at.get("html"):
        body = element.proto.body
        if body == ui.READABLE_CSS:
            continue
        template = re.escape(ui._PAGE_META)
        for name in ("%(lang)s", "%(title)s", "%(view)s", "%(plotly)s"):
            template = template.replace(re.escape(name), "(.*)")
        template += re.escape(ui.streamlit_words())
        values = re.fullmatch(template, body, re.DOTALL)
        if values is None or any("<" in v for v in values.groups()):
            return False
    return True


def _script_table(data_dir: Path) -> None:
    rows = [
        HEADER,
        [
            "朝阳",
            "community_workers",
            "2018",
            5,
            "",
            "",
            "<script>alert(1)</script><b>朝阳区社区工作者人数说明</b>",
        ],
    ]
    import_file(
        workbook_bytes(rows), "<img src=x onerror=alert(1)>.xlsx", "html", data_dir=data_dir
    )


def test_imported_html_is_shown_as_text(data):
    _script_table(data)
    at = AppTest.from_file(str(REPO / "pages" / "data_sources.py"), default_timeout=60)
    at.query_params["snapshot"] = "html"
    at.run()
    assert not at.exception
    assert html_is_only_the_page_meta(at)
    shown = [str(m.value) for m in at.markdown] + [str(c.value) for c in at.caption]
    assert not any("<script" in s or "<img" in s for s in shown)
    tables = [df.value for df in at.dataframe]
    assert any(
        (table == "<script>alert(1)</script><b>朝阳区社区工作者人数说明</b>").any().any()
        for table in tables
    )


# --- damaged snapshots on disk ------------------------------------------------------------------


def _broken_copy(data_dir: Path, name: str, *, fix_checksum: bool) -> None:
    target = data_dir / "snapshots" / name
    shutil.copytree(data_dir / "snapshots" / BASE, target)
    parquet = target / "indicators.parquet"
    manifest = (target / "manifest.json").read_text(encoding="utf-8")
    old = json.loads(manifest)["tables"]["indicators"]["sha256"]
    parquet.write_bytes(parquet.read_bytes()[:200])  # truncated
    manifest = manifest.replace(f'"id": "{BASE}"', f'"id": "{name}"')
    if fix_checksum:
        manifest = manifest.replace(old, snapshot.sha256_file(parquet))
    (target / "manifest.json").write_text(manifest, encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "fix_checksum", "reason"),
    [
        ("truncated", False, "checksum does not match the manifest"),
        ("resigned", True, "not a readable Parquet file"),
    ],
)
def test_damaged_snapshot_is_refused_and_the_app_keeps_serving(
    data, caplog, name, fix_checksum, reason
):
    _broken_copy(data, name, fix_checksum=fix_checksum)
    assert any(reason in p for p in validate_snapshot(name, data))
    caplog.set_level(logging.ERROR)
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60)
    at.query_params["snapshot"] = name
    at.run()
    assert not at.exception
    banner = [w.value for w in at.warning if f"数据快照 {name} 无法使用" in w.value]
    assert banner and reason in banner[0] and f"现显示 {BASE}" in banner[0]
    assert at.session_state["_session"].snapshot.id == BASE
    assert any(
        "snapshot refused" in r.getMessage() and reason in r.getMessage() for r in caplog.records
    )


def test_damaged_default_snapshot_falls_back_to_another(data, caplog):
    shutil.copytree(data / "snapshots" / BASE, data / "snapshots" / "good")
    manifest = data / "snapshots" / "good" / "manifest.json"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(f'"id": "{BASE}"', '"id": "good"'),
        encoding="utf-8",
    )
    parquet = data / "snapshots" / BASE / "sources.parquet"
    parquet.write_bytes(parquet.read_bytes()[:-10])
    caplog.set_level(logging.ERROR)
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert at.session_state["_session"].snapshot.id == "good"
    assert any(f"数据快照 {BASE} 无法使用" in w.value for w in at.warning)
    assert any("snapshot refused" in r.getMessage() for r in caplog.records)


def _copy_with_manifest(data_dir: Path, name: str, change) -> None:
    target = data_dir / "snapshots" / name
    shutil.copytree(data_dir / "snapshots" / BASE, target)
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    manifest["id"] = name
    change(manifest)
    (target / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda m: m["tables"]["indicators"].pop("file"), "table 'indicators': 'file' must be"),
        (lambda m: m.update(tables=[]), "'tables' must be an object, not a list"),
        (lambda m: m.update(schema_version="1"), "'schema_version' must be a whole number"),
        (lambda m: m.update(id="elsewhere"), "'id' is 'elsewhere' but the folder is 'bad'"),
    ],
)  # fmt: skip
def test_a_malformed_manifest_never_takes_the_pages_down(data, caplog, change, words):
    """Found: with one manifest's tables.indicators.file deleted, every page of every viewer showed
    only "This app has encountered an error"."""
    _copy_with_manifest(data, "bad", change)
    caplog.set_level(logging.ERROR)
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert at.session_state["_session"].snapshot.id == BASE
    notices = [w.value for w in at.sidebar.warning]
    assert len(notices) == 1 and "bad/manifest.json" in notices[0]
    assert ui.plain(words) in notices[0]
    assert at.sidebar.selectbox(key="snapshot").options == [f"{BASE} · " + _title(data, "zh")]
    assert any("snapshot left out" in r.getMessage() for r in caplog.records)


def test_an_unreadable_snapshot_folder_never_takes_the_pages_down(data, monkeypatch):
    """Found: a snapshot folder written 0700 by the operator's account made list_snapshots() raise
    PermissionError in the server's account, and every page crashed."""
    _copy_with_manifest(data, "private", lambda m: None)
    folder = data / "snapshots" / "private"
    real_stat = Path.stat

    def stat(self: Path, *args, **kwargs):  # what another account meets (root reads anything)
        if folder in self.parents:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", stat)
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.session_state["_session"].snapshot.id == BASE
    problem = "private/ cannot be read: Permission denied"
    assert [w.value for w in at.sidebar.warning] == [
        ui.plain(t("notice.snapshot_left_out", "zh", problem=problem))
    ]
    assert not [o for o in at.sidebar.selectbox(key="snapshot").options if o.startswith("private")]


def test_a_missing_default_snapshot_is_said_not_silently_replaced(data):
    """Found: with the default's folder gone after a killed build, the app silently showed another
    snapshot."""
    _copy_with_manifest(data, "other", lambda m: None)
    shutil.rmtree(data / "snapshots" / BASE)
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.session_state["_session"].snapshot.id == "other"
    assert t("notice.default_missing", "zh", snapshot=BASE) in [w.value for w in at.warning]


def _title(data_dir: Path, lang: str) -> str:
    return snapshot.read_manifest(data_dir / "snapshots" / BASE)[f"title_{lang}"]


# --- production settings ------------------------------------------------------------------------


def test_streamlit_production_config():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["fileWatcherType"] == "none"
    assert config["server"]["runOnSave"] is False
    assert config["server"]["headless"] is True
    assert config["server"]["maxUploadSize"] == 0  # raised by the app only when uploads are on
    assert config["client"]["showErrorLinks"] == "false"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["client"]["toolbarMode"] == "viewer"


def _put_upload(size: int, *, declared: bool) -> tuple[int, MemoryUploadedFileManager]:
    """A PUT to the upload route as a viewer's browser (or a script with the viewer's own session)
    sends it, through Streamlit's own route handler; returns the status and what was stored."""
    from starlette.applications import Starlette
    from streamlit.web.server.starlette.starlette_routes import create_upload_routes

    class Runtime:
        def is_active_session(self, session_id: str) -> bool:
            return True

    manager = MemoryUploadedFileManager("/_stcore/upload_file")
    app = Starlette(routes=create_upload_routes(Runtime(), manager, None))
    body = (
        b'--X\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + b"x" * size + b"\r\n--X--\r\n"
    )
    headers = [(b"content-type", b"multipart/form-data; boundary=X")]
    if declared:
        headers.append((b"content-length", str(len(body)).encode()))
    chunks = [body[i : i + 65536] for i in range(0, len(body), 65536)]
    scope = {"type": "http", "method": "PUT", "path": "/_stcore/upload_file/s/f", "headers": headers,
             "query_string": b"", "http_version": "1.1", "scheme": "http", "server": ("t", 80),
             "root_path": ""}  # fmt: skip
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": chunks.pop(0) if chunks else b"",
                "more_body": bool(chunks)}  # fmt: skip

    async def send(message: dict) -> None:
        sent.append(message)

    # In its own thread: in a whole run the session's Playwright browser keeps an event loop
    # running in this one, and asyncio.run refuses to start inside it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, manager


@pytest.mark.parametrize("declared", [True, False])
def test_with_uploads_off_the_upload_route_stores_nothing(data, monkeypatch, declared):
    """Found: with uploads off, 30 PUTs of 9.5 MiB with the viewer's own session and XSRF cookie
    all answered 204, and the server grew from 278 to 565 MiB and stayed there."""
    monkeypatch.delenv("DASHBOARD_ALLOW_UPLOAD", raising=False)
    monkeypatch.setattr(settings, "SETTINGS_FILE", data / "absent.toml")
    xsrf = streamlit_config.get_option("server.enableXsrfProtection")
    streamlit_config.set_option("server.enableXsrfProtection", False)  # as if the token were valid
    try:
        at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60).run()
        assert not at.exception
        assert streamlit_config.get_option("server.maxUploadSize") == 0
        status, manager = _put_upload(int(9.5 * 1024 * 1024), declared=declared)
        assert status == 413 and manager.get_files("s", ["f"]) == []
        status, manager = _put_upload(1000, declared=declared)
        assert status == 413 and manager.get_files("s", ["f"]) == []
        # Turned on, the limit is the administrator's, and a file within it is stored.
        monkeypatch.setenv("DASHBOARD_ALLOW_UPLOAD", "1")
        AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60).run()
        assert streamlit_config.get_option("server.maxUploadSize") == 5
        status, manager = _put_upload(1000, declared=declared)
        assert status == 204 and len(manager.get_files("s", ["f"])) == 1
    finally:
        streamlit_config.set_option("server.enableXsrfProtection", xsrf)
        streamlit_config.set_option("server.maxUploadSize", 0)


def test_upload_is_off_by_default(tmp_path):
    assert settings.load_settings(tmp_path / "absent.toml", environ={}).allow_upload is False
    shipped = settings.load_settings(REPO / "dashboard_settings.toml", environ={})
    assert shipped.allow_upload is False and shipped.max_upload_mb == 5


@pytest.mark.parametrize(
    ("file_text", "env", "allowed", "size"),
    [
        ("allow_upload = true\n", {}, True, 5),
        ("allow_upload = true\nmax_upload_mb = 2\n", {}, True, 2),
        ("allow_upload = true\n", {"DASHBOARD_ALLOW_UPLOAD": "0"}, False, 5),
        ("", {"DASHBOARD_ALLOW_UPLOAD": "1"}, True, 5),
        ("", {"DASHBOARD_ALLOW_UPLOAD": "yes"}, True, 5),
        ("", {"DASHBOARD_ALLOW_UPLOAD": "maybe"}, False, 5),
        ('allow_upload = "true"\n', {}, False, 5),
        ("allow_upload = tru\n", {}, False, 5),
        ("max_upload_mb = 500\n", {}, False, 5),
        ("max_upload_mb = true\n", {}, False, 5),
        ("allow_upload = true\nmax_upload_mb = 0\n", {}, True, 5),
    ],
)
def test_settings(tmp_path, file_text, env, allowed, size):
    path = tmp_path / "dashboard_settings.toml"
    path.write_text(file_text, encoding="utf-8")
    loaded = settings.load_settings(path, environ=env)
    assert (loaded.allow_upload, loaded.max_upload_mb) == (allowed, size)
    assert loaded.max_upload_bytes == size * 1024 * 1024


# --- the upload page ----------------------------------------------------------------------------


def _import_page() -> AppTest:
    at = AppTest.from_file(str(REPO / "pages" / "import_data.py"), default_timeout=60)
    at.run()
    return at


def test_upload_page_is_off_by_default(data, monkeypatch):
    monkeypatch.delenv("DASHBOARD_ALLOW_UPLOAD", raising=False)
    monkeypatch.setattr(settings, "SETTINGS_FILE", data / "absent.toml")
    at = _import_page()
    assert not at.exception
    assert any(t("import.disabled", "zh") == i.value for i in at.info)
    assert not at.get("file_uploader")


def _submit(
    at: AppTest, content: bytes, name: str, snapshot_id: str, skip: bool = False
) -> AppTest:
    at.file_uploader(key="import_file").upload(name, content, "text/csv")
    at.text_input(key="import_snapshot_id").input(snapshot_id)
    at.checkbox(key="import_skip_invalid").check() if skip else None
    next(b for b in at.button if b.label == t("import.submit", "zh")).click()
    return at.run()


def test_upload_page_refuses_with_the_problem_table(data, monkeypatch):
    monkeypatch.setenv("DASHBOARD_ALLOW_UPLOAD", "1")
    before = sorted(p.name for p in (data / "snapshots").iterdir())
    content = "\r\n".join(
        [",".join(HEADER), "<script>alert(1)</script>,community_workers,2018,约七成,,,"]
    ).encode()
    at = _submit(_import_page(), content, "bad.csv", "web")
    assert not at.exception
    assert any("未导入:发现 2 个问题,未写入任何文件" in e.value for e in at.error)
    problems = at.dataframe[-1].value
    assert list(problems.columns) == ["工作表", "行", "列", "问题"]
    assert problems["问题"].tolist() == [
        "区'<script>alert(1)</script>'无法识别(应为北京16个区之一,可写 朝阳、朝阳区、Chaoyang 或 110105)",
        "数值'约七成'无法识别",
    ]
    assert html_is_only_the_page_meta(at)
    assert sorted(p.name for p in (data / "snapshots").iterdir()) == before


def test_upload_page_imports(data, monkeypatch):
    monkeypatch.setenv("DASHBOARD_ALLOW_UPLOAD", "1")
    content = (REPO / "tests" / "fixtures" / "import" / "chaoyang_gbk.csv").read_bytes()
    at = _submit(_import_page(), content, "chaoyang_gbk.csv", "web")
    assert not at.exception
    assert any("已创建快照 web:导入 7 个数值" in s.value for s in at.success)
    assert validate_snapshot("web", data) == []


def test_upload_page_size_limit(data, monkeypatch):
    monkeypatch.setenv("DASHBOARD_ALLOW_UPLOAD", "1")
    path = data / "settings.toml"
    path.write_text("max_upload_mb = 1\n", encoding="utf-8")
    monkeypatch.setattr(settings, "SETTINGS_FILE", path)
    content = ",".join(HEADER).encode() + b"\r\n" + b"x" * (1024 * 1024 + 1)
    at = _submit(_import_page(), content, "big.csv", "web")
    assert any("未导入" in e.value for e in at.error)
    assert "文件过大(1.1 MB),上限为 1.0 MB" in at.dataframe[-1].value["问题"].iloc[0]
    assert not (data / "snapshots" / "web").exists()


# --- with uploads on: a cap on imported snapshots, each loaded when chosen ------------------------


def _import_copies(data_dir: Path, count: int) -> None:
    content = (REPO / "tests" / "fixtures" / "import" / "chaoyang_gbk.csv").read_bytes()
    for i in range(count):
        import_file(content, "chaoyang.csv", f"up-{i}", data_dir=data_dir)


def test_the_number_and_size_of_imported_snapshots_are_capped(data, monkeypatch):
    """Found: with uploads on there was no cap on the number of snapshots."""
    _import_copies(data, 2)
    content = (REPO / "tests" / "fixtures" / "import" / "chaoyang_gbk.csv").read_bytes()
    limits = importer.ImportLimits(snapshots=2, total_mb=100)
    with pytest.raises(ImportFailed) as info:
        import_file(content, "c.csv", "third", data_dir=data, limits=limits)
    assert info.value.problems[0].bilingual() == (
        "已有 2 个导入的快照,达到上限 2:请管理员先删除不再需要的快照 / there are already 2 "
        "imported snapshots, the limit is 2: ask an administrator to remove those no longer needed"
    )
    (data / "snapshots" / "up-0" / "padding.bin").write_bytes(b"x" * (1024 * 1024))
    with pytest.raises(ImportFailed) as info:
        import_file(content, "c.csv", "third", data_dir=data, limits=importer.ImportLimits(9, 1))
    message = info.value.problems[0].bilingual()
    # 1 MB of padding and two imported snapshots, their size rounded up to a tenth of a MiB.
    taken = sum(
        f.stat().st_size for d in ("up-0", "up-1") for f in (data / "snapshots" / d).iterdir()
    )
    assert taken > 1024 * 1024
    assert (
        f"imported snapshots take {importer._mb(taken, up=True)} MB, the limit is 1 MB" in message
    )
    assert not (data / "snapshots" / "third").exists()
    import_file(content, "c.csv", "third", data_dir=data)  # the operator's command line: no cap


def test_the_upload_page_applies_the_cap(data, monkeypatch):
    monkeypatch.setenv("DASHBOARD_ALLOW_UPLOAD", "1")
    monkeypatch.setattr(importer, "UPLOAD_LIMITS", importer.ImportLimits(snapshots=1, total_mb=1))
    content = (REPO / "tests" / "fixtures" / "import" / "chaoyang_gbk.csv").read_bytes()
    at = _submit(_import_page(), content, "chaoyang_gbk.csv", "web")
    assert any("已创建快照 web" in s.value for s in at.success)
    at = _submit(at, content, "chaoyang_gbk.csv", "web2")
    assert any("未导入" in e.value for e in at.error)
    assert "达到上限 1" in at.dataframe[-1].value["问题"].iloc[0]
    assert not (data / "snapshots" / "web2").exists()


def test_snapshots_are_loaded_when_chosen_not_all_at_the_first_view(data, monkeypatch):
    """Found: ten 3 MB uploads made the first page take 11.3 s instead of 3.9 s: the sidebar's
    labels loaded every snapshot."""
    _import_copies(data, 10)
    loaded = []
    real = snapshot._load_uncached
    monkeypatch.setattr(
        snapshot, "_load_uncached", lambda p, f: loaded.append(p.name) or real(p, f)
    )
    snapshot._cache.clear()
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception
    assert loaded == [BASE]
    assert len(at.sidebar.selectbox(key="snapshot").options) == 11
    at.sidebar.selectbox(key="snapshot").select_index(3).run()
    assert not at.exception and loaded == [BASE, "up-2"]


# --- what a workbook holds beyond its cells -------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "key", "words"),
    [
        ("xl/vbaProject.bin", "macro_workbook", "macros are never read or run"),
        ("xl/externalLinks/externalLink1.xml", "external_links", "links are never updated"),
    ],
)
def test_macros_and_external_links_are_named_in_a_warning(data, member, key, words):
    """Found: a renamed .xlsm and a workbook with external links imported without a word."""
    content = with_member(workbook_bytes(), member, b"<x/>")
    outcome = import_file(content, "renamed.xlsx", "new", data_dir=data)
    assert [w.key for w in outcome.warnings] == [key]
    assert words in outcome.warnings[0].message("en")
    assert outcome.rows == 1


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("[a](http://x.cn)", "\\[a\\](http:\u200b//x.cn)"),
        ("![](http://127.0.0.1:9/b.png)", "!\\[\\](http:\u200b//127.0.0.1\\:9/b.png)"),
        ("<b>x</b> &lt;", "\\<b\\>x\\</b\\> \\&lt;"),
        (":red[x] :material/home: $x$ **b** `c`", "\\:red\\[x\\] \\:material/home: \\$x\\$ \\*\\*b\\*\\* \\`c\\`"),
        ("www.x.cn a@b.cn", "www\u200b.x.cn a\u200b@b.cn"),
        ("- item", "\\- item"),
        ("1. item", "1\\. item"),
        ("# title\nnext", "\\# title next"),
        ("2019-01-09: 3.5 (约)", "2019-01-09: 3.5 (约)"),
    ],
)  # fmt: skip
def test_plain_text_for_markdown_places(text, shown):
    assert ui.plain(text) == shown


def test_page_scripts_declare_nothing_at_their_top_level():
    """Found: the page script runs again in the same global scope whenever the tab title changes,
    and a second top-level `const` of one name threw, so a drilled view kept the city's title."""
    import re

    from dashboard import ui

    for script in (ui._PAGE_META, ui._STREAMLIT_WORDS):
        body = script.removeprefix("<script>").removesuffix("</script>")
        assert not re.findall(r"^(?:const|let|class)\s", body, flags=re.M), script[:80]

"""Import a district table (XLSX or CSV) into a new snapshot: read, normalise, validate, write.

A district office's table is read as it arrives (UTF-8 with or without BOM, GBK/GB18030, UTF-16
text; title rows above the header; merged cells; district names in Chinese, English or as GB/T 2260
codes; numbers with thousands separators, 万 or %) and every row is checked before anything is
written. Every problem is reported at once with its sheet, row and column; nothing is written while
any row is invalid unless invalid rows are skipped on request, and then each skipped row is listed.

Reading is defensive, since the file comes from outside: size, row and column caps are checked as
the file is read (never after reading all of it), a ZIP whose members would inflate beyond a cap
or at a bomb's ratio is refused before it is opened, XML with a DTD is refused (openpyxl also parses
through defusedxml), and a file whose content is not what its extension says is refused.

The new snapshot is the base snapshot's tables plus the imported rows (status `reported`, one new
source of grade `internal`), written atomically by `writer.write_snapshot` without ever replacing an
existing snapshot.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import hashlib
import io
import math
import os
import re
import threading
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath

import pandas as pd
import pandera.errors

from dashboard import schema
from dashboard.i18n import LANGS, t
from dashboard.pipeline.snapshot_build import INDICATOR_COLUMNS, finish_indicators
from dashboard.pipeline.writer import SnapshotExistsError, recover, write_snapshot

try:
    import fcntl
except ImportError:  # not on Windows; the in-process lock still serialises app sessions
    fcntl = None

from dashboard.snapshot import (
    DEFAULT_SNAPSHOT,
    Snapshot,
    SnapshotError,
    cross_table_problems,
    is_valid_snapshot_id,
    list_snapshots,
    listed_manifest,
    load_snapshot,
    snapshots_dir,
)

# --- limits -------------------------------------------------------------------------------------
# A district table holds a few hundred rows; these caps are far above that and far below harm.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 64
HEADER_SCAN_ROWS = 30
MAX_CELL_CHARS = 1_000
MAX_NOTE_CHARS = 500
MAX_SOURCE_CHARS = 200
# ZIP (xlsx) checks, made on the central directory before any member is inflated.
MAX_ZIP_MEMBERS = 500
MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_MIN_BYTES = 1024 * 1024
XML_PROLOG_BYTES = 64 * 1024
# Cells of merged ranges looked at to fill merged district or period cells; the rest are ignored.
MERGED_CELL_BUDGET = 1_000_000

SOURCE_GRADE = "internal"
# "A" is kept for published official sources a curator has verified and "S" for synthetic data;
# a district table is an internal, unpublished return that nobody here has checked against a
# publication, so it is graded B.
SOURCE_RELIABILITY = "B"

COLUMNS = ("district", "indicator", "period", "value", "unit", "qualifier", "note")
REQUIRED = ("district", "indicator", "period", "value")
# The template's bilingual headers.
TEMPLATE_HEADERS = {
    "district": "区 district",
    "indicator": "指标 indicator",
    "period": "时间 period",
    "value": "数值 value",
    "unit": "单位 unit",
    "qualifier": "限定 qualifier",
    "note": "说明 note",
}
HEADER_ALIASES = {
    "district": {"区", "区县", "区名", "区名称", "区域", "地区", "行政区", "行政区划", "所属区",
                 "区划代码", "区划", "district", "districtname", "geo", "geocode"},
    "indicator": {"指标", "指标id", "指标代码", "指标编号", "指标名称", "指标名", "项目",
                  "统计指标", "indicator", "indicatorid", "indicatorname", "measure"},
    "period": {"时间", "时期", "日期", "年份", "年度", "统计时间", "截至时间", "截止时间",
               "期间", "统计期", "period", "date", "year", "time"},
    "value": {"数值", "数量", "值", "数据", "数字", "指标值", "value", "amount", "number",
              "figure"},
    "unit": {"单位", "计量单位", "unit", "units"},
    "qualifier": {"限定", "限定词", "修饰", "修饰词", "约数", "qualifier"},
    "note": {"说明", "备注", "注", "注释", "附注", "note", "notes", "remark", "remarks", "comment",
             "comments"},
}  # fmt: skip

UNIT_WORDS = {
    "persons": ("persons", "person", "people", "人", "名", "人数"),
    "count": ("count", "个", "处", "家", "所", "个数"),
    "percent": ("percent", "%", "百分比", "百分数", "pct"),
    "years": ("years", "year", "岁", "年"),
    "yuan": ("yuan", "元", "rmb", "cny"),
    "sq_m": ("sq_m", "m2", "m²", "㎡", "平方米", "平米"),
    "sq_km": ("sq_km", "km2", "km²", "平方千米", "平方公里"),
    "hours": ("hours", "hour", "h", "小时", "工时"),
    "ratio": ("ratio", "比值", "比率"),
    "flag": ("flag", "是否", "是/否"),
}
# Unit words that may trail a number in a value cell ("35000人", "3.5万元").
VALUE_SUFFIXES = {
    "人": "persons", "名": "persons", "个": "count", "处": "count", "家": "count", "所": "count",
    "元": "yuan", "小时": "hours", "工时": "hours", "岁": "years", "平方米": "sq_m", "平米": "sq_m",
    "㎡": "sq_m", "m²": "sq_m", "m2": "sq_m", "平方千米": "sq_km", "平方公里": "sq_km",
    "km²": "sq_km", "km2": "sq_km",
}  # fmt: skip
SCALES = {"万": 1e4, "亿": 1e8, "千": 1e3}
QUALIFIER_WORDS = {
    "": ("", "-", "无", "none", "exact"),
    "over": ("over", "以上", "超过", "多", "逾", "突破", "余", "morethan", ">", "+"),
    "nearly": ("nearly", "近", "将近", "接近", "almost"),
    "about": ("about", "约", "大约", "左右", "approx", "approximately", "~", "≈", "circa"),
}
VALUE_PREFIXES = {
    "大约": "about", "约为": "about", "约": "about", "about": "about", "approx.": "about",
    "approx": "about", "~": "about", "≈": "about", "将近": "nearly", "接近": "nearly",
    "近": "nearly", "nearly": "nearly", "almost": "nearly", "超过": "over", "突破": "over",
    "逾": "over", "over": "over", "more than": "over", ">": "over",
}  # fmt: skip
VALUE_QUALIFIER_SUFFIXES = {
    "以上": "over",
    "多": "over",
    "余": "over",
    "+": "over",
    "左右": "about",
}
NON_NEGATIVE_UNITS = ("persons", "count", "hours", "years", "sq_m", "sq_km", "flag")
FLAG_WORDS = {"是": 1.0, "否": 0.0, "yes": 1.0, "no": 0.0, "y": 1.0, "n": 0.0, "true": 1.0,
              "false": 0.0, "已出台": 1.0, "未出台": 0.0}  # fmt: skip
EXCEL_ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#SPILL!",
                "#CALC!", "#GETTING_DATA")  # fmt: skip

NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$")
THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
DATE_ID = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\b[^>]*\bref=\"([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)\""
)
MARKUP = re.compile(r"[<>]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Characters that show nothing or turn text around: zero-width characters and joiners, the
# byte-order mark, right-to-left marks, embeddings, overrides and isolates, Unicode
# non-characters (U+FFFE, U+FFFF and their kin in every plane, which XML and so PPTX and XLSX
# cannot hold) and lone surrogates. They are removed from imported text, with a warning.
INVISIBLE = re.compile(
    "[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u061c\ufdd0-\ufdef\ud800-\udfff"
    + "".join(
        f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
    )
    + "]"
)
PERIOD_FORMS = (
    (re.compile(r"^(\d{4})\s*年?$"), 1),
    (re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?$"), 2),
    (re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?$"), 3),
)


# With uploads on, anyone who can open the dashboard can add snapshots: their number and the room
# they take are capped (the command line, run by an operator, is not). A snapshot of the shipped
# size is well under 1 MB, so the caps are far above a district's real use.
@dataclass(frozen=True)
class ImportLimits:
    snapshots: int
    total_mb: int


UPLOAD_LIMITS = ImportLimits(snapshots=20, total_mb=100)


# --- problems -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Msg:
    """A piece of text looked up in i18n when a problem is shown in a language."""

    key: str


@dataclass
class Problem:
    """One thing wrong, where it is (sheet, row, column when known) and what it is."""

    key: str
    params: dict = field(default_factory=dict)
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def location(self, lang: str) -> str:
        if self.row is not None and self.column:
            where = t("import.loc.row_col", lang, row=self.row, col=self.column)
        elif self.row is not None:
            where = t("import.loc.row", lang, row=self.row)
        else:
            where = ""
        if self.sheet:
            sheet = t("import.loc.sheet", lang, sheet=shown(self.sheet, 31))
            where = f"{sheet} {where}" if lang == "zh" or not where else f"{sheet}, {where}"
        return where.strip()

    def text(self, lang: str) -> str:
        values = {k: t(v.key, lang) if isinstance(v, Msg) else v for k, v in self.params.items()}
        return t(f"import.err.{self.key}", lang, **values)

    def message(self, lang: str) -> str:
        where = self.location(lang)
        return f"{where}: {self.text(lang)}" if where else self.text(lang)

    def bilingual(self) -> str:
        return " / ".join(self.message(lang) for lang in LANGS)


class ImportFailed(Exception):
    """Nothing was written; `problems` says every reason found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(p.bilingual() for p in problems[:20]))
        self.problems = problems


def problems_frame(problems: Iterable[Problem], lang: str) -> pd.DataFrame:
    """Problems as a table for the page: sheet, row, column and the message in one language."""
    rows = [
        {
            t("import.col.sheet", lang): shown(p.sheet, 31) if p.sheet else "",
            t("import.col.row", lang): p.row if p.row is not None else pd.NA,
            t("import.col.column", lang): p.column or "",
            t("import.col.problem", lang): p.text(lang),
        }
        for p in problems
    ]
    frame = pd.DataFrame(
        rows,
        columns=[t(f"import.col.{c}", lang) for c in ("sheet", "row", "column", "problem")],
    )
    frame[t("import.col.row", lang)] = frame[t("import.col.row", lang)].astype("Int64")
    return frame


def clean_text(text: str) -> tuple[str, bool]:
    """Text without invisible and direction-changing characters, and whether any were removed."""
    cleaned = INVISIBLE.sub("", text)
    return cleaned, cleaned != text


def shown(value: object, limit: int = 40) -> str:
    """A cell as quoted in a message: control and invisible characters replaced, long text cut."""
    text = INVISIBLE.sub("?", CONTROL.sub("?", str(value))).replace("\n", " ").replace("\r", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    value: object
    fmt: str = ""


@dataclass
class Sheet:
    """The non-blank rows of a sheet (or of the CSV), each with its row number as Excel shows it."""

    name: str | None
    rows: list[tuple[int, tuple[Cell, ...]]]
    path: str = ""


def file_kind(data: bytes) -> str:
    """What the bytes are: 'empty', 'zip', 'ole' (old .xls or an encrypted workbook), 'text',
    'binary'. A zip is told apart from an xlsx only by its member list (see `_check_zip`)."""
    if not data:
        return "empty"
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    if data[:8] == bytes.fromhex("D0CF11E0A1B11AE1"):
        return "ole"
    if data[:3] == codecs.BOM_UTF8 or data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "text"
    if b"\x00" in data[:8192]:
        return "binary"
    return "text"


def safe_name(file_name: str) -> str:
    """The base name of an uploaded or given file, without folders, control characters or markup
    (the name becomes the new source's title, and source names reach chart hover text, where
    Plotly reads tags)."""
    name = PureWindowsPath(PurePosixPath(str(file_name)).name).name
    name = INVISIBLE.sub("", MARKUP.sub("", CONTROL.sub("", name))).strip()
    if len(name) > 120:
        suffix = Path(name).suffix[:10]
        name = name[: 120 - len(suffix)] + suffix
    return name or "upload"


def read_sheets(
    data: bytes, file_name: str, max_bytes: int | None = None
) -> tuple[list[Sheet], list[Problem]]:
    """The sheets of a workbook or the rows of a CSV, with warnings; ImportFailed when the file
    cannot or must not be read."""
    ext = Path(safe_name(file_name)).suffix.lower()
    max_bytes = max_bytes or MAX_FILE_BYTES
    if len(data) > max_bytes:
        too_big = {"size": _mb(len(data), up=True), "limit": _mb(max_bytes)}
        raise ImportFailed([Problem("too_big", too_big)])
    kind = file_kind(data)
    if kind == "empty":
        raise ImportFailed([Problem("empty_file")])
    if ext not in (".xlsx", ".csv", ".txt", ".tsv", ".xls"):
        raise ImportFailed([Problem("extension", {"ext": shown(ext or file_name, 20)})])
    if kind == "zip":
        kind = _check_zip(data)
    if ext == ".xls" and kind == "ole":
        raise ImportFailed([Problem("xls")])
    expected = "xlsx" if ext == ".xlsx" else "ole" if ext == ".xls" else "text"
    if kind != expected:
        if ext == ".xlsx" and kind == "ole":
            raise ImportFailed([Problem("xls")])
        raise ImportFailed(
            [Problem("mismatch", {"ext": ext, "actual": Msg(f"import.kind.{kind}")})]
        )
    if kind == "xlsx":
        return _read_xlsx(data)
    return [_read_csv(data)], []


def _mb(size: int, up: bool = False) -> str:
    """Megabytes with one decimal; rounded up for a file's size so it never equals the limit."""
    tenths = size * 10 / 1024 / 1024
    return f"{(math.ceil(tenths) if up else math.floor(tenths)) / 10:.1f}"


def _check_zip(data: bytes) -> str:
    """'xlsx' or 'zip' for an archive that passed the bomb checks; ImportFailed otherwise."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_MEMBERS:
                raise ImportFailed(
                    [Problem("zip_members", {"count": len(infos), "limit": MAX_ZIP_MEMBERS})]
                )
            # Declared sizes can be trusted: zipfile never inflates a member past its declared
            # size (it stops there and fails the CRC check).
            total = sum(i.file_size for i in infos)
            if total > MAX_UNCOMPRESSED_BYTES:
                sizes = {"size": _mb(total, up=True), "limit": _mb(MAX_UNCOMPRESSED_BYTES)}
                raise ImportFailed([Problem("zip_bomb", sizes)])
            for info in infos:
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > RATIO_CHECK_MIN_BYTES and ratio > MAX_COMPRESSION_RATIO:
                    found = {"member": shown(info.filename), "ratio": f"{ratio:.0f}"}
                    raise ImportFailed([Problem("zip_ratio", found)])
            names = {i.filename for i in infos}
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
                return "zip"
            if any(i.flag_bits & 0x1 for i in infos):
                raise ImportFailed([Problem("xlsx_unreadable", {"error": "encrypted"})])
            for info in infos:
                if info.filename.lower().endswith((".xml", ".rels")):
                    _check_xml_prolog(archive, info)
    # NotImplementedError: a compression method zipfile lacks; RuntimeError: a password is needed.
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError) as exc:  # fmt: skip
        raise ImportFailed([Problem("zip_bad", {"error": shown(exc, 80)})]) from exc
    return "xlsx"


def _check_xml_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Refuse a part that declares a DTD or entities: OOXML never does, XML bombs always do."""
    with archive.open(info) as member:
        head = member.read(XML_PROLOG_BYTES)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    upper = head.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise ImportFailed([Problem("xml_forbidden", {"member": shown(info.filename)})])


def _encoding(data: bytes) -> str:
    """The first encoding that decodes all of the bytes, checked in chunks so that no second copy
    of a large file is ever held as text."""
    if data.startswith(codecs.BOM_UTF8):
        encodings: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        # GB18030 is a superset of GBK and GB2312, which is what district offices' Excel writes.
        encodings = ("utf-8", "gb18030")
    view = memoryview(data)
    for encoding in encodings:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), 1 << 20):
                decoder.decode(view[start : start + (1 << 20)])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ImportFailed([Problem("encoding")])


def _delimiter(text: str) -> str:
    """Comma, tab or semicolon: whichever splits most of the first lines into several fields."""
    lines = [line for line in text[:65536].splitlines()[:50] if line.strip()]
    scores = {d: sum(line.count(d) >= 2 for line in lines) for d in (",", "\t", ";")}
    best = max(scores, key=lambda d: (scores[d], d == ","))
    return best if scores[best] else ","


def _read_csv(data: bytes) -> Sheet:
    encoding = _encoding(data)
    head = data[:65536].decode(encoding, errors="ignore")
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    reader = csv.reader(stream, delimiter=_delimiter(head))
    rows = []
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            if number > MAX_ROWS:
                raise ImportFailed([Problem("too_many_rows", {"limit": MAX_ROWS})])
            record = record[:MAX_COLUMNS]
            last = max((i for i, v in enumerate(record) if v.strip()), default=-1)
            if last >= 0:
                rows.append((number, tuple(Cell(v) for v in record[: last + 1])))
    except csv.Error as exc:
        raise ImportFailed(
            [Problem("csv_broken", {"error": shown(exc, 80)}, row=number + 1)]
        ) from exc
    return Sheet(None, rows)


def _read_xlsx(data: bytes) -> tuple[list[Sheet], list[Problem]]:
    import openpyxl

    if not openpyxl.DEFUSEDXML:
        # Without defusedxml openpyxl would parse worksheets with the plain standard library.
        raise ImportFailed([Problem("xlsx_unreadable", {"error": "defusedxml is not available"})])
    sheets, warnings = [], []
    try:
        with _sheet_sizes_from_head():
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (KeyError, TypeError, ParseError, ...)
        raise _unreadable(exc) from exc
    try:
        if not workbook.worksheets:
            raise ImportFailed([Problem("no_sheets")])
        for ws in workbook.worksheets:
            if ws.sheet_state != "visible":
                warnings.append(Problem("hidden_sheet", sheet=ws.title))
                continue
            sheets.append(_read_worksheet(ws))
    except ImportFailed:
        raise
    except Exception as exc:
        raise _unreadable(exc) from exc
    finally:
        workbook.close()
    if not sheets:
        raise ImportFailed([Problem("no_sheets")])
    return sheets, [*_workbook_warnings(data), *warnings]


def _workbook_warnings(data: bytes) -> list[Problem]:
    """What the workbook holds beyond cells that the reader leaves alone, said to the importer:
    macros (a .xlsm renamed .xlsx) and links to other files, whose values may be stale."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [n.lower() for n in archive.namelist()]
    found = []
    if any(n.endswith("vbaproject.bin") or n.startswith("xl/macrosheets/") for n in names):
        found.append(Problem("macro_workbook"))
    if any(n.startswith("xl/externallinks/") for n in names):
        found.append(Problem("external_links"))
    return found


def _unreadable(exc: BaseException) -> ImportFailed:
    """The refusal for an exception from openpyxl: defusedxml's, even when openpyxl wrapped it in
    its own ValueError, says the workbook declares entities; anything else that it is unreadable."""
    from defusedxml.common import DefusedXmlException

    cause: BaseException | None = exc
    for _ in range(10):
        if cause is None:
            break
        if isinstance(cause, DefusedXmlException):
            return ImportFailed([Problem("xml_entities")])
        cause = cause.__cause__ or cause.__context__
    return ImportFailed([Problem("xlsx_unreadable", {"error": shown(exc, 80)})])


_openpyxl_lock = threading.Lock()


def _size_from_head(ws) -> None:
    """Stand-in for openpyxl's ReadOnlyWorksheet._get_size. openpyxl looks for the <dimension>
    element by parsing the sheet until it ends when the element is missing, which for a sheet of
    a million rows takes most of a minute before a single row is counted; the element, when there,
    comes before the rows, so the start of the XML is enough."""
    from openpyxl.utils.cell import range_boundaries

    try:
        with ws._get_source() as src:
            head = src.read(XML_PROLOG_BYTES)
    except AttributeError:  # another openpyxl: leave the size unknown; rows are counted anyway
        return
    match = DIMENSION.search(head)
    if match:
        with contextlib.suppress(ValueError, TypeError):
            bounds = range_boundaries(match.group(1).decode("ascii"))
            if None not in bounds:
                ws._min_column, ws._min_row, ws._max_column, ws._max_row = bounds


@contextmanager
def _sheet_sizes_from_head() -> Iterator[None]:
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    with _openpyxl_lock:
        original = getattr(ReadOnlyWorksheet, "_get_size", None)
        if original is None:  # another openpyxl: nothing to replace
            yield
            return
        ReadOnlyWorksheet._get_size = _size_from_head
        try:
            yield
        finally:
            ReadOnlyWorksheet._get_size = original


def _read_worksheet(ws) -> Sheet:
    declared = ws.max_row
    if declared is not None and declared > MAX_ROWS:
        raise ImportFailed([Problem("too_many_rows", {"limit": MAX_ROWS}, sheet=ws.title)])
    # The declared size may be wrong (some programs write none or a wrong one); read what is there,
    # counting as we go, and only the first MAX_COLUMNS columns.
    ws.reset_dimensions()
    rows = []
    for number, row in enumerate(ws.iter_rows(max_col=MAX_COLUMNS), start=1):
        if number > MAX_ROWS:
            raise ImportFailed([Problem("too_many_rows", {"limit": MAX_ROWS}, sheet=ws.title)])
        last = max((i for i, c in enumerate(row) if _present(c.value)), default=-1)
        if last >= 0:
            rows.append(
                (number, tuple(Cell(c.value, c.number_format or "") for c in row[: last + 1]))
            )
    return Sheet(ws.title, rows, getattr(ws, "_worksheet_path", ""))


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _sheet_extras(data: bytes, sheet: Sheet, wanted: set[tuple[int, int]]) -> tuple[dict, dict]:
    """For blank cells of data rows: the value of the merged range that covers them, and the
    formula of cells whose calculated result was never saved. Read only when needed."""
    merged: dict[tuple[int, int], tuple[int, int]] = {}
    formulas: dict[tuple[int, int], str] = {}
    if not wanted or not sheet.name:
        return merged, formulas
    import openpyxl
    from defusedxml.ElementTree import iterparse
    from openpyxl.utils.cell import range_boundaries

    try:
        if sheet.path:
            budget = MERGED_CELL_BUDGET
            with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(sheet.path) as src:
                for _, element in iterparse(src):
                    if element.tag.endswith("}mergeCell") and element.get("ref"):
                        min_col, min_row, max_col, max_row = range_boundaries(element.get("ref"))
                        area = (max_row - min_row + 1) * (min(max_col, MAX_COLUMNS) - min_col + 1)
                        if 0 < area <= budget:
                            budget -= area
                            for r in range(min_row, max_row + 1):
                                for c in range(min_col - 1, min(max_col, MAX_COLUMNS)):
                                    if (r, c) in wanted:
                                        merged[(r, c)] = (min_row, min_col - 1)
                    element.clear()
        last = max(r for r, _ in wanted)
        with _sheet_sizes_from_head():
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            ws = workbook[sheet.name]
            ws.reset_dimensions()
            for number, row in enumerate(ws.iter_rows(max_row=last, max_col=MAX_COLUMNS), start=1):
                for c, cell in enumerate(row):
                    if (number, c) in wanted and cell.data_type == "f":
                        formulas[(number, c)] = str(getattr(cell.value, "text", cell.value))
        finally:
            workbook.close()
    except Exception:  # the first pass read this file; a second look is only a better message
        return merged, formulas
    return merged, formulas


# --- header -------------------------------------------------------------------------------------


def _norm(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().lower()


def header_column(text: object) -> str | None:
    """Which template column a header cell names ("区 district", "指标ID", "Value (万人)")."""
    if not isinstance(text, str) or not text.strip():
        return None
    norm = _norm(text)
    parts = [p for p in re.split(r"[\s/|()\[\]【】:_\-·,;.]+", norm) if p]
    candidates = [norm.replace(" ", ""), *parts]
    found = {col for col, aliases in HEADER_ALIASES.items() for p in candidates if p in aliases}
    return found.pop() if len(found) == 1 else None


@dataclass
class Header:
    row: int
    columns: dict[str, int]
    scale: float = 1.0


def find_header(sheet: Sheet) -> tuple[Header | None, Problem | None]:
    """The first row naming all required columns, or the problem that says what is missing."""
    best: tuple[int, int, dict[str, int]] | None = None
    for number, cells in sheet.rows[:HEADER_SCAN_ROWS]:
        columns: dict[str, list[int]] = {}
        for index, cell in enumerate(cells):
            name = header_column(cell.value)
            if name:
                columns.setdefault(name, []).append(index)
        doubled = {n: i for n, i in columns.items() if len(i) > 1}
        single = {n: i[0] for n, i in columns.items()}
        if all(c in single for c in REQUIRED):
            if doubled:
                name, indexes = next(iter(doubled.items()))
                cols = "、".join(column_letter(i) for i in indexes)
                params = {"columns": cols, "name": TEMPLATE_HEADERS[name]}
                return None, Problem("header_duplicate", params, sheet=sheet.name, row=number)
            value_header = _norm(cells[single["value"]].value)
            scale = next((s for w, s in SCALES.items() if w in value_header and w != "千"), 1.0)
            return Header(number, single, scale), None
        hits = sum(c in single for c in REQUIRED)
        if hits >= 2 and (best is None or hits > best[0]):
            best = (hits, number, single)
    if best:
        missing = ", ".join(TEMPLATE_HEADERS[c] for c in REQUIRED if c not in best[2])
        return None, Problem("header_missing", {"columns": missing}, sheet=sheet.name, row=best[1])
    return None, Problem("no_header", {"rows": HEADER_SCAN_ROWS}, sheet=sheet.name)


# --- normalising cells --------------------------------------------------------------------------


class Lookup:
    """District and indicator names of the base snapshot, as district offices write them."""

    def __init__(self, base: Snapshot) -> None:
        self.base_id = base.id
        self.districts: dict[str, str] = {}
        geo = base.geography[base.geography["level"] == "district"]
        for r in geo.itertuples():
            code = str(r.geo_code)
            for name in (code, r.name_zh, r.name_en):
                self.districts[self.district_key(name)] = code
        meta = base.indicator_meta
        self.units = dict(zip(meta["indicator_id"], meta["unit"], strict=True))
        self.indicators: dict[str, str] = {}
        for r in meta.itertuples():
            for name in (r.name_en, r.name_zh):
                self.indicators.setdefault(_norm(name).replace(" ", ""), r.indicator_id)
        for indicator_id in meta["indicator_id"]:
            self.indicators[indicator_id] = indicator_id

    @staticmethod
    def district_key(text: object) -> str:
        key = re.sub(r"[\s'’\-.·]", "", _norm(text))
        for prefix in ("北京市", "北京", "beijing"):
            if key.startswith(prefix) and len(key) > len(prefix):
                key = key[len(prefix) :]
        for suffix in ("district", "区", "县", "qu"):
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)]
                break
        return key

    def district(self, value: object) -> str | None:
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float) and math.isfinite(value) and float(value).is_integer():
            value = str(int(value))
        return self.districts.get(self.district_key(value))

    def indicator(self, value: object) -> str | None:
        if not isinstance(value, str):
            return None
        norm = _norm(value)
        return self.indicators.get(norm) or self.indicators.get(norm.replace(" ", ""))


def parse_period(value: object, fmt: str = "") -> str | None:
    """'2018', '2018-12', '2018-12-31' from the ways a period is written; None when unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime | dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        lowered = fmt.lower()
        if "d" in lowered or not lowered or lowered == "general":
            return day.isoformat()
        if "m" in lowered:
            return day.isoformat()[:7]
        return day.isoformat()[:4]
    if isinstance(value, int | float):
        if not (math.isfinite(value) and float(value).is_integer()):
            return None
        value = str(int(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    for pattern, parts in PERIOD_FORMS:
        match = pattern.fullmatch(text)
        if not match:
            continue
        year = int(match.group(1))
        if not 1949 <= year <= 2100:
            return None
        if parts == 1:
            return f"{year:04d}"
        month = int(match.group(2))
        if not 1 <= month <= 12:
            return None
        if parts == 2:
            return f"{year:04d}-{month:02d}"
        try:
            return dt.date(year, month, int(match.group(3))).isoformat()
        except ValueError:
            return None
    return None


def parse_unit(value: object) -> tuple[str | None, float]:
    """The unit code a unit cell names, and the scale of a leading 万/亿 ('万人': persons, 1e4)."""
    text = _norm(value).replace(" ", "")
    scale = 1.0
    if text[:1] in ("万", "亿") and len(text) > 1:
        scale, text = SCALES[text[0]], text[1:]
    for unit, words in UNIT_WORDS.items():
        if text in words:
            return unit, scale
    return None, scale


def parse_qualifier(value: object) -> str | None:
    text = _norm(value).replace(" ", "")
    for code, words in QUALIFIER_WORDS.items():
        if text in words:
            return code
    return None


@dataclass
class Parsed:
    value: float | None = None
    qualifier: str = ""
    notes: list[str] = field(default_factory=list)
    error: tuple[str, dict] | None = None


def parse_value(value: object, fmt: str, unit: str, scale: float = 1.0) -> Parsed:
    """A number in the indicator's base unit (persons, not 万; percent as 0-100), a qualifier read
    from words around it (约, 以上, 近), and notes saying how the text was read."""
    if isinstance(value, bool):
        if unit == "flag":
            return Parsed(1.0 if value else 0.0)
        return Parsed(error=("value_bad", {"value": shown(value)}))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return Parsed(error=("value_date", {"value": shown(value)}))
    if isinstance(value, int | float):
        number = float(value) * scale
        if unit == "percent" and "%" in fmt:
            return _checked(Parsed(round(number * 100, 10)), unit, value)
        return _percent_fraction(_checked(Parsed(number), unit, value), unit, has_sign=False)
    raw = str(value)
    text = unicodedata.normalize("NFKC", raw).strip()
    if text.upper() in EXCEL_ERRORS:
        return Parsed(error=("value_error_cell", {"value": shown(text)}))
    if unit == "flag" and text.lower() in FLAG_WORDS:
        return Parsed(FLAG_WORDS[text.lower()])
    parsed = Parsed()
    body = text.replace(" ", "").replace("\u00a0", "")
    lowered = body.lower()
    for word, code in sorted(VALUE_PREFIXES.items(), key=lambda kv: -len(kv[0])):
        word_key = word.replace(" ", "")
        if lowered.startswith(word_key) and len(body) > len(word_key):
            parsed.qualifier, body = code, body[len(word_key) :]
            break
    has_sign = False
    for _ in range(3):  # "3000多人", "3.5万人以上", "92%左右": peel words off the end
        for word, code in VALUE_QUALIFIER_SUFFIXES.items():
            if body.endswith(word) and len(body) > len(word):
                parsed.qualifier, body = parsed.qualifier or code, body[: -len(word)]
        for word, word_unit in sorted(VALUE_SUFFIXES.items(), key=lambda kv: -len(kv[0])):
            if body.endswith(word) and len(body) > len(word):
                if word_unit != unit:
                    return Parsed(error=("value_unit_word", {"value": shown(raw), "unit": unit}))
                body = body[: -len(word)]
        if body.endswith("%") and len(body) > 1:
            if unit != "percent":
                return Parsed(error=("value_percent_sign", {"value": shown(raw), "unit": unit}))
            has_sign, body = True, body[:-1]
    factor = scale
    if body[-1:] in SCALES and len(body) > 1:
        if scale != 1.0:  # "万人" in the header or the unit cell, and "3.5万" in the cell
            return Parsed(error=("value_scaled_twice", {"value": shown(raw)}))
        factor, body = factor * SCALES[body[-1]], body[:-1]
    if THOUSANDS.fullmatch(body):
        body = body.replace(",", "")
    if not NUMBER.fullmatch(body):
        return Parsed(error=("value_bad", {"value": shown(raw)}))
    parsed.value = float(body) * factor
    if text != body or factor != 1.0:
        parsed.notes.append(f"written as '{shown(raw, 30)}'")
    return _percent_fraction(_checked(parsed, unit, raw), unit, has_sign)


def _checked(parsed: Parsed, unit: str, raw: object) -> Parsed:
    if parsed.error or parsed.value is None:
        return parsed
    if not math.isfinite(parsed.value) or abs(parsed.value) >= 1e13:
        return Parsed(error=("value_range", {"value": shown(raw)}))
    if parsed.value < 0 and unit in NON_NEGATIVE_UNITS:
        return Parsed(error=("value_negative", {"value": shown(raw), "unit": unit}))
    if unit == "flag" and parsed.value not in (0.0, 1.0):
        return Parsed(error=("value_flag", {"value": shown(raw)}))
    if unit == "percent" and not 0 <= parsed.value <= 100:
        return Parsed(error=("value_percent_range", {"value": shown(raw)}))
    return parsed


def _percent_fraction(parsed: Parsed, unit: str, has_sign: bool) -> Parsed:
    """0.92 for a percentage may mean 92% or 0.92%: refused rather than guessed. A cell formatted
    as a percentage in the workbook, or a value written with %, says which."""
    if parsed.error or unit != "percent" or has_sign or parsed.value is None:
        return parsed
    if 0 < abs(parsed.value) <= 1:
        return Parsed(error=("value_percent_fraction", {"value": f"{parsed.value:g}"}))
    return parsed


# --- rows ---------------------------------------------------------------------------------------


@dataclass
class Row:
    """One valid imported value with where it came from."""

    indicator_id: str
    geo_code: str
    period: str
    value: float
    unit: str
    qualifier: str
    note: str
    sheet: str | None
    row: int


@dataclass
class Normalised:
    rows: list[Row]
    problems: list[Problem]
    bad_rows: set[tuple[str | None, int]]
    warnings: list[Problem]


def normalise(sheets: list[Sheet], lookup: Lookup, data: bytes = b"") -> Normalised:
    """Check every data row of every sheet with a header; collect every problem."""
    rows: list[Row] = []
    problems: list[Problem] = []
    bad: set[tuple[str | None, int]] = set()
    headers: list[tuple[Sheet, Header]] = []
    header_problems = []
    for sheet in sheets:
        if not sheet.rows:
            header_problems.append(
                Problem("sheet_empty" if sheet.name else "no_rows", sheet=sheet.name)
            )
            continue
        header, problem = find_header(sheet)
        if header:
            headers.append((sheet, header))
        elif problem:
            header_problems.append(problem)
    if not headers:
        if not header_problems:
            header_problems.append(Problem("no_header", {"rows": HEADER_SCAN_ROWS}))
        raise ImportFailed(header_problems)
    seen: dict[tuple[str, str, str], tuple[str | None, int]] = {}
    header_only = []
    for sheet, header in headers:
        data_rows = [(n, cells) for n, cells in sheet.rows if n > header.row]
        if not data_rows:
            header_only.append(Problem("only_header", sheet=sheet.name, row=header.row))
            continue
        data_rows, cleaned = _cleaned_rows(sheet, header, data_rows)
        header_only += cleaned
        extras = _sheet_extras(data, sheet, _blank_cells(data_rows, header)) if data else ({}, {})
        by_number = dict(sheet.rows)
        for number, cells in data_rows:
            found, row = _normalise_row(sheet, header, number, cells, lookup, extras, by_number)
            if row is not None:
                key = (row.indicator_id, row.geo_code, row.period)
                if key in seen:
                    found.append(
                        Problem("duplicate", {"row": seen[key][1]}, sheet=sheet.name, row=number)
                    )
                else:
                    seen[key] = (sheet.name, number)
            if found:
                problems += found
                bad.add((sheet.name, number))
            elif row is not None:
                rows.append(row)
    if not rows and not problems:
        raise ImportFailed(header_only)
    # A sheet with a header and no rows beside a sheet with data is an unused copy of the template.
    return Normalised(rows, problems, bad, header_only)


def _cleaned_rows(sheet: Sheet, header: Header, data_rows: list) -> tuple[list, list[Problem]]:
    """Data rows with invisible characters removed from their text cells, and a warning for each
    cell that held any."""
    names = {index: name for name, index in header.columns.items()}
    out, warnings = [], []
    for number, cells in data_rows:
        kept = []
        for index, cell in enumerate(cells):
            if isinstance(cell.value, str):
                value, removed = clean_text(cell.value)
                if removed:
                    cell = Cell(value, cell.fmt)
                    column = column_letter(index) if index in names else None
                    warnings.append(
                        Problem("invisible_removed", sheet=sheet.name, row=number, column=column)
                    )
            kept.append(cell)
        out.append((number, tuple(kept)))
    return out, warnings


def _blank_cells(data_rows, header: Header) -> set[tuple[int, int]]:
    wanted = set()
    for number, cells in data_rows:
        for name in REQUIRED:
            index = header.columns[name]
            if index >= len(cells) or not _present(cells[index].value):
                wanted.add((number, index))
    return wanted


def _normalise_row(
    sheet, header, number, cells, lookup, extras, by_number
) -> tuple[list[Problem], Row | None]:
    merged, formulas = extras
    values: dict[str, Cell] = {}
    for name, index in header.columns.items():
        cell = cells[index] if index < len(cells) else Cell(None)
        if not _present(cell.value) and (number, index) in merged:
            top_row, top_col = merged[(number, index)]
            top_cells = by_number.get(top_row, ())
            if top_row > header.row and top_col < len(top_cells):
                cell = top_cells[top_col]
        values[name] = cell

    def problem(key: str, name: str, **params) -> Problem:
        return Problem(
            key, params, sheet=sheet.name, row=number, column=column_letter(header.columns[name])
        )

    if not any(_present(values[n].value) for n in ("indicator", "value")):
        return [Problem("no_data_cells", sheet=sheet.name, row=number)], None
    found: list[Problem] = []
    too_long = set()
    for name, cell in values.items():
        if isinstance(cell.value, str) and len(cell.value) > MAX_CELL_CHARS:
            found.append(problem("cell_too_long", name, limit=MAX_CELL_CHARS))
            too_long.add(name)
            values[name] = Cell(None)
    # Cells already reported as too long are not reported again as empty or unreadable.
    missing = {n: "" for n in REQUIRED if not _present(values[n].value)}
    for name in missing:
        if name in too_long:
            continue
        formula = formulas.get((number, header.columns[name]))
        if formula:
            found.append(problem("value_formula", name, formula=shown(formula)))
        else:
            found.append(problem(f"{name}_empty", name))

    geo = None
    if "district" not in missing:
        geo = lookup.district(values["district"].value)
        if geo is None:
            found.append(
                problem("district_unknown", "district", value=shown(values["district"].value))
            )
    indicator = None
    if "indicator" not in missing:
        indicator = lookup.indicator(values["indicator"].value)
        if indicator is None:
            shown_value = shown(values["indicator"].value)
            found.append(
                problem("indicator_unknown", "indicator", value=shown_value, base=lookup.base_id)
            )
    period = None
    if "period" not in missing:
        period = parse_period(values["period"].value, values["period"].fmt)
        if period is None:
            found.append(problem("period_bad", "period", value=shown(values["period"].value)))

    unit = lookup.units.get(indicator or "")
    scale = header.scale
    if "unit" in values and _present(values["unit"].value):
        given, unit_scale = parse_unit(values["unit"].value)
        if given is None or (unit is not None and given != unit):
            found.append(problem("unit_mismatch", "unit", value=shown(values["unit"].value),
                                 unit=unit or "?"))  # fmt: skip
        scale *= unit_scale
    qualifier = ""
    if "qualifier" in values and _present(values["qualifier"].value):
        qualifier = parse_qualifier(values["qualifier"].value)
        if qualifier is None:
            found.append(
                problem("qualifier_bad", "qualifier", value=shown(values["qualifier"].value))
            )
            qualifier = ""
    note = ""
    if "note" in values and _present(values["note"].value):
        note = (
            CONTROL.sub(" ", str(values["note"].value))
            .replace("\r", " ")
            .replace("\n", " ")
            .strip()
        )
        if len(note) > MAX_NOTE_CHARS:
            found.append(problem("note_long", "note", limit=MAX_NOTE_CHARS))

    parsed = None
    if "value" not in missing and unit is not None:
        parsed = parse_value(values["value"].value, values["value"].fmt or "", unit, scale)
        if parsed.error:
            key, params = parsed.error
            found.append(problem(key, "value", **params))
        elif parsed.qualifier and qualifier and parsed.qualifier != qualifier:
            found.append(problem("qualifier_conflict", "value", value=shown(values["value"].value)))
    found.sort(key=lambda p: (len(p.column or ""), p.column or ""))
    if found or parsed is None or parsed.value is None:
        return found, None
    notes = [n for n in (note, *parsed.notes) if n]
    row = Row(indicator, geo, period, float(parsed.value), unit, qualifier or parsed.qualifier,
              "; ".join(notes), sheet.name, number)  # fmt: skip
    return found, row


# --- building and writing -----------------------------------------------------------------------


@dataclass
class ImportOutcome:
    snapshot_id: str
    base_id: str
    path: Path | None
    rows: int
    skipped: list[Problem]
    skipped_rows: int
    replaced: pd.DataFrame
    warnings: list[Problem]
    sha256: str
    manifest: dict


# Units whose district values add up to the city's: a district's value above the city's is a
# mistake (a unit scaled twice, a wrong row), never a fact.
ADDITIVE_UNITS = ("persons", "count", "hours", "sq_km")


def refuse_implausible(result: Normalised, base: Snapshot, as_of: str) -> None:
    """Move rows that cannot be true into the problems, each naming its row: a period after the
    snapshot's as-of date, a district value above its city total (the base snapshot's for that
    period, else the largest the city ever had)."""
    city = _city_totals(base)
    for row in list(result.rows):
        problem = _implausible(row, city, as_of)
        if problem:
            result.problems.append(problem)
            result.bad_rows.add((row.sheet, row.row))
            result.rows.remove(row)


def _implausible(row: Row, city: dict, as_of: str) -> Problem | None:
    where = {"sheet": row.sheet, "row": row.row}
    if _first_day(row.period) > as_of:
        return Problem("period_after_as_of", {"period": row.period, "as_of": as_of}, **where)
    if row.geo_code == schema.CITY_CODE or row.unit not in ADDITIVE_UNITS:
        return None
    total = city.get((row.indicator_id, row.period), city.get((row.indicator_id, None)))
    if total is not None and row.value > total:
        return Problem(
            "district_above_city",
            {"value": f"{row.value:,.0f}", "city": f"{total:,.0f}", "period": row.period},
            **where,
        )
    return None


def _first_day(period: str) -> str:
    return {4: f"{period}-01-01", 7: f"{period}-01"}.get(len(period), period)


def _city_totals(base: Snapshot) -> dict:
    """City values by (indicator, period), and the largest by (indicator, None)."""
    ind = base.indicators
    city = ind[(ind["geo_code"] == schema.CITY_CODE) & ind["unit"].isin(ADDITIVE_UNITS)]
    totals: dict = {}
    for indicator, period, value in zip(city["indicator_id"], city["period"], city["value"],
                                        strict=True):  # fmt: skip
        totals[(indicator, period)] = value
        totals[(indicator, None)] = max(value, totals.get((indicator, None), value))
    return totals


def quote_for(file_name: str, sheet: str | None, row: int, many_sheets: bool) -> str:
    """'chaoyang.xlsx, row 12' (with the sheet when a workbook had several), at most 80 chars."""
    where = f"{shown(sheet, 30)} row {row}" if many_sheets and sheet else f"row {row}"
    room = schema.MAX_QUOTE_CHARS - len(where) - 2
    name = file_name if len(file_name) <= room else file_name[: room - 8] + "…" + file_name[-7:]
    return f"{name}, {where}"


def source_row(snapshot_id: str, file_name: str, source: str, sha256: str, base_id: str, as_of: str,
               today: str) -> dict:  # fmt: skip
    return {
        "source_id": f"import-{snapshot_id}",
        "publisher_zh": source,
        "publisher_en": source,
        "title": file_name,
        "published": as_of,
        "url": "",
        "grade": SOURCE_GRADE,
        "reliability": SOURCE_RELIABILITY,
        "accessed": today,
        "terms": "Internal district return; not published",
        "note": f"Imported from {file_name} (sha256 {sha256[:16]}) on top of snapshot {base_id}.",
        "note_zh": f"区级报表 {file_name},未公开发布;在快照 {base_id} 基础上导入。",
        "note_en": f"District return {file_name}, not published; imported on top of {base_id}.",
    }


def build_tables(
    base: Snapshot, rows: list[Row], source: dict, file_name: str
) -> tuple[dict, pd.DataFrame]:
    """The base snapshot's tables with the imported values (replacing base values of the same
    indicator, district and period) and the new source; also the base rows that were replaced."""
    many = len({r.sheet for r in rows}) > 1
    imported = pd.DataFrame(
        [
            {
                "indicator_id": r.indicator_id,
                "geo_code": r.geo_code,
                "period": r.period,
                "value": r.value,
                "unit": r.unit,
                "qualifier": r.qualifier,
                "status": "reported",
                "source_id": source["source_id"],
                "quote": quote_for(file_name, r.sheet, r.row, many),
                "note": r.note,
            }
            for r in rows
        ],
        columns=[c for c in INDICATOR_COLUMNS if c not in ("year", "preferred")],
    )
    imported["value"] = imported["value"].astype(float)
    old = base.indicators.drop(columns=["year", "preferred"]).copy()
    keys = set(zip(imported["indicator_id"], imported["geo_code"], imported["period"], strict=True))
    hit = pd.Series(
        [k in keys for k in zip(old["indicator_id"], old["geo_code"], old["period"], strict=True)],
        index=old.index,
        dtype=bool,
    )
    indicators = finish_indicators(pd.concat([old[~hit], imported], ignore_index=True))
    sources = pd.concat([base.sources, pd.DataFrame([source])], ignore_index=True)
    tables = {
        "indicators": indicators,
        "indicator_meta": base.indicator_meta.copy(),
        "milestones": base.milestones.copy(),
        "story": base.story.copy(),
        "geography": base.geography.copy(),
        "sources": sources.sort_values("source_id").reset_index(drop=True),
    }
    return tables, base.indicators[hit.to_numpy()].reset_index(drop=True)


def check_request(snapshot_id: str, base_id: str, as_of: str | None, source: str | None,
                  data_dir: Path | None) -> list[Problem]:  # fmt: skip
    problems = []
    if not is_valid_snapshot_id(snapshot_id):
        problems.append(Problem("snapshot_id", {"value": shown(snapshot_id)}))
    elif (snapshots_dir(data_dir) / snapshot_id).exists():
        problems.append(Problem("snapshot_exists", {"snapshot": snapshot_id}))
    if as_of is not None and (not DATE_ID.fullmatch(as_of) or parse_period(as_of) != as_of):
        problems.append(Problem("as_of_bad", {"value": shown(as_of)}))
    if source is not None and (
        len(source) > MAX_SOURCE_CHARS or CONTROL.search(source) or MARKUP.search(source)
    ):
        problems.append(Problem("source_bad", {"limit": MAX_SOURCE_CHARS}))
    if not is_valid_snapshot_id(base_id):
        problems.append(Problem("base_unusable", {"base": shown(base_id), "error": "invalid id"}))
    return problems


def load_base(base_id: str, data_dir: Path | None) -> Snapshot:
    try:
        base = load_snapshot(base_id, data_dir)
    except SnapshotError as exc:
        raise ImportFailed(
            [Problem("base_unusable", {"base": base_id, "error": shown(exc, 200)})]
        ) from exc
    if base.is_sample:
        raise ImportFailed([Problem("base_sample", {"base": base_id})])
    return base


def import_file(
    data: bytes,
    file_name: str,
    snapshot_id: str,
    *,
    base_id: str = DEFAULT_SNAPSHOT,
    as_of: str | None = None,
    source: str | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    max_bytes: int | None = None,
    data_dir: Path | None = None,
    today: dt.date | None = None,
    limits: ImportLimits | None = None,
) -> ImportOutcome:
    """Read, check and write a district table as snapshot `snapshot_id`; ImportFailed otherwise.

    Nothing is written when any row is invalid, unless `skip_invalid`, and then the outcome lists
    what was skipped. The snapshot is written atomically; an existing one is never touched."""
    name = safe_name(file_name)
    source_text = source.strip() if source is not None else None
    problems = check_request(snapshot_id, base_id, as_of, source_text, data_dir)
    if problems:
        raise ImportFailed(problems)
    recover(snapshots_dir(data_dir))  # a build killed mid-swap may have set the base aside
    base = load_base(base_id, data_dir)
    sheets, warnings = read_sheets(data, name, max_bytes)
    result = normalise(sheets, Lookup(base), data)
    warnings = [*warnings, *result.warnings]
    today = today or dt.date.today()
    as_of = as_of or today.isoformat()
    refuse_implausible(result, base, as_of)
    if source_text is not None:
        source_text, removed = clean_text(source_text)
        if removed:
            warnings.append(Problem("invisible_removed_source"))
    skipped = []
    if result.problems:
        if not skip_invalid:
            raise ImportFailed(result.problems)
        skipped = result.problems
    if not result.rows:
        raise ImportFailed([*skipped, Problem("nothing_valid")])
    sha256 = hashlib.sha256(data).hexdigest()
    source_text = source_text or name
    source = source_row(snapshot_id, name, source_text, sha256, base.id, as_of, today.isoformat())
    if source["source_id"] in set(base.sources["source_id"]):
        raise ImportFailed([Problem("source_exists", {"source": source["source_id"]})])
    tables, replaced = build_tables(base, result.rows, source, name)
    manifest = {
        "id": snapshot_id,
        "kind": "reported",
        "as_of": as_of,
        "title_zh": t("import.title", "zh", base=base.title("zh"), source=shown(source_text, 60)),
        "title_en": t("import.title", "en", base=base.title("en"), source=shown(source_text, 60)),
        "source_ids": sorted(tables["sources"]["source_id"]),
        "base_snapshot": base.id,
        "import": {
            "file": name,
            "sha256": sha256,
            "source": source_text,
            "base_snapshot": base.id,
            "rows": len(result.rows),
            "skipped_rows": len(result.bad_rows),
            "replaced_values": len(replaced),
            "imported_on": today.isoformat(),
        },
    }
    check = cross_table_problems(manifest, tables)
    if check:
        raise ImportFailed([Problem("write_failed", {"error": shown("; ".join(check), 200)})])
    path = None
    if not dry_run:
        path = _write(tables, manifest, data_dir, limits)
    return ImportOutcome(
        snapshot_id, base.id, path, len(result.rows), skipped, len(result.bad_rows), replaced,
        warnings, sha256, manifest,
    )  # fmt: skip


_write_lock = threading.Lock()


@contextmanager
def _import_lock(root: Path) -> Iterator[None]:
    """One import at a time per snapshot folder, across threads (app sessions) and processes (the
    command line), so that the check that an id is free and the write that takes it are one step.
    The lock is taken on the snapshot folder itself: no lock file is ever left behind."""
    root.mkdir(parents=True, exist_ok=True)
    with _write_lock:
        if fcntl is None:
            yield
            return
        fd = os.open(root, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def imported_usage(root: Path) -> tuple[int, int]:
    """How many imported snapshots there are and the bytes they take (their manifests say they
    were imported); unreadable folders are not counted."""
    count = size = 0
    for snapshot_id in list_snapshots(root.parent):
        manifest = listed_manifest(snapshot_id, root.parent)
        if manifest is None or "import" not in manifest:
            continue
        count += 1
        with contextlib.suppress(OSError):
            size += sum(p.stat().st_size for p in (root / snapshot_id).iterdir())
    return count, size


def _check_limits(root: Path, limits: ImportLimits) -> None:
    count, size = imported_usage(root)
    if count >= limits.snapshots:
        raise ImportFailed(
            [Problem("too_many_imports", {"count": count, "limit": limits.snapshots})]
        )
    if size >= limits.total_mb * 1024 * 1024:
        raise ImportFailed(
            [Problem("imports_too_large", {"size": _mb(size, up=True), "limit": limits.total_mb})]
        )


def _write(
    tables: dict, manifest: dict, data_dir: Path | None, limits: ImportLimits | None = None
) -> Path:
    snapshot_id = manifest["id"]
    root = snapshots_dir(data_dir)
    try:
        with _import_lock(root):
            if (root / snapshot_id).exists():
                raise SnapshotExistsError(snapshot_id)
            if limits is not None:
                _check_limits(root, limits)
            return write_snapshot(tables, manifest, root, replace=False)
    except SnapshotExistsError as exc:
        raise ImportFailed([Problem("snapshot_exists", {"snapshot": snapshot_id})]) from exc
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases[["column", "failure_case"]].drop_duplicates().head(5)
        error = "; ".join(f"{r.column}: {shown(r.failure_case)}" for r in cases.itertuples())
        raise ImportFailed([Problem("write_failed", {"error": error})]) from exc
    except OSError as exc:
        # A concurrent import of the same id loses the final rename; the writer removed its files.
        if (snapshots_dir(data_dir) / snapshot_id).exists():
            raise ImportFailed([Problem("snapshot_exists", {"snapshot": snapshot_id})]) from exc
        raise ImportFailed([Problem("write_failed", {"error": shown(exc, 200)})]) from exc


def read_limited(path: Path, max_bytes: int | None = None) -> bytes:
    """A file's bytes, refusing one larger than `max_bytes` without reading it all."""
    max_bytes = max_bytes or MAX_FILE_BYTES
    try:
        with path.open("rb") as f:
            data = f.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise ImportFailed([Problem("file_missing", {"file": shown(path.name)})]) from exc
    except (IsADirectoryError, PermissionError, OSError) as exc:
        raise ImportFailed(
            [Problem("file_unreadable", {"file": shown(path.name), "error": shown(exc, 80)})]
        ) from exc
    if len(data) > max_bytes:
        raise ImportFailed(
            [Problem("too_big", {"size": f">{_mb(max_bytes)}", "limit": _mb(max_bytes)})]
        )
    return data


# --- templates ----------------------------------------------------------------------------------


def template_header() -> list[str]:
    return [TEMPLATE_HEADERS[c] for c in COLUMNS]


EXAMPLE_NOTE = {"zh": "示例数字,非真实数据", "en": "illustrative, not real"}
EXAMPLE_ROWS = {
    "zh": [
        ("朝阳区", "community_workers", "2018-12", "3,512", "人", ""),
        ("朝阳", "volunteers_registered", "2018年12月", "45.6万", "", "约"),
        ("海淀区", "community_worker_avg_age", "2018-12-31", "38.5", "岁", ""),
        ("110105", "fifteen_minute_circle_coverage", "2018", "93%", "%", ""),
        ("丰台区", "deliberation_coverage_rural", "2018", "75%", "%", "以上"),
    ],
    "en": [
        ("Chaoyang", "community_workers", "2018-12", "3512", "persons", ""),
        ("Haidian District", "volunteers_registered", "2018-12", "456000", "persons", "about"),
        ("110108", "community_worker_avg_age", "2018-12-31", "38.5", "years", ""),
        ("Fengtai", "fifteen_minute_circle_coverage", "2018", "93", "percent", "over"),
        ("Xicheng", "community_homes", "2018", "25", "count", ""),
    ],
}


def template_csv_bytes(lang: str | None = None) -> bytes:
    """The template as CSV (UTF-8 with BOM so Excel shows Chinese), empty or with example rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(template_header())
    for row in EXAMPLE_ROWS.get(lang or "", []):
        writer.writerow([*row, EXAMPLE_NOTE[lang]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx_bytes(base: Snapshot, lang: str | None = None) -> bytes:
    """The template workbook: a title, the bilingual header on row 3, drop-down lists for district
    and indicator, and a notes sheet listing every district and indicator of the base snapshot."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    ws = workbook.active
    ws.title = "数据 data"
    ws.append([t("import.template_title", "zh") + " / " + t("import.template_title", "en")])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([t("import.template_hint", "zh") + " / " + t("import.template_hint", "en")])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(COLUMNS))
    ws.append(template_header())
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in EXAMPLE_ROWS.get(lang or "", []):
        ws.append([*row, EXAMPLE_NOTE[lang]])
    for letter, width in zip("ABCDEFG", (16, 34, 14, 12, 10, 14, 30), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A4"

    notes = workbook.create_sheet("说明 notes")
    for lang_code in LANGS:
        notes.append([t("import.template_rules", lang_code)])
    notes.append([])
    notes.append(["区 district", "name_en", "代码 code"])
    districts = base.geography[base.geography["level"] == "district"]
    first = notes.max_row + 1
    for r in districts.itertuples():
        notes.append([r.name_zh, r.name_en, r.geo_code])
    last = notes.max_row
    notes.append([])
    notes.append(["指标 indicator", "名称 name_zh", "name_en", "单位 unit"])
    meta_first = notes.max_row + 1
    for r in base.indicator_meta.itertuples():
        notes.append([r.indicator_id, r.name_zh, r.name_en, r.unit])
    meta_last = notes.max_row
    notes.column_dimensions["A"].width = 40
    notes.column_dimensions["B"].width = 36
    notes.column_dimensions["C"].width = 36

    # Drop-downs help typing but do not bind: names, codes and spellings are all accepted.
    sheet_ref = "'说明 notes'"
    district_list = DataValidation(
        type="list", formula1=f"={sheet_ref}!$A${first}:$A${last}", allow_blank=True,
        showErrorMessage=False,
    )  # fmt: skip
    indicator_list = DataValidation(
        type="list", formula1=f"={sheet_ref}!$A${meta_first}:$A${meta_last}", allow_blank=True,
        showErrorMessage=False,
    )  # fmt: skip
    ws.add_data_validation(district_list)
    ws.add_data_validation(indicator_list)
    district_list.add("A4:A2000")
    indicator_list.add("B4:B2000")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_templates(out: Path, base: Snapshot) -> list[Path]:
    """The template and the filled examples, as CSV and XLSX, into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "district_table_template.csv": template_csv_bytes(),
        "district_table_template.xlsx": template_xlsx_bytes(base),
    }
    for lang in LANGS:
        files[f"district_table_example_{lang}.csv"] = template_csv_bytes(lang)
        files[f"district_table_example_{lang}.xlsx"] = template_xlsx_bytes(base, lang)
    written = []
    for name, content in files.items():
        path = out / name
        path.write_bytes(stable_zip(content) if name.endswith(".xlsx") else content)
        written.append(path)
    return written


def stable_zip(content: bytes) -> bytes:
    """The same workbook bytes on every run: fixed member times and creation dates."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", b"2019-01-09T00:00:00Z", body
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=(2019, 1, 9, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, body)
    return buffer.getvalue()


def iter_problem_lines(problems: Iterable[Problem], lang: str) -> Iterator[str]:
    for p in problems:
        yield p.bilingual() if lang == "both" else p.message(lang)

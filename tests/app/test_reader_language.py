"""One language at a time: a Chinese reader's tables, column headings, units and notes are in
Chinese, with no field name, id or developer note of the data; numbers as published."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import t
from dashboard.snapshot import DEFAULT_SNAPSHOT

REPO = Path(__file__).resolve().parents[2]
FIELD_NAMES = ("indicator", "geo_code", "source_id", "over", "persons", "sq_km", "flag", "note")


def _app(page: str, **params: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(f"pages/{page}.py")
    return at.run()


def _english_words(frame) -> set[str]:
    words = set()
    for column in frame.columns:
        words.add(str(column))
    for column in frame.columns:
        if frame[column].dtype == object:
            for value in frame[column].astype(str).head(400):
                words.update(value.split())
    return words


@pytest.mark.parametrize("page", ["data_sources", "workforce"])
def test_a_chinese_reader_sees_no_field_name_unit_code_or_english_note(page: str) -> None:
    at = _app(page, snapshot=DEFAULT_SNAPSHOT)
    assert not at.exception, [e.value for e in at.exception]
    if page == "workforce":
        at.toggle(key="table_workforce-age").set_value(True).run()
    frames = [d.value for d in at.dataframe]
    assert frames, "a table is drawn"
    for frame in frames:
        words = _english_words(frame)
        assert not words & set(FIELD_NAMES), (page, sorted(words & set(FIELD_NAMES)))
        assert t("col.value", "zh") in frame.columns or t("col.registry_publisher", "zh") in (
            frame.columns
        )
        if t("col.value", "zh") in frame.columns:
            for number in frame[t("col.value", "zh")].dropna():
                text = str(number)
                assert len(text.split(".")[-1]) <= 2 or "." not in text, text
        if t("col.note", "zh") in frame.columns:
            for note in frame[t("col.note", "zh")]:
                assert not note or any("\u4e00" <= ch <= "\u9fff" for ch in note), note

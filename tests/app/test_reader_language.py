"""One language at a time: a Chinese reader's tables, column headings, units and notes are in
Chinese, with no field name, id or developer note of the data; numbers as published."""

from __future__ import annotations

import json
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import t
from dashboard.snapshot import DEFAULT_SNAPSHOT, load_snapshot
from tests.language import chinese_in_english, english_in_chinese, source_texts
from tests.unit.test_one_language import figure_texts, frame_texts

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
        keys = ("col.value", "col.registry_publisher", "manifest_row.item")
        headings = {t(k, "zh") for k in keys}
        assert headings & set(frame.columns), list(frame.columns)
        if t("col.value", "zh") in frame.columns:
            for number in frame[t("col.value", "zh")].dropna():
                text = str(number)
                assert len(text.split(".")[-1]) <= 2 or "." not in text, text
        if t("col.note", "zh") in frame.columns:
            for note in frame[t("col.note", "zh")]:
                assert not note or any("\u4e00" <= ch <= "\u9fff" for ch in note), note


# Every page a reader reaches from the sidebar (the show has its own tests).
PAGES = ("overview", "forty_years", "ten_firsts", "trends", "workforce", "volunteers",
         "deliberation", "grid_services", "communities", "data_sources", "compare")  # fmt: skip
CHAOYANG = "110105"
# Attributes of an element that hold text a reader sees.
TEXT_ATTRIBUTES = ("label", "help", "placeholder", "options", "caption")
_STYLE = re.compile(r"<style.*?</style>", re.DOTALL)


def shown_texts(node) -> list[str]:
    """Every text a page shows: text elements, widget labels and options, metric labels and
    values, table headings and cells, and what each chart draws. Script and style elements
    (the page's language and title keeper, its CSS) are not text a reader sees."""
    kind = type(node).__name__
    texts: list[str] = []
    if kind == "Html":
        return texts
    value = getattr(node, "value", None) if kind not in ("Multiselect", "Selectbox", "Radio",
                                                         "ButtonGroup", "SelectSlider") else None  # fmt: skip
    if hasattr(value, "columns"):
        texts += frame_texts(value)
    elif isinstance(value, str) and "data-testid" not in value:
        texts.append(_STYLE.sub(" ", value))
    for attribute in TEXT_ATTRIBUTES:
        found = getattr(node, attribute, None)
        if isinstance(found, str):
            texts.append(found)
        elif isinstance(found, list | tuple):
            texts += [str(x) for x in found]
    proto = getattr(node, "proto", None)
    spec = getattr(proto, "spec", "") if kind == "UnknownElement" else ""
    if spec and isinstance(spec, str) and spec.startswith("{"):
        texts += figure_texts(go.Figure(json.loads(spec)))
        texts.append(str(getattr(proto, "alt", "")))
    children = getattr(node, "children", None)
    for child in children.values() if isinstance(children, dict) else []:
        texts += shown_texts(child)
    return texts


def _every_table_shown(at: AppTest) -> AppTest:
    for toggle in at.toggle:
        toggle.set_value(True)
    return at.run()


@pytest.mark.parametrize(
    ("snapshot", "district", "lang"),
    [("2019-01-09", "110000", "zh"), ("2019-01-09", CHAOYANG, "zh"), ("sample", CHAOYANG, "zh"),
     (DEFAULT_SNAPSHOT, "110000", "zh"), (DEFAULT_SNAPSHOT, CHAOYANG, "en")],
)  # fmt: skip
@pytest.mark.parametrize("page", PAGES)
def test_every_page_speaks_only_the_readers_language(
    page: str, snapshot: str, district: str, lang: str
) -> None:
    """A Chinese reader sees no English word (beyond the short allow-list of names) and an
    English reader no text written in Chinese, outside the sources' own words, on any page,
    drilled to a district or not, with every data table open."""
    at = _app(page, lang=lang, snapshot=snapshot, district=district)
    assert not at.exception, [e.value for e in at.exception]
    at = _every_table_shown(at)
    assert not at.exception, [e.value for e in at.exception]
    verbatim = source_texts(load_snapshot(snapshot))
    texts = shown_texts(at._tree)
    assert len(texts) > 20, "the page shows its text"
    if lang == "zh":
        wrong = {f"{sorted(w)}: {x[:120]}" for x in texts if (w := english_in_chinese(x, verbatim))}
    else:
        wrong = {x[:120] for x in texts if chinese_in_english(x, verbatim)}
    assert not wrong, "\n".join(sorted(wrong))
    for chart in at.get("plotly_chart"):
        # Plotly's toolbar tips follow the reader's language too.
        config = json.loads(chart.proto.config or "{}")
        assert config.get("locale") == ("zh-CN" if lang == "zh" else None), chart.proto.id


@pytest.mark.parametrize(("snapshot", "lang"), [("2019-01-09", "zh"), ("sample", "zh"),
                                                 (DEFAULT_SNAPSHOT, "en")])  # fmt: skip
def test_every_scene_of_the_show_and_its_notes_speak_the_readers_language(
    snapshot: str, lang: str
) -> None:
    """The audience screen and the presenter window, scene by scene: titles, figures, source
    lines, notes and quotes in the reader's language (the sources' own words aside)."""
    from dashboard import presentation

    loaded = load_snapshot(snapshot)
    verbatim = source_texts(loaded)
    wrong: set[str] = set()
    for number in range(1, len(presentation.scenes(loaded)) + 1):
        for window in ({}, {"notes": "1"}):
            at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=90)
            params = {"lang": lang, "snapshot": snapshot, "present": "1", "scene": str(number)}
            for key, value in {**params, **window}.items():
                at.query_params[key] = value
            at.run()
            assert not at.exception, [e.value for e in at.exception]
            for x in shown_texts(at._tree):
                if lang == "zh" and (words := english_in_chinese(x, verbatim)):
                    wrong.add(f"scene {number}: {sorted(words)}: {x[:120]}")
                elif lang == "en" and chinese_in_english(x, verbatim):
                    wrong.add(f"scene {number}: {x[:120]}")
    assert not wrong, "\n".join(sorted(wrong))

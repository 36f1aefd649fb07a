"""Charts built once per process and shared by every session (`ui.built_chart`)."""

from __future__ import annotations

import dataclasses

import pytest

from dashboard import catalog, ui
from dashboard.snapshot import load_snapshot


@pytest.fixture()
def session() -> ui.Session:
    ui._built_charts.clear()
    return ui.Session(load_snapshot("2019-01-09"), catalog.View())


def test_a_chart_is_built_once_for_the_same_view(session) -> None:
    plain = catalog.chart("trend-residents_committees")
    calls = []
    spec = dataclasses.replace(plain, build=lambda *a, **k: calls.append(k) or plain.build(*a, **k))
    first, table = ui.built_chart(session, spec, 420)
    again, same_table = ui.built_chart(session, spec, 420)
    assert again.figure is first.figure and same_table is table
    assert len(calls) == 1
    assert first.figure.layout.height == 420
    assert not table.empty


def test_each_view_height_and_option_is_its_own_chart(session) -> None:
    spec = catalog.chart("trend-residents_committees")
    city = ui.built_chart(session, spec, 420)[0].figure
    taller = ui.built_chart(session, spec, 560)[0].figure
    narrowed = ui.built_chart(session, spec, 420, year_range=(2010, 2018))[0].figure
    english = ui.Session(session.snapshot, catalog.View(lang="en"))
    in_english = ui.built_chart(english, spec, 420)[0].figure
    assert taller.layout.height == 560 and city.layout.height == 420
    assert narrowed is not city and tuple(narrowed.layout.xaxis.range) != tuple(
        city.layout.xaxis.range or ()
    )
    assert in_english.layout.title.text != city.layout.title.text


def test_a_changed_snapshot_is_built_again(session) -> None:
    spec = catalog.chart("grid-workers")
    before = ui.built_chart(session, spec, 480)[0].figure
    changed = ui.Session(
        dataclasses.replace(session.snapshot, fingerprint="changed"),
        session.view,
    )
    assert ui.built_chart(changed, spec, 480)[0].figure is not before


def test_the_figure_sent_is_the_figure_built(session) -> None:
    """Streamlit is handed a figure whose dict was made once; its JSON is the built figure's."""
    import plotly.io

    spec = catalog.chart("trend-residents_committees")
    built = ui._built(session, spec, 420)
    assert plotly.io.to_json(built.sent, validate=False) == plotly.io.to_json(
        built.result.figure, validate=False
    )
    assert built.sent.to_dict() is built.sent.to_dict()  # made once, not on every rerun


def test_a_city_chart_is_drawn_unchanged_on_a_drilled_view(session) -> None:
    """A chart of the city's figures only is sent exactly as on the city's view (so the browser
    keeps it), with a line saying whose figures they are; the download keeps the drilled title."""
    spec = catalog.chart("workforce-age")
    city = ui._built(session, spec, 480)
    drilled_session = ui.Session(session.snapshot, catalog.View(district="110111"))
    drilled = ui._built(drilled_session, spec, 480)
    assert drilled.sent is city.sent and drilled.config == city.config and drilled.alt == city.alt
    assert drilled.city_note == "全市数字(非房山区)" and not city.city_note
    assert "房山区" in drilled.result.figure.layout.title.text


def test_a_district_chart_is_drawn_for_the_district() -> None:
    """A chart comparing the districts marks the one chosen, so it is sent anew."""
    spec = catalog.chart("district-bar-deliberation_coverage_rural")
    sample = ui.Session(load_snapshot("sample"), catalog.View())
    city = ui._built(sample, spec, 480)
    drilled = ui._built(ui.Session(sample.snapshot, catalog.View(district="110105")), spec, 480)
    assert drilled.sent is not city.sent and not drilled.city_note


def test_the_page_asks_early_for_the_plotly_module_streamlit_itself_loads() -> None:
    """The view's script imports the very file Streamlit's own chart code imports, so the
    browser loads one module once, earlier; a Streamlit upgrade that renames it is caught here."""
    from pathlib import Path

    import streamlit as st

    name = ui.plotly_module()
    folder = Path(st.__file__).resolve().parent / "static" / "static" / "js"
    assert name and (folder / name).is_file()
    entry = next(folder.glob("index.*.js")).read_text(encoding="utf-8")
    assert f"import(`./{name}`)" in entry

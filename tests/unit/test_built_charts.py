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

"""An opened link's first run: the page's words, its tiles and its first chart only, the rest in
the run that the browser's width report starts (dashboard.ui.FirstPaint)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import ui
from dashboard.i18n import t

REPO = Path(__file__).resolve().parents[2]
# The main column and a chart's share of it in 2, 3 and 4 columns, as the page's probe reports.
REPORTED_WIDTHS = [1200, 640, 400, 300]


def _as_browser(monkeypatch) -> None:
    """As if a browser were connected: AppTest has none, so it never gets a first paint."""
    monkeypatch.setattr(ui, "browser_connected", lambda: True)


@pytest.fixture
def browser(monkeypatch):
    _as_browser(monkeypatch)


def _open(page: str | None, **params: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "streamlit_app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"pages/{page}.py")
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _charts(at: AppTest) -> int:
    return len(at.get("plotly_chart"))


def _download_menus(at: AppTest, lang: str = "zh") -> int:
    return len(
        [p for p in at.get("popover") if p.proto.popover.label == t("download.button", lang)]
    )


def test_a_harness_without_a_browser_gets_the_full_view_at_once():
    at = _open("workforce")
    assert _charts(at) == 5
    assert at.sidebar.radio and at.sidebar.selectbox


@pytest.mark.parametrize("page", ["workforce", "communities", "trends"])
def test_first_paint_sends_one_chart_and_the_page_words(monkeypatch, page):
    full = _open(page)  # the full view, as a harness without a browser gets it
    _as_browser(monkeypatch)
    at = _open(page)
    assert _charts(full) > 1 and _download_menus(full) == _charts(full)
    assert _charts(at) == 1
    # Neither the sidebar's controls nor any download menu: each costs its scripts before Plotly's.
    assert not at.sidebar.radio and not at.sidebar.selectbox and not at.sidebar.button
    assert _download_menus(at) == 0
    assert at.title[0].value


def test_the_width_report_brings_the_full_view(browser):
    at = _open("workforce", lang="en", district="110105")
    assert _charts(at) == 1
    at.session_state["page_width"] = REPORTED_WIDTHS
    at.run()
    assert not at.exception
    assert _charts(at) == 5
    assert _download_menus(at, "en") == 5
    assert [r.value for r in at.sidebar.radio] == ["en"]
    assert "110105" in [s.value for s in at.sidebar.selectbox]
    # The link's view survived the first paint: language and district as the link said.
    assert at.query_params["district"] == "110105"


def test_the_show_never_gets_a_first_paint(browser):
    at = _open(None, present="1")
    # The show draws its scene whole; it has no width probe to start a second run.
    assert at.session_state["present"] is True
    assert not at.session_state["_session"].first_paint


def test_a_refused_link_parameter_is_said_in_the_first_paint_and_the_full_view(browser):
    at = _open("workforce", district="<script>")
    said = t("notice.bad_param", "zh", name="district")
    assert said in [w.value for w in at.warning]
    at.session_state["page_width"] = REPORTED_WIDTHS
    at.run()
    assert said in [w.value for w in at.warning]  # the whole page, drawn for the first time
    at.run()
    assert said not in [w.value for w in at.warning]  # not again on every later click

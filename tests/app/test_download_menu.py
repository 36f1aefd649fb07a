"""A chart's download menu: its buttons are made only while it is open, and then each one is
there, named for the reader."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
MENU = "dl_menu_workforce-age"
LABELS = ["PNG 16:9 (1920×1080)", "PNG 4:3 (1920×1440)", "SVG", "CSV", "XLSX"]


def _workforce() -> AppTest:
    at = AppTest.from_file(str(REPO / "pages" / "workforce.py"), default_timeout=60)
    at.session_state["snapshot"] = "2019-01-09"
    return at


def test_a_closed_menu_makes_no_download_buttons() -> None:
    at = _workforce()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("download_button") == []
    assert at.get("plotly_chart")  # the charts themselves are drawn


def test_an_open_menu_offers_every_download_of_its_chart_only() -> None:
    at = _workforce()
    at.session_state[MENU] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == LABELS
    # Each file is made when its button is pressed, each from a callable of its own.
    files = [b.proto.deferred_file_id for b in buttons]
    assert all(files) and len(set(files)) == len(files)

"""Streamlit's own English words in a real Chromium: on a Chinese page the table toolbar (its
buttons' names and the tip shown on hover), the chart's full-screen button, the uploader's button,
a list's "No results" and the screen-reader texts are Chinese, on the show's ready screen
too; on an English page they stay English. The import page is served by an app started with uploads on."""

from __future__ import annotations

import pytest

from dashboard.i18n import STREAMLIT_ZH
from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e

WORDS = [
    "Show/hide columns", "Download as CSV", "Search", "Fullscreen", "Upload", "Browse files",
    "No results", "Running...", "Skip to main content", "Collapse sidebar", "Add files", "Main menu",
    "year",
    "month", "day",
]  # fmt: skip
# Each phrase found as a whole text, or as a title, aria-label, placeholder or Plotly tip (an
# aria-label may name what the control belongs to after a colon or a comma).
FOUND = """(words) => { const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (words.includes(n.data.trim())) found.push('text: ' + n.data.trim()); }
  const named = '[title], [aria-label], [placeholder], [data-title]';
  for (const el of document.querySelectorAll(named)) {
    for (const name of ['title', 'aria-label', 'placeholder', 'data-title']) {
      const value = (el.getAttribute(name) || '').trim();
      if (words.some(w => value === w || value.startsWith(w + ': ')
        || value.startsWith(w + ', '))) found.push(name + ': ' + value);
    } }
  return found; }"""


def settle(page) -> None:
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )
    page.wait_for_timeout(1200)


def open_page(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page, timeout=90_000)
    settle(page)


def found(page) -> list[str]:
    return page.evaluate(FOUND, WORDS)


def toolbar_tip(page, table) -> str:
    """The tip of the table toolbar's first button, hovered. A chart redrawn beside the table (the
    page reporting its width) may move it from under the mouse: then hover again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    tip = page.locator("[data-testid=stTooltipContent]").first
    for _ in range(3):
        try:
            table.hover(timeout=10_000)
            page.locator("[data-testid=stElementToolbarButton] button").first.hover(timeout=10_000)
            tip.wait_for(timeout=5_000)
            return tip.inner_text().strip()
        except PlaywrightTimeout:
            page.mouse.move(0, 0)
            page.wait_for_timeout(1000)
    return ""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_streamlits_own_words_follow_the_language(browser, upload_app, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen = {}

    # A chart's table: its switch under the chart, then the toolbar hovered until its tip shows.
    open_page(page, f"{upload_app}/trends?lang={lang}")
    page.locator("[class*=st-key-table_] label").first.click()
    settle(page)
    table = page.locator("[data-testid=stDataFrame]").first
    table.scroll_into_view_if_needed()
    seen["tip"] = toolbar_tip(page, table)
    seen["toolbar"] = page.eval_on_selector_all(
        "[data-testid=stElementToolbarButton] button",
        "els => els.map(e => e.getAttribute('aria-label'))",
    )
    seen["trends"] = found(page)

    # The list of sources, filtered by a word no option holds.
    open_page(page, f"{upload_app}/data_sources?lang={lang}")
    choose = page.locator("[data-testid=stMultiSelect] input").first
    choose.click()
    choose.type("zzzz")
    page.wait_for_timeout(800)
    seen["no_results"] = page.get_by_text(
        "No results" if lang == "en" else STREAMLIT_ZH["No results"], exact=True
    ).count()
    seen["data_sources"] = found(page)
    page.keyboard.press("Escape")

    open_page(page, f"{upload_app}/import_data?lang={lang}")
    uploader = page.locator("[data-testid=stFileUploader]").first
    uploader.hover()
    # The button holds its icon (a ligature named "upload") and its label.
    seen["upload"] = uploader.locator("button").first.inner_text().split()[-1]
    seen["import_data"] = found(page)

    # The show's ready screen, opened directly: its own script sets the language.
    page.goto(f"{upload_app}/?present=1&lang={lang}")
    page.get_by_role("heading", level=1).first.wait_for(timeout=90_000)
    settle(page)
    seen["present"] = found(page)
    context.close()

    if lang == "zh":
        assert seen["tip"] == STREAMLIT_ZH["Show/hide columns"], seen
        assert seen["toolbar"][:4] == [
            STREAMLIT_ZH[w]
            for w in ("Show/hide columns", "Download as CSV", "Search", "Fullscreen")
        ], seen
        assert seen["upload"] == STREAMLIT_ZH["Upload"], seen
        assert seen["no_results"] >= 1, seen
        for page_name in ("trends", "data_sources", "import_data", "present"):
            assert seen[page_name] == [], (page_name, seen[page_name])
    else:
        assert seen["tip"] == "Show/hide columns", seen
        assert seen["toolbar"][:4] == [
            "Show/hide columns",
            "Download as CSV",
            "Search",
            "Fullscreen",
        ]
        assert seen["upload"] == "Upload", seen
        assert seen["no_results"] >= 1, seen
        for words in (seen["trends"], seen["data_sources"], seen["import_data"], seen["present"]):
            assert "text: Skip to main content" in words, seen
        assert "aria-label: Fullscreen" in seen["trends"], seen
        assert any(w.startswith("aria-label: year, ") for w in seen["import_data"]), seen

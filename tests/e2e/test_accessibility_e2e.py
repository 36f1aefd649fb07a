"""Accessible by default, checked by axe-core in Chromium: no serious or critical violation on any
page in either language (the import page, served with uploads on, and the show's ready screen,
presenter window and every scene included); the document names its language and the tab names the
view and the place; every chart has a text alternative."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e

PAGES = (
    "overview", "forty_years", "ten_firsts", "trends", "workforce", "volunteers", "deliberation",
    "grid_services", "communities", "data_sources", "compare", "import_data",
)  # fmt: skip
LANG_ATTR = {"zh": "zh-CN", "en": "en"}
PLACE = {"zh": "朝阳区", "en": "Chaoyang"}


def serious(page) -> list[tuple[str, str, int]]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        (v["id"], v["nodes"][0]["target"][0] if v["nodes"] else "", len(v["nodes"]))
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def settle(page) -> None:
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )
    page.wait_for_timeout(1200)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_passes_axe_and_names_its_language_view_and_place(browser, upload_app, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    found = {}
    for name in PAGES:
        page.goto(f"{upload_app}/{name}?lang={lang}&district=110105")
        wait_for_app(page, timeout=90_000)
        settle(page)
        found[name] = serious(page)
        assert page.evaluate("document.documentElement.lang") == LANG_ATTR[lang], name
        title = page.title()
        assert PLACE[lang] in title and page.locator("h1").first.inner_text() in title, title
        # Read in one step: a rerun (the page reporting its width) may redraw the charts between
        # two separate look-ups.
        labels = page.eval_on_selector_all(
            "[data-testid=stPlotlyChart]", "els => els.map(e => e.getAttribute('aria-label') || '')"
        )
        assert all(len(label) > 20 for label in labels), (name, labels)
    assert all(v == [] for v in found.values()), {k: v for k, v in found.items() if v}
    context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_show_passes_axe_before_during_and_in_the_presenter_window(browser, app_url, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(f"{app_url}/?present=1&lang={lang}&snapshot=sample")
    page.wait_for_selector(".st-key-present_start button", timeout=90_000)
    settle(page)
    assert serious(page) == [], "ready screen"
    href = page.locator("a[href*='notes=1']").first.get_attribute("href")
    page.locator(".st-key-present_sample_ok label").click()
    settle(page)
    page.locator(".st-key-present_start button").click()
    page.wait_for_selector(".st-key-present_counter", timeout=60_000)
    total = int(page.locator(".st-key-present_counter").inner_text().split("/")[1])
    assert total >= 10
    for number in range(1, total + 1):
        if number > 1:
            page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "n => (document.querySelector('.st-key-present_counter') || {}).innerText"
            " ?.trim().startsWith(n + ' /')",
            arg=number,
            timeout=60_000,
        )
        settle(page)
        assert serious(page) == [], f"scene {number}"
        assert page.evaluate("document.documentElement.lang") == LANG_ATTR[lang]
    notes = context.new_page()
    notes.goto(f"{app_url}/{href.lstrip('/')}")
    notes.wait_for_selector(".st-key-present_notes", timeout=90_000)
    settle(notes)
    assert serious(notes) == [], "presenter window"
    context.close()

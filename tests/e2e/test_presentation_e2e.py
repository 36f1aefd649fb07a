"""Presentation mode in a real headless Chromium at projector size (1280x720): keys move between
scenes, type is readable from the back, chrome is hidden, Esc leaves, the notes window follows;
and the offline HTML briefing deck loads nothing from any host."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from dashboard import briefing, catalog, presentation
from dashboard.snapshot import DEFAULT_SNAPSHOT, load_snapshot
from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.e2e

PROJECTOR = {"width": 1280, "height": 720}
TITLE_AND_TICKS = """() => {
    const px = e => parseFloat(getComputedStyle(e).fontSize);
    const title = document.querySelector('.js-plotly-plot .gtitle');
    const ticks = [...document.querySelectorAll('.js-plotly-plot .xtick text, .js-plotly-plot .ytick text')]
        .filter(e => e.textContent.trim() && e.getBoundingClientRect().width > 0);
    return {title: title ? px(title) : null, ticks: ticks.map(px)};
}"""


@pytest.fixture
def projector(browser):
    context = browser.new_context(viewport=PROJECTOR, locale="zh-CN")
    yield context
    context.close()


def total_scenes() -> int:
    return len(presentation.scenes(load_snapshot(DEFAULT_SNAPSHOT)))


def counter(page) -> str:
    return page.locator(".st-key-present_counter").inner_text().strip()


def wait_for_scene(page, number: int, timeout: float = 30_000) -> None:
    page.wait_for_function(
        "n => { const c = document.querySelector('.st-key-present_counter');"
        " return c && c.innerText.trim().startsWith(n + ' /'); }",
        arg=number,
        timeout=timeout,
    )
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout
    )
    page.wait_for_timeout(600)


def open_show(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".st-key-present_counter", timeout=60_000)
    wait_for_scene(page, int(parse_qs(urlparse(url).query).get("scene", ["1"])[0]))


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_keys_move_between_scenes_and_type_is_readable_from_the_back(projector, app_url, theme):
    page = projector.new_page()
    open_show(page, f"{app_url}/?present=1&theme={theme}")
    total = total_scenes()
    assert counter(page) == f"1 / {total}"
    # Header, toolbar, sidebar and footer are hidden.
    for selector in ("header[data-testid='stHeader']", "section[data-testid='stSidebar']",
                     "[data-testid='stToolbar']"):  # fmt: skip
        assert not page.locator(selector).is_visible()
    background = page.evaluate("getComputedStyle(document.querySelector('.stApp')).backgroundColor")
    assert (background == "rgb(11, 18, 32)") == (theme == "dark"), background
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"present_{theme}_scene1.png"))

    page.keyboard.press("ArrowRight")
    wait_for_scene(page, 2)
    assert parse_qs(urlparse(page.url).query)["scene"] == ["2"]
    page.keyboard.press("PageDown")
    wait_for_scene(page, 3)
    page.wait_for_selector(".js-plotly-plot .gtitle", timeout=30_000)
    sizes = page.evaluate(TITLE_AND_TICKS)
    assert sizes["title"] >= 36, sizes
    assert sizes["ticks"] and min(sizes["ticks"]) >= 20, sizes
    page.screenshot(path=str(SCREENSHOTS / f"present_{theme}_scene3.png"))

    # Every chart scene keeps the sizes; walk to the end with the keyboard.
    for number in range(4, total + 1):
        page.keyboard.press("ArrowRight" if number % 2 else "PageDown")
        wait_for_scene(page, number)
        if page.locator(".js-plotly-plot .gtitle").count():
            sizes = page.evaluate(TITLE_AND_TICKS)
            assert sizes["title"] >= 36, (number, sizes)
            assert all(s >= 20 for s in sizes["ticks"]), (number, sizes)
        page.screenshot(path=str(SCREENSHOTS / f"present_{theme}_scene{number}.png"))
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(1500)
    assert counter(page) == f"{total} / {total}", "the last scene stays"
    page.keyboard.press("PageUp")
    wait_for_scene(page, total - 1)
    page.keyboard.press("ArrowLeft")
    wait_for_scene(page, total - 2)

    page.keyboard.press("Escape")
    page.wait_for_selector("section[data-testid='stSidebar']", timeout=30_000)
    assert page.locator(".st-key-present_counter").count() == 0
    assert "present" not in parse_qs(urlparse(page.url).query)


def test_escape_returns_to_the_page_and_district_the_show_started_from(projector, app_url):
    page = projector.new_page()
    page.goto(f"{app_url}/workforce?district=110105")
    button = page.locator("section[data-testid='stSidebar'] .st-key-enter_present button")
    button.wait_for(timeout=60_000)
    page.wait_for_timeout(800)
    button.click()
    wait_for_scene(page, 1)
    page.keyboard.press("ArrowRight")
    wait_for_scene(page, 2)
    page.keyboard.press("Escape")
    page.wait_for_selector("section[data-testid='stSidebar']", timeout=30_000)
    assert urlparse(page.url).path.rstrip("/").endswith("workforce")
    assert parse_qs(urlparse(page.url).query).get("district") == ["110105"]


def test_notes_window_follows_the_presentation(projector, app_url):
    show = projector.new_page()
    open_show(show, f"{app_url}/?present=1&scene=2")
    link = show.locator(".st-key-present_scene ~ div a, a").filter(
        has_text=re.compile("备注|notes")
    )
    href = link.first.get_attribute("href")
    assert href and "notes=1" in href and "follow=" in href
    notes = projector.new_page()
    notes.goto(f"{app_url}/{href.lstrip('/')}")
    notes.wait_for_selector(".st-key-present_notes", timeout=60_000)
    assert notes.locator(".st-key-present_notes").inner_text().startswith("2 / ")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    notes.screenshot(path=str(SCREENSHOTS / "present_notes_window.png"))
    show.bring_to_front()
    show.keyboard.press("ArrowRight")
    wait_for_scene(show, 3)
    notes.wait_for_function(
        "() => document.querySelector('.st-key-present_notes').innerText.startsWith('3 / ')",
        timeout=20_000,
    )


def test_offline_html_deck_loads_nothing_from_any_host(browser, tmp_path):
    snapshot = load_snapshot(DEFAULT_SNAPSHOT)
    charts = ["overview-headlines", "workforce-age", "workforce-pay", "pay-rules-map"]
    deck = tmp_path / "deck.html"
    deck.write_bytes(briefing.build(snapshot, catalog.View(lang="zh"), charts, "html"))
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    requests, violations = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(deck.as_uri())
    page.wait_for_function(
        f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {len(charts)}",
        timeout=60_000,
    )
    page.wait_for_timeout(1500)
    outside = [u for u in requests if not u.startswith(("file:", "data:", "blob:"))]
    assert outside == []
    assert violations == []
    drawn = page.evaluate("() => [...document.querySelectorAll('.js-plotly-plot')].length")
    assert drawn == len(charts)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "briefing_deck_html.png"))
    context.close()

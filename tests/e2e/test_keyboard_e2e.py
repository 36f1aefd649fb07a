"""Keyboard reach in a real Chromium: on every page, in both languages, Tab reaches every control
(links, buttons, selects, inputs, switches, tabs, popover triggers, the download menu) and each
shows a visible focus indicator; the download menu opens and its files are reached from the
keyboard; a district is chosen, and the view drilled down, without a mouse. The import page is
served by an app started with uploads on."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.conftest import free_port, start_app, wait_for_app, wait_until_up

pytestmark = pytest.mark.e2e

PAGES = (
    "overview", "forty_years", "ten_firsts", "trends", "workforce", "volunteers", "deliberation",
    "grid_services", "communities", "data_sources", "compare", "import_data",
)  # fmt: skip
# Everything a user can operate, visible and enabled. Each gets a number to find it by.
MARK_CONTROLS = """() => {
    const sel = 'a[href], button, input:not([type=hidden]), select, textarea, [role=tab],'
        + ' [role=combobox], summary';
    const shown = e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
        return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
            && !e.closest('[aria-hidden=true], [inert]'); };
    const found = [...document.querySelectorAll(sel)]
        .filter(e => !e.disabled && e.getAttribute('aria-disabled') !== 'true' && shown(e));
    found.forEach((e, i) => e.setAttribute('data-kbd', String(i)));
    return found.map(e => ({
        n: e.getAttribute('data-kbd'),
        group: e.type === 'radio' ? 'radio:' + e.name : '',
        what: (e.getAttribute('aria-label') || e.innerText || e.value || e.tagName)
            .trim().slice(0, 40),
    }));
}"""
# The focused control, and the box where its focus shows: a radio button's or a switch's label,
# a select's frame, the control itself otherwise.
FOCUSED = """() => { const e = document.activeElement;
    if (!e || e === document.body) return null;
    const box = (e.matches('input[type=radio], input[type=checkbox]') && e.closest('label'))
        || e.closest('[data-baseweb=select]') || e;
    const r = box.getBoundingClientRect();
    return {n: e.getAttribute('data-kbd'), x: r.left, y: r.top, w: r.width, h: r.height}; }"""
# Pixels that change between focused and not focused, at least: a 2 px ring round a small icon
# button changes several hundred.
MIN_CHANGED_PIXELS = 40


@pytest.fixture(scope="module")
def upload_app(browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with the import page turned on, as an administrator would."""
    port = free_port()
    log = tmp_path_factory.mktemp("upload-server") / "server.log"
    process = start_app(port, log, env={"DASHBOARD_ALLOW_UPLOAD": "1"})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def settle(page) -> None:
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000
    )
    page.wait_for_timeout(1000)


def changed_pixels(page, box: dict) -> int:
    """Pixels of the control's box (and a margin for an outline) that change when it loses
    focus; focus goes back to it afterwards, so Tab goes on from there."""
    from PIL import Image, ImageChops

    pad = 6
    clip = {
        "x": max(box["x"] - pad, 0),
        "y": max(box["y"] - pad, 0),
        "width": max(box["w"] + 2 * pad, 1),
        "height": max(box["h"] + 2 * pad, 1),
    }
    focused = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("L")
    page.evaluate("n => document.querySelector(`[data-kbd='${n}']`).blur()", box["n"])
    page.wait_for_timeout(150)
    plain = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("L")
    page.evaluate("n => document.querySelector(`[data-kbd='${n}']`).focus()", box["n"])
    difference = ImageChops.difference(focused, plain).point(lambda v: 255 if v > 40 else 0)
    return difference.histogram()[255]


def tab_through(page, controls: list[dict]) -> tuple[set[str], list[str]]:
    """Tab round the whole page once; the controls reached and those that showed no focus."""
    reached: set[str] = set()
    unmarked: list[str] = []
    names = {c["n"]: c["what"] for c in controls}
    first = None
    for _ in range(len(controls) + 40):
        page.keyboard.press("Tab")
        page.wait_for_timeout(60)
        box = page.evaluate(FOCUSED)
        if not box or box["n"] is None:
            continue
        if box["n"] == first:
            break  # round the page once
        first = first or box["n"]
        if box["n"] in reached:
            continue
        reached.add(box["n"])
        if box["w"] > 0 and changed_pixels(page, box) < MIN_CHANGED_PIXELS:
            unmarked.append(names.get(box["n"], box["n"]))
    return reached, unmarked


def unreached(controls: list[dict], reached: set[str]) -> list[str]:
    """Controls Tab never reached; a radio group counts as reached through any of its buttons
    (Tab enters the group, the arrow keys move within it)."""
    groups = {c["group"] for c in controls if c["group"] and c["n"] in reached}
    return [
        c["what"]
        for c in controls
        if c["n"] not in reached and not (c["group"] and c["group"] in groups)
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_tab_reaches_every_control_on_every_page_with_a_visible_focus(browser, upload_app, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = {}
    for name in PAGES:
        page.goto(f"{upload_app}/{name}?lang={lang}")
        wait_for_app(page, timeout=90_000)
        settle(page)
        controls = page.evaluate(MARK_CONTROLS)
        assert len(controls) >= 15, (name, controls)  # sidebar and page both found
        reached, unmarked = tab_through(page, controls)
        missing = unreached(controls, reached)
        if missing or unmarked:
            problems[name] = {"not reached": missing, "no visible focus": unmarked}
    assert problems == {}
    context.close()


def focus_by_tab(page, selector: str, limit: int = 80, text: str = "") -> bool:
    """Tab from where the focus is until it is inside `selector` (on a control showing `text`)."""
    check = (
        "([sel, text]) => { const e = document.activeElement;"
        " return !!e.closest(sel) && (e.innerText || '').includes(text); }"
    )
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(check, [selector, text]):
            return True
    return False


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_district_is_chosen_and_drilled_into_without_a_mouse(browser, app_url, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{app_url}/workforce?lang={lang}")
    wait_for_app(page, timeout=90_000)
    settle(page)
    assert focus_by_tab(page, ".st-key-district")
    page.keyboard.type("朝阳" if lang == "zh" else "Chaoyang")
    page.wait_for_selector("[role=option]", timeout=10_000)
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('district') === '110105'", timeout=30_000
    )
    settle(page)
    assert parse_qs(urlparse(page.url).query)["district"] == ["110105"]
    place = "朝阳区" if lang == "zh" else "Chaoyang"
    assert place in page.title()
    assert place in page.locator(".st-key-drill_summary").inner_text()
    context.close()


def test_the_download_menu_opens_and_its_files_are_reached_by_keyboard(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{app_url}/workforce?lang=zh")
    wait_for_app(page, timeout=90_000)
    settle(page)
    assert focus_by_tab(page, "[data-testid=stPopover]", limit=150, text="下载")
    page.keyboard.press("Enter")
    # The focus follows into the menu, which opens in a layer at the end of the page.
    page.wait_for_function(
        "() => !!document.activeElement.closest('[data-testid=stPopoverBody] [data-testid=stDownloadButton]')",
        timeout=20_000,
    )
    assert focus_by_tab(page, "[data-testid=stPopoverBody]", limit=8, text="CSV")
    with page.expect_download(timeout=60_000) as download:
        page.keyboard.press("Enter")
    saved = Path(tempfile.mkdtemp()) / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.stat().st_size > 0
    context.close()

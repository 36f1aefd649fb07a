"""Keyboard reach in a real Chromium: on every page, in both languages, Tab reaches every control
(links, buttons, selects, inputs, switches, tabs, popover triggers, the download menu) and each
shows a visible focus indicator; the download menu opens and its files are reached from the
keyboard; a district is chosen, and the view drilled down, without a mouse. The import page is
served by an app started with uploads on."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.e2e.conftest import wait_for_app

pytestmark = pytest.mark.e2e

PAGES = (
    "overview", "forty_years", "ten_firsts", "trends", "workforce", "volunteers", "deliberation",
    "grid_services", "communities", "data_sources", "compare", "import_data",
)  # fmt: skip
# Everything a user can operate, visible and enabled, each with a name that outlives a redraw
# (a chart redrawn after the page reports its width has new buttons): its kind, its element's
# key, its words and its place among controls alike in all three. Controls of a composite widget
# (a radio group, a combobox and its open button, a multiselect and its tags) share the widget's
# group: Tab stops once on the widget, the arrow keys and Backspace work within it.
MARK_CONTROLS = """() => {
    const sel = 'a[href], button, input:not([type=hidden]), select, textarea, [role=tab],'
        + ' [role=combobox], summary';
    const composite = '[data-testid=stRadio], [data-testid=stMultiSelect],'
        + ' [data-testid=stSelectbox], [role=radiogroup], [role=group]';
    const shown = e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
        return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
            && !e.closest('[aria-hidden=true], [inert], [data-testid=stStatusWidget]'); };
    const kind = e => (e.closest('[data-testid]') || e).getAttribute('data-testid') || e.tagName;
    const what = e => (e.getAttribute('aria-label') || e.innerText || e.value || e.tagName)
        .trim().slice(0, 40);
    const controls = () => [...document.querySelectorAll(sel)]
        .filter(e => !e.disabled && e.getAttribute('aria-disabled') !== 'true' && shown(e));
    const key = e => [...(e.closest('[class*=st-key-]') || {classList: []}).classList]
        .find(c => c.startsWith('st-key-')) || '';
    const sign = e => kind(e) + '|' + key(e) + '|' + what(e);
    window.kbdId = e => { const sig = sign(e);
        const same = [...document.querySelectorAll(sel)].filter(o => sign(o) === sig);
        return sig + '#' + same.indexOf(e); };
    const group = e => { const c = e.closest(composite); if (!c) return '';
        const all = [...document.querySelectorAll(composite)].filter(o => !o.parentElement.closest(composite));
        const top = all.find(o => o.contains(e)); return 'group:' + all.indexOf(top); };
    return controls().map(e => ({n: window.kbdId(e), group: group(e), kind: kind(e), what: what(e)}));
}"""
# The focused control, and the box where its focus shows: a radio button's or a switch's label,
# a select's frame, the control itself otherwise.
FOCUSED = """() => { const e = document.activeElement;
    if (!e || e === document.body) return null;
    window.kbdFocused = e;
    const box = (e.matches('input[type=radio], input[type=checkbox]') && e.closest('label'))
        || e.closest('[data-baseweb=select]') || e;
    const r = box.getBoundingClientRect();
    return {n: window.kbdId(e), x: r.left, y: r.top, w: r.width, h: r.height}; }"""
# Pixels that change between focused and not focused, at least: a 2 px ring round a small icon
# button changes several hundred.
MIN_CHANGED_PIXELS = 40
LOOKS_PER_KIND = 4


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
    page.evaluate("() => window.kbdFocused.blur()")
    page.wait_for_timeout(80)
    plain = Image.open(io.BytesIO(page.screenshot(clip=clip))).convert("L")
    page.evaluate("() => window.kbdFocused.focus()")
    difference = ImageChops.difference(focused, plain).point(lambda v: 255 if v > 40 else 0)
    return difference.histogram()[255]


def tab_through(page, controls: list[dict], looked_at: dict) -> tuple[set[str], list[str]]:
    """Tab round the page (twice at most: a redraw can drop the focus back to the top) until every
    control is reached; the controls reached and those that showed no focus. Focus is looked at
    on the first few controls of each kind (`looked_at` counts them across pages): controls of one
    kind share their styles."""
    reached: set[str] = set()
    unmarked: list[str] = []
    names = {c["n"]: c["what"] for c in controls}
    kinds = {c["n"]: c["kind"] for c in controls}
    for _ in range(2 * len(controls) + 40):
        if not unreached(controls, reached):
            break
        page.keyboard.press("Tab")
        page.wait_for_timeout(60)
        box = page.evaluate(FOCUSED)
        if not box or box["n"] in reached:
            continue
        reached.add(box["n"])
        kind = kinds.get(box["n"], "")
        looked_at[kind] = looked_at.get(kind, 0) + 1
        if looked_at[kind] > LOOKS_PER_KIND or box["w"] <= 0:
            continue
        # Looked at twice before it counts: a redraw between the two pictures can hide a ring.
        if changed_pixels(page, box) < MIN_CHANGED_PIXELS:
            page.wait_for_timeout(400)
            box = page.evaluate(FOCUSED) or box
            if changed_pixels(page, box) < MIN_CHANGED_PIXELS:
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
    problems, looked_at = {}, {}
    for name in PAGES:
        page.goto(f"{upload_app}/{name}?lang={lang}")
        wait_for_app(page, timeout=90_000)
        settle(page)
        controls = page.evaluate(MARK_CONTROLS)
        assert len(controls) >= 15, (name, controls)  # sidebar and page both found
        reached, unmarked = tab_through(page, controls, looked_at)
        missing = unreached(controls, reached)
        if missing or unmarked:
            problems[name] = {"not reached": missing, "no visible focus": unmarked}
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
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
    # Escape closes the menu and puts the focus back on the button that opened it.
    page.keyboard.press("Escape")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stPopoverBody]')"
        " && !!document.activeElement.closest('[data-testid=stPopover]')",
        timeout=20_000,
    )
    context.close()

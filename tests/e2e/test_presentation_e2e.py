"""Presentation mode in a real headless Chromium: the audience screen shows the scene and no
control, keys move between scenes and black the screen, the 16:9 stage fills the projector, a Full
HD and a 4K screen with type that grows with it, the sample show asks first and is watermarked,
Esc leaves, the presenter window follows and moves the show; and the offline HTML briefing deck
loads nothing from any host."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from dashboard import briefing, catalog, presentation
from dashboard.snapshot import DEFAULT_SNAPSHOT, load_snapshot
from tests.e2e.conftest import SCREENSHOTS

pytestmark = pytest.mark.e2e

PROJECTOR = {"width": 1280, "height": 720}
SCREENS = {"projector": (1280, 720), "full-hd": (1920, 1080), "4k": (3840, 2160)}
STAGE = ".st-key-present_stage_text, .st-key-present_stage_chart"
# Every visible control, anywhere on the audience screen.
VISIBLE_CONTROLS = """() => [...document.querySelectorAll(
    'button, input, select, textarea, a[href], [role=button], [data-testid=stPopover]')]
    .filter(e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
        return r.width > 2 && r.height > 2 && r.bottom > 0 && r.right > 0
            && r.top < innerHeight && r.left < innerWidth && s.visibility !== 'hidden'
            && s.opacity !== '0'; })
    .map(e => e.outerHTML.slice(0, 80))"""
# The stage's box on screen, and any text of a text scene that leaves it or is cut.
STAGE_BOX = """sel => { const st = document.querySelector(sel); if (!st) return null;
    const r = st.getBoundingClientRect();
    const out = [...st.querySelectorAll('p, h1, [data-testid=stMetricValue] div')]
        .filter(e => e.textContent.trim()).filter(e => { const b = e.getBoundingClientRect();
            return b.left < r.left - 1 || b.right > r.right + 1 || b.bottom > r.bottom + 1
                || e.scrollWidth > e.clientWidth + 1; })
        .map(e => e.textContent.slice(0, 40));
    return {x: r.left, y: r.top, w: r.width, h: r.height, out}; }"""


# A chart scene's SVG, laid out in a hidden box at its own size: every text of it, its title's
# left edge, and the height of the map's districts where it has a map.
SCENE_SVG = """() => { const img = document.querySelector('[class*=st-key-present_stage] img');
    if (!img) return null;
    const bytes = Uint8Array.from(atob(img.src.split(',')[1]), c => c.charCodeAt(0));
    const holder = document.createElement('div');
    holder.style.cssText = 'position:absolute;left:0;top:0;visibility:hidden';
    holder.innerHTML = new TextDecoder().decode(bytes);
    document.body.appendChild(holder);
    const box = holder.getBoundingClientRect();
    const title = holder.querySelector('.gtitle');
    const districts = [...holder.querySelectorAll('.choroplethlocation')]
        .map(e => e.getBoundingClientRect());
    const found = {
        text: [...holder.querySelectorAll('text')].map(e => e.textContent).join(' '),
        title_left: title ? title.getBoundingClientRect().left - box.left : null,
        map_height: districts.length ? Math.max(...districts.map(r => r.bottom))
            - Math.min(...districts.map(r => r.top)) : 0,
        image_left: img.getBoundingClientRect().left,
    };
    holder.remove();
    return found; }"""
SNAPSHOT_NAMED = re.compile(r"(?:快照|snapshot)\s*(\d{4}-\d{2}-\d{2})")


@pytest.fixture
def projector(browser):
    context = browser.new_context(viewport=PROJECTOR, locale="zh-CN")
    yield context
    context.close()


def total_scenes() -> int:
    return len(presentation.scenes(load_snapshot(DEFAULT_SNAPSHOT)))


def counter(page) -> str:
    return page.locator(".st-key-present_counter").inner_text().strip()


def settle(page, timeout: float = 30_000) -> None:
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout
    )
    page.wait_for_timeout(600)


def wait_for_scene(page, number: int, timeout: float = 30_000) -> None:
    page.wait_for_function(
        "n => { const c = document.querySelector('.st-key-present_counter');"
        " return c && c.innerText.trim().startsWith(n + ' /'); }",
        arg=number,
        timeout=timeout,
    )
    settle(page, timeout)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[class*=st-key-present_stage] img')]"
        ".every(i => i.complete)",
        timeout=timeout,
    )


def open_show(page, url: str, confirm_sample: bool = False) -> None:
    page.goto(url)
    page.wait_for_selector(".st-key-present_start button", timeout=60_000)
    settle(page)
    if confirm_sample:
        page.locator(".st-key-present_sample_ok label").click()
        settle(page)
    page.locator(".st-key-present_start button").click()
    wait_for_scene(page, int(parse_qs(urlparse(url).query).get("scene", ["1"])[0]))


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_keys_move_between_scenes_and_the_screen_shows_nothing_but_the_scene(
    projector, app_url, theme
):
    page = projector.new_page()
    open_show(page, f"{app_url}/?present=1&theme={theme}")
    total = total_scenes()
    assert counter(page) == f"1 / {total}"
    for selector in ("header[data-testid='stHeader']", "section[data-testid='stSidebar']",
                     "[data-testid='stToolbar']"):  # fmt: skip
        assert not page.locator(selector).is_visible()
    background = page.evaluate("getComputedStyle(document.querySelector('.stApp')).backgroundColor")
    assert (background == "rgb(11, 18, 32)") == (theme == "dark"), background
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.title().startswith(f"1/{total}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    moves = ["ArrowRight", "PageDown", "Space", "ArrowDown"]
    for number in range(1, total + 1):
        if number > 1:
            page.keyboard.press(moves[number % len(moves)])
            wait_for_scene(page, number)
        assert page.evaluate(VISIBLE_CONTROLS) == [], number
        box = page.evaluate(STAGE_BOX, STAGE)
        assert box and box["out"] == [], (number, box)
        assert (round(box["w"]), round(box["h"])) == (1280, 720), (number, box)
        image = page.locator("[class*=st-key-present_stage] img")
        if image.count():
            assert len(image.get_attribute("alt") or "") > 20, number
        page.screenshot(path=str(SCREENSHOTS / f"present_{theme}_scene{number}.png"))
    assert parse_qs(urlparse(page.url).query)["scene"] == [str(total)]
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(1500)
    assert counter(page) == f"{total} / {total}", "the last scene stays"
    page.keyboard.press("PageUp")
    wait_for_scene(page, total - 1)
    page.keyboard.press("Home")
    wait_for_scene(page, 1)
    page.keyboard.press("End")
    wait_for_scene(page, total)
    page.keyboard.press("b")
    page.wait_for_selector(".st-key-present_stage_black", timeout=20_000)
    assert page.locator(".st-key-present_stage_chart, .st-key-present_stage_text").count() == 0
    page.keyboard.press("b")
    page.wait_for_selector(STAGE, timeout=20_000)

    page.keyboard.press("Escape")
    page.wait_for_selector("section[data-testid='stSidebar']", timeout=30_000)
    assert page.locator(".st-key-present_counter").count() == 0
    assert "present" not in parse_qs(urlparse(page.url).query)


@pytest.mark.parametrize("screen", SCREENS)
def test_scenes_fill_a_16_9_screen_and_type_grows_with_it(browser, app_url, screen):
    width, height = SCREENS[screen]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = context.new_page()
    open_show(page, f"{app_url}/?present=1&lang=en&scene=4")
    box = page.evaluate(STAGE_BOX, STAGE)
    assert abs(box["w"] - width) <= 2 and abs(box["h"] - height) <= 2, box
    page.keyboard.press("Home")
    wait_for_scene(page, 1)
    box = page.evaluate(STAGE_BOX, STAGE)
    assert box["out"] == [], box
    title_px = page.evaluate(
        "() => document.querySelector('[class*=st-key-present_stage] h1').getBoundingClientRect()"
        ".height"
    )
    assert title_px >= 44 * 1.1 * width / 1280, title_px
    assert page.evaluate("document.documentElement.lang") == "en"
    page.screenshot(path=str(SCREENSHOTS / f"present_{screen}_scene1.png"))
    context.close()


def test_sample_show_asks_first_then_carries_a_watermark_on_every_scene(projector, app_url):
    page = projector.new_page()
    page.goto(f"{app_url}/?present=1&snapshot=sample")
    page.wait_for_selector(".st-key-present_start button", timeout=60_000)
    settle(page)
    assert page.locator(".st-key-present_start button").is_disabled()
    open_show(page, f"{app_url}/?present=1&snapshot=sample", confirm_sample=True)
    total = int(counter(page).split("/")[1])
    for number in range(1, total + 1):
        if number > 1:
            page.keyboard.press("ArrowRight")
            wait_for_scene(page, number)
        mark = page.locator(".st-key-present_watermark")
        assert mark.is_visible(), number
        box = mark.bounding_box()
        assert box["width"] >= 1270 and box["height"] >= 710, box
        turned = page.evaluate(
            "() => getComputedStyle(document.querySelector('.st-key-present_watermark p'))"
            ".transform"
        )
        assert turned.startswith("matrix(") and turned != "matrix(1, 0, 0, 1, 0, 0)", turned
        page.screenshot(path=str(SCREENSHOTS / f"present_sample_scene{number}.png"))


def test_escape_returns_to_the_page_and_district_the_show_started_from(projector, app_url):
    page = projector.new_page()
    page.goto(f"{app_url}/workforce?district=110105")
    button = page.locator("section[data-testid='stSidebar'] .st-key-enter_present button")
    button.wait_for(timeout=60_000)
    page.wait_for_timeout(800)
    button.click()
    page.wait_for_selector(".st-key-present_start button", timeout=60_000)
    settle(page)
    page.locator(".st-key-present_start button").click()
    wait_for_scene(page, 1)
    page.keyboard.press("ArrowRight")
    wait_for_scene(page, 2)
    page.keyboard.press("Escape")
    page.wait_for_selector("section[data-testid='stSidebar']", timeout=30_000)
    assert urlparse(page.url).path.rstrip("/").endswith("workforce")
    assert parse_qs(urlparse(page.url).query).get("district") == ["110105"]


def test_presenter_window_follows_the_show_and_moves_it(projector, app_url):
    show = projector.new_page()
    show.goto(f"{app_url}/?present=1&scene=2")
    link = show.locator(".st-key-present_start button")
    link.wait_for(timeout=60_000)
    settle(show)
    href = show.locator("a", has_text=re.compile("演讲者窗口")).first.get_attribute("href")
    assert href and "notes=1" in href and "follow=" in href
    show.locator(".st-key-present_start button").click()
    wait_for_scene(show, 2)
    notes = projector.new_page()
    notes.goto(f"{app_url}/{href.lstrip('/')}")
    notes.wait_for_selector(".st-key-present_notes", timeout=60_000)
    assert counter(notes).startswith("2 / ")
    assert notes.locator(".present-clock").inner_text().count(":") == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    notes.screenshot(path=str(SCREENSHOTS / "present_notes_window.png"))
    show.bring_to_front()
    show.keyboard.press("ArrowRight")
    wait_for_scene(show, 3)
    notes.wait_for_function(
        "() => document.querySelector('.st-key-present_counter').innerText.startsWith('3 / ')",
        timeout=20_000,
    )
    notes.bring_to_front()
    notes.locator(".st-key-notes_jump_6 button").click()
    show.bring_to_front()
    wait_for_scene(show, 6)


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


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_scene_names_the_snapshot_shown_and_chart_titles_line_up_with_text_titles(
    projector, app_url, lang
):
    """A show of the 2019-01-09 snapshot names that snapshot in every scene's source line (never
    the default one); chart titles start where text scenes' titles do; the map fills its stage."""
    page = projector.new_page()
    open_show(page, f"{app_url}/?present=1&lang={lang}&snapshot=2019-01-09")
    total = int(counter(page).split("/")[1])
    keys = [s.key for s in presentation.scenes(load_snapshot("2019-01-09"))]
    map_number = keys.index("pay-rules-map") + 1
    text_title_left = page.evaluate(
        "() => document.querySelector('.st-key-present_stage_text h1').getBoundingClientRect().left"
    )
    for number in range(1, total + 1):
        if number > 1:
            page.keyboard.press("ArrowRight")
            wait_for_scene(page, number)
        chart = page.evaluate(SCENE_SVG)
        if chart is None:
            text = page.locator(".st-key-present_source").inner_text()
        else:
            text = chart["text"]
            left = chart["image_left"] + chart["title_left"]
            assert abs(left - text_title_left) <= 4, (number, left, text_title_left)
            if number == map_number:
                assert chart["map_height"] >= 0.6 * PROJECTOR["height"], (number, chart)
        assert SNAPSHOT_NAMED.findall(text) == ["2019-01-09"], (number, text[-200:])


def test_long_headline_values_stay_on_one_line(projector, app_url):
    page = projector.new_page()
    keys = [s.key for s in presentation.scenes(load_snapshot("2019-01-09"))]
    number = keys.index("volunteers") + 1
    open_show(page, f"{app_url}/?present=1&lang=en&snapshot=2019-01-09&scene={number}")
    heights = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=stMetricValue]')].map(e => {"
        " const s = getComputedStyle(e); return [e.innerText, e.getBoundingClientRect().height,"
        " parseFloat(s.fontSize)]; })"
    )
    assert len(heights) == 3
    for value, height, font_px in heights:
        assert height < 1.6 * font_px, (value, height, font_px)

"""The briefing views in a real headless Chromium: charts render, a map click drills down, deep
links open their view, and the browser talks to no host but the app's own."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e.conftest import SCREENSHOTS, VIEWPORTS, wait_for_app, wait_for_charts_laid_out

PAGES = {
    "overview": ("总览", 2),
    "ten_firsts": ("十个一", 1),
    "forty_years": ("四十年的故事", 1),
    "trends": ("数字走势", 1),
    "workforce": ("社区工作者", 4),
    "volunteers": ("志愿服务", 1),
    "deliberation": ("议事协商", 1),
    "grid_services": ("网格与服务", 2),
    "data_sources": ("数据与来源", 0),
}


def open_view(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.wait_for_timeout(800)


def charts_drawn(page) -> int:
    return page.locator(".js-plotly-plot .main-svg").count()


# The screen centre of a district's outline on an SVG map (one path per district and trace).
DISTRICT_CENTRE_JS = """(gd, code) => {
    for (const path of gd.querySelectorAll('.choroplethlocation')) {
        if (!path.__data__ || path.__data__.loc !== code) continue;
        const box = path.getBoundingClientRect();
        return {x: box.left + box.width / 2, y: box.top + box.height / 2};
    }
    return null;
}"""


def click_district(page, plot, code: str) -> None:
    """Click a district where a user would: inside its outline, after hovering long enough for
    the hover label (which Plotly's click handler reads) to appear."""
    point = plot.evaluate(DISTRICT_CENTRE_JS, code)
    assert point, f"no outline of {code} on the map"
    hovered = "gd => Boolean(gd._hoverdata && gd._hoverdata.length)"
    for nudge in range(5):
        page.mouse.move(point["x"] + nudge, point["y"] + nudge, steps=3)
        try:
            page.wait_for_function(hovered, arg=plot.element_handle(), timeout=3_000)
            break
        except PlaywrightTimeout:
            continue
    assert plot.evaluate(hovered), "no hover label on the map where the district should be"
    page.mouse.down()
    page.mouse.up()


@pytest.mark.parametrize("name", list(PAGES))
def test_every_view_renders_its_charts_without_error(page, app_url, name):
    """Each view shows its heading and at least its minimum number of charts, and no error box."""
    heading, minimum_charts = PAGES[name]
    open_view(page, f"{app_url}/{name}")
    assert page.locator("h1", has_text=heading).count() == 1
    if minimum_charts:
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    assert charts_drawn(page) >= minimum_charts
    assert page.locator("[data-testid='stException']").count() == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"e2e_{name}_desktop.png"))


# How the page is drawn at each moment of a new visitor's first load, sampled on every frame:
# charts present, charts drawn, the sidebar's controls, and whether the page says it is whole.
PAINT_LOG_JS = """() => {
    window.__paints = [];
    const look = () => {
        window.__paints.push({
            charts: document.querySelectorAll('.js-plotly-plot').length,
            drawn: [...document.querySelectorAll('.js-plotly-plot')]
                .filter(gd => gd.querySelector('.main-svg')).length,
            controls: document.querySelectorAll('[data-testid=stSidebar] [data-testid=stRadio]').length,
            view: document.documentElement.dataset.view || null,
        });
        requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
}"""


@pytest.mark.parametrize("probe", ["reports", "blocked"])
def test_a_new_visitor_sees_the_first_chart_alone_then_the_whole_page(browser, app_url, probe):
    """The first paint draws one chart and no sidebar controls; the full view follows, from the
    width report or, with the probe's frame blocked, from the fallback timer."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    refused: list[str] = []
    if probe == "blocked":
        page.route(
            "**/*.page_width/**", lambda route: refused.append(route.request.url) or route.abort()
        )
    page.add_init_script(f"({PAINT_LOG_JS})()")
    try:
        open_view(page, f"{app_url}/workforce")
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot').length >= 5")
        paints = page.evaluate("window.__paints")
    finally:
        context.close()
    assert bool(refused) == (probe == "blocked")  # the probe's frame was really kept out
    first = next(p for p in paints if p["drawn"])
    assert first == {"charts": 1, "drawn": 1, "controls": 0, "view": "first"}
    assert paints[-1]["view"] == "full" and paints[-1]["controls"] == 1
    assert paints[-1]["charts"] >= 5


def test_click_on_district_map_drills_down(page, app_url):
    """Clicking Fangshan on the pay-rules map selects it: breadcrumb and back button appear."""
    open_view(page, f"{app_url}/workforce")
    wait_for_charts_laid_out(page)
    plot = page.locator(".js-plotly-plot").filter(has=page.locator(".choroplethlayer")).first
    plot.scroll_into_view_if_needed()
    # An SVG map (no WebGL canvas): one outline per district.
    assert plot.locator(".choroplethlocation").count() >= 16
    assert plot.locator("canvas").count() == 0
    click_district(page, plot, "110111")  # Fangshan
    page.wait_for_selector("text=北京市 › 房山区", timeout=30_000)
    assert page.get_by_role("button", name="返回全市").count() == 1
    page.get_by_role("button", name="返回全市").click()
    page.wait_for_selector("text=北京市 › 房山区", state="detached", timeout=30_000)


@pytest.mark.parametrize("address", ["", "/overview", "/overview?lang=en"])
def test_overview_opens_at_root_and_at_its_own_name(page, app_url, address):
    """The default page answers at "/" and at "/overview", with no "Page not found" dialog."""
    open_view(page, f"{app_url}{address}")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    heading = "Overview" if "lang=en" in address else "总览"
    assert page.locator("h1", has_text=heading).count() == 1
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("[role='dialog']").count() == 0


def test_deep_link_opens_district_and_language(page, app_url):
    """A copied link with district and lang opens that district's view in English."""
    open_view(page, f"{app_url}/deliberation?district=110105&lang=en")
    assert page.locator("h1", has_text="Deliberation").count() == 1
    page.wait_for_selector("text=Beijing › Chaoyang", timeout=30_000)
    assert "district=110105" in page.url and "lang=en" in page.url


def test_hostile_link_is_ignored_with_notice(page, app_url):
    """A traversal snapshot id and a script tag as district are refused, with a visible notice."""
    open_view(
        page,
        f"{app_url}/overview?snapshot=../../etc/passwd&district=%3Cscript%3Ealert(1)%3C/script%3E",
    )
    assert page.locator("h1", has_text="总览").count() == 1
    notices = page.locator("[data-testid='stAlert']").all_inner_texts()
    assert any("snapshot" in n for n in notices) and any("district" in n for n in notices)


def test_browser_requests_only_the_app_host(browser, app_url):
    """Across every view, sizes and languages, no request leaves for another host (intranet use)."""
    hosts: set[str] = set()
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.on("request", lambda request: hosts.add(urlparse(request.url).netloc))
    for name in PAGES:
        open_view(page, f"{app_url}/{name}?lang=en")
    context.close()
    own = urlparse(app_url).netloc
    assert hosts - {own, ""} == set(), f"requests to other hosts: {hosts - {own}}"


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_screenshots_at_three_sizes(browser, app_url, size):
    """Every view at desktop, projector and phone size renders with a heading, for review."""
    width, height = VIEWPORTS[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, (heading, _) in PAGES.items():
        open_view(page, f"{app_url}/{name}")
        assert page.locator("h1", has_text=heading).count() == 1
        page.screenshot(path=str(SCREENSHOTS / f"{name}_{size}.png"))
    context.close()

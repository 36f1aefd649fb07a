"""Every chart laid out by plotly.js in Chromium (the engine that draws the exported images) at the
sizes whose width is known: exports at 1920 px (16:9 and 4:3) and the projector's 1280 px; and
the ten firsts on screen at three page widths. Titles,
subtitle, legend and the source line must stay inside the image and clear of each other, in both
languages, on the sample snapshot (the longest source line: its mark comes first) drilled to a
district and at city level."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from plotly.io.json import to_json_plotly

from dashboard import catalog, export, presentation
from dashboard.charts.districts import OFFLINE_TOPOJSON_URL
from dashboard.render import PLOTLY_JS
from dashboard.snapshot import load_snapshot
from tests.e2e.conftest import SETTLED_JS, STEPS

pytestmark = pytest.mark.e2e

# Boxes of the parts that must not collide, in page pixels (the plot's div sits at 0,0).
BOXES_JS = """async ([figure, width, height, topojsonURL]) => {
    const gd = document.getElementById('plot');
    await Plotly.newPlot(gd, figure.data, {...figure.layout, width, height},
                         {staticPlot: true, topojsonURL});
    const box = el => {
        if (!el) return null;
        const r = el.getBoundingClientRect();
        return r.width && r.height ? {l: r.left, r: r.right, t: r.top, b: r.bottom} : null;
    };
    const union = els => {
        const boxes = [...els].map(box).filter(Boolean);
        if (!boxes.length) return null;
        return {l: Math.min(...boxes.map(b => b.l)), r: Math.max(...boxes.map(b => b.r)),
                t: Math.min(...boxes.map(b => b.t)), b: Math.max(...boxes.map(b => b.b))};
    };
    const names = (figure.layout.annotations || []).map(a => a.name);
    const footer = gd.querySelector(`.annotation[data-index="${names.indexOf('footer')}"] text`);
    return {
        title: box(gd.querySelector('.gtitle')),
        subtitle: box(gd.querySelector('.gtitle-subtitle')),
        legend: box(gd.querySelector('.legend .scrollbox')) ,
        footer: box(footer),
        xticks: union(gd.querySelectorAll('.xtick text')),
    };
}"""


def _overlap(a: dict | None, b: dict | None) -> bool:
    if not a or not b:
        return False
    return a["l"] < b["r"] and b["l"] < a["r"] and a["t"] < b["b"] and b["t"] < a["b"]


def _inside(a: dict | None, width: int, height: int) -> bool:
    return a is None or (
        a["l"] >= -1 and a["t"] >= -1 and a["r"] <= width + 1 and a["b"] <= height + 1
    )


def _is_map(fig) -> bool:
    # A map's frame is the same code as every other chart's, and it has no legend or ticks; it is
    # left out because a software-rendered WebGL map takes seconds to draw.
    return any(trace.type.endswith("map") for trace in fig.data)


def _cases():
    sample = load_snapshot("sample")
    for lang in ("zh", "en"):
        for district in ("110000", "110111"):
            view = catalog.View(lang=lang, district=district)
            for spec in catalog.CHARTS:
                for aspect, (width, height) in export.ASPECTS.items():
                    fig = export.export_figure(sample, view, spec.id, aspect)
                    if not _is_map(fig):
                        yield f"export {aspect} {lang} {district} {spec.id}", fig, width, height
            # On screen the width follows the page: the ten firsts, the one chart laid out for
            # it, at a projector's, a laptop's and a desktop's main column.
            fig = catalog.ten_firsts(sample, view).figure
            for width in (820, 1150, 1500):
                yield f"screen {width} {lang} {district} ten-firsts", fig, width, fig.layout.height
            present = catalog.View(lang=lang, district=district, medium="present", theme="dark")
            for scene in presentation.scenes(sample):
                if scene.kind == "chart":
                    fig = scene.build(sample, present).figure
                    if not _is_map(fig):
                        yield (
                            f"present {lang} {district} {scene.chart}",
                            fig,
                            1280,
                            presentation.SCENE_HEIGHT,
                        )


def test_titles_legend_and_source_line_stay_inside_and_apart(browser):
    page = browser.new_page()
    page.set_content("<html><body style='margin:0'><div id='plot'></div></body></html>")
    page.add_script_tag(path=str(PLOTLY_JS))
    problems = []
    checked = 0
    for name, fig, width, height in _cases():
        figure = json.loads(to_json_plotly(fig))
        boxes = page.evaluate(BOXES_JS, [figure, width, height, OFFLINE_TOPOJSON_URL])
        checked += 1
        assert boxes["title"] and boxes["footer"], (name, boxes)
        for part in ("title", "subtitle", "legend", "footer"):
            if not _inside(boxes[part], width, height):
                problems.append(f"{name}: {part} runs outside the image {boxes[part]}")
        for a, b in (("legend", "subtitle"), ("legend", "title"), ("footer", "xticks"),
                     ("footer", "legend")):  # fmt: skip
            if _overlap(boxes[a], boxes[b]):
                problems.append(f"{name}: {a} overlaps {b}")
    page.close()
    assert checked > 100
    assert not problems, "\n".join(problems)


# --- on screen, in the app, at the widths people use -----------------------------------------------

SCREEN_WIDTHS = (390, 1280, 1920, 3840)
# Every view that draws charts.
SCREEN_PAGES = (
    "overview", "ten_firsts", "forty_years", "trends", "workforce", "volunteers",
    "deliberation", "grid_services", "communities",
)  # fmt: skip
# A drilled district (Chaoyang) is checked on a phone and on a desktop: its titles carry a line more.
DRILLED = "110111"
DRILLED_WIDTHS = (390, 1920)
# Which width each chart was laid out for, said when a page does not settle.
LAID_OUT_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd =>
    `${((gd.querySelector('.gtitle') || {}).textContent || '?').slice(0, 40)}: laid out for `
    + `${((gd.layout || {}).meta || {}).layout_width} px, drawn ${gd.clientWidth} px wide`)"""
# Every text of every chart on the page (titles, legend, axis and tick labels, value labels,
# notes and the source line, a map's district names): each inside its chart, none over another,
# none in type smaller than 9 px; and every plot area at least 60 px each way (a plot squeezed
# to a few pixels shows nothing).
FRAME_JS = """() => {
    const out = [];
    const box = e => { const r = e.getBoundingClientRect();
        return {l: r.left, r: r.right, t: r.top, b: r.bottom, w: r.width, h: r.height}; };
    const shown = e => { const b = box(e); return b.w > 0 && b.h > 0
        && getComputedStyle(e).visibility !== 'hidden' && getComputedStyle(e).display !== 'none'
        && !e.closest('[display=none]') && !(e.closest('text, g') || e).closest('[opacity="0"]'); };
    document.querySelectorAll('.js-plotly-plot').forEach((gd, i) => {
        const svg = gd.querySelector('.main-svg');
        if (!svg || !box(svg).w) return;
        const frame = box(svg);
        const name = ((gd.querySelector('.gtitle') || {}).textContent || '#' + i).slice(0, 40);
        const texts = [], seen = new Set();
        const add = (kind, el) => { if (el && !seen.has(el) && shown(el)) { seen.add(el);
            texts.push({kind, text: (el.textContent || '').slice(0, 24), b: box(el),
                        px: parseFloat(getComputedStyle(el.querySelector('text') || el).fontSize)});
        } };
        add('title', gd.querySelector('.gtitle'));
        add('subtitle', gd.querySelector('.gtitle-subtitle'));
        add('legend', gd.querySelector('.legend .scrollbox'));
        gd.querySelectorAll('.annotation .annotation-text-g').forEach(e => add('note', e));
        gd.querySelectorAll('.xtick text, .x2tick text, .x3tick text, .x4tick text')
            .forEach(e => add('xtick', e));
        gd.querySelectorAll('.ytick text, .y2tick text, .y3tick text, .y4tick text')
            .forEach(e => add('ytick', e));
        gd.querySelectorAll('.g-xtitle text, .g-ytitle text, [class*=g-x] > .xtitle, '
            + '[class*=g-y] > .ytitle').forEach(e => add('axis title', e));
        gd.querySelectorAll('.textpoint text, text.textpoint').forEach(e => add('label', e));
        // A map's district names (plain text in the map's layer).
        gd.querySelectorAll('.geo text').forEach(e => add('map label', e));
        for (const t of texts) {
            const b = t.b;
            if (t.px < MIN_TEXT_PX)
                out.push(`${name}: ${t.kind} "${t.text}" is ${t.px} px, too small to read`);
            if (b.l < frame.l - 1 || b.r > frame.r + 1 || b.t < frame.t - 1 || b.b > frame.b + 1)
                out.push(`${name}: ${t.kind} "${t.text}" leaves the chart`);
        }
        // Two pixels of slack: a text's box is a little taller than its letters.
        const apart = (a, b) => a.r <= b.l + 2 || b.r <= a.l + 2 || a.b <= b.t + 2 || b.b <= a.t + 2;
        for (let x = 0; x < texts.length; x++) for (let y = x + 1; y < texts.length; y++)
            if (!apart(texts[x].b, texts[y].b))
                out.push(`${name}: ${texts[x].kind} "${texts[x].text}" overlaps `
                    + `${texts[y].kind} "${texts[y].text}"`);
        gd.querySelectorAll('.nsewdrag').forEach(e => { const b = box(e);
            if (b.w < MIN_PLOT_PX || b.h < MIN_PLOT_PX)
                out.push(`${name}: plot area squeezed to ${Math.round(b.w)}x${Math.round(b.h)} px`);
        });
    });
    return out;
}""".replace("MIN_PLOT_PX", "60").replace("MIN_TEXT_PX", "9")


# Problems listed per chart before the rest are counted (one crowded axis gives dozens).
LISTED_PER_CHART = 8


def _first_per_chart(found: list[str]) -> list[str]:
    """The first problems of each chart, then how many more it has."""
    by_chart: dict[str, list[str]] = {}
    for problem in found:
        by_chart.setdefault(problem.split(": ", 1)[0], []).append(problem)
    listed = []
    for chart, items in by_chart.items():
        listed += items[:LISTED_PER_CHART]
        if len(items) > LISTED_PER_CHART:
            listed.append(f"{chart}: … and {len(items) - LISTED_PER_CHART} more")
    return listed


def _visits(width: int) -> list[tuple[str, str]]:
    """(page, query) for one width: every chart view in both languages, and at some widths the
    views drilled to a district."""
    places = ["", f"&district={DRILLED}"] if width in DRILLED_WIDTHS else [""]
    return [
        (name, f"lang={lang}{place}")
        for place in places
        for lang in ("zh", "en")
        for name in SCREEN_PAGES
    ]


@pytest.mark.parametrize("width", SCREEN_WIDTHS)
def test_charts_on_screen_keep_title_legend_and_source_inside_and_apart(browser, app_url, width):
    """At a phone's, a laptop's, a desktop's and a 4K screen's width, in both languages (and
    drilled to a district on a phone and a desktop), every text of every chart on every chart
    view stays inside its chart and clear of every other text, and no plot is squeezed."""
    from tests.e2e.conftest import wait_for_app

    context = browser.new_context(viewport={"width": width, "height": 1000})
    page = context.new_page()
    problems = []
    for name, query in _visits(width):
        where = f"{name}?{query} @{width}px"
        page.goto(f"{app_url}/{name}?{query}")
        wait_for_app(page, timeout=90_000)
        try:
            # The browser reports the charts' width and the page draws them again to fit it.
            page.wait_for_function(SETTLED_JS, arg=STEPS, timeout=45_000, polling=200)
        except PlaywrightTimeout:
            laid_out = page.evaluate(LAID_OUT_JS) or ["no chart drawn"]
            problems += [f"{where}: never settled: {x}" for x in laid_out]
            continue
        problems += [f"{where}: {p}" for p in _first_per_chart(page.evaluate(FRAME_JS))]
    context.close()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)

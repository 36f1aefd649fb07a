"""Twenty browser sessions at once against one server, for `--load-seconds` (20 s in `make test`,
120 s in `make load`): every session keeps clicking through the views and drilling down (the
sidebar's district, a district on a map, the breadcrumb's back button). No session may show an
error, the server log may hold no traceback, and the server's memory stays within a stated bound
once the sessions have gone.

One headless Chromium drives all sessions, each in its own context and on its own clock: when its
last action has settled it fires the next, so the server has up to twenty reruns queued at once.
Every wait has its own limit and the loop is bounded by time and by count; no latency is asserted
(the latencies belong to `benchmarks/run.py`). On two cores the run takes about two minutes more
than `--load-seconds`: warming up, opening twenty sessions, and letting memory settle.
"""

from __future__ import annotations

import time
from itertools import cycle
from pathlib import Path

import psutil
import pytest

from tests.e2e.conftest import (
    CHROMIUM,
    free_port,
    start_app,
    wait_until_up,
)

pytestmark = pytest.mark.load

SESSIONS = 20
# The views and their titles in the sidebar's navigation (Chinese, the default language).
VIEWS = {"overview": "总览", "workforce": "社区工作者", "volunteers": "志愿服务",
         "deliberation": "议事协商", "grid_services": "网格与服务", "trends": "四十年",
         "ten_firsts": "十个一", "data_sources": "数据与来源"}  # fmt: skip
DISTRICTS = ("朝阳区", "海淀区", "房山区", "东城区", "通州区")
DISTRICT_LABEL, BACK = "区域", "返回全市"
# The district clicked on a page's first map (Fangshan), as the e2e test does.
MAP_POINT = "110111"

# The budget for the server with twenty sessions: RSS of the Streamlit process, which holds
# the snapshots, the sessions and the chart cache. No image is exported here, so kaleido's
# Chromium never starts and the process is the whole server.
RSS_LIMIT_MIB = 1536
# After the sessions have closed and the server has dropped them, RSS may stay above its level
# before the load: CPython and the allocator keep freed memory, and the chart cache (at most about
# 100 MiB) has filled. Growth beyond this would be sessions or figures that are never released.
RSS_GROWTH_LIMIT_MIB = 400
# The server drops a closed session after this (production keeps Streamlit's default, 120 s), so
# the memory after the load can be read within the test.
SESSION_TTL_SECONDS = 5
SETTLE_SECONDS = 10
# Generous per-action limits for two busy cores (one Chromium draws all twenty sessions' charts
# on the same cores as the server); the loop also stops after this many passes.
OPEN_TIMEOUT_MS = 240_000
ACTION_TIMEOUT_MS = 120_000
MAX_PASSES = 100_000
# A click waits this long for its target; a busy browser that misses it skips that turn (counted,
# not failed: the assertions are about the server).
CLICK_TIMEOUT_MS = 15_000
VIEWPORT = {"width": 1280, "height": 800}
# A session looks at the result of an action at least this long before its next one.
DWELL_SECONDS = 1.0
# What each session does, in turn (each starts at a different place in the cycle).
STEPS = ("view", "district", "map", "view", "map")

IDLE_JS = """() => !!document.querySelector('h1')
    && !document.querySelector('[data-testid="stStatusWidget"]')
    && !document.querySelector('[data-stale="true"]')"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    port = free_port()
    log = tmp_path_factory.mktemp("load") / "server.log"
    process = start_app(
        port, log, env={"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(SESSION_TTL_SECONDS)}
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        yield url, process, log
    finally:
        process.terminate()
        try:
            process.wait(15)
        except Exception:
            process.kill()


def rss_mib(process) -> float:
    return psutil.Process(process.pid).memory_info().rss / 2**20


def wait_idle(page, timeout: float = ACTION_TIMEOUT_MS) -> None:
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    page.wait_for_function(IDLE_JS, timeout=timeout)


def errors_on(page) -> int:
    return page.get_by_test_id("stException").count()


def pick_district(page, name: str) -> str:
    box = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox")
    box.filter(has_text=DISTRICT_LABEL).click(timeout=CLICK_TIMEOUT_MS)
    page.get_by_role("option", name=name, exact=True).click(timeout=CLICK_TIMEOUT_MS)
    return "district"


# The screen centre of Fangshan's outline on the first SVG map drawn, or null.
MAP_POINT_JS = """(code) => {
    for (const path of document.querySelectorAll('.js-plotly-plot .choroplethlocation')) {
        if (!path.__data__ || path.__data__.loc !== code) continue;
        const box = path.getBoundingClientRect();
        return {x: box.left + box.width / 2, y: box.top + box.height / 2};
    }
    return null;
}"""


def drill(page) -> str:
    """Back to the city when drilled in; else a district on the page's first loaded map; else
    the sidebar. Returns what was done."""
    back = page.get_by_role("button", name=BACK)
    if back.count():
        back.first.click(timeout=CLICK_TIMEOUT_MS)
        return "back"
    maps = page.locator(".js-plotly-plot").filter(has=page.locator(".choroplethlayer"))
    if maps.count():
        maps.first.scroll_into_view_if_needed(timeout=CLICK_TIMEOUT_MS)
        point = page.evaluate(MAP_POINT_JS, MAP_POINT)
        if point:
            page.mouse.click(point["x"], point["y"])
            return "map"
    return pick_district(page, DISTRICTS[0])


def fire(page, step: str, view: str, district: str) -> str:
    if step == "view":  # through the sidebar, as a user would: the session stays the same
        link = page.get_by_test_id("stSidebarNavLink").filter(has_text=VIEWS[view])
        link.first.click(timeout=CLICK_TIMEOUT_MS)
        return "view"
    if step == "district":
        return pick_district(page, district)
    return drill(page)


def test_twenty_sessions_click_through_without_errors_or_leaks(server, browser, request) -> None:
    """Twenty sessions at once: no error element, no traceback, memory within the stated bound."""
    from playwright.sync_api import Error as PlaywrightError

    url, process, log = server
    seconds = request.config.getoption("--load-seconds")
    problems: list[str] = []  # errors and unanswered sessions: these fail the test
    skipped: list[str] = []  # a click the busy browser could not place in time: counted only
    done: dict[str, int] = {}
    actions = [0] * SESSIONS
    # The test session's one browser (tests/conftest.py): Playwright's sync API runs one
    # instance per thread, so the load run cannot start its own beside the browser tests'.
    if browser is not None:
        try:
            # One visit to every view first: imports, snapshot and caches are warm before the
            # memory baseline is read.
            context = browser.new_context(viewport=VIEWPORT)
            warm = context.new_page()
            for view in VIEWS:
                warm.goto(f"{url}/{view}", timeout=OPEN_TIMEOUT_MS)
                wait_idle(warm, OPEN_TIMEOUT_MS)
            context.close()
            time.sleep(SESSION_TTL_SECONDS + SETTLE_SECONDS)
            before = peak = rss_mib(process)

            pages = []
            for i in range(SESSIONS):  # all open at once, then each is waited for
                page = browser.new_context(viewport=VIEWPORT).new_page()
                page.goto(f"{url}/{list(VIEWS)[i % len(VIEWS)]}", wait_until="commit",
                          timeout=OPEN_TIMEOUT_MS)  # fmt: skip
                pages.append(page)
            for i, page in enumerate(pages):
                wait_idle(page, OPEN_TIMEOUT_MS)
                if errors_on(page):
                    problems.append(f"session {i}: error element on {page.url}")

            # Each session acts on its own clock: once its last action has settled and a user
            # would have looked at the result, it fires the next.
            plans = [
                cycle(STEPS[i % len(STEPS) :] + STEPS[: i % len(STEPS)]) for i in range(SESSIONS)
            ]
            views, districts = cycle(list(VIEWS)[1:] + list(VIEWS)[:1]), cycle(DISTRICTS)
            fired = [0.0] * SESSIONS
            started = time.monotonic()
            deadline = started + seconds
            passes = 0
            # Past the deadline, a session that has not acted yet (its only click fell on a busy
            # page) keeps its turns until it has, within one more action limit.
            while passes < MAX_PASSES and (
                time.monotonic() < deadline
                or (not all(actions) and time.monotonic() < deadline + ACTION_TIMEOUT_MS / 1000)
            ):
                passes += 1
                for i, page in enumerate(pages):
                    if actions[i] and time.monotonic() >= deadline:
                        continue
                    waited = time.monotonic() - fired[i]
                    if waited < DWELL_SECONDS:
                        continue
                    try:
                        idle = page.evaluate(IDLE_JS)
                    except PlaywrightError:  # between two documents
                        idle = False
                    if not idle and waited * 1000 < ACTION_TIMEOUT_MS:
                        continue
                    if not idle:
                        problems.append(f"session {i}: no answer within the limit on {page.url}")
                    elif errors_on(page):
                        problems.append(f"session {i}: error element on {page.url}")
                    step = next(plans[i])
                    try:
                        kind = fire(page, step, next(views), next(districts))
                        done[kind] = done.get(kind, 0) + 1
                        actions[i] += 1
                    except PlaywrightError as exc:
                        reason = " | ".join(str(exc).splitlines()[:8])
                        skipped.append(f"session {i}, {step}: {reason}")
                    fired[i] = time.monotonic()
                peak = max(peak, rss_mib(process))
                time.sleep(0.05)
            loaded = time.monotonic()
            for i, page in enumerate(pages):  # the last actions finish before the check
                try:
                    wait_idle(page)
                except PlaywrightError as exc:
                    problems.append(f"session {i}, last action: {str(exc).splitlines()[0]}")
                if errors_on(page):
                    problems.append(f"session {i}: error element on {page.url}")
            peak = max(peak, rss_mib(process))
            for page in pages:
                page.context.close()
        finally:
            for context in browser.contexts:
                context.close()

    time.sleep(SESSION_TTL_SECONDS + SETTLE_SECONDS)
    after = rss_mib(process)
    # Shown with -s: what the run did, for the record (not asserted).
    print(
        f"\nload: {SESSIONS} sessions, {sum(actions)} actions {done} in {loaded - started:.0f} s, "
        f"{len(skipped)} clicks skipped; server RSS before {before:.0f} MiB, peak {peak:.0f} MiB, "
        f"after {after:.0f} MiB"
    )
    text = log.read_text(encoding="utf-8", errors="replace")
    errors = [line for line in text.splitlines() if "Traceback" in line or "Uncaught" in line]

    assert not problems, f"{len(problems)} problems: {problems[:10]}"
    assert not errors, errors[:10]
    assert all(actions), f"sessions that never acted: {actions}; skipped: {skipped[:10]}"
    drilled = done.get("district", 0) + done.get("map", 0)
    assert drilled, f"no district was ever chosen: {done}; skipped: {skipped[:10]}"
    assert peak <= RSS_LIMIT_MIB, f"server RSS peaked at {peak:.0f} MiB with {SESSIONS} sessions"
    assert after <= RSS_LIMIT_MIB, f"server RSS {after:.0f} MiB after the sessions closed"
    assert after - before <= RSS_GROWTH_LIMIT_MIB, (
        f"server RSS grew from {before:.0f} to {after:.0f} MiB across the load"
    )

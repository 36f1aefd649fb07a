"""Browser tests: start the app on a free local port and drive Debian's Chromium with Playwright.

No browser is downloaded; `executable_path` points at the system Chromium.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip
SCREENSHOTS = REPO / "artifacts" / "screenshots"
VIEWPORTS = {"desktop": (1920, 1080), "projector": (1280, 720), "phone": (390, 844)}
# The steps the page reports its charts' width in (the browser side of ui.page_width_probe).
PROBE = REPO / "dashboard" / "page_width" / "index.html"
STEPS = json.loads(re.search(r"STEPS = (\[[^\]]*\])", PROBE.read_text()).group(1))
# A new visitor's page comes in two runs (dashboard.ui.FirstPaint): the first paint, then the full
# view once the page has said its width. The page's own script marks which one is drawn.
FULL_VIEW_JS = (
    "(!document.querySelector('.st-key-page_meta')"
    " || document.documentElement.dataset.view === 'full')"
)
# A page has settled once no run is going and every chart is laid out for the width step it is
# drawn at (frame() writes that width into the figure's layout.meta; a chart in columns side by
# side gets its share), so the check never judges the first run's default layout, and never waits
# longer than the rerun takes.
SETTLED_JS = (
    """(steps) => {
    if (document.querySelector('[data-testid=stStatusWidget]')) return false;
    if (!FULL_VIEW) return false;
    const plots = [...document.querySelectorAll('.js-plotly-plot')];
    if (!plots.length || plots.some(gd => !gd.querySelector('.main-svg'))) return false;
    const step = gd => {
        const w = (gd.closest('[data-testid="stElementContainer"]') || gd).clientWidth;
        return steps.filter(s => s <= w).pop() || steps[0];
    };
    return plots.every(gd => ((gd.layout || {}).meta || {}).layout_width === step(gd));
}"""
).replace("FULL_VIEW", FULL_VIEW_JS)


def wait_for_charts_laid_out(page, timeout: float = 45_000) -> None:
    """Until the rerun that follows the page's width report has drawn every chart: a click
    before it lands on a chart about to be replaced."""
    page.wait_for_function(SETTLED_JS, arg=STEPS, timeout=timeout, polling=200)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited early with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the app did not answer at {url} within {timeout} s")


def start_app(port: int, log_path: Path, env: dict | None = None) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "streamlit", "run", str(REPO / "streamlit_app.py"),
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
    ]  # fmt: skip
    log = log_path.open("wb")
    return subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, **(env or {})})  # fmt: skip


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The app on a free port for the whole session; yields its URL and its log file."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    port = free_port()
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    process = start_app(port, log_path)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        yield url, log_path
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
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


@pytest.fixture(scope="session")
def app_url(app_server: tuple[str, Path]) -> str:
    return app_server[0]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def wait_for_app(page, timeout: float = 45_000) -> None:
    """Until the script has finished running the full view and at least the title is on
    screen."""
    page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        f" && document.querySelector('h1') && {FULL_VIEW_JS}",
        timeout=timeout,
    )
    page.wait_for_timeout(400)
